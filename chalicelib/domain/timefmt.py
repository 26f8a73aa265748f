"""Times as a customer reads them, in their own time zone: "Tue 3 Dec, 9-11am", "2:45pm"."""
from datetime import datetime
from zoneinfo import ZoneInfo


def clock_time(moment: datetime, tz: str, with_meridiem: bool = True) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    hour = local.hour % 12 or 12
    text = f"{hour}" if local.minute == 0 else f"{hour}:{local.minute:02d}"
    return text + (local.strftime("%p").lower() if with_meridiem else "")


def day(moment: datetime, tz: str) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b')}"


def window(start: datetime, end: datetime, tz: str) -> str:
    """ASCII hyphen on purpose: an en dash is not GSM-7 and would halve the SMS segment."""
    zone = ZoneInfo(tz)
    s, e = start.astimezone(zone), end.astimezone(zone)
    if s.date() != e.date():
        return f"{day(start, tz)} {clock_time(start, tz)} - {day(end, tz)} {clock_time(end, tz)}"
    same_half = (s.hour < 12) == (e.hour < 12)
    return f"{day(start, tz)}, {clock_time(start, tz, with_meridiem=not same_half)}-{clock_time(end, tz)}"


def spoken_window(start: datetime, end: datetime, tz: str) -> str:
    """For a voice message: "Thursday 3 December, between 6 and 8pm", in the customer's zone."""
    local = start.astimezone(ZoneInfo(tz))
    same_half = (local.hour < 12) == (end.astimezone(ZoneInfo(tz)).hour < 12)
    return (f"{local.strftime('%A')} {local.day} {local.strftime('%B')}, between "
            f"{clock_time(start, tz, with_meridiem=not same_half)} and {clock_time(end, tz)}")
