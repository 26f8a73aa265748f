"""The narrowed arrival window (scenario `window_narrowed`): once the technician's previous visit of the day is
done, or they set off towards this one, when they should now arrive — from the route order, the travel between
the stops and the clock. What the customer is told is always true when it is told: never a moment gone by,
never outside the day the visit was booked for, and the predicted arrival always inside it."""
import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .jobs import Appointment
from .status import AppointmentStatus
from .values import TimeFrame

HALF_WIDTH = timedelta(minutes=30)  # the window told: the predicted arrival ± this
MOVES = timedelta(minutes=30)  # a new window is news (a new text) only if an edge moves this much
ROAD_KMH = 30  # crow-flies distance at town speed: the detours and the parking are in the low figure
POSITION_FRESH = timedelta(minutes=10)  # an older position says nothing about where the technician is now


def day_of(booked: TimeFrame, time_zone: str) -> TimeFrame:
    """The calendar day (in the visit's zone) on which the booked window starts."""
    zone = ZoneInfo(time_zone)
    local: date = booked.start.astimezone(zone).date()
    start = datetime.combine(local, time(0), zone)
    end = datetime.combine(local + timedelta(days=1), time(0), zone)
    return TimeFrame(start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC")))


def travel_time(km: float | None, allowance: timedelta) -> timedelta:
    """The drive between two stops: from the distance when both ends are known (whole minutes, rounded up),
    else the organization's fixed allowance."""
    if km is None:
        return allowance
    return timedelta(minutes=max(1, math.ceil(km / ROAD_KMH * 60)))


def arrival_after_visit(booked: TimeFrame, now: datetime, travel: timedelta) -> datetime:
    """The previous visit is done now: the technician drives over, and does not come before the booked window."""
    return max(now + travel, booked.start)


def arrival_on_the_way(now: datetime, eta: datetime | None, travel: timedelta) -> datetime:
    """The technician set off now: the ETA they gave while it is ahead, else the drive from here."""
    return eta if eta is not None and eta > now else now + travel


def expected_window(arrival: datetime, *, now: datetime, day: TimeFrame,
                    not_before: datetime | None = None) -> TimeFrame | None:
    """The arrival ± HALF_WIDTH, cut so that it never starts before now (nor before `not_before`, the booked
    window's start when the technician waits for it) and stays inside `day`. None when no true window exists:
    the arrival is past, or falls outside the day (the delay texts speak then, not this one), or the day has not
    come (a visit closed days before its own says nothing about the road to the next one; half an hour before
    midnight is the night shift's)."""
    if arrival < now or not day.start <= arrival < day.end or now < day.start - HALF_WIDTH:
        return None
    start = max(arrival - HALF_WIDTH, now, day.start, not_before or now)
    end = min(arrival + HALF_WIDTH, day.end)
    if start > arrival:  # told to wait for a start later than the arrival itself
        return None
    return TimeFrame(start, end)


def moved(told: TimeFrame | None, new: TimeFrame) -> bool:
    """Whether `new` is news after `told` (None: nothing told yet): either edge moved by MOVES or more."""
    return told is None or abs(new.start - told.start) >= MOVES or abs(new.end - told.end) >= MOVES


def shown(appointment: Appointment, now: datetime) -> TimeFrame | None:
    """The window told, while it still says something: the technician not yet there and the window not over."""
    told = appointment.expected
    if told is None or told.end <= now or appointment.status not in (AppointmentStatus.SCHEDULED,
                                                                     AppointmentStatus.EN_ROUTE):
        return None
    return told
