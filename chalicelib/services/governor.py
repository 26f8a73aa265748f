"""The send-rate governor: claimed SMS texts leave through the outbound queues, drained at each origination
identity's parts per second, urgent texts first.

Exactly once across the queue: a text is claimed in the ledger before it is queued (notifications.py);
the drainer reads the ledger before sending (a text already sent, suppressed or gone is dropped from the
queue), sends, marks it sent, and only then deletes the queue entry. A redelivered entry finds the text
sent and does nothing. The provider's "too fast" (End User Messaging ThrottlingException, SNS Throttled)
is neither a failure nor a retry of the stream: the text goes back to the head of its lane and its
identity pauses with a growing back-off. Any other refusal is recorded `failed` and the text is held for
a retry a few minutes on, as the sweep does for a text it could not send.

One drainer runs at a time (reserved concurrency 1 in infra/template.yaml): it holds the texts it
received in per-identity lanes, so a slow identity never blocks a fast one, and what one run sent in its
last second is kept (store/rates.py) for the next."""
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from .. import clock, metrics
from ..domain.errors import NotFound
from ..domain.messages import Message, MessageStatus
from ..domain.pacing import Lanes, SendWindow, Waiting, is_urgent
from ..domain.scenarios import ScenarioName
from ..domain.triggers import Trigger, why_not_now
from ..notify.queue import Entry
from ..notify.senders import Senders
from ..store.rates import SendRates
from . import ledger

if TYPE_CHECKING:
    from .repositories import Repositories

logger = Logger(service="onmyway")
THROTTLED = frozenset({"ThrottlingException", "Throttled", "ThrottledException", "TooManyRequestsException"})
IN_HAND = 2000  # texts one run holds at most (each is in flight in SQS until sent or given back)
SCENARIOS = frozenset(s.value for s in ScenarioName)
POLL_EVERY = 1.0  # seconds between looks for new urgent texts while draining


def governs(message: Message, senders: Senders) -> bool:
    """SMS is what carriers rate-limit per identity; WhatsApp and email go straight out."""
    return message.channel == "sms" and senders.texts is not None and senders.texts.configured()


def enqueue(message: Message, senders: Senders) -> None:
    senders.texts.put(Entry(message.org_id, message.job_id, message.key, message.sender, max(message.segments, 1),
                      is_urgent(message.scenario)))
    logger.info("text queued", extra={"message_id": message.id, "job_id": message.job_id,
                                      "scenario": message.scenario, "urgent": is_urgent(message.scenario)})


@dataclass
class DrainReport:
    sent: int = 0
    parts: int = 0
    skipped: int = 0  # already sent (a redelivery), suppressed, or gone
    throttled: int = 0  # provider "too fast" answers, retried
    failed: int = 0  # other refusals: held for a retry
    given_back: int = 0  # still waiting when the run's time was up
    by_identity: dict[str, int] = field(default_factory=dict)


