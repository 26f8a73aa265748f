"""What the analytics count (docs/product.md §8, seed 003), read from the two images of a stored change, and
how the counters add up to the figures of GET /analytics. Pure Python: storage lives in store/tallies.

Every fact has a mark, unique within its job, derived from the change itself (a message and the status
it entered; an appointment and the version it changed to; a queue entry; a feedback item), so the same
change delivered twice names the same mark and is counted once. Definitions (docs/analytics.md):

- texts: outbound texts by scenario (`free_text` for a person's text) and by each status they entered:
  held, suppressed, sent, delivered, failed, unknown. A text counts at most once per status (a text
  held, failed, held again and sent counts once as held, once as failed, once as sent).
- segments: SMS segments of the texts that were sent (what the carrier bills).
- asked: appointments sent a text that asks for a reply (booking confirmation or reminder: "reply C to
  confirm"), counted once per appointment on the day of the first such text.
- replied / reply_rate: of the appointments asked, those whose customer then wrote on the job (a text
  or a page reply, whatever it said), credited to the day and dimensions of the ask; rate = replied / asked.
- confirmed / confirmation_rate / time_to_confirm_minutes: of the appointments asked, those confirmed
  (by the customer or by a dispatcher's call), credited to the ask; time = the change to `confirmed`
  minus `window_set_at` (when the window was booked or last moved), averaged.
- escalations: entries of the escalation queue opened; escalation_outcomes: how they were closed.
- rejections: confirmations that became `rejected`, by reason category (`uncategorized` if none).
- auto_cancels: appointments canceled because no technician was available.
- no_shows: appointments not started by the end of their window, counted once per appointment and
  window when its delay check acts (the "not started by the window's end" text is recorded, even
  when it is suppressed or turned off).
- feedback: feedback items received and their average rating.
"""
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

ASKING = ("booking_confirmation", "reminder")
TEXT_STATUSES = ("held", "suppressed", "sent", "delivered", "failed", "unknown")
AUTO_CANCEL_REASON = "no technician was available"  # services/timers.AUTO_CANCEL_REASON (a test holds them equal)
GROUP_BY = ("day", "week", "channel", "location", "technician")
SPLIT_BY = ("channel", "location", "technician")  # within each day or week
_WORD = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True)
class Where:
    """Where a fact is counted: the organization's local day and the dimension values of its job."""
    day: str  # YYYY-MM-DD in the organization's time zone
    channel: str
    location: str
    technician: str

    def sort_keys(self) -> dict[str, str]:
        return {"day": self.day, "channel": f"{self.day}#{self.channel}", "location": f"{self.day}#{self.location}",
                "technician": f"{self.day}#{self.technician}"}


class UnreadableChange(ValueError):
    """An image of a counted kind that lacks what counting needs."""


@dataclass(frozen=True)
class Fact:
    mark: str  # with the job, names the fact: counted once however often the change is delivered
    job_id: str
    at: datetime
    counts: dict[str, int]
    appointment_id: str | None = None  # its technician is the dimension; None: the job's latest visit
    for_asked: bool = False  # credited to the day and dimensions of the ask (mark gets `:{appointment}`)
    keep_where: bool = False  # an ask: where it was counted is kept for the replies it gets


def _word(value, default: str) -> str:
    """A value used inside a metric name: lower-case letters, digits and underscores."""
    cleaned = _WORD.sub("_", str(value).strip().lower()).strip("_")[:40] if value else ""
    return cleaned or default


def moment(value) -> datetime | None:
    """A stored time (PynamoDB's UTC format, or ISO 8601)."""
    if not isinstance(value, str):
        return None
    for parse in (lambda v: datetime.strptime(v, "%Y-%m-%dT%H:%M:%S.%f%z"),
                  lambda v: datetime.fromisoformat(v.replace("Z", "+00:00"))):
        try:
            parsed = parse(value)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _need(image: dict, *names: str) -> list:
    values = [image.get(n) for n in names]
    if any(v is None or v == "" for v in values):
        missing = ", ".join(n for n, v in zip(names, values, strict=True) if not v)
        raise UnreadableChange(f"{image.get('kind')} image lacks {missing}")
    return values


