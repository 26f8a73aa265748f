"""The due index: items that must be acted on at a minute (held texts, timers) carry
`gsi3pk = DUE#{minute}#{shard}`, and only while pending, so the sweep reads what is due and nothing
else. A minute is spread over DUE_SHARDS partitions so a busy minute (8:00 reminders) stays cool."""
import zlib
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError

from . import keys
from .models import Entity, WatermarkItem, bind

DUE_SHARDS = 4


def minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def due_keys(due: datetime, pk: str, sk: str) -> tuple[str, str]:
    shard = zlib.crc32(pk.encode()) % DUE_SHARDS
    return f"DUE#{minute(due)}#{shard}", f"{keys.stamp(due)}#{pk}#{sk}"


def due_in_minute(at: datetime) -> list[Entity]:
    """Everything pending in one minute: DUE_SHARDS Queries on the index."""
    bind()
    found: list[Entity] = []
    for shard in range(DUE_SHARDS):
        found += list(Entity.gsi3.query(f"DUE#{minute(at)}#{shard}"))
    return found


def minutes(after: datetime, until: datetime) -> list[datetime]:
    """The whole minutes in (after, until]."""
    start = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    out = []
    while start <= until:
        out.append(start)
        start += timedelta(minutes=1)
    return out


def watermark() -> str | None:
    bind()
    try:
        return WatermarkItem.get("SWEEP", "WATERMARK").minute
    except WatermarkItem.DoesNotExist:
        return None


def advance_watermark(to_minute: str) -> None:
    """Only forward: an overlapping, slower sweep never moves it back."""
    bind()
    try:
        WatermarkItem(pk="SWEEP", sk="WATERMARK", minute=to_minute).save(
            condition=WatermarkItem.minute.does_not_exist() | (WatermarkItem.minute < to_minute))
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