def throttling(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code") in THROTTLED


def _seconds() -> float:
    """Sub-second time on the application's clock (the local stage's is simulated)."""
    return clock.instant().timestamp()


def drain(repos: "Repositories", senders: Senders, budget: float, *, now: Callable[[], float] = _seconds,
          sleep: Callable[[float], None] = time.sleep) -> DrainReport:
    """Send what is queued, each identity at its rate, for at most `budget` seconds (0: only what may go
    without waiting). What is left is given back to the queue for the next run."""
    queue = senders.texts
    if queue is None or not queue.configured():
        return DrainReport()
    report, lanes, rates = DrainReport(), Lanes(), SendRates()
    windows: dict[str, SendWindow] = {}
    deadline, received = now() + budget, [0]
    last_poll = _poll(queue, lanes, received, True, now)
    while len(lanes) or len(_refill(queue, lanes, received, now)):
        t = now()
        choice, wait = None, float("inf")
        for identity in lanes.identities():
            if identity not in windows:
                windows[identity] = rates.window(identity)
            head = lanes.head(identity)
            w = windows[identity].wait(t, head.parts)
            if w < wait or (w == wait and head.ref[0] < choice.ref[0]):  # ties: the earliest received
                choice, wait = head, w
        if wait > 0:
            if t + wait > deadline:
                break
            sleep(wait)
            continue
        lanes.pop(choice)
        _send(repos, senders, choice, windows[choice.identity], t, lanes, report)
        if now() - last_poll >= POLL_EVERY:  # urgent texts written meanwhile jump the routine ones
            last_poll = _poll(queue, lanes, received, len(lanes) < IN_HAND // 2, now)
    left = [w.ref[1] for w in lanes.waiting()]
    if left:
        queue.give_back(left)
    report.given_back = len(left)
    t = now()
    for identity, window in windows.items():
        rates.keep(identity, window, t)
    return report


def _refill(queue, lanes: Lanes, received: list[int], now: Callable[[], float]) -> Lanes:
    """All in hand is sent: whatever waited beyond what one hand holds comes next."""
    _poll(queue, lanes, received, True, now)
    return lanes


def _poll(queue, lanes: Lanes, received: list[int], routine: bool, now: Callable[[], float]) -> float:
    """Receive every urgent text waiting; then routine ones, while there is room in hand."""
    for urgent in (True, False) if routine else (True,):
        while len(lanes) < IN_HAND:
            entries = queue.receive(urgent)
            if not entries:
                break
            for entry in entries:
                received[0] += 1
                lanes.add(Waiting(entry.identity, entry.parts, entry.urgent, (received[0], entry)))
    return now()


def _send(repos, senders: Senders, waiting: Waiting, window: SendWindow, t: float, lanes: Lanes,
          report: DrainReport) -> None:
    entry: Entry = waiting.ref[1]
    try:
        message = repos.messages.claimed(entry.org_id, entry.job_id, entry.key)
    except NotFound:
        message = None
    if message is None or message.status is not MessageStatus.QUEUED:
        senders.texts.done(entry)  # sent already (a redelivery), suppressed, held again, or gone
        report.skipped += 1
        return
    if why := _no_longer_true(repos, message):
        message.status, message.error, message.updated_at = MessageStatus.SUPPRESSED, why, clock.now()
        repos.messages.update(message)
        senders.texts.done(entry)
        report.skipped += 1
        logger.info("queued text dropped", extra={"message_id": message.id, "reason": why})
        return
    try:
        message.provider_id = senders.send(message)
    except Exception as error:
        if throttling(error):
            report.throttled += 1
            window.throttled(t, waiting.attempts)
            waiting.attempts += 1
            lanes.add(waiting, front=True)
            logger.warning("provider throttled; retrying", extra={"message_id": message.id,
                                                                   "attempt": waiting.attempts})
            return
        _hold_for_retry(repos, message, error)
        senders.texts.done(entry)
        report.failed += 1
        return
    window.record(t, waiting.parts)
    message.status, message.error, message.release_at = MessageStatus.SENT, None, None
    message.updated_at = clock.now()
    repos.messages.update(message)
    senders.texts.done(entry)
    metrics.text_sent(message.org_id, message.segments)
    report.sent += 1
    report.parts += waiting.parts
    report.by_identity[waiting.identity] = report.by_identity.get(waiting.identity, 0) + waiting.parts
    logger.info("sent", extra={"message_id": message.id, "job_id": message.job_id, "scenario": message.scenario,
                               "segments": message.segments})


def _no_longer_true(repos, message: Message) -> str | None:
    """Texts are true when they arrive: one that waited in the queue is judged again on the job as it is
    now (an "on the way" text behind a backlog, after the technician arrived, is suppressed)."""
    if not message.appointment_id or message.scenario not in SCENARIOS:
        return None
    try:
        job = repos.jobs.get(message.org_id, message.job_id)
    except NotFound:
        return "the job is gone"
    return why_not_now(Trigger(ScenarioName(message.scenario), message.key, message.appointment_id, message.window),
                       job, clock.now())


def _hold_for_retry(repos, message: Message, error: Exception) -> None:
    """Refused for another reason than rate: recorded failed, then back in the due index for the sweep
    (as services/sweep.py does with a text it could not send)."""
    now = clock.now()
    message.status, message.error, message.updated_at = MessageStatus.FAILED, f"{type(error).__name__}: {error}"[:500], now
    repos.messages.update(message)
    ledger.hold_for_retry(repos, message, now)
    metrics.add("DeliveryFailures", message.org_id)
    logger.warning("send failed; held for a retry", extra={"message_id": message.id, "reason": message.error})