def facts(old: dict | None, new: dict | None, fallback_at: datetime) -> list[Fact]:
    """The facts in one change of an item (plain attribute dicts; None: created or removed)."""
    if new is None:
        return []  # a removal counts nothing
    kind = new.get("kind")
    if kind == "message":
        return _message(old, new, fallback_at)
    if kind == "appointment":
        return _appointment(old, new, fallback_at)
    if kind == "queue_entry" and new.get("queue") == "escalation":
        return _escalation(old, new, fallback_at)
    if kind == "feedback" and old is None:
        return _feedback(new, fallback_at)
    return []


def _message(old, new, fallback_at) -> list[Fact]:
    message_id, job_id, direction = _need(new, "message_id", "job_id", "direction")
    at = moment(new.get("updated_at")) or fallback_at
    appointment_id = new.get("appointment_id")
    if direction == "inbound":
        if old is not None:
            return []
        return [Fact(f"inbound:{message_id}", job_id, at, {"inbound": 1}),
                Fact("replied", job_id, at, {"replied": 1}, for_asked=True)]
    status, scenario = new.get("status"), new.get("scenario")
    out = []
    if status in TEXT_STATUSES and (old is None or old.get("status") != status):
        counts = {f"texts.{_word(scenario, 'free_text')}.{status}": 1}
        if status == "sent":
            counts["segments"] = int(new.get("segments") or 0)
        out.append(Fact(f"text:{message_id}:{status}", job_id, at, counts, appointment_id))
        if status == "sent" and scenario in ASKING and appointment_id:
            out.append(Fact(f"asked:{appointment_id}", job_id, at, {"asked": 1}, appointment_id, keep_where=True))
    if old is None and scenario == "delayed" and str(new.get("key", "")).startswith("delay_check:") and appointment_id:
        window = new.get("window_start") or "?"
        out.append(Fact(f"no_show:{appointment_id}:{window}", job_id, at, {"no_shows": 1}, appointment_id))
    return out


def _appointment(old, new, fallback_at) -> list[Fact]:
    appointment_id, job_id = _need(new, "appointment_id", "job_id")
    at = moment(new.get("updated_at")) or fallback_at
    version = new.get("version", "?")
    if old is None:
        return [Fact(f"booked:{appointment_id}", job_id, at, {"appointments": 1}, appointment_id)]
    out = []
    confirmation, before = new.get("confirmation"), old.get("confirmation")
    if confirmation == "confirmed" and before != "confirmed":
        booked = moment(new.get("window_set_at"))
        seconds = max(0, int((at - booked).total_seconds())) if booked else 0
        out.append(Fact("confirmed", job_id, at, {"confirmed": 1, "confirm_seconds": seconds}, appointment_id,
                        for_asked=True))
    if confirmation == "rejected" and before != "rejected":
        category = _word(new.get("rejection_category"), "uncategorized")
        out.append(Fact(f"rejected:{appointment_id}:{version}", job_id, at, {f"rejections.{category}": 1},
                        appointment_id))
    if new.get("status") == "canceled" and old.get("status") != "canceled" and \
            new.get("status_reason") == AUTO_CANCEL_REASON:
        out.append(Fact(f"auto_cancel:{appointment_id}:{version}", job_id, at, {"auto_cancels": 1}, appointment_id))
    return out


def _escalation(old, new, fallback_at) -> list[Fact]:
    job_id, sk = _need(new, "job_id", "sk")
    appointment_id = new.get("appointment_id")
    if old is None:
        return [Fact(f"escalation:{sk}", job_id, moment(new.get("created_at")) or fallback_at, {"escalations": 1},
                     appointment_id)]
    if new.get("state") == "done" and old.get("state") != "done":
        at = moment(new.get("closed_at")) or moment(new.get("updated_at")) or fallback_at
        outcome = _word(new.get("outcome"), "done")
        return [Fact(f"escalation_closed:{sk}:{new.get('closed_at', '')}", job_id, at,
                     {f"escalation_outcomes.{outcome}": 1}, appointment_id)]
    return []


