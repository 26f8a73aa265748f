"""List pages: `next_token` is DynamoDB's LastEvaluatedKey, base64url-encoded JSON."""
import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..domain.errors import ValidationError

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_token: str | None


def encode(last_evaluated_key: dict[str, Any] | None) -> str | None:
    if not last_evaluated_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_evaluated_key, separators=(",", ":")).encode()).decode()


def decode(token: str | None, expected_hash_keys: dict[str, str]) -> dict[str, Any] | None:
    """The start key, refused unless it continues the very query it came from."""
    if not token:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error):
        raise ValidationError("next_token", "is not a token this API returned") from None
    if not isinstance(key, dict) or any(key.get(name) != {"S": value} for name, value in expected_hash_keys.items()):
        raise ValidationError("next_token", "does not belong to this list")
    return key
