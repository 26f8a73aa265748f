"""Every error leaves as {"error": {"code", "message"}} with the status docs/api.md gives it."""
import json
import re

from chalice import Response

from ..domain.errors import DomainError, ValidationError

STATUS = {"validation_error": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404,
          "invalid_transition": 409, "version_conflict": 409, "conflict": 409, "gone": 410}
# Chalice's own refusals (bad media type, method, an unhandled error) in the same shape.
CHALICE_CODES = {400: "validation_error", 405: "method_not_allowed", 415: "unsupported_media_type",
                 500: "internal_error"}


def error(status: int, code: str, message: str) -> Response:
    return Response(body={"error": {"code": code, "message": message}}, status_code=status,
                    headers={"Content-Type": "application/json"})


def from_domain(e: DomainError) -> Response:
    return error(STATUS.get(e.code, 400), e.code, e.message)


def error_middleware(event, get_response):
    """Chalice answers some errors itself, as {"Code", "Message"}: give them the house shape."""
    response = get_response(event)
    body = response.body
    if response.status_code in CHALICE_CODES and isinstance(body, dict) and "Code" in body:
        message = body.get("Message", "") if response.status_code != 500 else "something went wrong on our side"
        return error(response.status_code, CHALICE_CODES[response.status_code], message)
    return response


MAX_BODY_BYTES = 256 * 1024  # nine 1,600-character templates, every character escaped, fit with room to spare
MAX_DEPTH = 16  # the deepest request is 3 levels; the C parser recurses once per level
# Quotes, escapes (a backslash and the character it escapes) and brackets: all a depth count must see.
_STRUCTURE = re.compile(rb'\\.|["\[\]{}]', re.DOTALL)


def _too_deep(raw: bytes) -> bool:
    """Whether arrays and objects nest deeper than MAX_DEPTH, in one pass and without parsing."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return False
    depth, in_string = 0, False
    for token in _STRUCTURE.finditer(raw):
        t = token.group()
        if t == b'"':
            in_string = not in_string
        elif in_string or len(t) == 2:
            continue
        elif t in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        else:
            depth -= 1
    return False


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes | None) -> dict:
    """The request's JSON, bounded in size and depth before it is parsed: a body that could exhaust
    the parser is refused as invalid input, never a 500."""
    if not raw:
        return {}
    if len(raw) > MAX_BODY_BYTES:
        raise ValidationError("body", f"is larger than {MAX_BODY_BYTES // 1024} KiB")
    if _too_deep(raw):
        raise ValidationError("body", f"nests deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(raw, parse_constant=_no_constant)  # NaN and Infinity are not JSON
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("body", "is not valid JSON") from None