def _feedback(new, fallback_at) -> list[Fact]:
    job_id, sk = _need(new, "job_id", "sk")
    rating = new.get("rating")
    if isinstance(rating, bool) or not isinstance(rating, (int, float, Decimal)) or int(rating) != rating or \
            not 1 <= rating <= 5:
        raise UnreadableChange(f"feedback rating {rating!r} is not a whole number from 1 to 5")
    return [Fact(f"feedback:{sk}", job_id, moment(new.get("created_at")) or fallback_at,
                 {"feedback": 1, "rating_sum": int(rating)})]


# -- the report ----------------------------------------------------------------------------------------

def week_of(day: str) -> str:
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def group_key(group_by: str, sort_key: str) -> str:
    day, _, value = sort_key.partition("#")
    return {"day": day, "week": week_of(day) if group_by == "week" else ""}.get(group_by, value)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summary(key: str, c: dict[str, int]) -> dict:
    """One group of GET /analytics from its summed counters."""
    texts: dict[str, dict[str, int]] = {}
    for name, n in sorted(c.items()):
        if name.startswith("texts."):
            _, scenario, status = name.split(".", 2)
            texts.setdefault(scenario, {})[status] = n

    def by(prefix: str) -> dict[str, int]:
        return {name.removeprefix(prefix): n for name, n in sorted(c.items()) if name.startswith(prefix)}
    asked, confirmed, feedback = c.get("asked", 0), c.get("confirmed", 0), c.get("feedback", 0)
    return {
        "key": key, "texts": texts, "segments": c.get("segments", 0), "appointments": c.get("appointments", 0),
        "asked": asked, "replied": c.get("replied", 0), "reply_rate": _rate(c.get("replied", 0), asked),
        "inbound": c.get("inbound", 0), "confirmed": confirmed, "confirmation_rate": _rate(confirmed, asked),
        "time_to_confirm_minutes": round(c.get("confirm_seconds", 0) / confirmed / 60, 1) if confirmed else None,
        "escalations": c.get("escalations", 0), "escalation_outcomes": by("escalation_outcomes."),
        "rejections": by("rejections."), "auto_cancels": c.get("auto_cancels", 0), "no_shows": c.get("no_shows", 0),
        "feedback": {"count": feedback, "average": round(c.get("rating_sum", 0) / feedback, 2) if feedback else None},
    }


@dataclass
class Report:
    """Sums of counters by group; with `split` (a day or week report only), by group and by the split's
    value within it too (the counters are read by that dimension: day#value)."""
    group_by: str
    first: date
    last: date
    split: str | None = None
    sums: dict[str, dict[str, int]] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    parts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # group, then split value

    def add(self, sort_key: str, counters: dict[str, int]) -> None:
        key = group_key(self.group_by, sort_key)
        targets = [self.sums.setdefault(key, {}), self.total]
        if self.split:
            value = sort_key.partition("#")[2]
            targets += [self.parts.setdefault(key, {}).setdefault(value, {}),
                        self.parts.setdefault("total", {}).setdefault(value, {})]
        for name, n in counters.items():
            for target in targets:
                target[name] = target.get(name, 0) + n

    def _group(self, key: str, counters: dict[str, int]) -> dict:
        group = summary(key, counters)
        if self.split:
            group["split"] = [summary(v, c) for v, c in sorted(self.parts.get(key, {}).items())]
        return group

    def body(self) -> dict:
        keys = set(self.sums)
        if self.group_by in ("day", "week"):  # every day (week) of the range, quiet ones too
            days = (self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1))
            keys |= {group_key(self.group_by, d.isoformat()) for d in days}
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "group_by": self.group_by,
                "split": self.split, "groups": [self._group(k, self.sums.get(k, {})) for k in sorted(keys)],
                "total": self._group("total", self.total)}
