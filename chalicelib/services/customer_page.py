"""The customer's page behind every link in a text: follow the visit, read and write the conversation,
confirm, cancel, ask for another time, rate the job. The link's token is the only credential.

Every action goes through the paths a text reply takes (services/inbound.py) or the job aggregate, so
the page can do nothing a customer could not do by text or by calling; and each one is idempotent."""
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from .. import clock
from ..domain import calendar, timefmt
from ..domain import customer_page as rules
from ..domain import feedback as feedback_rules
from ..domain.consent import ConsentEvent, ConsentRecord, Source
from ..domain.contacts import Contact, recipients
from ..domain.customer_page import Action
from ..domain.errors import Conflict, DomainError, NotFound, VersionConflict
from ..domain.feedback import Feedback
from ..domain.jobs import Appointment, Confirmation, Job
from ..domain.links import Link
from ..domain.messages import Direction, Message
from ..domain.people import GeoPosition, Organization
from ..domain.queues import QueueEntry, QueueName
from ..domain.recipients import RecipientContext
from ..domain.scenarios import LinkPurpose, ScenarioName
from ..domain.status import AppointmentStatus, JobStatus
from ..domain.values import email_address
from . import inbound
from .repositories import Repositories

TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")  # secrets.token_urlsafe(16): anything else is not a token
PURPOSE_ACTIONS = {
    LinkPurpose.STATUS: {Action.REPLY, Action.CONFIRM, Action.CANCEL, Action.RESCHEDULE, Action.ACCESS_NOTES,
                         Action.EMAIL},
    LinkPurpose.RESCHEDULE: {Action.RESCHEDULE},
    LinkPurpose.FEEDBACK: {Action.FEEDBACK},
    LinkPurpose.ESTIMATE: {Action.ESTIMATE},
}


class CancelCutoff(DomainError):
    code = "cancel_cutoff"


class NotAllowed(Conflict):
    """An action the page does not offer now (or a forged one)."""


def open_link(repos: Repositories, token: str, purposes: tuple[LinkPurpose, ...] | None = None) -> Link:
    """The link behind a token: 404 if unknown, tampered or of another purpose; 410 if expired."""
    if not isinstance(token, str) or not TOKEN.match(token):
        raise NotFound("link")  # never looked up
    link = repos.links.resolve(token, clock.now())
    if purposes is not None and link.purpose not in purposes:
        raise NotFound("link")
    return link


def company(repos: Repositories, org_id: str) -> Organization:
    """Whom a customer calls when the page cannot help (an expired link, a visit no longer movable):
    the organization's name and number. NotFound if it is gone."""
    return repos.organizations.get(org_id)


def for_action(repos: Repositories, token: str, action: str) -> Link:
    return open_link(repos, token, tuple(p for p, allowed in PURPOSE_ACTIONS.items() if action in allowed))


@dataclass
class Visit:
    link: Link
    job: Job
    appointment: Appointment
    messages: list[Message]
    ctx: RecipientContext  # its `customer` is whom the link was sent to: the customer, or one of its contacts
    technician_photo_url: str | None = None  # the card's photo, by a URL valid minutes: the bucket is never public
    others: list[Contact] = field(default_factory=list)  # the job's other recipients: whom a reply may go to


def visit(repos: Repositories, link: Link, people: bool = True) -> Visit:
    """Three reads by key: the link (already done), the job's partition range, and one BatchGetItem; with
    `people`, a fourth: the customer's contacts."""
    found = repos.customer_pages.job_with_conversation(link.org_id, link.job_id)
    if found is None:
        raise NotFound("link")  # the job is gone (a declined offer): nothing to show
    job, messages = found
    appointment = next((a for a in job.appointments if a.id == link.appointment_id), None)
    if appointment is None:
        raise NotFound("link")  # the visit was removed
    try:  # a contact's link: the page is theirs (NotFound once they are removed)
        ctx = repos.contexts.load(job.org_id, job.customer_id, appointment.technician_id, job.location_id,
                                  contact_id=link.contact_id)
    except NotFound:
        raise NotFound("link") from None
    others = []
    if people:  # the job's other recipients, whom a reply may go to: one Query, not on the page's polls
        me = link.contact_id or job.customer_id
        customer = None if link.contact_id else ctx.customer  # a contact's page: the customer is read for its name
        others = [c for c in recipients(repos.contacts.of_customer(job.org_id, job.customer_id, customer), job.recipients)
                  if c.id != me]
    photo = ctx.technician and ctx.technician.photo_key
    return Visit(link, job, appointment, messages, ctx, repos.uploads.download_url(photo) if photo else None, others)


