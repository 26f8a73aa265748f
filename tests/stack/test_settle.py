"""`POST /dev/settle` on `make run`'s stack: one call runs every timer due by now, however far the clock moved."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .test_local_stack import call, start, stop

CATCH_UP_WITHIN = 300  # seconds, bounded


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_one_settle_after_forty_days_sends_the_reminder_due_on_the_thirty_ninth():
    """The sweep catches up 24 h per run: settle must run it until the clock is reached, not stop at the
    first run that found nothing due (the reminder is 39 days past the watermark). One shard of the due
    index: the catch-up is per shard alike, and each shard reads every hour of the 39 days (on moto, 4 shards
    took 30 s of the suite)."""
    base, process = start(env={"DUE_SHARDS": "1"})
    try:
        _, demo = call(base, "GET", "/dev/demo")
        dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])
        technician = next(u for u in demo["users"] if u["roles"] == ["technician"])
        phone = "+13035550196"
        status, customer = call(base, "POST", "/customers", {"name": "Faye Later", "phone": phone,
                                                            "time_zone": "America/Denver"}, dispatcher["token"])
        assert status == 201, customer
        _, now = call(base, "GET", "/dev/clock")
        visit = (moment(now["now"]) + timedelta(days=40)).replace(minute=0, second=0)  # 10-12am in Denver
        status, job = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "Annual service",
                                                   "appointment": {
                                                       "window_start": visit.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                       "window_end": (visit + timedelta(hours=2)).strftime(
                                                           "%Y-%m-%dT%H:%M:%SZ"),
                                                       "technician_id": technician["id"]}}, dispatcher["token"])
        assert status == 201, job

        def reminders():
            return [m for m in call(base, "GET", "/dev/outbox.json")[1]["items"]
                    if m["to"] == phone and m["scenario"] == "reminder"]

        assert call(base, "POST", "/dev/settle", {})[0] == 200  # the booking's timers are filed
        assert not reminders()
        # The reminder is due 24 h before the visit: move to an hour after that, ~39 days on.
        _, now = call(base, "GET", "/dev/clock")
        ahead = visit - timedelta(hours=23) - moment(now["now"])
        assert timedelta(days=38) < ahead < timedelta(days=40)
        status, moved = call(base, "POST", "/dev/clock", {"advance": f"PT{int(ahead.total_seconds())}S"})
        assert status == 200, moved

        # ONE settle: 39 runs of the shard's sweep
        status, settled = call(base, "POST", "/dev/settle", {}, timeout=CATCH_UP_WITHIN)
        assert status == 200, settled
        (reminder,) = reminders()
        local = visit.astimezone(ZoneInfo("America/Denver"))
        assert f"visits {local:%a} {local.day} {local:%b}" in reminder["body"], reminder
        assert visit - timedelta(hours=24) <= moment(reminder["sent_at"]) <= moment(settled["now"])
    finally:
        stop(process)
