"""The minute sweep: everything due (held texts, timers) is read from the due index, from the stored
watermark up to now, so after an outage it catches up minute by minute and never skips one. Each due
item is claimed with a conditional write, so two overlapping sweeps never act twice."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from ..domain.errors import NotFound
from ..domain.messages import Message, MessageStatus
from ..domain.scenarios import ScenarioName
from ..domain.triggers import Trigger, still_true
from ..notify.sms import SmsSender
from ..store import timers
from ..store.models import MessageItem
from .notifications import SendFailed, contexts, deliver, log
from .store import Store

logger = Logger(service="onmyway")
MAX_MINUTES_PER_RUN = 6 * 60  # a longer outage is caught up over the next runs
RETRY_AFTER = timedelta(minutes=5)


@dataclass
class SweepReport:
    minutes: int = 0
    due: int = 0
    acted: int = 0
    failed: int = 0
    watermark: str | None = None
    kinds: dict[str, int] = field(default_factory=dict)


def run(store: Store, sender: SmsSender, now: datetime) -> SweepReport:
    report = SweepReport()
    current = now.replace(second=0, microsecond=0)
    mark = timers.watermark()
    start = datetime.fromisoformat(mark + ":00+00:00") if mark else current - timedelta(minutes=1)
    for minute in timers.minutes(start, current)[:MAX_MINUTES_PER_RUN]:
        report.minutes += 1
        for item in timers.due_in_minute(minute):
            report.due += 1
            if isinstance(item, MessageItem) and item.release_at <= now:
                report.kinds["held_text"] = report.kinds.get("held_text", 0) + 1
                acted, failed = release_held(store, sender, item, now)
                report.acted += acted
                report.failed += failed
        if minute < current:  # the current minute may still get due items: read it again next run
            timers.advance_watermark(timers.minute(minute))
            report.watermark = timers.minute(minute)
    return report


def release_held(store: Store, sender: SmsSender, item: MessageItem, now: datetime) -> tuple[int, int]:
    """Send a text held for quiet hours, unless it is no longer true or the customer opted out since."""
    message = store.messages.take_held(item)
    if message is None:
        return 0, 0  # another sweep has it
    why = _reason_to_drop(store, message)
    if why:
        message.status, message.error, message.updated_at = MessageStatus.SUPPRESSED, why, now
        store.messages.update(message)
        log(message, "held text dropped")
        return 1, 0
    try:
        deliver(store, sender, message)
    except SendFailed:
        message.status, message.release_at = MessageStatus.HELD, now + RETRY_AFTER  # back in the due index
        store.messages.update(message)
        return 0, 1
    return 1, 0


def _reason_to_drop(store: Store, message: Message) -> str | None:
    try:
        job = store.jobs.get(message.org_id, message.job_id)
    except NotFound:
        return "the job is gone"
    appointment = next((a for a in job.appointments if a.id == message.appointment_id), None)
    ctx = contexts.load(job.org_id, job.customer_id, appointment and appointment.technician_id, job.location_id)
    scenario = ScenarioName(message.scenario)
    if ctx.customer.opted_out:
        return "customer opted out"
    if not ctx.settings.scenario(scenario).enabled:
        return "scenario turned off"
    if not still_true(Trigger(scenario, message.key, message.appointment_id, message.window), job):
        return "superseded by a later change"
    return None
