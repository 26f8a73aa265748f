"""Timers of appointments (reminders, still-assigning, auto-cancel, follow-ups), kept in the job's partition;
a pending one is also filed in the due index (store/due.py)."""
from datetime import datetime

from pynamodb.exceptions import UpdateError

from ..domain.timers import Timer
from . import keys
from .db import conditional
from .due import due_keys
from .mapping import timer_of
from .models import Entity, TimerItem, bind


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
        """Only while pending: VersionConflict if it fired (or went) since it was read."""
        bind()
        with conditional():
            _timer_item(timer).delete(condition=TimerItem.status == "pending")

    def take(self, timer: Timer) -> Timer | None:
        """Claim a due timer (it leaves the due index); None if another sweep has it or it moved."""
        bind()
        item = _timer_item(timer)
        try:
            item.update(actions=[TimerItem.status.set("fired"), TimerItem.gsi3pk.remove(), TimerItem.gsi3sk.remove()],
                        condition=(TimerItem.status == "pending") & (TimerItem.due == timer.due))
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return timer_of(item)
