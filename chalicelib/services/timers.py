"""Timers: kept in step with each appointment by the stream handler, acted on by the minute sweep."""
from dataclasses import replace
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from .. import clock
from ..config import environment
from ..domain.errors import NotFound, VersionConflict
from ..domain.events import AppointmentEvent
from ..domain.jobs import Confirmation, Job
from ..domain.scenarios import MessagingSettings, ScenarioName
from ..domain.status import AppointmentStatus
from ..domain.timers import DERIVED, Timer, TimerKind, TimerPolicy, derived_timers
from ..domain.triggers import Trigger, too_late
from . import chain, queues
from .outbox.compose import notify, send_asked
from .ports import Senders
from .repositories import Repositories

logger = Logger(service="onmyway")
AUTO_CANCEL_REASON = "no technician was available"


def policy(s: MessagingSettings) -> TimerPolicy:
    def lead(name: ScenarioName, always: bool = False) -> timedelta | None:
        scenario = s.scenario(name)
        return timedelta(minutes=scenario.lead_time_minutes) if (scenario.enabled or always) else None
    return TimerPolicy(reminder=lead(ScenarioName.REMINDER), still_assigning=lead(ScenarioName.STILL_ASSIGNING),
                       auto_cancel=lead(ScenarioName.AUTO_CANCELED, always=True),  # the cancel happens, text or not
                       confirmation_followup=timedelta(minutes=s.confirmation_followup_minutes))


def _desired(repos: Repositories, job: Job, appointment_id: str) -> tuple[dict[TimerKind, datetime], object]:
    appointment = next((a for a in job.appointments if a.id == appointment_id), None)
    if appointment is None:
        return {}, None
    # With the technician, though only the zone and the settings count here: the text of the same change
    # (or of the timer) names them, and a change's or a run's loader then has every item it needs.
    ctx = repos.contexts.load(job.org_id, job.customer_id, appointment.technician_id, job.location_id)
    return derived_timers(appointment, ctx.time_zone, policy(ctx.settings)), appointment


def on_event(repos: Repositories, event: AppointmentEvent, job: Job | None) -> None:
    """Recompute an appointment's derived timers: new ones created, moved ones moved, obsolete ones removed.
    `job`: as it is now (None: declined or gone)."""
    desired, appointment = _desired(repos, job, event.appointment.id) if job else ({}, None)
    existing = {t.kind: t for t in repos.timers.of_appointment(event.org_id, event.job_id, event.appointment.id)}
    for kind in DERIVED:
        timer, due = existing.get(kind), desired.get(kind)
        if due is None:
            if timer and timer.status == "pending":
                repos.timers.remove(timer)
        elif timer is None or timer.due != due:
            repos.timers.put(Timer(event.org_id, event.job_id, appointment.id, kind, due, appointment.version,
                                   appointment.window.start), clock.now())


def fire(repos: Repositories, senders: Senders, due: Timer, now: datetime) -> bool:
    """Act on one due timer, after checking it still belongs to the appointment as it is now."""
    timer = repos.timers.take(due)
    if timer is None:
        return False  # another sweep took it, or it was moved
    try:
        job = repos.jobs.get(timer.org_id, timer.job_id)
    except NotFound:
        return False
    desired, appointment = _desired(repos, job, timer.appointment_id)
    if appointment is None or (timer.kind in DERIVED and desired.get(timer.kind) != timer.due):
        logger.info("stale timer dropped", extra={"job_id": timer.job_id, "appointment_id": timer.appointment_id,
                                                  "kind": timer.kind.value})
        return False
    return ACTIONS[timer.kind](repos, senders, timer, job, appointment, now)


def _text(scenario: ScenarioName, key: str):
    def act(repos, senders, timer, job, appointment, now) -> bool:
        notify(repos, senders, Trigger(scenario, key.format(a=appointment, t=timer), appointment.id,
                                      appointment.window), job, timer.due)
        return True
    return act


MISSED = ("nobody was assigned and the auto-cancel ran after the window had started: the customer was not "
          "told; call them to rebook")
NO_SHOW = "not started an hour after its window (or its last ETA): did anyone go? call the customer"


