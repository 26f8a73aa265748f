"""The Job aggregate: a job and its appointments change together, under the job's version.

Every change to a job or any of its appointments goes through a method here, which applies the
status machine (status.py) and records which appointments it touched; the repository writes
the job and those appointments in one conditional transaction.
"""
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from . import ids
from .errors import InvalidTransition, NotFound, ValidationError
from .feedback import Feedback
from .status import (
    JOB_ACTION_OF,
    OPEN_APPOINTMENT,
    AppointmentAction,
    AppointmentStatus,
    JobAction,
    JobStatus,
    next_appointment_status,
    next_job_status,
)
from .values import TimeFrame

COUPON_PERCENT = 15  # seed 001: ops cancels → 15% off, once, when no discount exists yet
MAX_OFFERED_FRAMES = 10


class Confirmation(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    UNCONFIRMED = "unconfirmed"


class RejectionCategory(StrEnum):
    PRICE = "price"
    TIMING = "timing"
    NO_LONGER_NEEDED = "no_longer_needed"
    OTHER = "other"


# Words of a rejection that tell its category, in this order (seed 003: retention gathers root causes).
REJECTION_WORDS = (
    (RejectionCategory.PRICE, ("price", "expensive", "cheaper", "cost", "afford", "quote", "money", "fee")),
    (RejectionCategory.NO_LONGER_NEEDED, ("no longer", "not needed", "don't need", "dont need", "do not need",
                                          "fixed", "already", "someone else", "sold", "moved")),
    (RejectionCategory.TIMING, ("time", "day", "date", "schedule", "busy", "away", "work", "travel", "week",
                                "morning", "afternoon", "evening", "later", "sooner", "tomorrow")),
)


def rejection_category(reason: str | None) -> RejectionCategory:
    """The category a rejection's words point to; `other` when they say nothing we recognise."""
    words = (reason or "").lower()
    for category, keywords in REJECTION_WORDS:
        if any(k in words for k in keywords):
            return category
    return RejectionCategory.OTHER


@dataclass(frozen=True)
class Coupon:
    code: str
    percent: int


@dataclass(frozen=True)
class AccessNotes:
    """What the customer leaves for the technician before the visit (gate code, pets, parking, a note): shown to
    the assigned technician and dispatchers, never to a provider, never in a text."""
    gate_code: str | None = None
    pets: str | None = None
    parking: str | None = None
    other: str | None = None

    FIELDS = ("gate_code", "pets", "parking", "other")

    def __bool__(self) -> bool:
        return any(getattr(self, f) for f in self.FIELDS)


@dataclass
class Appointment:
    id: str
    job_id: str
    window: TimeFrame
    created_at: datetime
    updated_at: datetime
    technician_id: str | None = None
    status: AppointmentStatus = AppointmentStatus.SCHEDULED
    eta: datetime | None = None
    expected: TimeFrame | None = None  # the narrowed arrival window the customer was told (domain/arrival.py)
    confirmation: Confirmation = Confirmation.PENDING
    offers: list[TimeFrame] = field(default_factory=list)
    status_reason: str | None = None
    rejection_reason: str | None = None  # the customer's words, when the confirmation is rejected
    rejection_category: str | None = None  # RejectionCategory, for the retention report (seed 003)
    window_set_at: datetime | None = None  # when this window was booked: no reminder if inside the lead time
    visit_code: str | None = None  # asked for at the door (domain/customer_page.visit_code); never in a text
    reschedules: int = 0  # times the window moved: the calendar file's SEQUENCE (domain/calendar.py)
    access_notes: AccessNotes | None = None
    version: int | None = None  # None until stored

    def __post_init__(self):
        if self.window_set_at is None:
            self.window_set_at = self.created_at

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPOINTMENT

    @property
    def window_start(self) -> datetime:
        return self.window.start

    @property
    def window_end(self) -> datetime:
        return self.window.end


@dataclass
class Job:
    id: str
    org_id: str
    customer_id: str
    description: str
    status: JobStatus
    created_at: datetime
    updated_at: datetime
    priority: str = "normal"
    location_id: str | None = None
    provider_id: str | None = None
    coupon: Coupon | None = None
    cancel_reason: str | None = None
    canceled_by: str | None = None  # "company" (a dispatcher) or "system" (auto-cancel)
    channel: str = "phone"  # where the order came from: phone, web, provider, booking_page, or the org's own name
    offered_window: TimeFrame | None = None  # the time the customer asked for on the booking page
    appointments: list[Appointment] = field(default_factory=list)
    recipients: tuple[str, ...] | None = None  # the contacts its texts go to; None: the customer's with notify
    version: int | None = None
    feedback: "Feedback | None" = field(default=None, compare=False)  # the customer's rating, once given
    # What the last operations changed, for the repository's transaction.
    touched: set[str] = field(default_factory=set, repr=False, compare=False)
    removed: list[Appointment] = field(default_factory=list, repr=False, compare=False)

    # -- creation -------------------------------------------------------------------------------

    @classmethod
    def create(cls, org_id: str, customer_id: str, description: str, now: datetime, *,
               priority: str = "normal", location_id: str | None = None, provider_id: str | None = None,
               offered: bool = False, channel: str | None = None) -> "Job":
        """A dispatcher's job starts unscheduled; a provider's offer or booking request, new_offer."""
        status = JobStatus.NEW_OFFER if offered else JobStatus.UNSCHEDULED
        return cls(id=ids.new_id("job"), org_id=org_id, customer_id=customer_id, description=description,
                   status=status, created_at=now, updated_at=now, priority=priority,
                   location_id=location_id, provider_id=provider_id,
                   channel=channel or ("provider" if provider_id else "phone"))

    # -- queries --------------------------------------------------------------------------------

    def appointment(self, appointment_id: str) -> Appointment:
        for appointment in self.appointments:
            if appointment.id == appointment_id:
                return appointment
        raise NotFound("appointment")

    @property
    def open_appointments(self) -> list[Appointment]:
        return [a for a in self.appointments if a.is_open]

    @property
    def latest_visit(self) -> Appointment | None:
        """The visit a link about the whole job opens: the latest open one, else the latest (None: no visit)."""
        return (self.open_appointments or self.appointments or [None])[-1]

    def is_assigned_to(self, technician_id: str) -> bool:
        return any(a.technician_id == technician_id for a in self.appointments)

    # -- offer ----------------------------------------------------------------------------------

    def accept(self, now: datetime) -> None:
        self._move(JobAction.ACCEPT, now)

    def decline(self, now: datetime) -> None:
        self._move(JobAction.DECLINE, now)

    # -- appointments ---------------------------------------------------------------------------

    def schedule(self, window: TimeFrame, now: datetime, technician_id: str | None = None) -> Appointment:
        self._move(JobAction.ADD_APPOINTMENT, now)
        appointment = Appointment(id=ids.new_appointment_id(self.id), job_id=self.id, window=window,
                                  technician_id=technician_id, created_at=now, updated_at=now,
                                  visit_code=ids.new_visit_code())
        self.appointments.append(appointment)
        self.touched.add(appointment.id)
        return appointment

    def reschedule(self, appointment_id: str, now: datetime, *, window: TimeFrame | None = None,
                   technician_id: str | None = None, assign: bool = False) -> Appointment:
        """Move the window and/or (un)assign the technician of an appointment not yet under way."""
        appointment = self._editable(appointment_id, "reschedule")
        if window is not None and window != appointment.window:
            appointment.window = window
            appointment.window_set_at = now
            appointment.reschedules += 1
            appointment.confirmation = Confirmation.PENDING  # a new window needs a new yes
            appointment.eta = None
            appointment.expected = None  # narrowed inside the old window: no longer said
        if assign:
            if technician_id != appointment.technician_id:
                appointment.expected = None  # it came from the other technician's route
            appointment.technician_id = technician_id
        self._touch(appointment, now)
        return appointment

    def offer_time_frames(self, appointment_id: str, frames: list[TimeFrame], now: datetime) -> Appointment:
        if not frames:
            raise ValidationError("frames", "offer at least one time frame")
        if len(frames) > MAX_OFFERED_FRAMES:
            raise ValidationError("frames", f"offer at most {MAX_OFFERED_FRAMES} time frames")
        appointment = self._editable(appointment_id, "offer time frames for")
        appointment.offers = sorted(set(frames), key=lambda f: (f.start, f.end))  # soonest first (seed 001)
        self._touch(appointment, now)
        return appointment

    def delete_appointment(self, appointment_id: str, now: datetime) -> None:
        appointment = self._editable(appointment_id, "delete")
        others = [a for a in self.open_appointments if a.id != appointment_id]
        if not others:
            self._move(JobAction.DELETE_LAST_APPOINTMENT, now)
        else:
            self.updated_at = now
        self.appointments.remove(appointment)
        self.touched.discard(appointment.id)
        self.removed.append(appointment)

    def change_appointment_status(self, appointment_id: str, action: AppointmentAction, now: datetime, *,
                                  eta: datetime | None = None, reason: str | None = None) -> Appointment:
        appointment = self.appointment(appointment_id)
        new_status = next_appointment_status(appointment.status, action)
        if action is AppointmentAction.DELAY and eta is None:
            raise ValidationError("eta", "a delay needs the new estimated time of arrival")
        if self.status not in (JobStatus.SCHEDULED, JobStatus.IN_PROGRESS):
            raise InvalidTransition(self.status, action.replace("_", " "))
        job_action = JOB_ACTION_OF.get(action)
        # Starting after going en route keeps the job in progress: no job transition.
        if job_action and not (action is AppointmentAction.START and appointment.status is AppointmentStatus.EN_ROUTE):
            target = next_job_status(self.status, job_action)
            others_open = [a for a in self.open_appointments if a.id != appointment.id]
            # Completing one visit while further visits are booked leaves the job scheduled.
            if target is JobStatus.COMPLETE and others_open:
                target = JobStatus.SCHEDULED
            self.status = target
        appointment.status = new_status
        if eta is not None:
            appointment.eta = eta
        if reason is not None:
            appointment.status_reason = reason
        self._touch(appointment, now)
        return appointment

    def narrow(self, appointment_id: str, expected: TimeFrame, now: datetime) -> Appointment:
        """The arrival window the customer is told on the visit day (domain/arrival.py): only for a visit the
        technician has not yet reached."""
        appointment = self.appointment(appointment_id)
        if appointment.status not in (AppointmentStatus.SCHEDULED, AppointmentStatus.EN_ROUTE):
            raise InvalidTransition(appointment.status, "narrow the arrival window of", "appointment")
        appointment.expected = expected
        self._touch(appointment, now)
        return appointment

    def leave_access_notes(self, appointment_id: str, notes: AccessNotes, now: datetime) -> Appointment:
        """The customer's notes for the technician: until the visit starts (then they tell the technician)."""
        appointment = self.appointment(appointment_id)
        if self.status is JobStatus.CANCELED or appointment.status not in (AppointmentStatus.SCHEDULED,
                                                                           AppointmentStatus.EN_ROUTE):
            raise InvalidTransition(appointment.status, "leave access notes on", "appointment")
        appointment.access_notes = notes or None
        # Not _touch: the visit's own updated_at dates its moves (the page shows a position only if newer).
        self.updated_at = now
        self.touched.add(appointment.id)
        return appointment

    # -- cancel ---------------------------------------------------------------------------------

    def cancel(self, reason: str, now: datetime, *, offer_coupon: bool = False, coupon_code: str | None = None,
               by: str = "company") -> None:
        """Cancel the job and every appointment not already finished (paused ones too: a canceled job
        leaves nothing open); a coupon only if no discount exists yet."""
        self._move(JobAction.CANCEL, now)
        self.cancel_reason, self.canceled_by = reason, by
        for appointment in self.appointments:
            if appointment.status in (AppointmentStatus.COMPLETE, AppointmentStatus.CANCELED):
                continue
            appointment.status = AppointmentStatus.CANCELED
            appointment.status_reason = reason
            self._touch(appointment, now)
        if offer_coupon and self.coupon is None:
            self.coupon = Coupon(code=coupon_code or ids.new_coupon_code(), percent=COUPON_PERCENT)

    def cancel_appointment(self, appointment_id: str, reason: str, now: datetime, *, offer_coupon: bool) -> None:
        """One visit called off (auto-cancel when still unassigned): the job goes with its last open visit."""
        appointment = self._editable(appointment_id, "cancel")
        if [a for a in self.open_appointments if a.id != appointment_id]:
            appointment.status, appointment.status_reason = AppointmentStatus.CANCELED, reason
            self._touch(appointment, now)
            if offer_coupon and self.coupon is None:
                self.coupon = Coupon(code=ids.new_coupon_code(), percent=COUPON_PERCENT)
        else:
            self.cancel(reason, now, offer_coupon=offer_coupon, by="system")

    def confirm(self, appointment_id: str, confirmation: Confirmation, now: datetime, *,
                reason: str | None = None, category: "RejectionCategory | None" = None) -> Appointment:
        """The customer's answer to the confirmation request; a rejection keeps its reason and category."""
        appointment = self.appointment(appointment_id)
        if appointment.status is not AppointmentStatus.SCHEDULED:
            raise InvalidTransition(appointment.status, f"mark {confirmation}", "appointment")
        appointment.confirmation = confirmation
        if confirmation is Confirmation.REJECTED:
            appointment.rejection_reason = reason
            # A bare "N" says nothing of why: no category until somebody learns it.
            appointment.rejection_category = category or (rejection_category(reason) if reason else None)
        self._touch(appointment, now)
        return appointment

    # -- internals ------------------------------------------------------------------------------

    def _move(self, action: JobAction, now: datetime) -> None:
        self.status = next_job_status(self.status, action)
        self.updated_at = now

    def _editable(self, appointment_id: str, verb: str) -> Appointment:
        """Only a booked visit that has not begun can be moved, reassigned, offered or deleted."""
        appointment = self.appointment(appointment_id)
        if appointment.status is not AppointmentStatus.SCHEDULED:
            raise InvalidTransition(appointment.status, verb, "appointment")
        if self.status is not JobStatus.SCHEDULED:
            raise InvalidTransition(self.status, f"{verb} an appointment of")
        return appointment

    def _touch(self, appointment: Appointment, now: datetime) -> None:
        appointment.updated_at = now
        if appointment.visit_code is None:  # stored before visits had codes: it gets one with its next change
            appointment.visit_code = ids.new_visit_code()
        self.updated_at = now
        self.touched.add(appointment.id)
