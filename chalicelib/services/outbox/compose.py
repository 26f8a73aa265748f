"""The scenario engine: a domain event in, the customer's texts out (docs/product.md §4), one trigger, one
text, sent exactly once. What a text says comes from its scenario's template; whether it goes now, waits or
is dropped, from the one rule (domain/sending.py); the ledger makes a replay send nothing twice."""
import json
from dataclasses import dataclass, replace

from aws_lambda_powertools import Logger

from ... import clock, metrics
from ...config import environment
from ...domain.channels import whatsapp_message
from ...domain.contacts import recipients
from ...domain.errors import NotFound
from ...domain.events import CustomerWrote, DomainEvent, FreeTextWritten, RecipientsChosen
from ...domain.links import Link
from ...domain.messages import RELAYED, Message, MessageStatus, new_message
from ...domain.recipients import RecipientContext
from ...domain.scenarios import DEFAULTS, LinkPurpose, ScenarioName
from ...domain.sending import JOB_GONE, Outbound, drop, outbound_of, verdict
from ...domain.texts import variables
from ...domain.triggers import Trigger, may_text, triggers
from ...domain.values import mask
from ...notify.templates import render
from .. import chain
from ..channels import Addressed, address
from ..ports import Senders
from ..repositories import Repositories
from . import dispatch, judge, ledger

logger = Logger(service="onmyway")
UNREACHABLE = "the customer cannot be reached on any channel"
CONTACT_GONE = "the contact was removed"


@dataclass
class Outcome:
    message: Message
    sent_now: bool


def on_event(repos: Repositories, senders: Senders, event: DomainEvent, job_of) -> list[Outcome]:
    """`job_of(event)`: the event's job as it is now, or None (declined or gone: nobody to tell)."""
    if isinstance(event, FreeTextWritten):
        return [send_free_text(repos, senders, event.message, job_of(event))]
    if isinstance(event, CustomerWrote):
        return relay(repos, senders, event.message, job_of(event)) if event.message.copied_to else []
    if isinstance(event, RecipientsChosen):
        job = job_of(event)
        return [] if job is None else invite(repos, senders, job, event.added, event.at)
    if not may_text(event):
        return []
    job = job_of(event)
    if job is None:
        return []
    return [notify(repos, senders, trigger, job, event.at) for trigger in triggers(event, job)]


def notify(repos: Repositories, senders: Senders, trigger: Trigger, job, triggered_at) -> Outcome:
    """The customer's text, then the same text to each of the job's other recipients (seed 002), each judged
    by the one rule on their own consent, with their own link. A confirmation chain's step asks the customer
    alone; the chain follows the customer's text."""
    appointment = next((a for a in job.appointments if a.id == trigger.appointment_id), None)
    ctx = repos.contexts.load(job.org_id, job.customer_id, appointment and appointment.technician_id,
                              job.location_id, consent=True)
    outcome = _notify_one(repos, senders, trigger, job, appointment, ctx, triggered_at)
    if outcome.sent_now:
        follow_up(repos, senders, outcome.message, clock.now())
    if trigger.channel is None and trigger.scenario is not ScenarioName.CONTACT_INVITED:
        for contact, their in _others(repos, job, ctx):
            _invite_once(repos, senders, job, contact, their, triggered_at)
            _notify_one(repos, senders, replace(trigger, key=for_contact(trigger.key, contact.id)), job, appointment,
                        their, triggered_at, contact.id)
    return outcome


def for_contact(key: str, contact_id: str) -> str:
    """A trigger's key for one of the customer's contacts: one trigger, one text to each."""
    return f"{key}~{contact_id}"


def invite(repos: Repositories, senders: Senders, job, contact_ids: tuple[str, ...], at) -> list[Outcome]:
    """One invitation to each contact newly among the job's recipients (the customer's own number needs none)."""
    ctx = repos.contexts.load(job.org_id, job.customer_id, None, job.location_id, consent=True)
    return [outcome for contact, their in _others(repos, job, ctx) if contact.id in contact_ids
            if (outcome := _invite_once(repos, senders, job, contact, their, at))]


def _invite_once(repos: Repositories, senders: Senders, job, contact, their, at) -> Outcome | None:
    key = f"{ScenarioName.CONTACT_INVITED}:{contact.id}"
    visit = job.latest_visit  # the page the link opens
    if visit is None or repos.messages.was_claimed(job.org_id, job.id, key):
        return None
    outcome = _notify_one(repos, senders, Trigger(ScenarioName.CONTACT_INVITED, key, visit.id, None), job, visit,
                          their, at, contact.id)
    if outcome.sent_now and contact.invited_at is None:
        repos.contacts.invited(contact, outcome.message.updated_at)
    return outcome


