"""Request and response models. They validate the API and are the OpenAPI document's schemas."""
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    model_validator,
)

from ..domain import errors, values
from ..domain.customer_page import MAX_REASON, MAX_REPLY, Action
from ..domain.customers import ContactChannel
from ..domain.feedback import MAX_COMMENT
from ..domain.intake import PRIORITIES
from ..domain.jobs import MAX_OFFERED_FRAMES
from ..domain.messages import Direction
from ..domain.notes import Visibility as VisibilityName
from ..domain.people import Role as RoleName
from ..domain.queues import EntryState, Outcome
from ..domain.replies import MAX_BODY
from ..domain.scenarios import ScenarioName
from ..domain.status import AppointmentAction

Text = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(str.strip)]
LongText = Annotated[str, Field(min_length=1, max_length=5000)]
MAX_ID = 100  # the longest id a request may name; the ids issued are far shorter
Id = Annotated[str, Field(min_length=1, max_length=MAX_ID)]


def one_of(names) -> type:
    """The values of a domain enum (or tuple) as a request field's type: the domain says what exists."""
    return Literal[tuple(getattr(n, "value", n) for n in names)]


Role = one_of(RoleName)
Visibility = one_of(VisibilityName)


def _domain(check):
    """Run a domain value check inside Pydantic, so the error names the field like any other."""
    def validate(value):
        if value is None:
            return value
        try:
            return check("value", value)
        except errors.ValidationError as e:
            raise ValueError(e.message.removeprefix("value: ")) from None
    return AfterValidator(validate)


def _whole_seconds(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


Phone = Annotated[str, Field(max_length=32), _domain(values.e164)]
TimeZone = Annotated[str, Field(max_length=64), _domain(values.time_zone)]
Moment = Annotated[AwareDatetime, _domain(values.moment), AfterValidator(_whole_seconds)]
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="a calendar day, 2000-01-01 to 2100-12-31"),
                _domain(lambda field, raw: values.calendar_day(field, raw).isoformat())]


class In(BaseModel):
    # defer_build: a model's validator is built on first use, not at import (cold start).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


Region = Annotated[str, Field(pattern=r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$",
                              description="ISO 3166-2 subdivision of the address (US-FL): whose quiet hours apply")]


class CustomerIn(In):
    name: Text
    phone: Phone
    email: EmailStr | None = None
    time_zone: TimeZone | None = None
    address: Annotated[str, Field(max_length=500)] | None = None
    preferred_channel: one_of(ContactChannel) = "sms"
    coordinates: "CoordinatesIn | None" = None
    region: Region | None = None


class CoordinatesIn(In):
    """Where the address is: the customer's page shows how far the technician is."""
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


def in_order(start, end, start_name: str, end_name: str) -> None:
    """The domain's rule for a window or frame (TimeFrame: start before end), told in the request's names."""
    try:
        values.TimeFrame.of(start, end)
    except errors.ValidationError:
        raise ValueError(f"{end_name} must be after {start_name}") from None


class FrameIn(In):
    start: Moment
    end: Moment

    @model_validator(mode="after")
    def _ordered(self):
        in_order(self.start, self.end, "start", "end")
        return self


class AppointmentIn(In):
    window_start: Moment
    window_end: Moment
    technician_id: Id | None = None

    @model_validator(mode="after")
    def _ordered(self):
        in_order(self.window_start, self.window_end, "window_start", "window_end")
        return self


class JobIn(In):
    customer_id: Id
    description: LongText
    location_id: Id | None = None
    priority: one_of(PRIORITIES) = "normal"
    channel: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$",
                                  description="where the order came from: phone, web, provider, booking_page, "
                                              "or a name the organization uses")] | None = None
    appointment: AppointmentIn | None = None


class CancelIn(In):
    reason: Annotated[str, Field(min_length=1, max_length=500)]
    offer_coupon: bool = False


