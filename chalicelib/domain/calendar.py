"""The visit as a calendar file (RFC 5545): a small writer of our own, as the package budget has no room for a
library (tests check its output with `icalendar`). Times are UTC (`Z`): every calendar shows them in the
phone's zone, so no VTIMEZONE to get wrong. A file without METHOD is a snapshot: DTSTAMP is when the visit last
changed, so the same visit gives the same bytes."""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from .jobs import Appointment, Job
from .status import AppointmentStatus

PRODUCT = "-//OnMyWay//Visit calendar//EN"
LINE_OCTETS = 75  # RFC 5545 § 3.1: lines longer than this are folded, CRLF then one space
SUMMARY_CHARS = 80


@dataclass(frozen=True)
class Event:
    uid: str
    sequence: int
    start: datetime
    end: datetime
    stamp: datetime
    summary: str
    status: str  # CONFIRMED or CANCELLED
    location: str | None = None
    description: str | None = None


def uid(org_id: str, appointment_id: str) -> str:
    """The same for a visit forever (a calendar replaces the event it already holds), and telling nothing:
    neither the token nor an internal id can be read from it."""
    digest = hashlib.sha256(f"{org_id}/{appointment_id}".encode()).hexdigest()[:32]
    return f"{digest}@onmyway"


def sequence(reschedules: int, status: AppointmentStatus) -> int:
    """Grows with each change a calendar must take over the copy it holds: each move, then the cancel (a
    canceled visit never moves again: a rebooking is a new visit)."""
    return reschedules + (1 if status is AppointmentStatus.CANCELED else 0)


def visit_event(job: Job, appointment: Appointment, *, company: str, company_phone: str, address: str | None,
                window_text: str) -> Event:
    """What the customer's calendar holds of a visit: the arrival window, the company and the service, the
    address; nothing internal (no note, no id, not the link: its token is a credential)."""
    canceled = appointment.status is AppointmentStatus.CANCELED
    return Event(uid=uid(job.org_id, appointment.id), sequence=sequence(appointment.reschedules, appointment.status),
                 start=appointment.window.start, end=appointment.window.end, stamp=appointment.updated_at,
                 summary=summary(company, job.description), status="CANCELLED" if canceled else "CONFIRMED",
                 location=address or None,
                 description=f"{'Canceled. ' if canceled else ''}Arrival window: {window_text}.\n"
                             f"Questions? Call {company} at {company_phone}.")


def summary(company: str, service: str) -> str:
    """"Acme Plumbing: Leak under the sink": the service's first line, shortened to fit a calendar's row."""
    first = (service or "").strip().splitlines()[0].strip() if (service or "").strip() else ""
    if len(first) > SUMMARY_CHARS:
        first = first[:SUMMARY_CHARS - 1].rstrip() + "…"
    return f"{company}: {first}" if first else f"{company}: visit"


def escape(text: str) -> str:
    """A TEXT value (§ 3.3.11): backslash, semicolon and comma escaped, every line break as \\n."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets (§ 3.1), never inside a UTF-8 character; each
    continuation starts with a space, which counts in its 75."""
    parts, current, size = [], [], 0
    for char in line:
        octets = len(char.encode())
        if size + octets > LINE_OCTETS:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n".join(parts)


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def document(events: list[Event]) -> str:
    """The VCALENDAR with one VEVENT per visit, CRLF line ends, folded."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN"]
    for e in events:
        lines += ["BEGIN:VEVENT", f"UID:{e.uid}", f"SEQUENCE:{e.sequence}", f"DTSTAMP:{_utc(e.stamp)}",
                  f"LAST-MODIFIED:{_utc(e.stamp)}", f"DTSTART:{_utc(e.start)}", f"DTEND:{_utc(e.end)}",
                  f"SUMMARY:{escape(e.summary)}"]
        if e.location:
            lines.append(f"LOCATION:{escape(e.location)}")
        if e.description:
            lines.append(f"DESCRIPTION:{escape(e.description)}")
        lines += [f"STATUS:{e.status}", "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
