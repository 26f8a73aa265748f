"""Working the queues (seed 003's loop: message → no answer → a call → still nothing → back to sales):
a dispatcher claims an entry, calls, and resolves it with an outcome that acts on the appointment. An
entry also closes by itself, in the stream handler, when what it waits for happens."""
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from .. import clock
from ..domain.errors import NotFound, ValidationError, VersionConflict
from ..domain.events import (
    AppointmentAssigned,
    AppointmentCanceled,
    AppointmentConfirmed,
    AppointmentDeleted,
    AppointmentEvent,
    AppointmentRescheduled,
    AppointmentScheduled,
)
from ..domain.jobs import Appointment, Confirmation
from ..domain.lists import Page
from ..domain.people import Role
from ..domain.queues import ClosedBy, EntryState, Outcome, QueueEntry, QueueName
from ..domain.status import AppointmentStatus
from ..domain.values import TimeFrame
from .access import Caller, visible_job
from .confirmations import save_confirmation
from .repositories import Repositories

# What each queue waits for: the appointment events that close its open entries by themselves. A no-show
# review outlives the visit's cancel (the late auto-cancel files one as it cancels): a dispatcher closes it,
# or moves the visit.
CLOSED_BY = {
    AppointmentAssigned: {QueueName.UNASSIGNED: ClosedBy.ASSIGNED},
    AppointmentRescheduled: {QueueName.ESCALATION: ClosedBy.MOVED, QueueName.CALLBACK: ClosedBy.MOVED,
                             QueueName.NO_SHOW: ClosedBy.MOVED},
    AppointmentConfirmed: {QueueName.ESCALATION: ClosedBy.CUSTOMER_CONFIRMED,
                           QueueName.RETENTION: ClosedBy.CUSTOMER_CONFIRMED},
    AppointmentCanceled: {q: ClosedBy.CANCELED for q in QueueName if q is not QueueName.NO_SHOW},
    AppointmentDeleted: {q: ClosedBy.CANCELED for q in QueueName if q is not QueueName.NO_SHOW},
}
# Once the window is over there is no visit left to confirm or to assign: those entries close by themselves.
OVER_WITH_THE_WINDOW = (QueueName.ESCALATION, QueueName.UNASSIGNED)
NOBODY_ASSIGNED = "its window ended with nobody assigned: call the customer to rebook"


def queue_name(name: str) -> QueueName:
    try:
        return QueueName(name)
    except ValueError:
        raise NotFound("queue") from None


def entries(repos: Repositories, caller: Caller, name: str, state: EntryState | None, limit: int,
            next_token: str | None) -> Page[QueueEntry]:
    caller.require(Role.DISPATCHER)
    return repos.queues.list(caller.org_id, queue_name(name).value, state, limit, next_token)


def visits_of(repos: Repositories, caller: Caller, name: str, listed: list[QueueEntry]) -> dict[str, Appointment]:
    """The entries' visits as they are now, by appointment id (one batch read): to assign them from the
    unassigned list, to see the window an escalation or retention call is about."""
    caller.require(Role.DISPATCHER)
    queue_name(name)
    return repos.jobs.appointments_by_id(caller.org_id, {e.appointment_id for e in listed})


def window_over(repos: Repositories, job, appointment: Appointment, now: datetime,
                review: str | None = None) -> None:
    """The visit's window is over (its delay check, or a late auto-cancel): the entries that waited on it
    close by themselves, and a no-show review opens, once per window, saying why: `review`, or that
    nobody was assigned when an unassigned entry closed (the visit moves where it can still be worked)."""
    closed = []
    for entry in repos.queues.of_job(job.org_id, job.id):
        if entry.appointment_id == appointment.id and entry.queue in OVER_WITH_THE_WINDOW \
                and entry.close(ClosedBy.WINDOW_PASSED, now):
            repos.queues.save(entry)
            closed.append(entry.queue)
    review = review or (NOBODY_ASSIGNED if QueueName.UNASSIGNED in closed else None)
    if review:
        why = f"{review} (closed: {', '.join(q.value for q in closed)})" if closed else review
        repos.queues.add(QueueEntry(job.org_id, QueueName.NO_SHOW, job.id, appointment.id, why, now,
                                    order_at=appointment.window.start),
                         f"no_show:{appointment.id}:{appointment.window.start:%Y%m%dT%H%M}")


def claim(repos: Repositories, caller: Caller, name: str, entry_id: str) -> QueueEntry:
    entry = _entry(repos, caller, name, entry_id)
    entry.claim(caller.id, clock.now())
    repos.queues.save(entry)
    return entry


