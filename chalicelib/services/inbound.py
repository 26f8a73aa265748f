"""Two-way SMS (docs/product.md §6): a customer confirms, rejects, asks to reschedule, opts out, or talks,
and every word lands on the job where the dispatcher and the assigned technician read it."""
import json
from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from .. import clock
from ..config import environment
from ..domain import timefmt
from ..domain.consent import ConsentEvent, ConsentRecord, Source
from ..domain.customers import ContactChannel
from ..domain.errors import AlreadyGiven, NotFound, ValidationError
from ..domain.feedback import Feedback
from ..domain.jobs import Appointment, Confirmation, Job
from ..domain.links import Link
from ..domain.messages import Direction, MessageStatus, new_message
from ..domain.queues import QueueEntry, QueueName
from ..domain.replies import MAX_BODY, Intent, read
from ..domain.scenarios import LinkPurpose
from ..domain.status import AppointmentStatus, JobStatus
from ..domain.values import e164, mask
from .channels import replying_on
from .confirmations import set_confirmation
from .outbox.compose import send_reply
from .ports import Senders
from .repositories import Repositories

logger = Logger(service="onmyway")
CLOSED = (JobStatus.COMPLETE, JobStatus.CANCELED)


class BadInbound(ValueError):
    """A payload that is not an End User Messaging inbound text: logged and acknowledged."""


@dataclass(frozen=True)
class InboundText:
    inbound_id: str
    origination: str  # the customer
    destination: str  # the organization's number
    body: str
    channel: str = "sms"  # or whatsapp: the answers go back on it


def parse(raw: str) -> InboundText:
    try:
        payload = json.loads(raw)
    except (TypeError, ValueError):
        raise BadInbound("not JSON") from None
    if not isinstance(payload, dict):
        raise BadInbound("not a JSON object")
    inbound_id, body = payload.get("inboundMessageId"), payload.get("messageBody")
    if not isinstance(inbound_id, str) or not inbound_id:
        raise BadInbound("no inboundMessageId")
    if not isinstance(body, str) or not body.strip():
        raise BadInbound("empty messageBody")
    if len(body) > MAX_BODY:
        raise BadInbound(f"messageBody over {MAX_BODY} characters")
    try:
        origination = e164("originationNumber", str(payload.get("originationNumber", "")))
        destination = e164("destinationNumber", str(payload.get("destinationNumber", "")))
    except ValidationError as e:
        raise BadInbound(e.message) from None
    return InboundText(inbound_id, origination, destination, body.strip())


def handle(repos: Repositories, senders: Senders, text: InboundText) -> str:
    """What the text did, as a short word for the log and the tests."""
    now = clock.now()
    try:
        org = repos.organizations.get(repos.organizations.id_for_number(text.destination))
    except NotFound:
        logger.warning("inbound text to a number no organization owns", extra={"to": mask(text.destination)})
        return "unknown_destination"
    customer, contact = _writer(repos, org.id, text.origination)
    if customer is None:
        send_reply(repos, senders, org=org, customer_phone=text.origination, key=f"reply:{text.inbound_id}",
                   body=f"{org.name}: we could not find your booking from this number. Please call us at "
                        f"{org.sms_number}.")
        return "unknown_sender"
    reply = read(text.body)
    if reply.intent in (Intent.OPT_OUT, Intent.OPT_IN, Intent.HELP):
        _record_consent(repos, org.id, None if contact else customer, text, reply.intent, now)
    if reply.intent in (Intent.OPT_OUT, Intent.OPT_IN):
        return reply.intent.value  # the carrier sends the confirmation: we send none
    jobs = [j for j in repos.jobs.of_customer(org.id, customer.id) if contact is None or _hears(j, contact)]
    job = _current_job(repos, org.id, jobs)
    appointment = _next_open(job, now) if job else None
    key = f"reply:{text.inbound_id}"
    who = contact.as_addressee(customer) if contact else customer  # whoever wrote is answered, as themselves
    via = replying_on(repos, org, who, text.channel)

    def record(on: Job) -> None:
        _record_inbound(repos, org, on, text, now, contact and contact.id)

    def answer(body: str, links=(), on: Job | None = None):
        # Until START, an opted-out customer's words are recorded and acted on, but answered by no text.
        return send_reply(repos, senders, org=org, customer_phone=who.phone, body=body, key=key, job=on or job,
                          appointment_id=None if on else appointment and appointment.id, links=links, via=via,
                          customer=who, contact_id=contact and contact.id)

    if reply.intent is Intent.RATE:
        return _rate(repos, org, jobs, reply.rating, answer, record, now)
    if reply.intent is Intent.HELP:
        record(job) if job else None
        answer(f"{org.name}: reply C to confirm your visit, R to reschedule, or write to us here. "
               f"Call {org.sms_number}. Reply STOP to opt out.")
        return "help"
    if reply.intent in (Intent.CONFIRM, Intent.REJECT, Intent.RESCHEDULE) and appointment is None:
        record(job) if job else None
        answer(f"{org.name}: we found no upcoming visit for this number. Please call us at {org.sms_number}.")
        return "no_open_appointment"
    tz = repos.contexts.load(org.id, customer.id, None, job.location_id if job else None).time_zone
    if reply.intent is Intent.CONFIRM:
        record(job)
        set_confirmation(repos, job, appointment, Confirmation.CONFIRMED, now)
        answer(f"{org.name}: thank you, your visit {timefmt.window(appointment.window.start, appointment.window.end, tz)}"
               f" is confirmed.")
        return "confirmed"
    if reply.intent is Intent.REJECT:
        record(job)
        set_confirmation(repos, job, appointment, Confirmation.REJECTED, now, reason=reply.reason)
        repos.queues.add(QueueEntry(org.id, QueueName.RETENTION, job.id, appointment.id,
                                    reply.reason or "customer replied NO", now), f"retention:{text.inbound_id}")
        if not reply.reason:
            answer(f"{org.name}: sorry to hear that. Could you tell us why, or what time would suit you better?")
        return "rejected"
    if reply.intent is Intent.RESCHEDULE:
        record(job)
        token, link = Link.issue(org.id, job.id, appointment.id, LinkPurpose.RESCHEDULE, now, contact and contact.id)
        answer(f"{org.name}: pick a new time for your visit here: {environment().link_url(token)}", links=[link])
        return "reschedule_link"
    if job is None:
        answer(f"{org.name}: we could not find a job for this number. Please call us at {org.sms_number}.")
        return "no_job"
    record(job)
    location = job.location_id and repos.locations.get(org.id, job.location_id)
    if location and not location.direct_reply_enabled:
        target = appointment or (job.appointments[-1] if job.appointments else None)
        links, where = (), f"call us at {org.sms_number}"
        if target:
            token, link = Link.issue(org.id, job.id, target.id, LinkPurpose.STATUS, now, contact and contact.id)
            links, where = [link], f"reply here: {environment().link_url(token)}"
        answer(f"{org.name}: replies by text are not enabled for this location. To write to us, {where}",
               links=links)
        return "recorded_direct_reply_off"
    return "recorded"