def relay(repos: Repositories, senders: Senders, written: Message, job) -> list[Outcome]:
    """Words a customer or contact wrote on their page, sent on to the job's recipients they chose (seed 002:
    reply all, a new message): a person's words, so at once, each judged by the one rule on their consent."""
    if job is None:
        return []
    ctx = repos.contexts.load(job.org_id, job.customer_id, None, job.location_id, consent=True)
    people = {c.id: c for c in recipients(repos.contacts.of_customer(job.org_id, job.customer_id, ctx.customer),
                                          job.recipients)}
    writer = people.get(written.contact_id or job.customer_id)
    visit = job.latest_visit
    now, outcomes = clock.now(), []
    for contact_id in written.copied_to:
        contact = people.get(contact_id)
        if contact is None:
            continue  # no longer among the job's recipients
        their = ctx if contact.primary else _their(repos, ctx, contact)
        key, mine = for_contact(f"relay:{written.key}", contact.id), None if contact.primary else contact.id
        said = f"{ctx.org.name}: {writer.name if writer else 'a contact'} wrote: {written.body}"
        links = []
        if visit is not None:
            token, link = Link.issue(job.org_id, job.id, visit.id, LinkPurpose.STATUS, now, mine)
            links = [link]
        body = f"{said} Reply: {environment().link_url(token)}" if links else said
        via = address(their.customer, their.channels, their.org, body, now, values={"body": body},
                      consent=their.consent)
        judgement = verdict(Outbound(key, via.channel, via.recipient), job=job, consent=their.consent,
                            customer=their.customer, now=now)
        if not via.reachable and not judgement.dropped:
            judgement = drop(UNREACHABLE)
        if judgement.dropped:  # no link is issued for a text that never goes
            links, body = [], said
        message = new_message(job.org_id, job.id, key, sender=via.sender, recipient=via.recipient, body=body,
                              now=now, status=judgement.status, scenario=RELAYED, appointment_id=visit and visit.id,
                              error=judgement.why, channel=via.channel, payload=via.payload,
                              time_zone=their.time_zone, region=their.customer.region, contact_id=mine)
        message, to_send = ledger.claim(repos, message, links, judgement)
        if to_send:
            dispatch.deliver(repos, senders, message)
        outcomes.append(Outcome(message, to_send))
    return outcomes


def _others(repos: Repositories, job, ctx: RecipientContext) -> list:
    """The job's recipients besides the customer, each with the context a text to them is written in."""
    contacts = repos.contacts.of_customer(job.org_id, job.customer_id, ctx.customer)
    return [(c, _their(repos, ctx, c)) for c in recipients(contacts, job.recipients) if not c.primary]


def _their(repos: Repositories, ctx: RecipientContext, contact) -> RecipientContext:
    """A text to a contact: their name and addresses, their own consent records, at the customer's place."""
    records = (r for a in {contact.phone, contact.email} - {None} for r in repos.consent.of_address(ctx.org.id, a))
    return replace(ctx, customer=contact.as_addressee(ctx.customer), consent=tuple(sorted(records, key=lambda r: r.at)))


def _notify_one(repos: Repositories, senders: Senders, trigger: Trigger, job, appointment, ctx: RecipientContext,
                triggered_at, contact_id: str | None = None) -> Outcome:
    scenario = ctx.settings.scenario(trigger.scenario)
    now = clock.now()

    def written(link_text: str) -> tuple[str, Addressed]:
        values = variables(ctx, job, appointment, trigger, link_text, now)
        body = render_text(scenario, values)
        return body, address(ctx.customer, ctx.channels, ctx.org, body, now, scenario=trigger.scenario.value,
                             values=values, first=trigger.channel, consent=ctx.consent)

    links = []
    if scenario.link and trigger.appointment_id:
        token, link = Link.issue(job.org_id, job.id, trigger.appointment_id, scenario.link, now, contact_id)
        links = [link]
    body, via = written(environment().link_url(token) if links else "(link)")
    judgement = verdict(Outbound(trigger.key, via.channel, via.recipient, scenario, trigger), job=job,
                        consent=ctx.consent, customer=ctx.customer, quiet_hours=ctx.quiet_hours, time_zone=ctx.time_zone, now=now,
                        release_window=judge.release_window())
    if not via.reachable and not judgement.dropped:
        judgement = drop(UNREACHABLE)
    if judgement.dropped and links:  # no link is issued for a text that never goes
        links = []
        body, via = written("(link)")
    message = new_message(
        job.org_id, job.id, trigger.key, sender=via.sender, recipient=via.recipient, body=body, now=now,
        created_at=triggered_at, status=judgement.status, scenario=trigger.scenario.value,
        appointment_id=trigger.appointment_id, window=trigger.window, release_at=judgement.release_at,
        error=judgement.why, channel=via.channel, payload=via.payload, time_zone=ctx.time_zone,
        region=ctx.customer.region, contact_id=contact_id)
    message, to_send = ledger.claim(repos, message, links, judgement)
    if not to_send:
        return Outcome(message, sent_now=False)
    dispatch.deliver(repos, senders, message)
    return Outcome(message, sent_now=True)


def follow_up(repos: Repositories, senders: Senders, message: Message, now) -> None:
    """A question went: the confirmation chain runs on from it, and what it asks for is sent here."""
    send_asked(repos, senders, chain.follow_up(repos, message, now), now)


