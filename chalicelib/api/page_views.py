"""What a customer's page shows, shaped from the visit the service read: the texts of the window, the status
and the ETA in the customer's time zone, where the technician is, the conversation with who wrote each line,
and the actions on offer. The same view is the HTML page's and the JSON's."""
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from .. import clock
from ..domain import arrival, timefmt
from ..domain import customer_page as rules
from ..domain.estimates import Estimate, money
from ..domain.feedback import Feedback
from ..domain.jobs import AccessNotes
from ..domain.messages import Direction, Message, MessageStatus
from ..domain.recipients import RecipientContext
from ..domain.scenarios import LinkPurpose
from ..domain.status import AppointmentStatus, JobStatus

if TYPE_CHECKING:
    from ..services import customer_page as service


@dataclass
class Line:
    direction: str
    sender: str
    body: str
    created_at: datetime
    when: str
    to: str = "you"  # whom it went to, as the reader is told
    goes_at: datetime | None = None  # a held text: when it will be sent


@dataclass
class PageView:
    """Everything a customer's page shows: nothing internal, nothing of another customer."""
    purpose: LinkPurpose
    company: str
    company_phone: str
    brand_color: str | None
    logo_url: str | None
    window_start: datetime
    window_end: datetime
    window_text: str
    status: str
    status_text: str
    technician_first_name: str | None
    technician_photo_url: str | None  # presigned, minutes long
    visit_code: str | None  # from the visit's day on (domain/customer_page.visit_code)
    eta: datetime | None
    eta_text: str | None
    expected: dict | None  # the narrowed arrival window (domain/arrival.shown)
    expected_text: str | None
    position: dict | None
    distance_text: str | None
    maps_url: str | None
    messages: list[Line]
    actions: list[str]
    live: bool
    inside_cutoff: bool
    feedback: Feedback | None
    calendar_url: str | None  # the visit's calendar file (not on a feedback link)
    access_notes: AccessNotes | None  # what the customer left for the technician (not on a feedback link)
    others: list[dict]  # the job's other recipients a reply may also go to: {id, name, role}
    email: str | None  # a contact's own address, on their link (they may give or change it)
    contact: bool  # a contact's link (seed 002's mobile case): the conversation comes first
    original: Line | None  # the text this link came with

    def as_json(self) -> dict:
        return {
            "company": self.company, "window_start": _z(self.window_start), "window_end": _z(self.window_end),
            "window_text": self.window_text, "status": self.status, "status_text": self.status_text,
            "visit_code": self.visit_code,
            "technician": {"first_name": self.technician_first_name, "photo_url": self.technician_photo_url}
            if self.technician_first_name else None,
            "technician_first_name": self.technician_first_name, "eta": _z(self.eta), "eta_text": self.eta_text,
            "expected": self.expected, "expected_text": self.expected_text,
            "position": self.position, "distance_text": self.distance_text, "maps_url": self.maps_url,
            "messages": [_json(m) for m in self.messages],
            "recipients": self.others, "original": _json(self.original) if self.original else None,
            "actions": self.actions, "live": self.live, "poll_seconds": rules.POLL_SECONDS,
            "feedback": {"rating": self.feedback.rating, "comment": self.feedback.comment,
                         "created_at": _z(self.feedback.created_at)} if self.feedback else None,
            "calendar_url": self.calendar_url,
            "access_notes": vars(self.access_notes) if self.access_notes else None,
        }


ASIDE = (LinkPurpose.FEEDBACK, LinkPurpose.ESTIMATE)  # links about the job, not the visit's calendar or door


def estimate(e: "Estimate") -> dict:
    """An estimate as its customer sees it: no author, nothing internal; amounts also written out."""
    return {"id": e.id, "currency": e.currency, "status": e.status, "note": e.note, "comment": e.comment,
            "total_cents": e.total_cents, "approved_cents": e.approved_cents,
            "total_text": money(e.total_cents, e.currency), "approved_text": money(e.approved_cents, e.currency),
            "created_at": _z(e.created_at),
            "lines": [{"id": x.id, "description": x.description, "amount_cents": x.amount_cents,
                       "amount_text": money(x.amount_cents, e.currency), "optional": x.optional,
                       "decision": x.decision.value, "decided_at": _z(x.decided_at)} for x in e.lines]}


