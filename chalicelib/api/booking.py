"""The public booking page `/book/{org_slug}` (docs/api.md § Customer pages): no auth, the same page rules as the
customer's pages (no-store, strict CSP, forms that work without JavaScript, post/redirect/get)."""
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from .. import bootstrap
from ..domain import timefmt
from ..domain.errors import DomainError, NotFound, ValidationError
from .page_responses import CODES as PAGE_CODES
from .page_responses import HEADERS, POSTED, html_answer, json_answer, posted, wants_json
from .routing import OPERATIONS, Operation

if TYPE_CHECKING:
    from ..services import booking as service

bp = Blueprint(__name__)
CODES = {**PAGE_CODES, "refused": 400, "too_many_requests": 429}


@dataclass
class Look:
    """What base.html shows of the organization."""
    company: str
    company_phone: str
    brand_color: str | None
    logo_url: str | None


def client_address() -> str:
    """Where the request came from, as API Gateway saw it (a header could be forged)."""
    context = bp.current_request.context or {}
    return str((context.get("identity") or {}).get("sourceIp") or "unknown")


def _frames(bp_page: "service.BookingPage") -> list[dict]:
    tz = bp_page.org.time_zone
    return [{"start": f.start.strftime("%Y-%m-%dT%H:%M:%SZ"), "end": f.end.strftime("%Y-%m-%dT%H:%M:%SZ"),
             "text": timefmt.window(f.start, f.end, tz)} for f in bp_page.frames]


def _error(e: DomainError) -> Response:
    return json_answer({"error": {"code": e.code, "message": e.message}}, CODES.get(e.code, 400))


def _not_found(e: DomainError) -> Response:
    if wants_json(bp.current_request):
        return _error(e)
    return html_answer("problem.html", 404, root="../", page=None, heading="This booking page does not exist",
                       phone=None, text="Please check the address of the page.")


def _show(slug: str, status: int = 200, *, error: DomainError | None = None, values: dict | None = None,
          done: bool = False) -> Response:
    from ..services import booking as service
    try:
        found = service.page(bootstrap.repos(), slug)
    except NotFound as e:
        return _not_found(e)
    org = found.org
    look = Look(org.name, org.sms_number, org.brand_color, org.logo_url)
    if wants_json(bp.current_request):
        return _error(error) if error else json_answer({"company": org.name, "frames": _frames(found)}, status)
    if error is not None and error.code == "too_many_requests":
        return html_answer("problem.html", 429, root="../", page=look, heading="Too many requests", company=org.name,
                           phone=org.sms_number, text=error.message[0].upper() + error.message[1:] + ".")
    field = error.field if isinstance(error, ValidationError) else None
    message = error.message.removeprefix(f"{field}: ") if error and field else (error and error.message)
    message = message and message[0].upper() + message[1:]
    return html_answer("book.html", status, root="../", page=look, slug=slug, frames=_frames(found), error=message,
                       error_field=field, values=values or {}, done=done)


@bp.route("/book/{org_slug}", methods=["GET"])
def booking_page(org_slug: str):
    return _show(org_slug, done=(bp.current_request.query_params or {}).get("done") == "received")


@bp.route("/book/{org_slug}", methods=["POST"], content_types=POSTED)
def book(org_slug: str):
    from ..services import booking as service
    values: dict = {}
    try:
        values = posted(bp.current_request)
        job, _ = service.request(bootstrap.repos(), org_slug, values, client_address())
    except NotFound as e:
        return _not_found(e)
    except DomainError as e:
        kept = {k: v for k, v in values.items() if isinstance(v, str) and k not in ("nonce", "website")}
        return _show(org_slug, CODES.get(e.code, 400), error=e, values=kept)
    if wants_json(bp.current_request):
        window = job.offered_window
        return json_answer({"received": True, "status": job.status.value, "offered_window": window and {
            "start": window.start.strftime("%Y-%m-%dT%H:%M:%SZ"), "end": window.end.strftime("%Y-%m-%dT%H:%M:%SZ")}},
            201)
    return Response(body="", status_code=303, headers={**HEADERS, "Location": f"{org_slug}?done=received"})


OPERATIONS.append(Operation("GET", "/book/{org_slug}", "The organization's public booking page (HTML; JSON on "
                            "Accept: its frames)", (), None, None, None, 200, True, "booking_page"))
OPERATIONS.append(Operation("POST", "/book/{org_slug}", "Request service: a new_offer job; 429 over the limits", (),
                            "booking_schemas.BookingIn", None, "booking_schemas.BookingOut", 201, True, "book"))
