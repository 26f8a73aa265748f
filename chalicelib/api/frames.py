"""Select a time frame (docs/api.md § Customer pages: /frames, /pick, /none-work) and the dispatcher's side of it:
the frames a customer would see, the "send STF link" action, and the working hours frames are made from."""
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from .. import bootstrap
from ..domain.errors import DomainError, LinkExpired, NotFound, ValidationError
from ..domain.people import Role
from . import views
from .page_responses import CODES as PAGE_CODES
from .page_responses import HEADERS, POSTED, document, html_answer, json_answer, link_problem, posted, wants_json
from .routing import Call, endpoint

if TYPE_CHECKING:
    from ..services import frames as service

bp = Blueprint(__name__)
CODES = {**PAGE_CODES, "frame_taken": 409}


# -- the customer's pages --------------------------------------------------------------------------

def _z(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_json(c: "service.Choice") -> dict:
    a = c.current
    return {"window_start": _z(a.window.start), "window_end": _z(a.window.end), "window_text": c.text(a.window),
            "status": "canceled" if c.target is None else a.status.value, "source": c.source,
            "frames": [{"start": _z(f.start), "end": _z(f.end), "text": c.text(f)} for f in c.frames]}


def _error(e: DomainError) -> Response:
    return json_answer({"error": {"code": e.code, "message": e.message}}, CODES.get(e.code, 400))


def _picker(link, token: str, root: str, base: str, status: int = 200, *, error: DomainError | None = None,
            values: dict | None = None, done: str | None = None) -> Response:
    """The STF page: the visit as booked (or canceled), the frames soonest first, and "None of these work"."""
    from ..services import customer_page
    from ..services import frames as service
    from . import page_views
    try:
        c = service.choice(bootstrap.repos(), link)
    except (NotFound, LinkExpired) as e:
        return link_problem(bp.current_request, e, root)
    except service.NotMovable as e:
        if wants_json(bp.current_request):
            return _error(e)
        org = customer_page.company(bootstrap.repos(), link.org_id)
        return html_answer("problem.html", 409, root=root, page=None,
                           heading="This visit can no longer be moved online", company=org.name, phone=org.sms_number,
                           text=f"It is under way or done. To change anything, please call {org.name}.")
    if wants_json(bp.current_request):
        return _error(error) if error else json_answer(_as_json(c), status)
    field = error.field if isinstance(error, ValidationError) else None
    message = error.message.removeprefix(f"{field}: ") if error and field else (error and error.message)
    message = message and message[0].upper() + message[1:]
    body = _as_json(c)
    stf = {"frames": body["frames"], "current_text": body["window_text"], "rebook": c.target is None}
    return html_answer("frames.html", status, root=root, base=base, token=token, page=page_views.view(c.visit, token),
                       stf=stf, error=message, error_field=field, values=values or {}, done=done)


def stf_page(link, token: str, done: str | None) -> Response:
    """`GET /c/{token}` for a reschedule link (the R reply, a canceled visit's "Rebook", "send STF link")."""
    return _picker(link, token, "../", f"{token}/", done=done)


def _open(token: str):
    from ..domain.scenarios import LinkPurpose
    from ..services import customer_page
    # the status page's "another time" opens the same picker
    return customer_page.open_link(bootstrap.repos(), token, (LinkPurpose.STATUS, LinkPurpose.RESCHEDULE))


@bp.route("/c/{token}/frames", methods=["GET"])
def frames(token: str):
    root = "../../"
    try:
        link = _open(token)
    except (NotFound, LinkExpired) as e:
        return link_problem(bp.current_request, e, root)
    return _picker(link, token, root, "")


def _act(token: str, run, done: str, created: bool = False) -> Response:
    """As the other page actions: JSON, or post/redirect/get; on bad input, the picker again with the message."""
    root = "../../"
    try:
        link = _open(token)
    except (NotFound, LinkExpired) as e:
        return link_problem(bp.current_request, e, root)
    values: dict = {}
    try:
        values = posted(bp.current_request)
        run(link, values)
    except (NotFound, LinkExpired) as e:
        return link_problem(bp.current_request, e, root)
    except DomainError as e:
        kept = {k: v for k, v in values.items() if isinstance(v, str)}
        return _picker(link, token, root, "", CODES.get(e.code, 400), error=e, values=kept)
    if wants_json(bp.current_request):
        return _picker(link, token, root, "", 201 if created else 200)
    return Response(body="", status_code=303, headers={**HEADERS, "Location": f"../{token}?done={done}"})


@bp.route("/c/{token}/pick", methods=["POST"], content_types=POSTED)
def pick(token: str):
    from ..services import frames as service
    return _act(token, lambda link, v: service.pick(bootstrap.repos(), link, v.get("start")), "picked")


@bp.route("/c/{token}/none-work", methods=["POST"], content_types=POSTED)
def none_work(token: str):
    from ..services import frames as service
    return _act(token, lambda link, v: service.none_work(bootstrap.repos(), link, v.get("availability")), "callback",
                created=True)


document("GET", "/c/{token}/frames", "Time frames the customer may pick, soonest first (HTML; JSON on Accept)",
         response="frames_schemas.PickerOut")
document("POST", "/c/{token}/pick", "Move the visit to a frame; 409 frame_taken", "frames_schemas.PickIn",
         "frames_schemas.PickerOut")
document("POST", "/c/{token}/none-work", "None of the frames work: the callback queue", "frames_schemas.NoneWorkIn",
         "frames_schemas.PickerOut", 201)


# -- the dispatcher's side -------------------------------------------------------------------------

@endpoint(bp, "GET", "/appointments/{appointment_id}/offers", "The frames the customer's link shows now",
          roles=(Role.DISPATCHER,), response="frames_schemas.OffersOut")
def get_offers(call: Call, appointment_id: str):
    from ..services import frames as service
    appointment, shown, source = service.preview(bootstrap.repos(), call.caller, appointment_id)
    return {"appointment": views.appointment(appointment), "source": source,
            "frames": [{"start": _z(f.start), "end": _z(f.end)} for f in shown]}


@endpoint(bp, "POST", "/appointments/{appointment_id}/send-time-frames",
          "Text the customer a link to pick a time frame (sent by the stream handler; once a day per visit)",
          roles=(Role.DISPATCHER,), response="notes_schemas.MessageOut", status=201)
def send_time_frames(call: Call, appointment_id: str):
    from ..services import frames as service
    return views.message(service.send_link(bootstrap.repos(), call.caller, appointment_id))


@endpoint(bp, "GET", "/settings/time-frames", "Working hours that frames are generated from (a location's, with "
          "?location_id=)", roles=(Role.DISPATCHER,), query="frames_schemas.LocationQuery",
          response="frames_schemas.FrameSettingsOut")
def get_frame_settings(call: Call):
    from ..services import frames as service
    return service.settings_of(bootstrap.repos(), call.caller, call.query.location_id).as_json()


@endpoint(bp, "PUT", "/settings/time-frames", "Set the working hours (the organization's, or a location's with "
          "?location_id=); fields left out take their defaults", roles=(Role.DISPATCHER,),
          body="frames_schemas.FrameSettingsIn",
          query="frames_schemas.LocationQuery", response="frames_schemas.FrameSettingsOut")
def put_frame_settings(call: Call):
    from ..services import frames as service
    body = call.body.model_dump(exclude_none=True, mode="json")
    return service.set_settings(bootstrap.repos(), call.caller, call.query.location_id, body).as_json()
