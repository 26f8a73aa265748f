"""Time frames a customer may pick (seed 001, the STF page): the ones a dispatcher offered, or else frames
generated from the working hours of the job's location; never one already full, never one withdrawn,
always soonest first. Pure rules, no I/O."""
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .errors import Conflict, ValidationError
from .values import TimeFrame

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_SHOWN = 20  # frames on one page: enough for two working weeks, short enough for a phone
MAX_AVAILABILITY = 500
# The settings that are whole numbers, with the range each may take (FrameSettings.parse and the API's schema).
LIMITS = {"frame_minutes": (15, 12 * 60), "days_ahead": (1, 60), "frames_per_day": (1, 24),
          "visits_per_frame": (1, 100)}


class FrameSource(StrEnum):
    """Where the frames a customer is shown come from."""
    OFFERED = "offered"  # by a dispatcher
    GENERATED = "generated"  # from the working hours
    NONE = "none"


class FrameTaken(Conflict):
    """Someone else took the last place in the frame between showing and picking."""
    code = "frame_taken"


@dataclass(frozen=True)
class FrameSettings:
    """Working hours of a location (or the organization's default), in that location's own zone."""
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    start: time = time(8, 0)
    end: time = time(18, 0)
    frame_minutes: int = 120
    days_ahead: int = 14
    frames_per_day: int = 5
    visits_per_frame: int = 2
    generate: bool = True  # offer generated frames when a dispatcher offered none

    @classmethod
    def parse(cls, data) -> "FrameSettings":
        """From the settings API's body; every bad field named, nothing kept of a bad body."""
        if not isinstance(data, dict):
            raise ValidationError("body", "must be a JSON object")
        unknown = set(data) - {"days", "hours", "frame_minutes", "days_ahead", "frames_per_day",
                               "visits_per_frame", "generate"}
        if unknown:
            raise ValidationError(sorted(unknown)[0], "is not a time-frame setting")
        found = cls()
        if "days" in data:
            days = data["days"]
            if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
                raise ValidationError("days", f"must be a non-empty list of {', '.join(WEEKDAYS)}")
            found = replace(found, days=tuple(sorted(set(days), key=WEEKDAYS.index)))
        if "hours" in data:
            hours = data["hours"]
            if not isinstance(hours, dict) or set(hours) != {"start", "end"}:
                raise ValidationError("hours", 'must be {"start": "HH:MM", "end": "HH:MM"}')
            start, end = _clock("hours.start", hours["start"]), _clock("hours.end", hours["end"])
            if end <= start:
                raise ValidationError("hours.end", "must be after the start (frames do not cross midnight)")
            found = replace(found, start=start, end=end)
        for name, (low, high) in LIMITS.items():
            if name in data:
                value = data[name]
                if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                    raise ValidationError(name, f"must be a whole number from {low} to {high}")
                found = replace(found, **{name: value})
        if "generate" in data:
            if not isinstance(data["generate"], bool):
                raise ValidationError("generate", "must be true or false")
            found = replace(found, generate=data["generate"])
        if _minutes(found.end) - _minutes(found.start) < found.frame_minutes:
            raise ValidationError("frame_minutes", "a frame must fit within the working hours")
        return found

    def as_json(self) -> dict:
        return {"days": list(self.days), "hours": {"start": self.start.strftime("%H:%M"),
                                                   "end": self.end.strftime("%H:%M")},
                "frame_minutes": self.frame_minutes, "days_ahead": self.days_ahead,
                "frames_per_day": self.frames_per_day, "visits_per_frame": self.visits_per_frame,
                "generate": self.generate}


