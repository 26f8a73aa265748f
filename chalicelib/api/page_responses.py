"""What the public pages share (the customer's pages, the time-frame picker, the booking page): their headers,
their JSON and HTML answers, the answer to a link that does not work, the posted form, and their entries in
the OpenAPI document. HTML to a browser (forms work with JavaScript off), JSON to `Accept: application/json`;
form posts also take a JSON body. Every answer is no-store, no-referrer, noindex, under a strict CSP."""
from urllib.parse import parse_qs

from chalice import Response

from .. import bootstrap, pages
from ..domain.errors import DomainError, LinkExpired, NotFound, ValidationError
from .errors import STATUS, parse_json
from .routing import OPERATIONS, Operation

FORM = "application/x-www-form-urlencoded"
POSTED = ["application/json", FORM]
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex",
           "X-Content-Type-Options": "nosniff"}
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"
CODES = {**STATUS, "cancel_cutoff": 409, "already_decided": 409}


def document(method: str, path: str, summary: str, body=None, response=None, status: int = 200) -> None:
    OPERATIONS.append(Operation(method, path, summary, (), body, None, response, status, True,
                                "page_" + path.rsplit("/", 1)[-1].replace(".", "_").strip("{}")))


def wants_json(request) -> bool:
    return "application/json" in (request.headers.get("accept") or "") or \
        (request.method in ("POST", "PUT") and (request.headers.get("content-type") or "").startswith("application/json"))


def json_answer(body: dict, status: int = 200) -> Response:
    return Response(body=body, status_code=status,
                    headers={**HEADERS, "Content-Type": "application/json", "Content-Security-Policy": JSON_POLICY})


def html_answer(template: str, status: int, **values) -> Response:
    from ..domain.customer_page import POLL_SECONDS
    html, policy = pages.render(template, page_poll=POLL_SECONDS, **values)
    return Response(body=html, status_code=status, headers={
        **HEADERS, "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": policy})


def error_answer(e: DomainError, codes: dict[str, int] = CODES) -> Response:
    return json_answer({"error": {"code": e.code, "message": e.message}}, codes.get(e.code, 400))


def link_problem(request, e: DomainError, root: str) -> Response:
    """404 for an unknown, tampered or other-purpose token; 410 with whom to call for an expired one."""
    from ..services import customer_page
    if wants_json(request):
        return error_answer(e)
    if isinstance(e, LinkExpired):
        company = phone = None
        try:
            org = customer_page.company(bootstrap.repos(), e.org_id)
            company, phone = org.name, org.sms_number
        except NotFound:
            pass
        return html_answer("problem.html", 410, root=root, page=None, heading="This link has expired",
                           company=company, phone=phone,
                           text="Links in our texts work for a limited time. For anything about your visit, "
                                + (f"please call {company}." if company else "please call us."))
    return html_answer("problem.html", 404, root=root, page=None, heading="This link does not work", phone=None,
                       text="Please check that you opened the whole link from the text message.")


def posted(request) -> dict:
    if (request.headers.get("content-type") or "").startswith(FORM):
        try:
            text = (request.raw_body or b"").decode()
        except UnicodeDecodeError:
            raise ValidationError("body", "is not valid text") from None
        return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
    data = parse_json(request.raw_body)
    if not isinstance(data, dict):
        raise ValidationError("body", "must be a JSON object")
    return data
