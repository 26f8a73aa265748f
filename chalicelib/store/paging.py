"""List pages: `next_token` is DynamoDB's LastEvaluatedKey, base64url-encoded JSON. A token comes back
from the caller, so it is checked before DynamoDB sees it: a key of another shape, partition or range
is refused as invalid input (DynamoDB would refuse it with an error, or continue someone else's list)."""
import base64
import binascii
import json
from typing import Any

from ..domain.errors import ValidationError
from ..domain.lists import Page

__all__ = ["Page", "decode", "encode"]
TABLE_KEYS = ("pk", "sk")


def encode(last_evaluated_key: dict[str, Any] | None) -> str | None:
    if not last_evaluated_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_evaluated_key, separators=(",", ":")).encode()).decode()


def _owner(partition: str) -> str:
    """The organization a key belongs to: every org-scoped key starts with ORG#{id}."""
    return "#".join(partition.split("#", 2)[:2])


def decode(token: str | None, hash_key: tuple[str, str], range_key: str, *, begins_with: str = "",
           between: tuple[str, str] | None = None) -> dict[str, Any] | None:
    """The start key, refused unless it continues the very query it came from: exactly the table's keys
    and the queried index's, all strings, the query's partition, the caller's organization, and a sort
    key inside the query's condition (`begins_with` a prefix, or `between` two bounds)."""
    if not token:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error):
        raise ValidationError("next_token", "is not a token this API returned") from None
    hash_name, hash_value = hash_key
    names = {*TABLE_KEYS, hash_name, range_key}
    if not isinstance(key, dict) or set(key) != names or not all(
            isinstance(v, dict) and list(v) == ["S"] and isinstance(v["S"], str) and v["S"] for v in key.values()):
        raise ValidationError("next_token", "is not a token this API returned")
    position = key[range_key]["S"]
    table_partition = key["pk"]["S"]
    if (key[hash_name]["S"] != hash_value
            or _owner(table_partition) != _owner(hash_value)
            or not position.startswith(begins_with)
            or (between is not None and not between[0] <= position <= between[1])):
        raise ValidationError("next_token", "does not belong to this list")
    return key
