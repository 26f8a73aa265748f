"""The customer's pages under /c/{token} (docs/api.md § Customer pages): no auth header, the link's token is
the credential. HTML or JSON, under the public pages' rules (api/page_responses.py); what the page shows is
shaped in api/page_views.py; a reschedule link opens the time-frame picker (api/frames.py)."""
from chalice import Blueprint, Response

from .. import bootstrap, pages
from ..domain.errors import DomainError, LinkExpired, NotFound, ValidationError
from .frames import stf_page
from .page_responses import (
    CODES,
    HEADERS,
    JSON_POLICY,
    POSTED,
    document,
    error_answer,
    html_answer,
    json_answer,
    link_problem,
    posted,
    wants_json,
)
from .routing import OPERATIONS, Operation

bp = Blueprint(__name__)
DONE = {"replied": "Message sent. We answer here and by text.", "confirmed": "Thank you, your visit is confirmed.",
        "canceled": "Your visit is canceled.", "reschedule": "Thanks: we will contact you to find another time.",
        "rated": "Thank you for your rating!", "picked": "Done: your visit is booked for the time you picked. "
        "We are texting you the details.", "callback": "Thanks: we will call you back to find a time that suits you.",
        "access": "Thanks: your technician will see your notes before arriving.",
        "estimate": "Thank you: we have your answers and will be in touch.",
        "email": "Thanks: we have your email address."}


def _page(link, token: str, root: str, status: int = 200, *, error: DomainError | None = None,
          values: dict | None = None, done: str | None = None) -> Response:
    from ..domain.scenarios import LinkPurpose
    from ..services import customer_page as service
    from . import page_views
    try:
        view = page_views.view(service.visit(bootstrap.repos(), link), token)
    except NotFound as e:
        return link_problem(bp.current_request, e, root)
    extra: dict = {}
    if link.purpose is LinkPurpose.ESTIMATE:
        from ..services import estimates
        extra["estimates"] = [page_views.estimate(e) for e in estimates.for_link(bootstrap.repos(), link)]
    if wants_json(bp.current_request):
        return error_answer(error) if error else json_answer({**view.as_json(), **extra}, status)
    field = error.field if isinstance(error, ValidationError) else None
    message = error.message.removeprefix(f"{field}: ") if error and field else (error and error.message)
    message = message and message[0].upper() + message[1:]  # a sentence on the page
    template = {LinkPurpose.FEEDBACK: "feedback.html", LinkPurpose.ESTIMATE: "estimate.html"}.get(link.purpose,
                                                                                                 "status.html")
    return html_answer(template, status, root=root, token=token, page=view, error=message,
                       error_field=field, values=values or {}, done=done, **extra)


