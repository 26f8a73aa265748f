"""Request and response models of the jobs, appointments and customers routes (api/jobs.py); also the
OpenAPI document's schemas."""
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import EmailStr, Field, model_validator

from ..domain.customers import ContactChannel
from ..domain.intake import PRIORITIES
from ..domain.jobs import MAX_OFFERED_FRAMES
from ..domain.status import AppointmentAction
from .feedback_schemas import FeedbackOut
from .schemas import (
    CoordinatesIn,
    CoordinatesOut,
    Day,
    FrameIn,
    FrameOut,
    Id,
    In,
    LongText,
    Moment,
    Out,
    PageQuery,
    Phone,
    Region,
    Text,
    TimeZone,
    in_order,
    one_of,
)


class CustomerIn(In):
    name: Text
    phone: Phone
    email: EmailStr | None = None
    time_zone: TimeZone | None = None
    address: Annotated[str, Field(max_length=500)] | None = None
    preferred_channel: one_of(ContactChannel) = "sms"
    coordinates: "CoordinatesIn | None" = None
    region: Region | None = None


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


class JobsQuery(PageQuery):
    status: str | None = None
    date: Day | None = None


class DayQuery(In):
    date: Day | None = None


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


class AccessNotesOut(Out):
    """What the customer left for the technician (PUT /c/{token}/access-notes): never shown to a provider."""
    gate_code: str | None
    pets: str | None
    parking: str | None
    other: str | None


class AppointmentOut(Out):
    id: str
    job_id: str
    window_start: datetime
    window_end: datetime
    technician_id: str | None
    status: str
    eta: datetime | None
    expected: FrameOut | None = Field(default=None, description="the narrowed arrival window the customer was told "
                                      "(scenario window_narrowed); null until then, and again once the visit is "
                                      "moved or reassigned")
    confirmation: str
    offers: list[FrameOut]
    status_reason: str | None
    rejection_reason: str | None = None
    rejection_category: str | None = None
    access_notes: AccessNotesOut | None = Field(default=None, description="gate code, pets, parking and a note the "
                                                "customer left: for dispatchers and the assigned technician only "
                                                "(null for anyone else, and until the customer leaves some)")
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


class DayCustomerOut(Out):
    id: str
    name: str
    phone: str
    address: str | None
    coordinates: CoordinatesOut | None = Field(default=None, description="where the address is, when known: the "
                                               "app estimates the drive from the phone's position")


class DayEntryOut(AppointmentOut):
    visit_code: str | None = Field(default=None, description="four digits the customer may ask for at the door "
                                   "(their page shows them from the visit's day on)")
    job: JobOut
    customer: DayCustomerOut
    actions: list[str] = Field(description="the status actions the machine allows now (POST /appointments/{id}/status)")


class MyDayQuery(DayQuery):
    listed: ClassVar[bool] = False  # the answer is {date, time_zone, items, next_token}, described by MyDayOut


class MyDayOut(Out):
    date: str = Field(description="the day shown, in the organization's time zone")
    time_zone: str
    now: datetime = Field(description="the API's clock: the app reckons an ETA by it, whatever the phone's says")
    items: list[DayEntryOut] = Field(description="the technician's visits that day, in route order")
    next_token: None = None