def _auto_cancel(repos, senders, timer, job, appointment, now) -> bool:
    """Still unassigned an hour before: cancel through the domain's own path, then tell the customer. Late
    (after an outage, a clock jump), the visit is canceled all the same, but once its window has started the
    text is no longer true (the rule drops it): the dispatcher gets the missed visit to review instead."""
    trigger = Trigger(ScenarioName.AUTO_CANCELED, f"auto_canceled:{appointment.id}", appointment.id,
                      appointment.window)
    job.cancel_appointment(appointment.id, AUTO_CANCEL_REASON, now, offer_coupon=True)
    try:
        repos.jobs.save(job)
    except VersionConflict:  # changed at the last second: the next sweep judges it again
        repos.timers.put(Timer(timer.org_id, timer.job_id, timer.appointment_id, timer.kind, timer.due,
                               timer.appointment_version, timer.window_start), now)
        raise
    if too_late(trigger, job, now):  # before the text path, so a failure there cannot lose the review
        queues.window_over(repos, job, appointment, now, review=MISSED)
    notify(repos, senders, trigger, job, timer.due)
    return True


def _delay_check(repos, senders, timer, job, appointment, now) -> bool:
    """Not started by the window's end: nothing is left to confirm or assign (those entries close). The
    customer hears the technician is late while that is still news; long past it, the rule drops the text
    and the dispatcher gets a no-show review instead."""
    trigger = Trigger(ScenarioName.DELAYED, f"delay_check:{appointment.id}:{timer.due:%Y%m%dT%H%M}", appointment.id,
                      appointment.window)
    notify(repos, senders, trigger, job, timer.due)
    queues.window_over(repos, job, appointment, now, review=NO_SHOW if too_late(trigger, job, now) else None)
    return True


def _awaiting_reply(timer: Timer, appointment, now: datetime) -> bool:
    return (appointment.status is AppointmentStatus.SCHEDULED and appointment.confirmation is Confirmation.PENDING
            and appointment.window.start == timer.window_start and appointment.window.start > now)


def _waits_for_morning(repos, timer: Timer, job, now: datetime) -> bool:
    """No step of the confirmation chain runs in quiet hours: it waits for their end and, as a held text
    does, for its own moment in the release window, so a night's escalations (and their voice calls) do not
    all go in the morning's first minute."""
    ctx = repos.contexts.load(job.org_id, job.customer_id, None, job.location_id)
    if release := ctx.quiet_hours.release_moment(
            now, ctx.time_zone, f"{timer.kind.value}:{timer.appointment_id}:{timer.step}",
            timedelta(minutes=environment().quiet_release_minutes), timer.window_start):
        repos.timers.put(replace(timer, due=release, status="pending"), now)
        return True
    return False


def _follow_up(repos, senders, timer, job, appointment, now) -> bool:
    """No reply yet: the confirmation chain's next steps (services/chain.py), never in quiet hours."""
    if not _awaiting_reply(timer, appointment, now) or _waits_for_morning(repos, timer, job, now):
        return False
    send_asked(repos, senders, chain.run(repos, job, appointment, timer.window_start, timer.step, now), now)
    return True


def _hand_back(repos, senders, timer, job, appointment, now) -> bool:
    """A hand-back timer placed before chains were data."""
    if not _awaiting_reply(timer, appointment, now) or _waits_for_morning(repos, timer, job, now):
        return False
    chain.hand_back(repos, job, appointment, timer.window_start, now)
    return True


ACTIONS = {
    TimerKind.REMINDER: _text(ScenarioName.REMINDER, "reminder:{a.id}:{t.window_start:%Y%m%dT%H%M}"),
    TimerKind.STILL_ASSIGNING: _text(ScenarioName.STILL_ASSIGNING, "still_assigning:{a.id}:{t.window_start:%Y%m%dT%H%M}"),
    TimerKind.DELAY_CHECK: _delay_check,
    TimerKind.AUTO_CANCEL: _auto_cancel,
    TimerKind.CONFIRMATION_FOLLOWUP: _follow_up,
    TimerKind.CONFIRMATION_ESCALATED: _hand_back,
}