def shown_position(v: Visit) -> GeoPosition | None:
    """Where the technician is: only while on the way to this very visit, never before or after (a position
    older than the visit's last change may be from before setting off: wait for the app's next one)."""
    last = v.ctx.technician.last_position if v.ctx.technician else None
    if v.appointment.status is AppointmentStatus.EN_ROUTE and last is not None and last.at >= v.appointment.updated_at:
        return last
    return None


def visit_code(v: Visit, now: datetime) -> str | None:
    """The code to ask for at the door, on a status link from the visit's day on (the technician's day shows
    the same, services/jobs.technician_day)."""
    return rules.visit_code(v.appointment, now, v.ctx.time_zone) if v.link.purpose is LinkPurpose.STATUS else None


def calendar_events(repos: Repositories, link: Link) -> list[calendar.Event]:
    """The link's visit for the customer's calendar and, once it is canceled, the visits booked on the job
    since (a rebooking through the link's picker): the canceled one stays in the file, as CANCELLED."""
    v = visit(repos, link)
    a = v.appointment
    shown = [a] + ([b for b in v.job.appointments if b.id != a.id and b.created_at >= a.updated_at]
                   if a.status is AppointmentStatus.CANCELED else [])
    org, tz = v.ctx.org, v.ctx.time_zone
    return [calendar.visit_event(v.job, b, company=org.name, company_phone=org.sms_number,
                                 address=v.ctx.customer.address,
                                 window_text=timefmt.window(b.window.start, b.window.end, tz)) for b in shown]


def offered_actions(v: Visit, now: datetime) -> list[Action]:
    """What the page offers now: what the visit allows, of what the link is for (a feedback link: rating,
    once)."""
    if v.link.purpose is LinkPurpose.FEEDBACK:
        actions = [Action.FEEDBACK] if v.job.feedback is None else []
    elif v.link.purpose is LinkPurpose.ESTIMATE:
        actions = [Action.ESTIMATE] if v.job.status is not JobStatus.CANCELED else []
    else:
        actions = rules.actions(v.job, v.appointment, now)
        if v.link.contact_id:  # a contact may confirm and ask for another time; the customer alone cancels
            actions = [x for x in actions if x is not Action.CANCEL] + [Action.EMAIL]
    return [x for x in actions if x in PURPOSE_ACTIONS[v.link.purpose]]


def conversation(v: Visit) -> list[Message]:
    """The messages the link's person may read: those to and from them (a contact's link: theirs alone), oldest
    first (none on a feedback or estimate link); within one second (the ledger's resolution) the invitation first,
    and the person's words before our answer."""
    if v.link.purpose in (LinkPurpose.FEEDBACK, LinkPurpose.ESTIMATE):
        return []
    return sorted((m for m in v.messages if rules.visible(m) and m.contact_id == v.link.contact_id),
                  key=lambda m: (m.created_at, m.scenario != ScenarioName.CONTACT_INVITED,
                                 m.direction is not Direction.INBOUND))


# -- actions --------------------------------------------------------------------------------------

def reply(repos: Repositories, link: Link, body: str, nonce: str | None, to: list[str] | None = None,
          everyone: bool = False) -> None:
    """An inbound message on the job, as a text reply would be, and (seed 002: reply all, a new message to
    chosen people) the same words to `to`, ids among the job's other recipients; the stream texts them. One per
    form (nonce), or per wording."""
    body = rules.reply_body(body)
    v = visit(repos, link)
    to = [c.id for c in v.others] if everyone else rules.chosen(to, [c.id for c in v.others])
    once = nonce or hashlib.sha256(body.encode()).hexdigest()[:24]
    inbound.reply_from_page(repos, v.ctx.org, v.job, v.ctx.customer.phone or v.ctx.customer.email,
                            f"page:{link.token_hash[:16]}:{once}", body, clock.now(), link.contact_id, tuple(to))