def release(repos: Repositories, caller: Caller, name: str, entry_id: str) -> QueueEntry:
    entry = _entry(repos, caller, name, entry_id)
    entry.release(clock.now())
    repos.queues.save(entry)
    return entry


def resolve(repos: Repositories, caller: Caller, name: str, entry_id: str, outcome: Outcome, *, note: str | None = None,
            reason: str | None = None, window: TimeFrame | None = None) -> QueueEntry:
    """Close an entry with what the call gave; confirmed, rejected and reschedule act on the appointment
    (checked before anything is written, so a refused outcome changes nothing)."""
    entry = _entry(repos, caller, name, entry_id)
    now = clock.now()
    was = replace(entry)
    entry.resolve(outcome, caller.id, now, note)  # refuses a closed entry or someone else's claim
    act = _act(repos, caller, entry, outcome, reason, window, now) \
        if outcome in (Outcome.CONFIRMED, Outcome.REJECTED, Outcome.RESCHEDULE) else None
    # The entry first: the appointment's change closes what waits on it (the stream's reaction: "customer
    # confirmed", "moved"). Written first, it closed this entry before the dispatcher's resolution was written,
    # which the entry's version check then refused, and the customer had the credit for the call.
    repos.queues.save(entry)
    if act:
        try:
            act()
        except VersionConflict:  # the job changed since it was read: the entry waits again, as it was
            was.version = entry.version
            repos.queues.save(was)
            raise
    return entry


def _act(repos: Repositories, caller: Caller, entry: QueueEntry, outcome: Outcome, reason: str | None,
         window: TimeFrame | None, now: datetime) -> Callable[[], None]:
    """The outcome applied to the appointment in memory (refusing what cannot be), and its writes, to make."""
    if entry.appointment_id is None:
        raise ValidationError("outcome", f"{outcome} needs an entry about an appointment")
    job = visible_job(repos, caller, entry.job_id)
    appointment = job.appointment(entry.appointment_id)
    if outcome is Outcome.CONFIRMED:
        job.confirm(appointment.id, Confirmation.CONFIRMED, now)
        return lambda: save_confirmation(repos, job, appointment)
    if outcome is Outcome.REJECTED:
        if not reason:
            raise ValidationError("reason", "say why the customer said no")
        job.confirm(appointment.id, Confirmation.REJECTED, now, reason=reason)

        def reject() -> None:
            save_confirmation(repos, job, appointment)
            repos.queues.add(QueueEntry(job.org_id, QueueName.RETENTION, job.id, appointment.id, reason, now),
                             f"retention:{entry.id}")
        return reject
    if window is None:
        raise ValidationError("window_start", "a reschedule needs the new window_start and window_end")
    job.reschedule(appointment.id, now, window=window, technician_id=None, assign=False)
    return lambda: repos.jobs.save(job)  # the booking confirmation for the new window follows through the stream


def _entry(repos: Repositories, caller: Caller, name: str, entry_id: str) -> QueueEntry:
    caller.require(Role.DISPATCHER)
    return repos.queues.get(caller.org_id, queue_name(name).value, entry_id)


def on_event(repos: Repositories, event: AppointmentEvent) -> None:
    """Keep the unassigned queue in step with the appointment, and close what no longer waits."""
    a, now = event.appointment, clock.now()
    closes = CLOSED_BY.get(type(event), {})
    unassigned = a.status is AppointmentStatus.SCHEDULED and a.technician_id is None
    if not closes and not (unassigned and isinstance(event, (AppointmentScheduled, AppointmentRescheduled))):
        return
    mine = [e for e in repos.queues.of_job(event.org_id, event.job_id) if e.appointment_id == a.id]
    for entry in mine:
        if entry.queue in closes and entry.state is not EntryState.DONE and \
                not (entry.queue is QueueName.UNASSIGNED and unassigned):
            entry.close(closes[entry.queue], now)
            repos.queues.save(entry)
        elif entry.queue is QueueName.UNASSIGNED and entry.state is not EntryState.DONE and unassigned \
                and entry.order_at != a.window.start:
            entry.order_at = a.window.start  # moved: it sorts by its new window
            repos.queues.save(entry)
    waiting = [e for e in mine if e.queue is QueueName.UNASSIGNED and e.state is not EntryState.DONE]
    if unassigned and not waiting:
        repos.queues.add(QueueEntry(event.org_id, QueueName.UNASSIGNED, event.job_id, a.id,
                                    "no technician assigned yet", now, order_at=a.window.start),
                         f"unassigned:{a.id}:v{event.version}")
