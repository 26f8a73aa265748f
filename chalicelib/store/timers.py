"""The due index: items that must be acted on at a time (held texts, timers) carry
`gsi3pk = DUE#{hour}#{shard}` and `gsi3sk = {due}#...`, and only while pending, so the sweep reads
what is due and nothing else: one Query per hour bucket and shard, over a range of due times. An hour
is spread over DUE_SHARDS partitions so a busy one (the 8:00 reminders) stays cool."""
import zlib
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError, UpdateError

from ..domain.timers import Timer, TimerKind
from . import keys
from .models import Entity, TimerItem, WatermarkItem, bind

DUE_SHARDS = 4


def _bucket(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H")


def due_keys(due: datetime, pk: str, sk: str) -> tuple[str, str]:
    shard = zlib.crc32(pk.encode()) % DUE_SHARDS
    return f"DUE#{_bucket(due)}#{shard}", f"{keys.stamp(due)}#{pk}#{sk}"


def due_between(start: datetime, end: datetime) -> tuple[list[Entity], int]:
    """Everything pending with a due time in [start, end], in due order, and the Queries it took."""
    bind()
    found: list[Entity] = []
    queries, hour = 0, start.replace(minute=0, second=0, microsecond=0)
    while hour <= end:
        for shard in range(DUE_SHARDS):
            queries += 1
            found += list(Entity.gsi3.query(f"DUE#{_bucket(hour)}#{shard}",
                                            Entity.gsi3sk.between(keys.stamp(start), keys.stamp(end) + "~")))
        hour += timedelta(hours=1)
    found.sort(key=lambda i: i.gsi3sk)
    return found, queries


def watermark() -> str | None:
    """The due time up to which the sweep has acted (an ISO stamp)."""
    bind()
    try:
        return WatermarkItem.get("SWEEP", "WATERMARK").minute
    except WatermarkItem.DoesNotExist:
        return None


def advance_watermark(to: str) -> None:
    """Only forward: an overlapping, slower sweep never moves it back."""
    bind()
    try:
        WatermarkItem(pk="SWEEP", sk="WATERMARK", minute=to).save(
            condition=WatermarkItem.minute.does_not_exist() | (WatermarkItem.minute < to))
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def _timer_item(t: Timer, not_before: datetime | None = None) -> TimerItem:
    pk = keys.job(t.org_id, t.job_id)
    item = TimerItem(pk=pk, sk=f"TIMER#{t.appointment_id}#{t.kind}", org_id=t.org_id, job_id=t.job_id,
                     appointment_id=t.appointment_id, timer_kind=t.kind.value, due=t.due,
                     appointment_version=t.appointment_version, window_start=t.window_start, status=t.status,
                     step=t.step)
    if t.status == "pending":
        # Already due (or retried): file it under the minute the sweep reads next, not behind its watermark.
        item.gsi3pk, item.gsi3sk = due_keys(max(t.due, not_before) if not_before else t.due, pk, item.sk)
    return item


def timer_of(i: TimerItem) -> Timer:
    return Timer(org_id=i.org_id, job_id=i.job_id, appointment_id=i.appointment_id, kind=TimerKind(i.timer_kind),
                 due=i.due, appointment_version=int(i.appointment_version), window_start=i.window_start,
                 status=i.status, step=int(i.step) if i.step is not None else None)


class Timers:
    def of_appointment(self, org_id: str, job_id: str, appointment_id: str) -> list[Timer]:
        bind()
        return [timer_of(i) for i in TimerItem.query(keys.job(org_id, job_id),
                                                       Entity.sk.startswith(f"TIMER#{appointment_id}#"))]

    def put(self, timer: Timer, now: datetime) -> None:
        """Create or move a timer (pending again, at its new due time)."""
        bind()
        _timer_item(timer, now).save()

    def remove(self, timer: Timer) -> None:
        bind()
        _timer_item(timer).delete(condition=TimerItem.status == "pending")

    def take(self, item: TimerItem) -> Timer | None:
        """Claim a due timer (it leaves the due index); None if another sweep has it or it moved."""
        try:
            item.update(actions=[TimerItem.status.set("fired"), TimerItem.gsi3pk.remove(), TimerItem.gsi3sk.remove()],
                        condition=(TimerItem.status == "pending") & (TimerItem.due == item.due))
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return timer_of(item)
