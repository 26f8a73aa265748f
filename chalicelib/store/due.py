"""The due index: items that must be acted on at a time (held texts, timers) carry
`gsi3pk = DUE#{hour}#{shard}` and `gsi3sk = {due}#...`, and only while pending, so the sweep reads
what is due and nothing else: one Query per hour bucket and shard, over a range of due times. An hour
is spread over DUE_SHARDS partitions (a setting, sized by bench/capacity) so a busy one (the 8:00
reminders) stays cool. The sweep runs once a minute per shard, each run reading its own shard from its own
watermark, so the 8:00 backlog is shared between DUE_SHARDS runs. Raise it freely (with a schedule per
shard: infra/template.yaml); lower it only when nothing is pending in the shards dropped, as only the
shards the setting names are swept."""
import zlib
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError

from ..config import environment
from ..domain.messages import Message
from ..domain.timers import Timer
from . import keys
from .mapping import message_of, timer_of
from .models import Entity, MessageItem, TimerItem, WatermarkItem, bind


def shards() -> int:
    return environment().due_shards


def _bucket(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H")


def due_keys(due: datetime, pk: str, sk: str) -> tuple[str, str]:
    shard = zlib.crc32(pk.encode()) % shards()
    return f"DUE#{_bucket(due)}#{shard}", f"{keys.stamp(due)}#{pk}#{sk}"


def due_between(start: datetime, end: datetime, shard: int | None = None) -> tuple[list[Entity], int]:
    """Everything pending with a due time in [start, end] in one shard (None: all), in due order, and the
    Queries it took."""
    bind()
    found: list[Entity] = []
    queries, hour = 0, start.replace(minute=0, second=0, microsecond=0)
    read = range(shards()) if shard is None else (shard,)
    while hour <= end:
        for one in read:
            queries += 1
            found += list(Entity.gsi3.query(f"DUE#{_bucket(hour)}#{one}",
                                            Entity.gsi3sk.between(keys.stamp(start), keys.stamp(end) + "~")))
        hour += timedelta(hours=1)
    found.sort(key=lambda i: i.gsi3sk)
    return found, queries


def watermark(shard: int) -> str | None:
    """The due time up to which the shard's sweep has acted (an ISO stamp). A shard without one yet (an
    upgrade from the single sweep, or DUE_SHARDS raised) starts from the slowest shard's, or else from
    where the single sweep of earlier versions stopped: whatever was filed in it since is swept."""
    bind()
    marks = {i.sk: i.minute for i in WatermarkItem.query("SWEEP", WatermarkItem.sk.startswith("WATERMARK"))}
    if f"WATERMARK#{shard}" in marks:
        return marks[f"WATERMARK#{shard}"]
    shards = [m for sk, m in marks.items() if sk.startswith("WATERMARK#")]
    return min(shards) if shards else marks.get("WATERMARK")


def advance_watermark(to: str, shard: int) -> None:
    """Only forward: an overlapping, slower sweep never moves it back."""
    bind()
    try:
        WatermarkItem(pk="SWEEP", sk=f"WATERMARK#{shard}", minute=to).save(
            condition=WatermarkItem.minute.does_not_exist() | (WatermarkItem.minute < to))
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


class Due:
    """The due index for the services: what is due as domain objects (a pending Timer, a held Message, or
    a sent one still waiting for its receipt), and the sweep's watermark."""

    def shards(self) -> int:
        return shards()

    def due_between(self, start: datetime, end: datetime, shard: int | None = None) \
            -> tuple[list[Timer | Message], int]:
        items, queries = due_between(start, end, shard)
        return [message_of(i) if isinstance(i, MessageItem) else timer_of(i) for i in items
                if isinstance(i, (MessageItem, TimerItem))], queries

    def watermark(self, shard: int) -> datetime | None:
        """The due time up to which the shard's sweep has acted (whole seconds, UTC)."""
        mark = watermark(shard)
        return datetime.fromisoformat(mark.replace("Z", "+00:00")) if mark else None

    def advance_watermark(self, to: datetime, shard: int) -> None:
        advance_watermark(keys.stamp(to), shard)
