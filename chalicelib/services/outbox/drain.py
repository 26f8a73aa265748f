"""The drainer: claimed SMS texts leave through the outbound queues at each origination identity's parts per
second, urgent texts first, each judged again by the one rule right before the provider call (a text that
waited behind a backlog goes only if it still may: not after a STOP, not in quiet hours, not untrue).

Exactly once across the queue: a text is claimed in the ledger before it is queued (compose.py); the
drainer reads the ledger before sending (a text already sent, suppressed or gone is dropped from the
queue), asks the rule (dropped: recorded suppressed; quiet hours: held again until its moment), sends,
marks it sent, and only then deletes the queue entry. A redelivered entry finds the text sent and does
nothing. The provider's "too fast" (End User Messaging ThrottlingException, SNS Throttled)
is neither a failure nor a retry of the stream: the text goes back to the head of its lane and its
identity pauses with a growing back-off. Any other refusal is recorded `failed` and the text is held for
a retry a few minutes on, as the sweep does for a text it could not send.

One drainer runs at a time (reserved concurrency 1 in infra/template.yaml): it holds the texts it
received in per-identity lanes, so a slow identity never blocks a fast one, and what one run sent in its
last second is kept (store/rates.py) for the next."""
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from aws_lambda_powertools import Logger

from ... import clock
from ...domain.errors import NotFound
from ...domain.messages import MessageStatus
from ...domain.pacing import Lanes, QueuedText, SendWindow, Waiting
from ..ports import Senders
from ..repositories import Repositories
from . import judge, ledger

logger = Logger(service="onmyway")
THROTTLED = frozenset({"ThrottlingException", "Throttled", "ThrottledException", "TooManyRequestsException"})
IN_HAND = 2000  # texts one run holds at most (each is in flight in SQS until sent or given back)
POLL_EVERY = 1.0  # seconds between looks for new urgent texts while draining


@dataclass
class DrainReport:
    sent: int = 0
    parts: int = 0
    skipped: int = 0  # already sent (a redelivery), suppressed, or gone
    throttled: int = 0  # provider "too fast" answers, retried
    failed: int = 0  # other refusals: held for a retry
    given_back: int = 0  # still waiting when the run's time was up
    retry_in: float = 0.0  # seconds until the first of those may go (0: none given back)
    by_identity: dict[str, int] = field(default_factory=dict)


def throttling(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code") in THROTTLED


def _seconds() -> float:
    """Sub-second time on the application's clock (the local stage's is simulated)."""
    return clock.instant().timestamp()


def drain(repos: Repositories, senders: Senders, budget: float, *, now: Callable[[], float] = _seconds,
          sleep: Callable[[float], None] = time.sleep) -> DrainReport:
    """Send what is queued, each identity at its rate, for at most `budget` seconds (0: only what may go
    without waiting). What is left is given back to the queue for the next run."""
    queue = senders.texts
    if queue is None or not queue.configured():
        return DrainReport()
    # Each text is judged on its job and its customer, read every time; the organization's own items (its
    # settings, channels) once a run, as the sweep reads them: a busy minute must not read its partition hot.
    repos = replace(repos, contexts=repos.contexts.for_run())
    report, lanes, rates = DrainReport(), Lanes(), repos.rates
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
                report.retry_in = wait
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
    entry: QueuedText = waiting.ref[1]
    try:
        message = repos.messages.claimed(entry.org_id, entry.job_id, entry.key)
    except NotFound:
        message = None
    if message is None or message.status is not MessageStatus.QUEUED:
        senders.texts.done(entry)  # sent already (a redelivery), suppressed, held again, or gone
        report.skipped += 1
        return
    moment = clock.now()
    if not ledger.judged(repos, message, judge.again(repos, message, moment), moment):
        senders.texts.done(entry)  # suppressed, or held again for the end of quiet hours: the sweep has it
        report.skipped += 1
        return
    try:
        provider_id = senders.send(message)
    except Exception as error:
        if throttling(error):
            report.throttled += 1
            window.throttled(t, waiting.attempts)
            waiting.attempts += 1
            lanes.add(waiting, front=True)
            logger.warning("provider throttled; retrying", extra={"message_id": message.id,
                                                                   "attempt": waiting.attempts})
            return
        moment = clock.now()
        ledger.failed(repos, message, error, moment)  # then back in the due index for the sweep to retry
        ledger.hold_for_retry(repos, message, moment)
        senders.texts.done(entry)
        report.failed += 1
        return
    window.record(t, waiting.parts)
    ledger.sent(repos, message, provider_id, clock.now())
    senders.texts.done(entry)
    report.sent += 1
    report.parts += waiting.parts
    report.by_identity[waiting.identity] = report.by_identity.get(waiting.identity, 0) + waiting.parts