def _act(token: str, action: str, run, done: str, created: bool = False) -> Response:
    """Resolve the token for this action, run it, then: JSON, or a redirect to the page (post/redirect/get)
    so a reload never posts twice; on bad input, the page again with the message and what was typed."""
    from ..domain.customer_page import Action
    from ..services import customer_page as service
    action = Action(action)  # the route names it: the domain's enum is imported with the first post
    root = "../../"
    try:
        link = service.for_action(bootstrap.repos(), token, action)
    except (NotFound, LinkExpired) as e:
        return link_problem(bp.current_request, e, root)
    values: dict = {}
    try:
        values = posted(bp.current_request)
        outcome = run(link, values)
    except (NotFound, LinkExpired) as e:
        return link_problem(bp.current_request, e, root)
    except DomainError as e:
        kept = {k: v for k, v in values.items() if isinstance(v, str)}
        return _page(link, token, root, CODES.get(e.code, 400), error=e, values=kept)
    if wants_json(bp.current_request):
        if action == Action.FEEDBACK:
            return json_answer({"rating": outcome.rating, "comment": outcome.comment,
                               "created_at": outcome.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")}, 201)
        if action == Action.ESTIMATE:
            from .page_views import estimate
            return json_answer(estimate(outcome))
        return _page(link, token, root, 201 if created else 200)
    return Response(body="", status_code=303, headers={**HEADERS, "Location": f"../{token}?done={done}"})


def _booked() -> tuple:
    """The links of a visit: status.json, the calendar file."""
    from ..domain.scenarios import LinkPurpose
    return LinkPurpose.STATUS, LinkPurpose.RESCHEDULE


# -- routes -----------------------------------------------------------------------------------------

@bp.route("/c/{token}", methods=["GET"])
def customer_page(token: str):
    from ..domain.scenarios import LinkPurpose
    from ..services import customer_page as service
    root = "../"
    try:
        link = service.open_link(bootstrap.repos(), token)
    except (NotFound, LinkExpired) as e:
        return link_problem(bp.current_request, e, root)
    done = DONE.get((bp.current_request.query_params or {}).get("done", ""))
    if link.purpose is LinkPurpose.RESCHEDULE:
        return stf_page(link, token, done)
    return _page(link, token, root, done=done)


@bp.route("/c/{token}/status.json", methods=["GET"])
def status_json(token: str):
    """What the page polls: read by key only."""
    from ..services import customer_page as service
    from . import page_views
    try:
        link = service.open_link(bootstrap.repos(), token, _booked())
        return json_answer(page_views.view(service.visit(bootstrap.repos(), link, people=False), token).as_json())
    except (NotFound, LinkExpired) as e:
        return error_answer(e)


@bp.route("/c/{token}/calendar.ics", methods=["GET"])
def calendar_file(token: str):
    """The visit for the customer's calendar (RFC 5545): the same UID each time, a higher SEQUENCE after each
    move, so a calendar that imports it again updates the event it holds."""
    from ..domain import calendar
    from ..services import customer_page as service
    try:
        link = service.open_link(bootstrap.repos(), token, _booked())
        events = service.calendar_events(bootstrap.repos(), link)
    except (NotFound, LinkExpired) as e:
        return link_problem(bp.current_request, e, "../../")
    return Response(body=calendar.document(events), status_code=200, headers={
        **HEADERS, "Content-Type": "text/calendar; charset=utf-8", "Content-Security-Policy": JSON_POLICY,
        "Content-Disposition": 'attachment; filename="visit.ics"'})


@bp.route("/c/{token}/reply", methods=["POST"], content_types=POSTED)
def reply(token: str):
    from ..domain.customer_page import nonce
    from ..services import customer_page as service
    return _act(token, "reply", lambda link, v: service.reply(bootstrap.repos(), link, v.get("body"), nonce(v.get("nonce")),
                                                              *_reply_to(v)), "replied", created=True)


def _reply_to(values: dict) -> tuple:
    """JSON names `recipients`; the page's form ticks `to.<contact_id>` boxes, or presses Reply all."""
    if "recipients" in values:
        return values["recipients"], False
    return [k.removeprefix("to.") for k, v in values.items() if k.startswith("to.") and v], values.get("send") == "all"


@bp.route("/c/{token}/email", methods=["POST"], content_types=POSTED)
def give_email(token: str):
    from ..services import customer_page as service
    return _act(token, "email", lambda link, v: service.give_email(bootstrap.repos(), link, v.get("email"),
                                                                    v.get("by_email")), "email")


@bp.route("/c/{token}/confirm", methods=["POST"], content_types=POSTED)
def confirm(token: str):
    from ..services import customer_page as service
    return _act(token, "confirm", lambda link, v: service.confirm(bootstrap.repos(), link), "confirmed")


@bp.route("/c/{token}/cancel", methods=["POST"], content_types=POSTED)
def cancel(token: str):
    from ..services import customer_page as service
    return _act(token, "cancel", lambda link, v: service.cancel(bootstrap.repos(), link, v.get("reason")),
                "canceled")


@bp.route("/c/{token}/reschedule", methods=["POST"], content_types=POSTED)
def reschedule(token: str):
    from ..services import customer_page as service
    return _act(token, "reschedule", lambda link, v: service.request_reschedule(bootstrap.repos(), link),
                "reschedule", created=True)


@bp.route("/c/{token}/feedback", methods=["POST"], content_types=POSTED)
def feedback(token: str):
    from ..services import customer_page as service
    return _act(token, "feedback",
                lambda link, v: service.leave_feedback(bootstrap.repos(), link, v.get("rating"), v.get("comment")),
                "rated", created=True)


@bp.route("/c/{token}/access-notes", methods=["PUT", "POST"], content_types=POSTED)
def access_notes(token: str):
    """PUT from a client; POST from the page's form (HTML forms cannot PUT)."""
    from ..services import customer_page as service
    return _act(token, "access_notes", lambda link, v: service.leave_access_notes(bootstrap.repos(), link, v),
                "access")


@bp.route("/c/{token}/estimate", methods=["POST"], content_types=POSTED)
def decide_estimate(token: str):
    """JSON `{decisions: {line_id: approved | declined}, comment?}`; the page's form posts `decision.<line_id>`."""
    from ..services import estimates
    return _act(token, "estimate", lambda link, v: estimates.decide(bootstrap.repos(), link, *_decisions(v)),
                "estimate")


def _decisions(values: dict) -> tuple:
    if "decisions" in values:  # JSON
        return values["decisions"], values.get("comment")
    chosen = {k.removeprefix("decision."): v for k, v in values.items() if k.startswith("decision.")}
    return chosen, values.get("comment")


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


document("GET", "/c/{token}", "The customer's page for the link's purpose (HTML; JSON on Accept)",
         response="pages_schemas.CustomerStatusOut")
document("GET", "/c/{token}/status.json", "What the status page polls", response="pages_schemas.CustomerStatusOut")
OPERATIONS.append(Operation("GET", "/c/{token}/calendar.ics", "The visit as a calendar file (text/calendar, RFC 5545): "
                            "a stable UID, SEQUENCE grows with each reschedule, STATUS:CANCELLED once canceled", (),
                            None, None, None, 200, True, "page_calendar_ics", "text/calendar"))
document("POST", "/c/{token}/reply", "Write to the company: an inbound message on the job",
         "pages_schemas.PageReplyIn", "pages_schemas.CustomerStatusOut", 201)
document("POST", "/c/{token}/email", "A customer's contact gives their email address, and may choose to get the "
         "job's texts by email (`by_email`); refused (409) on the customer's own link", "pages_schemas.PageEmailIn",
         "pages_schemas.CustomerStatusOut")
document("POST", "/c/{token}/confirm", "Confirm the visit (as replying C)", None, "pages_schemas.CustomerStatusOut")
document("POST", "/c/{token}/cancel", "Cancel the visit; 409 cancel_cutoff from 1 h before the window",
         "pages_schemas.PageCancelIn", "pages_schemas.CustomerStatusOut")
document("POST", "/c/{token}/reschedule", "Ask for another time (a retention queue entry)", None,
         "pages_schemas.CustomerStatusOut", 201)
document("PUT", "/c/{token}/access-notes", "Gate code, pets, parking and a note for the technician (each up to 200 "
         "characters; a field left out stays, an empty one is cleared), until the visit starts (then 409)",
         "pages_schemas.AccessNotesIn", "pages_schemas.CustomerStatusOut")
OPERATIONS.append(Operation("POST", "/c/{token}/access-notes", "The same from the page's form (HTML forms cannot PUT)",
                            (), "pages_schemas.AccessNotesIn", None, "pages_schemas.CustomerStatusOut", 200, True,
                            "page_access_notes_form"))
document("POST", "/c/{token}/estimate", "Approve or decline an estimate's lines (an estimate link); a line already "
         "decided → 409 already_decided, nothing changed", "estimates_schemas.EstimateDecisionIn",
         "pages_schemas.PageEstimateOut")
document("POST", "/c/{token}/feedback", "Rate the job 1-5 once; a second one → 409",
         "pages_schemas.PageFeedbackIn", "feedback_schemas.FeedbackOut", 201)
