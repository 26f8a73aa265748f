"""What happened, read from the change stream: past-tense domain events."""
from dataclasses import dataclass
from datetime import datetime

from .estimates import Estimate
from .jobs import Appointment, Confirmation, Job
from .messages import Message
from .notes import Note, StaffMessage
from .status import AppointmentStatus, JobStatus


@dataclass(frozen=True)
class DomainEvent:
    org_id: str
    job_id: str
    version: int  # the version the record changed to: with the record's key, names the trigger
    at: datetime


@dataclass(frozen=True)
class AppointmentEvent(DomainEvent):
    appointment: Appointment


class AppointmentScheduled(AppointmentEvent): ...
class AppointmentRescheduled(AppointmentEvent): ...
class AppointmentAssigned(AppointmentEvent): ...
class TechnicianArrived(AppointmentEvent): ...
class AppointmentPaused(AppointmentEvent): ...
class AppointmentCompleted(AppointmentEvent): ...
class AppointmentCanceled(AppointmentEvent): ...
class AppointmentDeleted(AppointmentEvent): ...
class AppointmentConfirmed(AppointmentEvent): ...  # the customer said yes (text, page or call)
class ArrivalNarrowed(AppointmentEvent): ...  # a new expected arrival window to tell (domain/arrival.py)


@dataclass(frozen=True)
class TechnicianEnRoute(AppointmentEvent):
    previous_eta: datetime | None = None  # the ETA before setting off: a late ETA given only now is news


@dataclass(frozen=True)
class EtaChanged(AppointmentEvent):
    previous_eta: datetime | None


@dataclass(frozen=True)
class JobStatusChanged(DomainEvent):
    job: Job
    previous: JobStatus | None


@dataclass(frozen=True)
class FreeTextWritten(DomainEvent):
    """A dispatcher or technician wrote to the customer: the API stored it queued, the stream sends it."""
    message: Message


@dataclass(frozen=True)
class CustomerWrote(DomainEvent):
    """A customer's message landed on the job (a text, or the page's reply box): the staff are told."""
    message: Message


STATUS_EVENTS = {AppointmentStatus.EN_ROUTE: TechnicianEnRoute, AppointmentStatus.STARTED: TechnicianArrived,
                 AppointmentStatus.PAUSED: AppointmentPaused, AppointmentStatus.COMPLETE: AppointmentCompleted,
                 AppointmentStatus.CANCELED: AppointmentCanceled}


def appointment_events(org_id: str, old: Appointment | None, new: Appointment | None) -> list[AppointmentEvent]:
    """Events between two images of one appointment (None: created or removed)."""
    if new is None:
        return [AppointmentDeleted(org_id, old.job_id, old.version, old.updated_at, old)] if old else []
    base = (org_id, new.job_id, new.version, new.updated_at, new)
    if old is None:
        return [AppointmentScheduled(*base)]
    events: list[AppointmentEvent] = []
    if new.window != old.window:
        events.append(AppointmentRescheduled(*base))
    if new.technician_id != old.technician_id:
        events.append(AppointmentAssigned(*base))
    if new.status != old.status and new.status is AppointmentStatus.EN_ROUTE:
        events.append(TechnicianEnRoute(*base, previous_eta=old.eta))
    elif new.status != old.status and new.status in STATUS_EVENTS:
        events.append(STATUS_EVENTS[new.status](*base))
    if new.confirmation != old.confirmation and new.confirmation is Confirmation.CONFIRMED:
        events.append(AppointmentConfirmed(*base))
    if new.eta != old.eta and new.eta is not None:
        events.append(EtaChanged(*base, previous_eta=old.eta))
    if new.expected != old.expected and new.expected is not None:
        events.append(ArrivalNarrowed(*base))
    return events


@dataclass(frozen=True)
class RecipientsChosen(DomainEvent):
    """A dispatcher chose whom a job's texts go to: each contact newly among them is invited."""
    added: tuple[str, ...]  # contact ids


def job_events(old: Job | None, new: Job | None) -> list[DomainEvent]:
    if new is None:
        return []
    events: list[DomainEvent] = []
    if old is None or old.status != new.status:
        events.append(JobStatusChanged(new.org_id, new.id, new.version, new.updated_at, new,
                                       old.status if old else None))
    was = set(old.recipients or ()) if old else set()
    if added := tuple(c for c in new.recipients or () if c not in was):
        events.append(RecipientsChosen(new.org_id, new.id, new.version, new.updated_at, added))
    return events


@dataclass(frozen=True)
class FramePicked(DomainEvent):
    """A customer picked a time frame on the STF page: the note on the job tells the technician."""
    note: "Note"


@dataclass(frozen=True)
class EstimateSent(DomainEvent):
    """A dispatcher or the technician gave the customer an estimate: the customer is texted its link."""
    estimate: Estimate


@dataclass(frozen=True)
class EstimateDecided(DomainEvent):
    """The customer approved or declined lines of an estimate: the staff's inboxes hear of it."""
    estimate: Estimate
    lines: tuple[str, ...]  # the ids of the lines this answer decided
    comment: str | None = None  # the words this answer added


@dataclass(frozen=True)
class StaffWrote(DomainEvent):
    """A dispatcher wrote to a job's technicians, or a technician to the dispatchers: their inboxes hear of it."""
    message: StaffMessage
