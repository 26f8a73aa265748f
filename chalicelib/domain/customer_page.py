"""What the customer's page shows and allows (docs/product.md §7): pure rules, no I/O.

The page never shows a note, a photo, an internal id or anything of another customer: it is built
only from the fields below."""
import math
import re
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .errors import ValidationError
from .jobs import AccessNotes, Appointment, Confirmation, Job
from .messages import Direction, Message, MessageStatus
from .status import AppointmentStatus, JobStatus

CANCEL_CUTOFF = timedelta(hours=1)  # seed 001: no cancel from 1 h before the window
MAX_REPLY = 1600  # what a long text may hold
MAX_REASON = 500
MAX_ACCESS_NOTE = 200
POLL_SECONDS = 20
# Outbound texts the customer actually received (or that were meant for them and failed to arrive).
# Held texts too: the customer sees what will come and when (after quiet hours), not a gap.
SHOWN = frozenset({MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNKNOWN, MessageStatus.FAILED,
                   MessageStatus.HELD})
LIVE = frozenset({AppointmentStatus.SCHEDULED, AppointmentStatus.EN_ROUTE, AppointmentStatus.PAUSED})


class Action(StrEnum):
    REPLY = "reply"
    CONFIRM = "confirm"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    FEEDBACK = "feedback"
    ACCESS_NOTES = "access_notes"
    ESTIMATE = "estimate"  # approve or decline an estimate's lines (an estimate link)
    EMAIL = "email"  # a customer's contact gives their email address (seed 002): a status link of theirs


def visible(message: Message) -> bool:
    return message.direction is Direction.INBOUND or message.status in SHOWN


def status_words(job: Job, appointment: Appointment) -> str:
    if job.status is JobStatus.CANCELED or appointment.status is AppointmentStatus.CANCELED:
        return "Canceled"
    match appointment.status:
        case AppointmentStatus.EN_ROUTE:
            return "On the way"
        case AppointmentStatus.STARTED:
            return "Work in progress"
        case AppointmentStatus.PAUSED:
            return "Paused"
        case AppointmentStatus.COMPLETE:
            return "Complete"
    if appointment.technician_id is None:
        return "Scheduled, assigning a technician"
    return "Confirmed" if appointment.confirmation is Confirmation.CONFIRMED else "Scheduled"


def can_cancel(job: Job, appointment: Appointment, now: datetime) -> bool:
    return (job.status is JobStatus.SCHEDULED and appointment.status is AppointmentStatus.SCHEDULED
            and now < appointment.window.start - CANCEL_CUTOFF)


def inside_cutoff(job: Job, appointment: Appointment, now: datetime) -> bool:
    """Cancelable but for the time: the page says whom to call instead."""
    return (job.status is JobStatus.SCHEDULED and appointment.status is AppointmentStatus.SCHEDULED
            and now >= appointment.window.start - CANCEL_CUTOFF)


def actions(job: Job, appointment: Appointment, now: datetime) -> list[str]:
    """What the status page offers now; the same rules refuse a post that is not allowed."""
    found = [Action.REPLY]
    bookable = job.status is JobStatus.SCHEDULED and appointment.status is AppointmentStatus.SCHEDULED
    if bookable and appointment.window.end > now and appointment.confirmation is not Confirmation.CONFIRMED:
        found.append(Action.CONFIRM)
    if can_cancel(job, appointment, now):
        found.append(Action.CANCEL)
    if bookable or job.status is JobStatus.CANCELED:
        found.append(Action.RESCHEDULE)
    if job.status is not JobStatus.CANCELED and appointment.status in (AppointmentStatus.SCHEDULED,
                                                                       AppointmentStatus.EN_ROUTE):
        found.append(Action.ACCESS_NOTES)  # until the technician is at the door
    return found


def live(appointment: Appointment) -> bool:
    """Whether the page keeps polling: not once the visit has started, ended or been called off."""
    return appointment.status in LIVE


def visit_code(appointment: Appointment, now: datetime, time_zone: str) -> str | None:
    """The code the technician gives at the door: from the visit's day on in the customer's zone (a link
    forwarded or glimpsed days before tells nothing), never for a canceled visit."""
    if appointment.visit_code is None or appointment.status is AppointmentStatus.CANCELED:
        return None
    zone = ZoneInfo(time_zone)
    return appointment.visit_code if now.astimezone(zone).date() >= appointment.window.start.astimezone(zone).date() \
        else None


def first_name(name: str | None) -> str | None:
    return name.split()[0] if name and name.split() else None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): as the crow flies, which is what the page says."""
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def ago(then: datetime, now: datetime) -> str:
    seconds = max(int((now - then).total_seconds()), 0)
    if seconds < 60:
        return "just now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min ago"
    return f"{minutes // 60} h {minutes % 60} min ago"


# -- what the customer typed ---------------------------------------------------------------------

def reply_body(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("body", "write a message before sending")
    if len(value) > MAX_REPLY:
        raise ValidationError("body", f"keep the message under {MAX_REPLY} characters (it has {len(value)})")
    return value.strip()


def chosen(value, allowed: list[str]) -> list[str]:
    """Whom a message from the page also goes to: ids among the job's other recipients (none: the company only)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ValidationError("recipients", "must be a list of contact ids")
    for contact_id in value:
        if contact_id not in allowed:
            raise ValidationError("recipients", "may name only the other people who get this job's messages")
    return list(dict.fromkeys(value))


def cancel_reason(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("reason", "tell us why you cancel")
    if len(value) > MAX_REASON:
        raise ValidationError("reason", f"keep the reason under {MAX_REASON} characters (it has {len(value)})")
    return value.strip()


def access_notes(values: dict, current: AccessNotes | None) -> AccessNotes:
    """The posted fields over the ones left before: a field not posted stays, an empty one is cleared."""
    if unknown := sorted(set(values) - set(AccessNotes.FIELDS) - {"nonce"}):
        raise ValidationError(unknown[0], f"is not an access note ({', '.join(AccessNotes.FIELDS)})")
    kept = {f: getattr(current, f) if current else None for f in AccessNotes.FIELDS}
    for name in AccessNotes.FIELDS:
        if name not in values:
            continue
        value = values[name]
        if value is not None and not isinstance(value, str):
            raise ValidationError(name, "must be text")
        value = (value or "").strip()
        if len(value) > MAX_ACCESS_NOTE:
            raise ValidationError(name, f"keep it under {MAX_ACCESS_NOTE} characters (it has {len(value)})")
        kept[name] = value or None
    return AccessNotes(**kept)


NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def nonce(value) -> str | None:
    """The form's one-time key: a double submit of one form does one thing."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not NONCE.match(value):
        raise ValidationError("nonce", "is not a key this page gave")
    return value

