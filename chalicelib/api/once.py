"""`Idempotency-Key` on the technician's POSTs (status, note, message): a repeat with the same key answers
what the first request answered and applies nothing twice, so the app's queue may resend after a lost answer.
Powertools idempotency, in the table (records under IDEMPOTENCY#api), keyed by the caller, the operation and
the key; the body is checked too (the same key with another body is refused). Imported on first use."""
import hashlib
import re
from collections.abc import Callable
from typing import Any

from .. import bootstrap
from ..domain.errors import Conflict, ValidationError

KEY = re.compile(r"[A-Za-z0-9_-]{8,100}")


def first_answer(request, context, caller, operation: str, work: Callable[[], Any]) -> Any:
    raw = request.headers.get("idempotency-key")
    if raw is None:
        return work()
    if not KEY.fullmatch(raw):
        raise ValidationError("Idempotency-Key", "must be 8 to 100 letters, digits, - or _ (a UUID)")
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )
    persistence, config = bootstrap.idempotency("api", key_path="key", validate="body")
    if context is not None:  # a request still in progress when the function times out may be retried
        config.register_lambda_context(context)
    body = hashlib.sha256(request.raw_body or b"").hexdigest()
    request_key = f"{caller.org_id}:{caller.id}:{operation}:{raw}"
    try:
        return idempotent_function(lambda payload: work(), data_keyword_argument="payload",
                                   persistence_store=persistence, config=config)(
            payload={"key": request_key, "body": body})
    except IdempotencyValidationError:
        raise ValidationError("Idempotency-Key", "was used before with another body") from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict("a request with this Idempotency-Key is still being applied: try again") from None
