"""The minute sweep: everything due (held texts, timers) is read from the due index, from the stored
watermark up to now, so after an outage it catches up minute by minute and never skips one. Each due
item is claimed with a conditional write, so two overlapping sweeps never act twice."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from .. import metrics
from ..domain.errors import NotFound, VersionConflict
from ..domain.messages import Message, MessageStatus
from ..domain.scenarios import ScenarioName
from ..domain.timers import Timer
from ..domain.triggers import Trigger, why_not_now
from ..notify.channels import Senders
from . import timers as timer_service
from .chain import follow_up
from .delivery import SendFailed, deliver, log
from .repositories import Repositories

logger = Logger(service="onmyway")
MAX_CATCH_UP = timedelta(hours=24)  # a longer outage is caught up over the next runs
SAFETY = timedelta(minutes=1)
RETRY_AFTER = timedelta(minutes=5)


@dataclass
class SweepReport:
    since: str = ""
    until: str = ""
    queries: int = 0  # Queries on the due index
    due: int = 0  # items found due
    acted: int = 0
    failed: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


def run(repos: Repositories, senders: Senders, now: datetime) -> SweepReport:
    start = repos.due.watermark() or now - SAFETY
    end = min(now, start + MAX_CATCH_UP)
    report = SweepReport(since=_stamp(start), until=_stamp(end))
    items, report.queries = repos.due.due_between(start, end)
    for item in items:
        report.due += 1
        kind = item.kind.value if isinstance(item, Timer) else "held_text"
        try:
            acted = timer_service.fire(repos, senders, item, now) if isinstance(item, Timer) else \
                release_held(repos, senders, item, now)
        except SendFailed as failure:
            _hold_for_retry(repos, failure.message, now)
            report.failed += 1
            continue
        except VersionConflict:
            report.failed += 1  # re-filed by the action itself
            continue
        except Exception:  # one bad item must not stop the sweep for everyone else
            logger.exception("due item failed", extra={"job_id": item.job_id, "kind": kind})
            report.failed += 1
            continue
        report.acted += int(acted)
        if acted and isinstance(item, Timer):
            metrics.add("TimersFired", item.org_id)
        report.kinds[kind] = report.kinds.get(kind, 0) + int(acted)
    # Lag a little behind: an item filed while this sweep ran is read again next time (acted-on items
    # have left the index, so reading again costs nothing and acts on nothing twice).
    repos.due.advance_watermark(max(start, end - SAFETY))
    return report


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _hold_for_retry(repos: Repositories, message: Message, now: datetime) -> None:
    """A text the provider refused goes back in the due index, a few minutes on."""
    message.status, message.release_at, message.updated_at = MessageStatus.HELD, now + RETRY_AFTER, now
    repos.messages.update(message)


def release_held(repos: Repositories, senders: Senders, due: Message, now: datetime) -> bool:
    """Send a held text (quiet hours, or a retry), unless it is no longer true or the customer opted out.
    A sent text still in the index has had no delivery receipt for 72 hours: its delivery is unknown."""
    if due.status is MessageStatus.SENT:
        return repos.messages.receipt(due, MessageStatus.UNKNOWN,
                                      "no delivery receipt within 72 hours", now)
    message = repos.messages.take_held(due)
    if message is None:
        return False  # another sweep has it
    try:
        job = repos.jobs.get(message.org_id, message.job_id)
    except NotFound:
        job = None
    appointment = job and next((a for a in job.appointments if a.id == message.appointment_id), None)
    ctx = job and repos.contexts.load(job.org_id, job.customer_id, appointment and appointment.technician_id,
                                job.location_id)
    why = _reason_to_drop(job, ctx, message, now)
    if why:
        message.status, message.error, message.updated_at = MessageStatus.SUPPRESSED, why, now
        repos.messages.update(message)
        log(message, "held text dropped")
        return True
    deliver(repos, senders, message)
    follow_up(repos, senders, message, now)
    return True


def _reason_to_drop(job, ctx, message: Message, now: datetime) -> str | None:
    if job is None:
        return "the job is gone"
    scenario = ScenarioName(message.scenario)
    if ctx.customer.opted_out:
        return "customer opted out"
    if not ctx.settings.scenario(scenario).enabled:
        return "scenario turned off"
    return why_not_now(Trigger(scenario, message.key, message.appointment_id, message.window), job, now)
