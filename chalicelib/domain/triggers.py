"""Which scenario a domain event triggers (docs/product.md §4), under which idempotency key, and whether a
text computed earlier is still true when it is about to go."""
from dataclasses import dataclass
from datetime import datetime

from .events import (
    AppointmentRescheduled,
    AppointmentScheduled,
    ArrivalNarrowed,
    DomainEvent,
    EstimateSent,
    EtaChanged,
    JobStatusChanged,
    TechnicianArrived,
    TechnicianEnRoute,
)
from .jobs import Appointment, Job
from .scenarios import ScenarioName
from .status import AppointmentStatus, JobStatus
from .timers import visit_overdue
from .values import TimeFrame

S = ScenarioName


@dataclass(frozen=True)
class Trigger:
    scenario: ScenarioName
    key: str  # one key, one text: the record and version that caused it, or the job for once-only texts
    appointment_id: str | None
    window: TimeFrame | None  # the window as it was when triggered
    channel: str | None = None  # a confirmation chain's step: ask on this channel if the customer is reachable there


CUSTOMER_FACING = (AppointmentScheduled, AppointmentRescheduled, TechnicianEnRoute, TechnicianArrived, EtaChanged,
                   ArrivalNarrowed, EstimateSent)


def may_text(event: DomainEvent) -> bool:
    """Cheap first look, before anything is read: can this event lead to a customer text at all?"""
    if isinstance(event, JobStatusChanged):
        return event.job.status in (JobStatus.COMPLETE, JobStatus.CANCELED) or _booking_request(event)
    return isinstance(event, CUSTOMER_FACING)


def triggers(event: DomainEvent, current: Job) -> list[Trigger]:
    """`current` is the job read whole now: a job's stream image carries no appointments."""
    def per_appointment(scenario: ScenarioName) -> Trigger:
        a = event.appointment
        return Trigger(scenario, f"{scenario}:{a.id}:v{event.version}", a.id, a.window)

    match event:
        case AppointmentScheduled() | AppointmentRescheduled() if event.appointment.status is AppointmentStatus.SCHEDULED:
            return [per_appointment(S.BOOKING_CONFIRMATION)]
        case TechnicianEnRoute() if _late(event.appointment) and event.appointment.eta != event.previous_eta:
            return [_delay(event.appointment)]  # on the way with news of a late ETA: the apology, with it
        case TechnicianEnRoute():
            return [per_appointment(S.EN_ROUTE)]
        case TechnicianArrived():
            return [per_appointment(S.ARRIVED)]
        case EtaChanged() if _is_new_delay(event):
            return [_delay(event.appointment)]
        case ArrivalNarrowed():
            return [narrowed(event.appointment)]
        case JobStatusChanged(job=job) if job.status is JobStatus.COMPLETE:
            last = _last(current, AppointmentStatus.COMPLETE)
            return [Trigger(S.FEEDBACK_REQUEST, f"{S.FEEDBACK_REQUEST}:{job.id}", last and last.id,
                            last and last.window)]  # never twice for one job
        case JobStatusChanged(job=job) if job.status is JobStatus.CANCELED and job.canceled_by != "system":
            last = _last(current, AppointmentStatus.CANCELED)
            return [Trigger(S.CANCELED, f"{S.CANCELED}:{job.id}:v{event.version}", last and last.id,
                            last and last.window)]
        case EstimateSent(estimate=e):  # the visit it was given for: the link names it
            return [Trigger(S.ESTIMATE_REQUEST, f"{S.ESTIMATE_REQUEST}:{e.id}", e.appointment_id, None)]
        case JobStatusChanged(job=job) if _booking_request(event):
            return [Trigger(S.BOOKING_RECEIVED, f"{S.BOOKING_RECEIVED}:{job.id}", None, job.offered_window)]
    return []


def _booking_request(event: JobStatusChanged) -> bool:
    """A new job from the public booking page: the customer hears that it arrived."""
    return event.previous is None and event.job.status is JobStatus.NEW_OFFER and event.job.channel == "booking_page"


def _late(a: Appointment) -> bool:
    return a.eta is not None and a.eta > a.window.end


def _delay(a: Appointment) -> Trigger:
    """One apology per ETA: going en route late and the ETA change of the same record share this key."""
    return Trigger(S.DELAYED, f"{S.DELAYED}:{a.id}:{a.eta:%Y%m%dT%H%M}", a.id, a.window)