class AppointmentPatch(In):
    """Reschedule (both window ends) and/or assign (`technician_id`, null to unassign)."""
    window_start: Moment = None
    window_end: Moment = None
    technician_id: Id | None = None

    @model_validator(mode="after")
    def _complete(self):
        if (self.window_start is None) != (self.window_end is None):
            raise ValueError("window_start and window_end go together")
        if self.window_start:
            in_order(self.window_start, self.window_end, "window_start", "window_end")
        if not self.model_fields_set:
            raise ValueError("nothing to change: send a window or a technician_id")
        return self


class StatusIn(In):
    action: one_of(AppointmentAction)
    eta: Moment | None = None
    reason: Annotated[str, Field(max_length=500)] | None = None


class OffersIn(In):
    frames: Annotated[list[FrameIn], Field(min_length=1, max_length=MAX_OFFERED_FRAMES)]


def _rounded(places: int):
    """A measurement kept to a meaningful precision: DynamoDB stores no number below 1e-130."""
    return AfterValidator(lambda value: round(value, places))


class PositionIn(In):
    lat: Annotated[float, Field(ge=-90, le=90), _rounded(7)]  # 7 decimal places: about a centimetre
    lon: Annotated[float, Field(ge=-180, le=180), _rounded(7)]
    heading: Annotated[float, Field(ge=0, lt=360), _rounded(2)] | None = None
    speed: Annotated[float, Field(ge=0, le=100), _rounded(2)] | None = None  # m/s


class NoteIn(In):
    text: LongText
    visibility: Visibility = "private"


class MessageIn(In):
    body: Annotated[str, Field(min_length=1, max_length=MAX_BODY)]


class PhotoIn(In):
    content_type: Annotated[str, Field(max_length=50)]
    visibility: Visibility = "private"


class UserIn(In):
    name: Text
    email: EmailStr
    phone: Phone | None = None
    roles: Annotated[list[Role], Field(min_length=1)]


class UserPatch(In):
    """The fields to change; `phone` may be null (removed), the others may be left out but not null."""
    name: Text = None
    phone: Phone | None = None
    roles: Annotated[list[Role], Field(min_length=1)] = None
    active: bool = None


class LocationIn(In):
    name: Text
    time_zone: TimeZone
    direct_reply_enabled: bool = True


class LocationPatch(In):
    """The fields to change: each may be left out, none may be null."""
    name: Text = None
    time_zone: TimeZone = None
    direct_reply_enabled: bool = None


ScenarioKey = one_of(ScenarioName)
HourMinute = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class ScenarioPatch(In):
    """A field set to null returns to the shipped default."""
    enabled: bool | None = None
    template: Annotated[str, Field(min_length=1, max_length=1600)] | None = None
    lead_time_minutes: Annotated[int, Field(ge=5, le=7 * 24 * 60)] | None = None


class QuietHoursIn(In):
    start: HourMinute
    end: HourMinute


class ScenariosIn(In):
    """The fields to change: `voice_origination` may be null (no voice messages); the others may be left
    out but not null."""
    scenarios: dict[ScenarioKey, ScenarioPatch] = {}
    quiet_hours: QuietHoursIn = None
    quiet_hours_by_region: dict[Region, QuietHoursIn] = Field(
        default=None, description="the organization's own quiet hours for places (ISO 3166-2), over the shipped "
                                  "rules of docs/quiet-hours.md; the whole map is replaced")
    confirmation_followup_minutes: Annotated[int, Field(ge=15, le=24 * 60)] = None
    voice_origination: Phone | None = None
    escalate_before_hours: Annotated[int, Field(ge=1, le=24 * 14)] = Field(
        default=None, description="escalate no earlier than this long before the window (default 48)")
    hand_back_before_hours: Annotated[int, Field(ge=0, le=24 * 14)] = Field(
        default=None, description="hand back to sales this long before the window (default 24)")
    technician_sms_alerts: bool = Field(
        default=None, description="text the assigned technician when the customer writes (at most one text "
                                  "per job per 15 minutes; default off)")