def _clock(name: str, value) -> time:
    try:
        parsed = datetime.strptime(value, "%H:%M").time() if isinstance(value, str) and len(value) == 5 else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(name, "must be a time like 08:00")
    return parsed


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def generate(settings: FrameSettings, tz: str, now: datetime) -> list[TimeFrame]:
    """The working-hours frames from today (those not yet begun) to `days_ahead` days on, in local wall-clock
    time: "8-10am" stays 8-10am across a daylight-saving change, and a frame whose start does not exist that
    day (the hour skipped in spring) is left out rather than shifted."""
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    found = []
    for offset in range(settings.days_ahead + 1):
        day = today + timedelta(days=offset)
        if WEEKDAYS[day.weekday()] not in settings.days:
            continue
        begin = datetime.combine(day, settings.start)
        for n in range(settings.frames_per_day):
            start = begin + timedelta(minutes=n * settings.frame_minutes)
            end = start + timedelta(minutes=settings.frame_minutes)
            if end.date() != day or end.time() > settings.end:
                break
            start_utc = _utc(start, zone)
            if start_utc is None or start_utc <= now:
                continue
            found.append(TimeFrame(start_utc, end.replace(tzinfo=zone).astimezone(UTC)))
    return found


def _utc(local: datetime, zone: ZoneInfo) -> datetime | None:
    """A wall-clock time as UTC; None for a time the clocks skip that day."""
    moment = local.replace(tzinfo=zone).astimezone(UTC)
    return moment if moment.astimezone(zone).replace(tzinfo=None) == local else None


@dataclass(frozen=True)
class Withdrawn:
    """What a job's later links no longer offer (seed 001: "remove STF links on time frames behind the
    customer's rescheduled time or declined hours"): every frame starting at or before `through`."""
    through: datetime | None = None

    def after_pick(self, chosen: TimeFrame) -> "Withdrawn":
        return self._through(chosen.start)

    def after_decline(self, declined: list[TimeFrame]) -> "Withdrawn":
        return self._through(max(f.start for f in declined)) if declined else self

    def _through(self, moment: datetime) -> "Withdrawn":
        return Withdrawn(moment if self.through is None else max(self.through, moment))

    def keeps(self, frame: TimeFrame) -> bool:
        return self.through is None or frame.start > self.through


@dataclass(frozen=True)
class FrameSlot:
    """A frame's places at one location as read before a pick: the visits picks put there, and the version
    that serialises picks of the frame (None: no pick has used it yet)."""
    location_id: str | None
    start: datetime
    holders: frozenset[str] = frozenset()
    version: int | None = None


@dataclass(frozen=True)
class Booked:
    """How many open visits start inside each candidate frame (the one being moved not counted)."""
    counts: dict[datetime, int] = field(default_factory=dict)

    def full(self, frame: TimeFrame, capacity: int) -> bool:
        return self.counts.get(frame.start, 0) >= capacity


def count_booked(frames: list[TimeFrame], windows: list[TimeFrame]) -> Booked:
    counts: dict[datetime, int] = {}
    for frame in frames:
        counts[frame.start] = sum(1 for w in windows if frame.start <= w.start < frame.end)
    return Booked(counts)


def available(candidates: list[TimeFrame], *, now: datetime, current: TimeFrame | None, withdrawn: Withdrawn,
              booked: Booked, capacity: int, limit: int | None = MAX_SHOWN) -> list[TimeFrame]:
    """What the customer may pick now: not begun, not the visit's own window, not withdrawn, not full;
    soonest first, at most `limit`."""
    kept = {f for f in candidates if f.start > now and f != current and withdrawn.keeps(f)
            and not booked.full(f, capacity)}
    return sorted(kept, key=lambda f: (f.start, f.end))[:limit]


def availability_text(value) -> str:
    """The customer's own words for when they are free ("None of these work")."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("availability", "tell us which days and times suit you")
    if len(value) > MAX_AVAILABILITY:
        raise ValidationError("availability", f"keep it under {MAX_AVAILABILITY} characters (it has {len(value)})")
    return value.strip()


def frame_start(value) -> datetime:
    """The `start` a pick form or JSON body sends: an ISO time with its offset."""
    if not isinstance(value, str) or not value:
        raise ValidationError("start", "pick one of the time frames")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError("start", "is not one of the time frames offered") from None
    if moment.tzinfo is None:
        raise ValidationError("start", "is not one of the time frames offered")
    return moment.astimezone(UTC)
