"""The customer's pages under /c/{token} (docs/api.md § Customer pages): no auth header, the link's token is
the credential. HTML to a browser (forms work with JavaScript off), JSON to `Accept: application/json`;
form posts also take a JSON body. Every answer is no-store, no-referrer, noindex, under a strict CSP."""
from urllib.parse import parse_qs

from chalice import Blueprint, Response

from .. import bootstrap, pages
from ..domain.customer_page import POLL_SECONDS, Action, nonce
from ..domain.errors import DomainError, LinkExpired, NotFound, ValidationError
from ..domain.scenarios import LinkPurpose
from ..services import customer_page as service
from . import schemas as s
from .errors import STATUS, parse_json
from .routing import OPERATIONS, Operation

bp = Blueprint(__name__)
FORM = "application/x-www-form-urlencoded"
POSTED = ["application/json", FORM]
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex",
           "X-Content-Type-Options": "nosniff"}
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"
DONE = {"replied": "Message sent. We answer here and by text.", "confirmed": "Thank you, your visit is confirmed.",
        "canceled": "Your visit is canceled.", "reschedule": "Thanks: we will contact you to find another time.",
        "rated": "Thank you for your rating!", "picked": "Done: your visit is booked for the time you picked. "
        "We are texting you the details.", "callback": "Thanks: we will call you back to find a time that suits you."}
CODES = {**STATUS, "cancel_cutoff": 409}


def _document(method: str, path: str, summary: str, body=None, response=None, status: int = 200) -> None:
    OPERATIONS.append(Operation(method, path, summary, (), body, None, response, status, True,
                                "page_" + path.rsplit("/", 1)[-1].replace(".", "_").strip("{}")))


# -- responses --------------------------------------------------------------------------------------

def _wants_json() -> bool:
    request = bp.current_request
    return "application/json" in (request.headers.get("accept") or "") or \
        (request.method == "POST" and (request.headers.get("content-type") or "").startswith("application/json"))


def _json(body: dict, status: int = 200) -> Response:
    return Response(body=body, status_code=status,
                    headers={**HEADERS, "Content-Type": "application/json", "Content-Security-Policy": JSON_POLICY})


def _html(template: str, status: int, **values) -> Response:
    html, policy = pages.render(template, page_poll=POLL_SECONDS, **values)
    return Response(body=html, status_code=status, headers={
        **HEADERS, "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": policy})


def _error(e: DomainError) -> Response:
    return _json({"error": {"code": e.code, "message": e.message}}, CODES.get(e.code, 400))


def _link_problem(e: DomainError, root: str) -> Response:
    """404 for an unknown, tampered or other-purpose token; 410 with whom to call for an expired one."""
    if _wants_json():
        return _error(e)
    if isinstance(e, LinkExpired):
        company = phone = None
        try:
            org = service.company(bootstrap.repos(), e.org_id)
            company, phone = org.name, org.sms_number
        except NotFound:
            pass
        return _html("problem.html", 410, root=root, page=None, heading="This link has expired", company=company,
                     phone=phone, text="Links in our texts work for a limited time. For anything about your visit, "
                                       + (f"please call {company}." if company else "please call us."))
    return _html("problem.html", 404, root=root, page=None, heading="This link does not work", phone=None,
                 text="Please check that you opened the whole link from the text message.")


def _page(link, token: str, root: str, status: int = 200, *, error: DomainError | None = None,
          values: dict | None = None, done: str | None = None) -> Response:
    try:
        view = service.view(service.visit(bootstrap.repos(), link))
    except NotFound as e:
        return _link_problem(e, root)
    if _wants_json():
        return _error(error) if error else _json(view.as_json(), status)
    field = error.field if isinstance(error, ValidationError) else None
    message = error.message.removeprefix(f"{field}: ") if error and field else (error and error.message)
    message = message and message[0].upper() + message[1:]  # a sentence on the page
    template = "feedback.html" if link.purpose is LinkPurpose.FEEDBACK else "status.html"
    return _html(template, status, root=root, token=token, page=view, error=message, error_field=field,
                 values=values or {}, done=done)


def _posted() -> dict:
    request = bp.current_request
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