class ScenarioOut(BaseModel):
    name: str
    enabled: bool
    template: str
    lead_time_minutes: int | None
    urgent: bool
    variables: list[str]
    customized: bool
    segments: int
    encoding: str
    characters: int


class QuietHoursOut(BaseModel):
    start: str
    end: str


class ScenariosOut(BaseModel):
    scenarios: list[ScenarioOut]
    quiet_hours: QuietHoursOut
    quiet_hours_by_region: dict[str, QuietHoursOut] = {}
    confirmation_followup_minutes: int
    voice_origination: str | None
    escalate_before_hours: int
    hand_back_before_hours: int
    technician_sms_alerts: bool


class PageQuery(In):
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    next_token: Annotated[str, Field(max_length=2000)] | None = None


class QueueQuery(PageQuery):
    state: one_of(EntryState) | None = Field(
        default=None, description="without it: what is still to work (open and claimed), oldest waiting first")


class ResolveIn(In):
    outcome: one_of(Outcome)
    note: Annotated[str, Field(max_length=2000)] | None = None
    reason: Annotated[str, Field(min_length=1, max_length=500)] | None = Field(
        default=None, description="why the customer said no (outcome rejected)")
    window_start: Moment | None = Field(default=None, description="the new window (outcome reschedule)")
    window_end: Moment | None = None

    @model_validator(mode="after")
    def _window(self):
        if (self.window_start is None) != (self.window_end is None):
            raise ValueError("send both window_start and window_end")
        if self.window_start:
            in_order(self.window_start, self.window_end, "window_start", "window_end")
        return self


class JobsQuery(PageQuery):
    status: str | None = None
    date: Day | None = None


class DayQuery(In):
    date: Day | None = None


# -- responses ----------------------------------------------------------------------------------------

class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True, defer_build=True)


class CoordinatesOut(Out):
    lat: float
    lon: float


class CustomerOut(Out):
    id: str
    name: str
    phone: str | None
    email: str | None
    time_zone: str | None
    address: str | None
    coordinates: CoordinatesOut | None = None
    opted_out: bool
    created_at: datetime
    preferred_channel: str = "sms"
    region: str | None = None


class FrameOut(Out):
    start: datetime
    end: datetime


class AppointmentOut(Out):
    id: str
    job_id: str
    window_start: datetime
    window_end: datetime
    technician_id: str | None
    status: str
    eta: datetime | None
    confirmation: str
    offers: list[FrameOut]
    status_reason: str | None
    rejection_reason: str | None = None
    rejection_category: str | None = None
    version: int


class CouponOut(Out):
    code: str
    percent: int


class JobOut(Out):
    id: str
    customer_id: str
    status: str
    description: str
    priority: str
    location_id: str | None
    provider_id: str | None
    coupon: CouponOut | None
    cancel_reason: str | None
    channel: str = "phone"
    canceled_by: str | None = Field(default=None, description="company, customer (on the page) or system")
    offered_window: FrameOut | None = Field(default=None, description="the time asked for on the booking page")
    version: int
    created_at: datetime
    updated_at: datetime
    appointments: list[AppointmentOut] | None = None
    feedback: "FeedbackOut | None" = None


class FeedbackOut(Out):
    """The customer's rating from the feedback page."""
    job_id: str
    rating: int
    comment: str | None
    created_at: datetime


class FeedbackQuery(PageQuery):
    """Days in the organization's zone (YYYY-MM-DD), `to` included; default: the last 30 days."""
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None


class DayCustomerOut(Out):
    id: str
    name: str
    phone: str
    address: str | None


class DayEntryOut(AppointmentOut):
    job: JobOut
    customer: DayCustomerOut


class NoteOut(Out):
    id: str
    job_id: str
    author_id: str
    text: str
    visibility: str
    created_at: datetime


