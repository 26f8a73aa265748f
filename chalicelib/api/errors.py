"""Every error leaves as {"error": {"code", "message"}} with the status api.md gives it."""
import json

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


def parse_json(raw: bytes | None) -> dict:
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("body", "is not valid JSON") from None