def _act(token: str, action: str, run, done: str, created: bool = False) -> Response:
    """Resolve the token for this action, run it, then: JSON, or a redirect to the page (post/redirect/get)
    so a reload never posts twice; on bad input, the page again with the message and what was typed."""
    root = "../../"
    try:
        link = service.for_action(bootstrap.repos(), token, action)
    except (NotFound, LinkExpired) as e:
        return _link_problem(e, root)
    values: dict = {}
    try:
        values = _posted()
        outcome = run(link, values)
    except (NotFound, LinkExpired) as e:
        return _link_problem(e, root)
    except DomainError as e:
        kept = {k: v for k, v in values.items() if isinstance(v, str)}
        return _page(link, token, root, CODES.get(e.code, 400), error=e, values=kept)
    if _wants_json():
        if action == Action.FEEDBACK:
            return _json({"rating": outcome.rating, "comment": outcome.comment,
                          "created_at": outcome.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")}, 201)
        return _page(link, token, root, 201 if created else 200)
    return Response(body="", status_code=303, headers={**HEADERS, "Location": f"../{token}?done={done}"})


# -- routes -----------------------------------------------------------------------------------------

@bp.route("/c/{token}", methods=["GET"])
def customer_page(token: str):
    root = "../"
    try:
        link = service.open_link(bootstrap.repos(), token)
    except (NotFound, LinkExpired) as e:
        return _link_problem(e, root)
    done = DONE.get((bp.current_request.query_params or {}).get("done", ""))
    if link.purpose is LinkPurpose.RESCHEDULE:
        from .frames import stf_page  # the time-frame picker (it builds on this module)
        return stf_page(link, token, done)
    return _page(link, token, root, done=done)


@bp.route("/c/{token}/status.json", methods=["GET"])
def status_json(token: str):
    """What the page polls: read by key only."""
    try:
        link = service.open_link(bootstrap.repos(), token, (LinkPurpose.STATUS, LinkPurpose.RESCHEDULE))
        return _json(service.view(service.visit(bootstrap.repos(), link)).as_json())
    except (NotFound, LinkExpired) as e:
        return _error(e)


@bp.route("/c/{token}/reply", methods=["POST"], content_types=POSTED)
def reply(token: str):
    return _act(token, Action.REPLY, lambda link, v: service.reply(bootstrap.repos(), link, v.get("body"), nonce(v.get("nonce"))),
                "replied", created=True)


@bp.route("/c/{token}/confirm", methods=["POST"], content_types=POSTED)
def confirm(token: str):
    return _act(token, Action.CONFIRM, lambda link, v: service.confirm(bootstrap.repos(), link), "confirmed")


@bp.route("/c/{token}/cancel", methods=["POST"], content_types=POSTED)
def cancel(token: str):
    return _act(token, Action.CANCEL, lambda link, v: service.cancel(bootstrap.repos(), link, v.get("reason")),
                "canceled")


@bp.route("/c/{token}/reschedule", methods=["POST"], content_types=POSTED)
def reschedule(token: str):
    return _act(token, Action.RESCHEDULE, lambda link, v: service.request_reschedule(bootstrap.repos(), link),
                "reschedule", created=True)


@bp.route("/c/{token}/feedback", methods=["POST"], content_types=POSTED)
def feedback(token: str):
    return _act(token, Action.FEEDBACK,
                lambda link, v: service.leave_feedback(bootstrap.repos(), link, v.get("rating"), v.get("comment")),
                "rated", created=True)


@bp.route("/assets/{name}", methods=["GET"])
def asset(name: str):
    """The page's stylesheet and script (not secret: cacheable)."""
    content = pages.asset(name)
    if content is None:
        return Response(body={"error": {"code": "not_found", "message": "asset not found"}}, status_code=404,
                        headers={"Content-Type": "application/json"})
    return Response(body=content.decode(), status_code=200, headers={
        "Content-Type": pages.ASSETS[name], "Cache-Control": "public, max-age=3600",
        "X-Content-Type-Options": "nosniff"})


_document("GET", "/c/{token}", "The customer's page for the link's purpose (HTML; JSON on Accept)",
          response=s.CustomerStatusOut)
_document("GET", "/c/{token}/status.json", "What the status page polls", response=s.CustomerStatusOut)
_document("POST", "/c/{token}/reply", "Write to the company: an inbound message on the job", s.PageReplyIn,
          s.CustomerStatusOut, 201)
_document("POST", "/c/{token}/confirm", "Confirm the visit (as replying C)", None, s.CustomerStatusOut)
_document("POST", "/c/{token}/cancel", "Cancel the visit; 409 cancel_cutoff from 1 h before the window",
          s.PageCancelIn, s.CustomerStatusOut)
_document("POST", "/c/{token}/reschedule", "Ask for another time (a retention queue entry)", None,
          s.CustomerStatusOut, 201)
_document("POST", "/c/{token}/feedback", "Rate the job 1-5 once; a second one → 409", s.PageFeedbackIn,
          s.FeedbackOut, 201)