def confirm(repos: Repositories, link: Link) -> str:
    """As replying C; confirming a confirmed visit again does nothing more."""
    for attempt in range(2):
        v = visit(repos, link)
        if v.appointment.confirmation is Confirmation.CONFIRMED:
            return "already"
        if Action.CONFIRM not in rules.actions(v.job, v.appointment, clock.now()):
            raise NotAllowed("this visit cannot be confirmed any more")
        try:
            inbound.confirm_visit(repos, v.job, v.appointment, clock.now())
            return "confirmed"
        except VersionConflict:
            if attempt:
                raise  # a double submit raced: read again, it is most likely confirmed by now
    raise AssertionError("unreachable")


def cancel(repos: Repositories, link: Link, reason: str) -> str:
    """Recorded as by the customer, with no coupon; refused from 1 h before the window, and on a contact's link."""
    reason = rules.cancel_reason(reason)
    if link.contact_id:
        raise NotAllowed("only the customer can cancel the visit: write to us here, or call")
    for attempt in range(2):
        v = visit(repos, link)
        job, a, now = v.job, v.appointment, clock.now()
        if a.status is AppointmentStatus.CANCELED:
            return "already"
        if rules.inside_cutoff(job, a, now):
            raise CancelCutoff(f"it is too late to cancel online: please call {v.ctx.org.name} at "
                               f"{v.ctx.org.sms_number}")
        if not rules.can_cancel(job, a, now):
            raise NotAllowed("this visit cannot be canceled any more")
        if [o for o in job.open_appointments if o.id != a.id]:
            job.cancel_appointment(a.id, reason, now, offer_coupon=False)
        else:
            job.cancel(reason, now, by="customer")
        try:
            repos.jobs.save(job)
            return "canceled"
        except VersionConflict:
            if attempt:
                raise
    raise AssertionError("unreachable")


def leave_access_notes(repos: Repositories, link: Link, values: dict) -> str:
    """Gate code, pets, parking, a note for the technician: until the visit starts (a write that crossed it
    is read again, so notes never land on a visit already begun)."""
    for attempt in range(2):
        v = visit(repos, link)
        if Action.ACCESS_NOTES not in rules.actions(v.job, v.appointment, clock.now()):
            raise NotAllowed("the visit has started: write to us in the messages instead")
        notes = rules.access_notes(values, v.appointment.access_notes)
        if (notes or None) == v.appointment.access_notes:
            return "access"  # nothing new (a second submit of one form)
        v.job.leave_access_notes(v.appointment.id, notes, clock.now())
        try:
            repos.jobs.save(v.job)
            return "access"
        except VersionConflict:
            if attempt:
                raise
    raise AssertionError("unreachable")


def give_email(repos: Repositories, link: Link, email, by_email) -> str:
    """A customer's contact gives their email address on their page (seed 002), and may choose to get the job's
    texts by email: the address comes opted in by them."""
    if not link.contact_id:
        raise NotAllowed("the company keeps the customer's own email address: please call them to change it")
    address = email_address("email", email if isinstance(email, str) else "")
    contact = repos.contacts.get(link.org_id, link.contact_id)
    new = address != contact.email
    contact.email, contact.prefers_email = address, bool(by_email)
    repos.contacts.save(contact, [ConsentRecord(link.org_id, "email", address, ConsentEvent.OPT_IN,
                                                Source.CUSTOMER_PAGE, clock.now())] if new else [])
    return "email"


def request_reschedule(repos: Repositories, link: Link) -> str:
    """Until the time-frame picker exists: a reschedule request in the retention queue, once per link."""
    v = visit(repos, link)
    if Action.RESCHEDULE not in rules.actions(v.job, v.appointment, clock.now()):
        raise NotAllowed("this visit can no longer be moved: please call us")
    added = repos.queues.add(QueueEntry(v.job.org_id, QueueName.RETENTION, v.job.id, v.appointment.id,
                                        "customer asked to reschedule on the page", clock.now()),
                             f"reschedule:{link.token_hash}")
    return "requested" if added else "already"


def leave_feedback(repos: Repositories, link: Link, rating, comment) -> Feedback:
    stars, words = feedback_rules.rating(rating), feedback_rules.comment(comment)
    v = visit(repos, link)
    given = Feedback(v.job.org_id, v.job.id, v.appointment.id, stars, words, clock.now())
    repos.feedback.add(given)  # AlreadyGiven (409) for a second one
    return given
