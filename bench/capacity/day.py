"""The day's shape: a million visits over four US zones, and the operations each UTC minute of the day asks for."""
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

VISITS = 1_000_000
ZONES = {"America/New_York": 0.47, "America/Chicago": 0.29, "America/Denver": 0.07, "America/Los_Angeles": 0.17}
WINDOW_STARTS = {8: 0.25, 10: 0.25, 12: 0.20, 14: 0.15, 16: 0.15}  # local hour → share of visits (2 h windows)
# Bookings by local hour (the day before the visit, on average): office hours, a little in the evening,
# a little at night (those confirmations are held until 08:00).
BOOKING_HOURS = {h: w for h, w in zip(range(24), [
    0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 2, 6, 9, 10, 10, 9, 9, 9, 8, 7, 5, 3, 2, 1.5, 1, 0.7, 0.5], strict=True)}
REPLY_SHARE = 0.6  # customers answering the confirmation ("C"), ~10 minutes after it
ESCALATE_AFTER = 120  # minutes: the others are escalated (confirmation_followup_minutes), handed back 24 h ahead
REMINDER_SHARE = 0.85  # visits booked more than 24 h ahead get the reminder
RELEASE_WINDOW = 60  # minutes over which held texts are released after quiet hours
TECH_VIEWS = 3  # technician's day views per visit
SWEPT = ("reminder (sweep)", "reminder, unconfirmed (sweep)", "escalation (sweep)",  # operations the sweep performs
         "held text released")

DAY = datetime(2026, 12, 2, tzinfo=UTC)  # a Wednesday


def minute_of(local: datetime) -> int:
    m = int((local.astimezone(UTC) - DAY).total_seconds() // 60)
    return m % 1440


def after_quiet_hours(local: datetime, release_window: int) -> list[tuple[datetime, float]]:
    """When a step of the confirmation chain due at `local` runs, as (moment, share): then, or, in quiet
    hours, spread over the release window after 08:00 local (services/timers._waits_for_morning)."""
    if 8 <= local.hour < 21:
        return [(local, 1.0)]
    eight = (local + timedelta(days=1) if local.hour >= 21 else local).replace(hour=8, minute=0)
    spread = max(release_window, 1)
    return [(eight + timedelta(minutes=k), 1 / spread) for k in range(spread)]


def shape(visits: int, release_window: int = RELEASE_WINDOW) -> dict[str, list[float]]:
    """Operations per UTC minute of one day, for `visits` visits (steady state: as many booked as done)."""
    ops = defaultdict(lambda: [0.0] * 1440)
    hours_total = sum(BOOKING_HOURS.values())
    for tz, zone_share in ZONES.items():
        z = ZoneInfo(tz)
        day = datetime(2026, 12, 2, tzinfo=z)
        n_zone = visits * zone_share
        for hour, weight in BOOKING_HOURS.items():  # bookings, spread evenly over each hour
            n = n_zone * weight / hours_total
            quiet = hour >= 21 or hour < 8
            for minute in range(60):
                m = minute_of(day.replace(hour=hour, minute=minute))
                ops["book at night (held)" if quiet else "book (confirmation sent)"][m] += n / 60
                if not quiet:
                    ops["customer replies C"][(m + 10) % 1440] += REPLY_SHARE * n / 60
                    due = day.replace(hour=hour, minute=minute) + timedelta(minutes=ESCALATE_AFTER)
                    for at, share in after_quiet_hours(due, release_window):
                        ops["escalation (sweep)"][minute_of(at)] += share * (1 - REPLY_SHARE) * n / 60
        held = n_zone * sum(w for h, w in BOOKING_HOURS.items() if h >= 21 or h < 8) / hours_total
        for k in range(max(release_window, 1)):  # released over the window after 08:00 local
            m = minute_of(day.replace(hour=8) + timedelta(minutes=k))
            ops["held text released"][m] += held / max(release_window, 1)
            ops["customer replies C"][(m + 10) % 1440] += REPLY_SHARE * held / max(release_window, 1)
            ops["escalation (sweep)"][(m + ESCALATE_AFTER) % 1440] += (1 - REPLY_SHARE) * held / max(release_window, 1)
        for start, share in WINDOW_STARTS.items():
            n = n_zone * share
            # on the hour; the customers who never answered are handed back by the same sweep
            ops["reminder (sweep)"][minute_of(day.replace(hour=start))] += REPLY_SHARE * REMINDER_SHARE * n
            ops["reminder, unconfirmed (sweep)"][minute_of(day.replace(hour=start))] += \
                (1 - REPLY_SHARE) * REMINDER_SHARE * n
            # technicians set off from 30 min before the window to 90 min into it, arrive 30 min later,
            # finish 75 min after arriving
            for k in range(120):
                en_route = day.replace(hour=start) + timedelta(minutes=k - 30)
                ops["en route"][minute_of(en_route)] += n / 120
                ops["start (arrived)"][minute_of(en_route + timedelta(minutes=30))] += n / 120
                ops["complete (feedback request)"][minute_of(en_route + timedelta(minutes=105))] += n / 120
        for hour in range(7, 18):  # the technicians' day views
            for minute in range(60):
                ops["technician's day view"][minute_of(day.replace(hour=hour, minute=minute))] += \
                    TECH_VIEWS * n_zone / (11 * 60)
    return ops