def _rate(repos: Repositories, org, jobs: list[Job], stars: int, answer, record, now) -> str:
    """The survey's answer on the customer's channel: the rating of their latest completed job, once."""
    done = next((j for j in jobs if j.status is JobStatus.COMPLETE), None)
    if done is None:
        answer(f"{org.name}: we found no finished visit to rate from this number.")
        return "no_visit_to_rate"
    job = repos.jobs.get(org.id, done.id)
    record(job)
    last = max((a for a in job.appointments if a.status is AppointmentStatus.COMPLETE),
               key=lambda a: a.updated_at, default=None)
    try:
        repos.feedback.add(Feedback(org.id, job.id, last and last.id, stars, None, now))
    except AlreadyGiven:
        return "already_rated"
    answer(f"{org.name}: thank you for rating your visit {stars} of 5!", on=job)
    return "rated"


def _writer(repos: Repositories, org_id: str, phone: str) -> tuple:
    """Who texted: a customer by their own number, else a customer's contact (and their customer)."""
    customer = repos.customers.by_phone(org_id, phone)
    if customer is not None:
        return customer, None
    contact = repos.contacts.by_phone(org_id, phone)
    if contact is None:
        return None, None
    return repos.customers.get(org_id, contact.customer_id), contact


def _hears(job: Job, contact) -> bool:
    """A contact writes about the jobs whose texts they get."""
    return contact.id in job.recipients if job.recipients is not None else contact.notify


def _current_job(repos: Repositories, org_id: str, jobs: list[Job]) -> Job | None:
    """The most recent open job, else the most recent one: read whole (with its appointments)."""
    open_jobs = [j for j in jobs if j.status not in CLOSED]
    chosen = (open_jobs or jobs or [None])[0]
    return repos.jobs.get(org_id, chosen.id) if chosen else None


def _next_open(job: Job, now: datetime) -> Appointment | None:
    upcoming = [a for a in job.appointments if a.status is AppointmentStatus.SCHEDULED and a.window.end > now]
    return min(upcoming, key=lambda a: a.window.start) if upcoming else None


def _record_consent(repos: Repositories, org_id: str, customer, text: InboundText, intent: Intent,
                    now: datetime) -> None:
    """STOP, START and HELP are kept as consent records of the number, on the channel they came on; SMS's
    state also shows on the customer (`opted_out`) when it is their own number (`customer`; None: a contact's,
    whose STOP silences them alone)."""
    event = {Intent.OPT_OUT: ConsentEvent.OPT_OUT, Intent.OPT_IN: ConsentEvent.OPT_IN, Intent.HELP: ConsentEvent.HELP}
    source = Source.START if intent is Intent.OPT_IN else f"{text.channel}:{text.inbound_id}"
    repos.consent.add(ConsentRecord(org_id, text.channel, text.origination, event[intent], source, now))
    if customer is not None and intent is not Intent.HELP and text.channel == ContactChannel.SMS:
        customer.opt(intent is Intent.OPT_OUT, now, f"sms:{text.inbound_id}")
        repos.customers.save(customer)


def _record_inbound(repos: Repositories, org, job: Job, text: InboundText, now: datetime,
                    contact_id: str | None = None, copied_to: tuple[str, ...] = ()) -> None:
    repos.messages.claim(new_message(org.id, job.id, f"inbound:{text.inbound_id}", direction=Direction.INBOUND,
                                     sender=text.origination, recipient=org.sms_number, body=text.body, now=now,
                                     status=MessageStatus.RECEIVED, channel=text.channel, contact_id=contact_id,
                                     copied_to=copied_to), [])


# -- the customer's page (services/customer_page.py) takes these same paths -------------------------

def reply_from_page(repos: Repositories, org, job: Job, phone: str, reply_id: str, body: str, now: datetime,
                    contact_id: str | None = None, copied_to: tuple[str, ...] = ()) -> None:
    """Words written in the page's reply box land on the job exactly as a text reply does (as the contact's,
    for a contact's link); `copied_to`: the recipients the stream sends them on to."""
    _record_inbound(repos, org, job, InboundText(reply_id, phone, org.sms_number, body), now, contact_id, copied_to)


def confirm_visit(repos: Repositories, job: Job, appointment: Appointment, now: datetime) -> None:
    """The page's Confirm button: the same effect as replying C."""
    set_confirmation(repos, job, appointment, Confirmation.CONFIRMED, now)