def narrowed(a: Appointment) -> Trigger:
    """One text per expected window: the key names it, and the trigger's window is the expected one."""
    e = a.expected
    return Trigger(S.WINDOW_NARROWED, f"{S.WINDOW_NARROWED}:{a.id}:{e.start:%Y%m%dT%H%M}-{e.end:%Y%m%dT%H%M}", a.id, e)


def _is_new_delay(event: EtaChanged) -> bool:
    """A later ETA past the window's end, before the technician has arrived."""
    a = event.appointment
    if not _late(a) or a.status not in (AppointmentStatus.SCHEDULED, AppointmentStatus.EN_ROUTE):
        return False
    return event.previous_eta is None or a.eta > event.previous_eta


def _last(job: Job, status: AppointmentStatus) -> Appointment | None:
    matching = [a for a in job.appointments if a.status is status]
    return max(matching, key=lambda a: a.updated_at) if matching else None


SUPERSEDED = "superseded by a later change"
WINDOW_STARTED = "the window has already started"
LONG_PAST = "the visit is long past its window: a no-show for the dispatcher to review"
EXPECTED_PASSED = "the expected arrival window has passed"
# Only true before the visit: an auto-cancel told once the window has started is news of a visit missed.
BEFORE_THE_WINDOW = (S.BOOKING_CONFIRMATION, S.REMINDER, S.STILL_ASSIGNING, S.AUTO_CANCELED)


def why_not_now(trigger: Trigger, job: Job, now: datetime) -> str | None:
    """Why a text may not go now (None: it may), judged on the job as it is now and on the clock: a text
    that is late (a held text, a replay, a timer after an outage or a clock jump) goes only if still true."""
    if not still_true(trigger, job):
        return SUPERSEDED
    return too_late(trigger, job, now)


def too_late(trigger: Trigger, job: Job, now: datetime) -> str | None:
    """The clock's part of the rule: a text about the visit that its moment has passed. The timers ask it
    too, to hand the dispatcher what the customer is no longer told (services/timers.py)."""
    if trigger.scenario in BEFORE_THE_WINDOW and trigger.window and trigger.window.start <= now:
        return WINDOW_STARTED
    appointment = next((a for a in job.appointments if a.id == trigger.appointment_id), None)
    if trigger.scenario is S.DELAYED and appointment is not None and visit_overdue(appointment, now):
        return LONG_PAST  # "will be with you soon" an hour after the window (or the last ETA) is not true
    if trigger.scenario is S.WINDOW_NARROWED and trigger.window and trigger.window.end <= now:
        return EXPECTED_PASSED  # "should now arrive between..." once that is over says nothing true
    return None


def still_true(trigger: Trigger, job: Job) -> bool:
    """Whether what the text says still holds for the job as it is now."""
    appointment = next((a for a in job.appointments if a.id == trigger.appointment_id), None)
    match trigger.scenario:
        case S.BOOKING_CONFIRMATION | S.REMINDER:
            return (appointment is not None and appointment.status is AppointmentStatus.SCHEDULED
                    and appointment.window == trigger.window)
        case S.STILL_ASSIGNING:
            return (appointment is not None and appointment.status is AppointmentStatus.SCHEDULED
                    and appointment.window == trigger.window and appointment.technician_id is None)
        case S.EN_ROUTE:
            return appointment is not None and appointment.status is AppointmentStatus.EN_ROUTE
        case S.ARRIVED:
            return appointment is not None and appointment.status is AppointmentStatus.STARTED
        case S.DELAYED:
            return appointment is not None and appointment.status in (AppointmentStatus.SCHEDULED,
                                                                      AppointmentStatus.EN_ROUTE)
        case S.FEEDBACK_REQUEST:
            return job.status is JobStatus.COMPLETE
        case S.CANCELED:
            return job.status is JobStatus.CANCELED
        case S.BOOKING_RECEIVED:
            return True  # the request did arrive, whatever became of it since
        case S.AUTO_CANCELED:
            return appointment is not None and appointment.status is AppointmentStatus.CANCELED
        case S.CHECKED_IN | S.REQUEST_APPROVAL | S.ASSET_READY | S.ASSET_IN_SERVICE | S.ESTIMATE_REQUEST:
            return job.status is not JobStatus.CANCELED  # a person's tap: true unless the job was called off
        case S.CONTACT_INVITED:  # "you'll get updates on" a job that is over is not true
            return job.status not in (JobStatus.CANCELED, JobStatus.COMPLETE)
        case S.WINDOW_NARROWED:  # not yet there, and this is still the window the customer should hear
            return (appointment is not None and appointment.expected == trigger.window
                    and appointment.status in (AppointmentStatus.SCHEDULED, AppointmentStatus.EN_ROUTE))
    return False
