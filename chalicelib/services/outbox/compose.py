"""The scenario engine: a domain event in, the customer's texts out (docs/product.md §4), one trigger, one
text, sent exactly once. What a text says comes from its scenario's template; whether it goes now, waits or
is dropped, from the one rule (domain/sending.py); the ledger makes a replay send nothing twice."""
import json
from dataclasses import dataclass, replace

from aws_lambda_powertools import Logger

from ... import clock, metrics
from ...config import environment
from ...domain.channels import whatsapp_message
from ...domain.events import DomainEvent, FreeTextWritten
from ...domain.links import Link
from ...domain.messages import Message, MessageStatus, new_message
from ...domain.scenarios import DEFAULTS
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


@dataclass
class Outcome:
    message: Message
    sent_now: bool


def on_event(repos: Repositories, senders: Senders, event: DomainEvent, job_of) -> list[Outcome]:
    """`job_of(event)`: the event's job as it is now, or None (declined or gone: nobody to tell)."""
    if isinstance(event, FreeTextWritten):
        return [send_free_text(repos, senders, event.message, job_of(event))]
    if not may_text(event):
        return []
    job = job_of(event)
    if job is None:
        return []
    return [notify(repos, senders, trigger, job, event.at) for trigger in triggers(event, job)]


def notify(repos: Repositories, senders: Senders, trigger: Trigger, job, triggered_at) -> Outcome:
    appointment = next((a for a in job.appointments if a.id == trigger.appointment_id), None)
    ctx = repos.contexts.load(job.org_id, job.customer_id, appointment and appointment.technician_id,
                              job.location_id, consent=True)
    scenario = ctx.settings.scenario(trigger.scenario)
    now = clock.now()

    def written(link_text: str) -> tuple[str, Addressed]:
        values = variables(ctx, job, appointment, trigger, link_text, now)
        body = render_text(scenario, values)
        return body, address(ctx.customer, ctx.channels, ctx.org, body, now, scenario=trigger.scenario.value,
                             values=values, first=trigger.channel, consent=ctx.consent)

    links = []
    if scenario.link and trigger.appointment_id:
        token, link = Link.issue(job.org_id, job.id, trigger.appointment_id, scenario.link, now)
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
        region=ctx.customer.region)
    message, to_send = ledger.claim(repos, message, links, judgement)
    if not to_send:
        return Outcome(message, sent_now=False)
    dispatch.deliver(repos, senders, message)
    follow_up(repos, senders, message, now)
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
               via: Addressed | None = None, customer=None) -> Message | None:
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
                          error=judgement.why, channel=via.channel, payload=via.payload)
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
