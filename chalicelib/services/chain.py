"""The confirmation chain (seed 003), held as data per organization: after the question (a booking
confirmation or reminder, on the customer's channel), its steps run in order until the customer answers:
ask again on another channel, wait, a call to make (voice task), hand back to the sales channel.

A channel step is skipped when the customer can't be reached there or was already asked there; a wait
places the chain's timer (a bare `wait` uses the organization's visit-relative figures, so the default
chain is today's SMS → voice → hand back). The sweep runs no step in quiet hours, and an appointment
keeps the chain in force when it was booked.

The chain sends nothing itself: it returns what it asks for (texts as triggers, calls), and the send path
(services/outbox/compose.py) sends them through the one rule."""
from dataclasses import dataclass
from datetime import datetime

from ..domain import timefmt
from ..domain.channels import ChainStep, channel_for, reachable
from ..domain.jobs import Confirmation
from ..domain.queues import QueueEntry, QueueName
from ..domain.scenarios import ScenarioName
from ..domain.texts import FOLLOWED_UP
from ..domain.timers import Timer, TimerKind
from ..domain.triggers import Trigger
from .repositories import Repositories

CHANNELS = ("sms", "whatsapp", "email")
CHAIN_KEY = "chain:"


@dataclass(frozen=True)
class Ask:
    """A text the chain wants sent."""
    trigger: Trigger
    job: object


@dataclass(frozen=True)
class Call:
    """A voice message the chain wants placed (the escalation's), with the number's consent records."""
    key: str
    to: str
    origination: str
    text: str
    consent: tuple = ()
    customer: object = None


def follow_up(repos: Repositories, message, now: datetime) -> list[Ask | Call]:
    """A confirmation or reminder waits for a reply: the confirmation chain runs on from it."""
    if message.scenario in FOLLOWED_UP and message.appointment_id and message.window:
        return start(repos, message, now)
    return []


def start(repos: Repositories, message, now: datetime) -> list[Ask | Call]:
    """The question went: run the chain from its second step. A reminder asking again while the chain is
    under way for the same window does not start it over."""
    if message.key.startswith(CHAIN_KEY):
        return []
    if any(t.kind in (TimerKind.CONFIRMATION_FOLLOWUP, TimerKind.CONFIRMATION_ESCALATED) and t.status == "pending"
           and t.window_start == message.window.start
           for t in repos.timers.of_appointment(message.org_id, message.job_id, message.appointment_id)):
        return []
    job = repos.jobs.get(message.org_id, message.job_id)
    appointment = job.appointment(message.appointment_id)
    return run(repos, job, appointment, message.window.start, 1, now)


def _due(steps: tuple[ChainStep, ...], index: int, messaging, now: datetime, window_start: datetime) -> datetime:
    step = steps[index]
    if step.wait is not None:
        return now + step.wait
    following = next((s.action for s in steps[index + 1:] if s.action != "wait"), None)
    if following == "hand_back":
        return messaging.hand_back_due(now, window_start)
    return messaging.escalation_due(now, window_start)


def run(repos: Repositories, job, appointment, window_start: datetime, index: int | None,
        now: datetime) -> list[Ask | Call]:
    """The chain's steps from `index` until a wait or the hand-back; what they ask for, in order."""
    ctx = repos.contexts.load(job.org_id, job.customer_id, None, job.location_id, consent=True)
    asks: list[Ask | Call] = []
    steps = ctx.channels.chain_for(appointment.created_at)
    if index is None:  # a timer placed before chains were data: it stood for "escalate now"
        index = next(i for i, s in enumerate(steps) if s.action == "wait") + 1
    asked_on = channel_for(ctx.customer, ctx.channels, consent=ctx.consent)
    while index < len(steps):
        step = steps[index]
        if step.action == "wait":
            repos.timers.put(Timer(job.org_id, job.id, appointment.id, TimerKind.CONFIRMATION_FOLLOWUP,
                                   _due(steps, index, ctx.settings, now, window_start), 0, window_start,
                                   step=index + 1), now)
            return asks
        if step.action in CHANNELS:
            if step.action != asked_on and reachable(ctx.customer, step.action, ctx.channels, ctx.consent):
                asks.append(Ask(Trigger(ScenarioName.BOOKING_CONFIRMATION,
                                        f"{CHAIN_KEY}{appointment.id}:{window_start:%Y%m%dT%H%M}:{index}",
                                        appointment.id, appointment.window, channel=step.action), job))
        elif step.action == "voice_task":
            asks += _voice_task(repos, ctx, job, appointment, window_start, now)
        elif step.action == "hand_back":
            hand_back(repos, job, appointment, window_start, now)
            return asks
        index += 1
    return asks


def _voice_task(repos: Repositories, ctx, job, appointment, window_start: datetime, now: datetime) -> list[Call]:
    """A call to make (escalation queue), and a voice message where the organization has a voice number."""
    key = f"escalation:{appointment.id}:{window_start.isoformat()}"
    added = repos.queues.add(QueueEntry(job.org_id, QueueName.ESCALATION, job.id, appointment.id,
                                        "no reply to the confirmation request", now), key)
    if not (added and ctx.settings.voice_origination and ctx.customer.phone):
        return []
    return [Call(key, ctx.customer.phone, ctx.settings.voice_origination,
                 f"Hello from {ctx.org.name}. Please confirm your visit on "
                 f"{timefmt.spoken_window(appointment.window.start, appointment.window.end, ctx.time_zone)}: "
                 f"reply C to our text, or call us back.", ctx.consent, ctx.customer)]


def hand_back(repos: Repositories, job, appointment, window_start: datetime, now: datetime) -> None:
    """Still no answer: the order is unconfirmed and goes back to the sales channel (retention queue)."""
    job.confirm(appointment.id, Confirmation.UNCONFIRMED, now)
    repos.jobs.save(job)
    repos.queues.add(QueueEntry(job.org_id, QueueName.RETENTION, job.id, appointment.id, "no response to confirmation",
                                now), f"retention:{appointment.id}:{window_start.isoformat()}")


