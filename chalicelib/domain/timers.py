"""Timers are derived from the appointment, never hand-placed (docs/product.md §4-5): whenever it changes,
the set it should have is computed again, and before a timer acts the sweep computes it once more
from the current state, so a timer that no longer belongs never fires."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .jobs import Appointment
from .status import AppointmentStatus


class TimerKind(StrEnum):
    REMINDER = "reminder"
    STILL_ASSIGNING = "still_assigning"
    AUTO_CANCEL = "auto_cancel"
    DELAY_CHECK = "delay_check"
    CONFIRMATION_FOLLOWUP = "confirmation_followup"  # placed by the text it follows, not derived
    CONFIRMATION_ESCALATED = "confirmation_escalated"  # the second threshold: hand back to sales


DERIVED = (TimerKind.REMINDER, TimerKind.STILL_ASSIGNING, TimerKind.AUTO_CANCEL, TimerKind.DELAY_CHECK)
# Someone waits on these: a customer whose technician is late, a visit nobody is assigned to yet. The
# reminders and the confirmation chain can go some minutes later without anyone noticing.
URGENT = frozenset({TimerKind.DELAY_CHECK, TimerKind.STILL_ASSIGNING, TimerKind.AUTO_CANCEL})


# A visit not started this long after its window's end (or its last ETA, if later) is a no-show to review:
# no "running late" text goes any more (domain/triggers.too_late), a dispatcher looks at it instead.
NO_SHOW_AFTER = timedelta(hours=1)


def late_from(a: Appointment) -> datetime:
    """When a visit not started becomes late: its window's end, or its ETA if that is later."""
    return max(a.window.end, a.eta) if a.eta else a.window.end


def visit_overdue(a: Appointment, now: datetime) -> bool:
    return now >= late_from(a) + NO_SHOW_AFTER


@dataclass(frozen=True)
class TimerPolicy:
    """An organization's lead times (None: that timer is off)."""
    reminder: timedelta | None = timedelta(hours=24)
    still_assigning: timedelta | None = timedelta(hours=3)
    auto_cancel: timedelta | None = timedelta(hours=1)
    confirmation_followup: timedelta = timedelta(hours=2)


def before(moment: datetime, lead: timedelta, tz: str) -> datetime:
    """`lead` before `moment` on the wall clock of `tz`: a reminder 24 h before a 9am visit goes at 9am
    the day before, even when a daylight-saving change lies between (then 23 or 25 real hours)."""
    local = moment.astimezone(ZoneInfo(tz))
    return (local - lead).astimezone(ZoneInfo("UTC"))  # aware arithmetic on a ZoneInfo time is wall-clock


def derived_timers(appointment: Appointment, tz: str, policy: TimerPolicy) -> dict[TimerKind, datetime]:
    """The derived timers an appointment should have now, with their due times (UTC)."""
    a, due = appointment, {}

    def lead(kind: TimerKind, length: timedelta | None) -> None:
        # Not when the visit was booked inside the lead time: no reminder of what was just booked,
        # no auto-cancel of a visit booked 30 minutes ahead.
        if length and (at := before(a.window.start, length, tz)) > a.window_set_at:
            due[kind] = at

    if a.status is AppointmentStatus.SCHEDULED:
        lead(TimerKind.REMINDER, policy.reminder)
        if a.technician_id is None:
            lead(TimerKind.STILL_ASSIGNING, policy.still_assigning)
            lead(TimerKind.AUTO_CANCEL, policy.auto_cancel)
    if a.status in (AppointmentStatus.SCHEDULED, AppointmentStatus.EN_ROUTE) and TimerKind.AUTO_CANCEL not in due:
        # Not started by the window's end: late. A customer already told of a later ETA hears again only
        # if that ETA passes too. A visit nobody was assigned to is settled by its auto-cancel (late: a
        # missed visit to rebook), which a delay check must not overtake when the cancel is retried.
        due[TimerKind.DELAY_CHECK] = late_from(a)
    return due


@dataclass
class Timer:
    org_id: str
    job_id: str
    appointment_id: str
    kind: TimerKind
    due: datetime
    appointment_version: int  # the version it was computed for
    window_start: datetime  # the window it was computed for
    status: str = "pending"
    step: int | None = None  # a confirmation chain's timer: the step it runs next (None: placed before chains)