def _json(m: Line) -> dict:
    return {"direction": m.direction, "from": m.sender, "to": m.to, "body": m.body, "created_at": _z(m.created_at),
            "when": m.when, "goes_at": _z(m.goes_at)}


def _z(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def view(v: "service.Visit", token: str) -> PageView:
    from ..config import environment
    from ..services import customer_page as service
    now, tz, a, ctx = clock.now(), v.ctx.time_zone, v.appointment, v.ctx
    technician = rules.first_name(ctx.technician.name) if ctx.technician else None
    position = distance = maps = None
    last = service.shown_position(v)
    if last is not None:
        position = {"lat": round(last.lat, 5), "lon": round(last.lon, 5), "updated_at": _z(last.at),
                    "updated": rules.ago(last.at, now)}
        maps = f"https://www.google.com/maps/search/?api=1&query={quote(f'{last.lat:.5f},{last.lon:.5f}')}"
        if ctx.customer.coordinates:
            km = rules.distance_km(last.lat, last.lon, *ctx.customer.coordinates)
            distance = f"{km / 1.609344:.1f} mi ({km:.1f} km) away"
    on_the_way = a.status in (AppointmentStatus.SCHEDULED, AppointmentStatus.EN_ROUTE)
    expected = arrival.shown(a, now)
    shown, names = service.conversation(v), {c.id: c.name for c in v.others}
    return PageView(
        purpose=v.link.purpose, company=ctx.org.name, company_phone=ctx.org.sms_number,
        brand_color=ctx.org.brand_color, logo_url=ctx.org.logo_url, window_start=a.window.start,
        window_end=a.window.end, window_text=timefmt.window(a.window.start, a.window.end, tz),
        status="canceled" if v.job.status is JobStatus.CANCELED else a.status.value,
        status_text=rules.status_words(v.job, a), technician_first_name=technician,
        visit_code=service.visit_code(v, now),
        technician_photo_url=v.technician_photo_url if technician else None,
        eta=a.eta if on_the_way else None,
        eta_text=timefmt.clock_time(a.eta, tz) if a.eta and on_the_way else None,
        expected=expected and {"start": _z(expected.start), "end": _z(expected.end)},
        expected_text=expected and f"between {timefmt.clock_time(expected.start, tz)} and "
                                   f"{timefmt.clock_time(expected.end, tz)}",
        position=position, distance_text=distance, maps_url=maps,
        messages=[_line(m, ctx, technician, tz, names) for m in shown],
        others=[{"id": c.id, "name": c.name, "role": c.role} for c in v.others],
        email=ctx.customer.email if v.link.contact_id else None, contact=v.link.contact_id is not None,
        original=next((_line(m, ctx, technician, tz, names) for m in shown if token in m.body), None),
        actions=service.offered_actions(v, now), live=rules.live(a) and v.link.purpose is LinkPurpose.STATUS,
        inside_cutoff=rules.inside_cutoff(v.job, a, now), feedback=v.job.feedback,
        calendar_url=None if v.link.purpose in ASIDE else f"{environment().link_url(token)}/calendar.ics",
        access_notes=None if v.link.purpose in ASIDE else a.access_notes)


def _line(m: Message, ctx: RecipientContext, technician: str | None, tz: str, names: dict[str, str]) -> Line:
    to = "you"
    if m.direction is Direction.INBOUND:
        sender = "You"
        to = ", ".join([ctx.org.name, *(names.get(c, "a former recipient") for c in m.copied_to)])
    elif technician and ctx.technician and m.author_id == ctx.technician.id:
        sender = f"{technician}, {ctx.org.name}"
    else:
        sender = ctx.org.name
    if m.status is MessageStatus.HELD and m.release_at:
        return Line(m.direction.value, sender, m.body, m.created_at,
                    f"to be sent {timefmt.day(m.release_at, tz)}, {timefmt.clock_time(m.release_at, tz)}, "
                    f"after quiet hours", to, m.release_at)
    return Line(m.direction.value, sender, m.body, m.created_at,
                f"{timefmt.day(m.created_at, tz)}, {timefmt.clock_time(m.created_at, tz)}", to)