class PhotoOut(Out):
    id: str
    job_id: str
    author_id: str
    content_type: str
    visibility: str
    created_at: datetime
    upload_url: str | None = None
    download_url: str | None = None


class PositionOut(Out):
    lat: float
    lon: float
    heading: float | None
    speed: float | None
    at: datetime


class UserOut(Out):
    id: str
    name: str
    email: str
    phone: str | None
    roles: list[str]
    active: bool
    last_position: PositionOut | None = None


class LocationOut(Out):
    id: str
    name: str
    time_zone: str
    direct_reply_enabled: bool
    created_at: datetime


class OrganizationOut(Out):
    id: str
    name: str
    slug: str
    time_zone: str
    sms_number: str


class MessageOut(Out):
    model_config = ConfigDict(from_attributes=True, defer_build=True, populate_by_name=True)
    id: str
    job_id: str
    appointment_id: str | None
    direction: str
    sender: str = Field(serialization_alias="from")
    recipient: str = Field(serialization_alias="to")
    body: str
    scenario: str | None
    status: str
    segments: int
    error: str | None = Field(description="why a text was not sent, or how it failed")
    author_id: str | None = None
    provider_id: str | None = Field(default=None, description="the SMS provider's message id, for support")
    channel: str = Field(default="sms", description="sms, whatsapp or email: `from` and `to` are its addresses")
    created_at: datetime
    updated_at: datetime


class QueueItemOut(BaseModel):
    """A queue entry; on the unassigned queue, with the appointment as it is now."""
    id: str
    job_id: str | None = Field(description="null on an intake entry whose order made no job (see `order_id`)")
    order_id: str | None = None
    appointment_id: str | None
    queue: str
    reason: str
    state: one_of(EntryState)
    created_at: datetime
    updated_at: datetime
    claimed_by: str | None
    outcome: str | None
    note: str | None
    closed_by: str | None = Field(description="who closed it: a user id, or `system` when it closed by itself")
    appointment: AppointmentOut | None = None


class InboxItemOut(Out):
    id: str
    job_id: str
    message_id: str
    body: str
    created_at: datetime
    read: bool


# -- the customer's pages (validated by domain/customer_page.py, for forms and JSON alike) ------------

class PageReplyIn(In):
    body: Annotated[str, Field(min_length=1, max_length=MAX_REPLY)]
    nonce: Annotated[str, Field(description="the form's one-time key: a double submit sends one message")] | None = None


class PageCancelIn(In):
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON)]


class PageFeedbackIn(In):
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, Field(max_length=MAX_COMMENT)] | None = None


class PagePositionOut(BaseModel):
    lat: float
    lon: float
    updated_at: datetime
    updated: str


class PageMessageOut(BaseModel):
    direction: one_of(Direction)
    from_: str = Field(serialization_alias="from")
    body: str
    created_at: datetime
    when: str


class PageFeedbackOut(BaseModel):
    rating: int
    comment: str | None
    created_at: datetime


class CustomerStatusOut(BaseModel):
    """The visit as its customer sees it: `position` only while the technician is on the way to it."""
    company: str
    window_start: datetime
    window_end: datetime
    window_text: str
    status: str
    status_text: str
    technician_first_name: str | None
    eta: datetime | None
    eta_text: str | None
    position: PagePositionOut | None
    distance_text: str | None
    maps_url: str | None
    messages: list[PageMessageOut]
    actions: list[one_of(Action)]
    live: bool
    poll_seconds: int
    feedback: PageFeedbackOut | None


class BrandingIn(In):
    """How the customer's pages look: null returns to the default."""
    brand_color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None
    logo_url: Annotated[str, Field(max_length=500, pattern=r"^https://[^\s\"'<>]+$")] | None = None


class BrandingOut(BaseModel):
    brand_color: str | None
    logo_url: str | None


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