def send_asked(repos: Repositories, senders: Senders, asks: list, now) -> None:
    """The chain's texts (each through `notify`, so the one rule judges it) and its calls."""
    for ask in asks:
        if isinstance(ask, chain.Ask):
            notify(repos, senders, ask.trigger, ask.job, now)
        else:
            call(repos, senders, ask, now)


def call(repos: Repositories, senders: Senders, call: "chain.Call", now) -> None:
    """A voice message of the escalation: the same rule as a text (an opted-out number is never called)."""
    judgement = verdict(Outbound(call.key, "voice", call.to), job=None, consent=call.consent, customer=call.customer,
                        now=now)
    if judgement.dropped:
        logger.info("voice call not placed", extra={"to": mask(call.to), "reason": judgement.why})
        return
    senders.voice.place(call.to, call.origination, call.text)


def send_free_text(repos: Repositories, senders: Senders, written: Message, job) -> Outcome:
    """A person's text goes as written, at once (a person chose the moment), unless the rule says no."""
    message = repos.messages.claimed(written.org_id, written.job_id, written.key)
    if not ledger.unsent(message):
        return Outcome(message, sent_now=False)  # a replay
    if job is None:
        ledger.judged(repos, message, drop(JOB_GONE), clock.now())
        return Outcome(message, sent_now=False)
    ctx = repos.contexts.load(job.org_id, job.customer_id, None, None, consent=True)
    if message.contact_id:
        try:
            contact = repos.contacts.get(job.org_id, message.contact_id)
        except NotFound:
            ledger.judged(repos, message, drop(CONTACT_GONE), clock.now())
            return Outcome(message, sent_now=False)
        ctx = _their(repos, ctx, contact)
        _invite_once(repos, senders, job, contact, ctx, message.created_at)  # who is writing, first
    if message.status is MessageStatus.QUEUED and message.channel == "sms":  # written as an SMS: on their channel
        via = address(ctx.customer, ctx.channels, ctx.org, message.body, clock.now(), values={"body": message.body},
                      consent=ctx.consent)
        message.channel, message.sender, message.recipient, message.payload = \
            via.channel, via.sender, via.recipient, via.payload
    message.time_zone, message.region = ctx.time_zone, ctx.customer.region
    now = clock.now()
    judgement = verdict(outbound_of(message, ctx.settings), job=job, consent=ctx.consent, customer=ctx.customer,
                        quiet_hours=ctx.quiet_hours, time_zone=ctx.time_zone, now=now)
    if not ledger.judged(repos, message, judgement, now):
        return Outcome(message, sent_now=False)
    dispatch.deliver(repos, senders, message)
    return Outcome(message, sent_now=True)


def render_text(scenario, values: dict) -> str:
    """The organization's template; if it breaks on these values, the shipped one, so the text still goes."""
    try:
        return render(scenario.template, values)
    except Exception as error:
        logger.error("scenario template failed; default used", extra={"scenario": scenario.name.value,
                                                                       "reason": str(error)})
        return render(DEFAULTS[scenario.name].template, values)


def send_reply(repos: Repositories, senders: Senders, *, org, customer_phone: str, body: str, key: str, job=None,
               appointment_id: str | None = None, scenario: str = "auto_reply", links=(),
               via: Addressed | None = None, customer=None, contact_id: str | None = None) -> Message | None:
    """A text answering the customer (help, confirmation thanks, a link): on the job's conversation and
    exactly once per key when there is a job; otherwise sent and logged only. The rule judges it as an
    answer (their writing is the consent for it; an opt-out still stops it): dropped, it is recorded
    `suppressed`. `via`: on the channel the customer wrote on; `customer`: who wrote, when known."""
    now = clock.now()
    via = via or Addressed("sms", org.sms_number, customer_phone)
    if via.channel == "whatsapp":  # an answer to their message: inside the service window, free-form
        via = replace(via, payload=json.dumps(whatsapp_message(via.recipient.lstrip("+"), body, window_is_open=True)))
    judgement = verdict(Outbound(key, via.channel, via.recipient, answering=True), job=None,
                        consent=repos.consent.of_address(org.id, via.recipient), customer=customer, now=now)
    message = new_message(org.id, job.id if job else "", key, sender=via.sender, recipient=via.recipient, body=body,
                          now=now, status=judgement.status, scenario=scenario, appointment_id=appointment_id,
                          error=judgement.why, channel=via.channel, payload=via.payload, contact_id=contact_id)
    if job is None:
        if judgement.dropped:
            logger.info("reply not sent", extra={"to": mask(customer_phone), "scenario": scenario,
                                                  "reason": judgement.why})
            return None
        senders.send(message)
        metrics.text_sent(org.id, message.segments)
        logger.info("reply sent", extra={"to": mask(customer_phone), "scenario": scenario})
        return None
    message, to_send = ledger.claim(repos, message, [] if judgement.dropped else links, judgement)
    if to_send:
        dispatch.deliver(repos, senders, message)
    return message
