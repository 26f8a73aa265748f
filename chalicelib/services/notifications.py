"""The scenario engine: a domain event in, the customer's texts out (docs/product.md §4), one trigger, one
text, sent exactly once. What a text says and whether it goes now is decided in domain/texts.py; the ledger
(services/ledger.py) makes a replay send nothing twice; delivery (services/delivery.py) sends and records.
Urgent texts go at once; the others wait for the end of quiet hours in the customer's zone."""
import json
from dataclasses import dataclass, replace
from datetime import timedelta

from aws_lambda_powertools import Logger

from .. import clock, metrics
from ..config import environment
from ..domain.channels import whatsapp_message
from ..domain.errors import NotFound
from ..domain.events import DomainEvent, FreeTextWritten
from ..domain.links import Link
from ..domain.messages import Direction, Message, MessageStatus
from ..domain.scenarios import DEFAULTS
from ..domain.segments import count
from ..domain.texts import decide, variables
from ..domain.triggers import Trigger, may_text, triggers
from ..domain.values import mask
from ..notify.senders import Senders
from ..notify.templates import render
from ..store.messages import message_id
from . import chain, ledger
from .channels import Addressed, address
from .delivery import deliver
from .repositories import Repositories

logger = Logger(service="onmyway")


@dataclass
class Outcome:
    message: Message
    sent_now: bool


def on_event(repos: Repositories, senders: Senders, event: DomainEvent) -> list[Outcome]:
    if isinstance(event, FreeTextWritten):
        return [send_free_text(repos, senders, event.message)]
    if not may_text(event):
        return []
    try:
        job = repos.jobs.get(event.org_id, event.job_id)
    except NotFound:
        return []  # declined or gone: nobody to tell
    return [notify(repos, senders, trigger, job, event.at) for trigger in triggers(event, job)]


def notify(repos: Repositories, senders: Senders, trigger: Trigger, job, triggered_at) -> Outcome:
    appointment = next((a for a in job.appointments if a.id == trigger.appointment_id), None)
    ctx = repos.contexts.load(job.org_id, job.customer_id, appointment and appointment.technician_id,
                              job.location_id)
    scenario = ctx.settings.scenario(trigger.scenario)
    now = clock.now()
    decision = decide(scenario, ctx, trigger, job, now,
                      release_window=timedelta(minutes=environment().quiet_release_minutes))

    links, link_text = [], "(link)"
    if scenario.link and not decision.suppressed and trigger.appointment_id:
        token, link = Link.issue(job.org_id, job.id, trigger.appointment_id, scenario.link, now)
        links, link_text = [link], environment().link_url(token)
    values = variables(ctx, job, appointment, trigger, link_text, now)
    body = _render(scenario, values)
    via = address(ctx.customer, ctx.channels, ctx.org, body, now, scenario=trigger.scenario.value, values=values,
                  first=trigger.channel)
    if not via.reachable:
        decision = decision.unreachable()
    held = decision.status is MessageStatus.HELD
    message = Message(
        id=message_id(job.org_id, job.id, trigger.key), org_id=job.org_id, job_id=job.id, key=trigger.key,
        direction=Direction.OUTBOUND, sender=via.sender, recipient=via.recipient, body=body,
        status=decision.status, segments=count(body).segments, created_at=triggered_at, updated_at=now,
        scenario=trigger.scenario.value, appointment_id=trigger.appointment_id, window=trigger.window,
        release_at=decision.release_at if held else None, error=decision.why, channel=via.channel,
        payload=via.payload)
    message, to_send = ledger.claim(repos, message, links)
    if not to_send:
        return Outcome(message, sent_now=False)
    deliver(repos, senders, message)
    chain.follow_up(repos, senders, message, now)
    return Outcome(message, sent_now=True)


def send_free_text(repos: Repositories, senders: Senders, written: Message) -> Outcome:
    """A person's text goes as written, at once (a person chose the moment), unless the customer opted out."""
    message = repos.messages.claimed(written.org_id, written.job_id, written.key)
    if not ledger.unsent(message):
        return Outcome(message, sent_now=False)  # a replay
    job = repos.jobs.get(message.org_id, message.job_id)
    ctx = repos.contexts.load(job.org_id, job.customer_id, None, None)
    customer = ctx.customer
    if message.status is MessageStatus.QUEUED and message.channel == "sms":  # written as an SMS: on their channel
        via = address(customer, ctx.channels, ctx.org, message.body, clock.now(), values={"body": message.body})
        message.channel, message.sender, message.recipient, message.payload = \
            via.channel, via.sender, via.recipient, via.payload
    if customer.opted_out:
        message.status, message.error, message.updated_at = MessageStatus.SUPPRESSED, "customer opted out", clock.now()
        repos.messages.update(message)
        return Outcome(message, sent_now=False)
    deliver(repos, senders, message)
    return Outcome(message, sent_now=True)


def _render(scenario, values: dict) -> str:
    """The organization's template; if it breaks on these values, the shipped one, so the text still goes."""
    try:
        return render(scenario.template, values)
    except Exception as error:
        logger.error("scenario template failed; default used", extra={"scenario": scenario.name.value,
                                                                       "reason": str(error)})
        return render(DEFAULTS[scenario.name].template, values)


def send_reply(repos: Repositories, senders: Senders, *, org, customer_phone: str, body: str, key: str, job=None,
               appointment_id: str | None = None, scenario: str = "auto_reply", links=(),
               opted_out: bool = False, via: Addressed | None = None) -> Message | None:
    """A text answering the customer (help, confirmation thanks, a link): on the job's conversation and
    exactly once per key when there is a job; otherwise sent and logged only. To an opted-out customer
    nothing goes: the answer is recorded `suppressed`. `via`: on the channel the customer wrote on."""
    now = clock.now()
    via = via or Addressed("sms", org.sms_number, customer_phone)
    if via.channel == "whatsapp":  # an answer to their message: inside the service window, free-form
        via = replace(via, payload=json.dumps(whatsapp_message(via.recipient.lstrip("+"), body, window_is_open=True)))
    if job is None:
        if opted_out:
            logger.info("reply not sent: customer opted out", extra={"to": mask(customer_phone), "scenario": scenario})
            return None
        senders.send(Message(id="", org_id=org.id, job_id="", key=key, direction=Direction.OUTBOUND,
                             sender=via.sender, recipient=via.recipient, body=body, status=MessageStatus.QUEUED,
                             segments=count(body).segments, created_at=now, updated_at=now, channel=via.channel,
                             payload=via.payload))
        metrics.text_sent(org.id, count(body).segments)
        logger.info("reply sent", extra={"to": mask(customer_phone), "scenario": scenario})
        return None
    status, why = (MessageStatus.SUPPRESSED, "customer opted out") if opted_out else (MessageStatus.QUEUED, None)
    message = Message(id=message_id(org.id, job.id, key), org_id=org.id, job_id=job.id, key=key,
                      direction=Direction.OUTBOUND, sender=via.sender, recipient=via.recipient, body=body,
                      status=status, segments=count(body).segments, created_at=now, updated_at=now,
                      scenario=scenario, appointment_id=appointment_id, error=why, channel=via.channel,
                      payload=via.payload)
    message, to_send = ledger.claim(repos, message, [] if opted_out else links)
    if to_send:
        deliver(repos, senders, message)
    return message
