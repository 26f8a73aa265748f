"""Customer texts in reaction to stored changes: one trigger, one text, sent exactly once.

A text is rendered and claimed (with its link tokens) in the message ledger before it is sent; a
replayed trigger finds the claim and sends nothing, or re-sends the same text if the first try
failed. Urgent texts go at once; the others wait for the end of quiet hours in the customer's zone."""
import json
from dataclasses import dataclass, replace

from aws_lambda_powertools import Logger

from .. import clock, metrics
from ..config import environment
from ..domain import timefmt
from ..domain.errors import NotFound
from ..domain.channels import whatsapp_message
from ..domain.events import DomainEvent, FreeTextWritten
from ..domain.links import Link
from ..domain.messages import Direction, Message, MessageStatus
from ..domain.scenarios import DEFAULTS
from ..domain.segments import count
from ..domain.status import AppointmentStatus
from ..domain.triggers import Trigger, may_text, triggers, why_not_now
from ..notify import channels as channel_port
from ..notify.sms import SmsSender
from ..notify.templates import render
from ..store.context import Contexts, RecipientContext
from ..store.messages import message_id
from . import governor
from .channels import Addressed, address
from .repositories import Repositories

logger = Logger(service="onmyway")
contexts = Contexts()


FOLLOWED_UP = ("booking_confirmation", "reminder")  # texts that ask for a reply


class SendFailed(Exception):
    """The provider refused or did not answer: the trigger must be retried."""

    def __init__(self, message: Message, reason: str):
        super().__init__(reason)
        self.message = message


def mask(phone: str) -> str:
    """Never a whole phone number in a log line."""
    return phone[:2] + "*" * max(len(phone) - 6, 0) + phone[-4:] if phone else phone


@dataclass
class Outcome:
    message: Message
    sent_now: bool


def on_event(repos: Repositories, sender: SmsSender, event: DomainEvent) -> list[Outcome]:
    if isinstance(event, FreeTextWritten):
        return [send_free_text(repos, sender, event.message)]
    if not may_text(event):
        return []
    try:
        job = repos.jobs.get(event.org_id, event.job_id)
    except NotFound:
        return []  # declined or gone: nobody to tell
    return [notify(repos, sender, trigger, job, event.at) for trigger in triggers(event, job)]


def notify(repos: Repositories, sender: SmsSender, trigger: Trigger, job, triggered_at) -> Outcome:
    appointment = next((a for a in job.appointments if a.id == trigger.appointment_id), None)
    ctx = contexts.load(job.org_id, job.customer_id, appointment and appointment.technician_id, job.location_id)
    scenario = ctx.settings.scenario(trigger.scenario)
    now = clock.now()
    status, why = MessageStatus.QUEUED, None
    if not scenario.enabled:
        status, why = MessageStatus.SUPPRESSED, "scenario turned off"
    elif ctx.customer.opted_out:
        status, why = MessageStatus.SUPPRESSED, "customer opted out"
    elif stale := why_not_now(trigger, job, now):
        status, why = MessageStatus.SUPPRESSED, stale
    release_at = None if scenario.urgent else governor.spread(ctx.settings.quiet_hours.release_at(now, ctx.time_zone),
                                                              trigger.key, trigger.window)
    if status is MessageStatus.QUEUED and release_at:
        status = MessageStatus.HELD

    links, link_text = [], "(link)"
    if scenario.link and status is not MessageStatus.SUPPRESSED and trigger.appointment_id:
        token, link = Link.issue(job.org_id, job.id, trigger.appointment_id, scenario.link, now)
        links, link_text = [link], link_url(token)
    values = variables(ctx, job, appointment, trigger, link_text, now)
    body = _render(scenario, values)
    via = address(ctx.customer, ctx.channels, ctx.org, body, now, scenario=trigger.scenario.value, values=values,
                  first=trigger.channel)
    if not via.reachable and status is not MessageStatus.SUPPRESSED:
        status, why = MessageStatus.SUPPRESSED, "the customer cannot be reached on any channel"
    message = Message(
        id=message_id(job.org_id, job.id, trigger.key), org_id=job.org_id, job_id=job.id, key=trigger.key,
        direction=Direction.OUTBOUND, sender=via.sender, recipient=via.recipient, body=body,
        status=status, segments=count(body).segments, created_at=triggered_at, updated_at=now,
        scenario=trigger.scenario.value, appointment_id=trigger.appointment_id, window=trigger.window,
        release_at=release_at if status is MessageStatus.HELD else None, error=why, channel=via.channel,
        payload=via.payload)
    earlier = repos.messages.claim(message, links)
    if earlier is not None:
        message = earlier  # a replay: never a second text
        if not unsent(message):
            return Outcome(message, sent_now=False)
    elif message.status is not MessageStatus.QUEUED:
        log(message, "recorded without sending")
        return Outcome(message, sent_now=False)
    deliver(repos, sender, message)
    follow_up(repos, sender, message, now)
    return Outcome(message, sent_now=True)


def follow_up(repos: Repositories, sender: SmsSender, message: Message, now) -> None:
    """A confirmation or reminder waits for a reply: the confirmation chain runs on from it."""
    if message.scenario in FOLLOWED_UP and message.appointment_id and message.window:
        from .chain import start  # the chain sends through this module: imported when first needed
        start(repos, sender, message, now)


def send_free_text(repos: Repositories, sender: SmsSender, written: Message) -> Outcome:
    """A person's text goes as written, at once (a person chose the moment), unless the customer opted out."""
    message = repos.messages.claimed(written.org_id, written.job_id, written.key)
    if not unsent(message):
        return Outcome(message, sent_now=False)  # a replay
    job = repos.jobs.get(message.org_id, message.job_id)
    ctx = contexts.load(job.org_id, job.customer_id, None, None)
    customer = ctx.customer
    if message.status is MessageStatus.QUEUED and message.channel == "sms":  # written as an SMS: on their channel
        via = address(customer, ctx.channels, ctx.org, message.body, clock.now(), values={"body": message.body})
        message.channel, message.sender, message.recipient, message.payload = \
            via.channel, via.sender, via.recipient, via.payload
    if customer.opted_out:
        message.status, message.error, message.updated_at = MessageStatus.SUPPRESSED, "customer opted out", clock.now()
        repos.messages.update(message)
        return Outcome(message, sent_now=False)
    deliver(repos, sender, message)
    return Outcome(message, sent_now=True)


def unsent(message: Message) -> bool:
    """Still to send on a replay: claimed but not sent, or refused by the provider. A text the provider
    accepted is never sent again, even when its carrier later reports it failed."""
    return message.status is MessageStatus.QUEUED or (message.status is MessageStatus.FAILED
                                                      and not message.provider_id)


def deliver(repos: Repositories, sender: SmsSender, message: Message) -> None:
    """Send a claimed text and record the outcome; a failure is recorded, then raised for a retry."""
    if governor.governs(message):  # SMS leaves through the rate-governed queue: the drainer sends it
        return governor.enqueue(message)
    try:
        message.provider_id = channel_port.send(message, sender)
        message.status, message.error = MessageStatus.SENT, None
    except Exception as error:
        message.status, message.error = MessageStatus.FAILED, f"{type(error).__name__}: {error}"[:500]
        message.updated_at = clock.now()
        repos.messages.update(message)
        metrics.add("DeliveryFailures", message.org_id)
        log(message, "send failed")
        raise SendFailed(message, message.error) from error
    message.updated_at = clock.now()
    message.release_at = None
    repos.messages.update(message)
    metrics.text_sent(message.org_id, message.segments)
    log(message, "sent")


def log(message: Message, what: str) -> None:
    logger.info(what, extra={"job_id": message.job_id, "appointment_id": message.appointment_id,
                             "message_id": message.id, "scenario": message.scenario,
                             "status": message.status.value, "to": mask(message.recipient),
                             "segments": message.segments, "reason": message.error})


def _render(scenario, values: dict) -> str:
    """The organization's template; if it breaks on these values, the shipped one, so the text still goes."""
    try:
        return render(scenario.template, values)
    except Exception as error:
        logger.error("scenario template failed; default used", extra={"scenario": scenario.name.value,
                                                                       "reason": str(error)})
        return render(DEFAULTS[scenario.name].template, values)


def variables(ctx: RecipientContext, job, appointment, trigger: Trigger, link: str, now) -> dict:
    tz = ctx.time_zone
    window = trigger.window or (appointment and appointment.window)
    eta = appointment.eta if appointment and appointment.eta and appointment.eta > now else None  # never one gone by
    return {
        "company": ctx.org.name, "company_phone": ctx.org.sms_number,
        "customer_name": ctx.customer.name, "customer_first_name": ctx.customer.name.split()[0],
        "technician": ctx.technician.name if ctx.technician else None,
        "window": timefmt.window(window.start, window.end, tz) if window else "",
        "eta": timefmt.clock_time(eta, tz) if eta else None, "link": link,
        "on_the_way": bool(appointment and appointment.status is AppointmentStatus.EN_ROUTE),
        "reason": job.cancel_reason, "coupon_code": job.coupon.code if job.coupon else None,
        "coupon_percent": job.coupon.percent if job.coupon else None,
    }


def send_reply(repos: Repositories, sender: SmsSender, *, org, customer_phone: str, body: str, key: str, job=None,
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
        channel_port.send(Message(id="", org_id=org.id, job_id="", key=key, direction=Direction.OUTBOUND,
                                  sender=via.sender, recipient=via.recipient, body=body, status=MessageStatus.QUEUED,
                                  segments=count(body).segments, created_at=now, updated_at=now, channel=via.channel,
                                  payload=via.payload), sender)
        metrics.text_sent(org.id, count(body).segments)
        logger.info("reply sent", extra={"to": mask(customer_phone), "scenario": scenario})
        return None
    status, why = (MessageStatus.SUPPRESSED, "customer opted out") if opted_out else (MessageStatus.QUEUED, None)
    message = Message(id=message_id(org.id, job.id, key), org_id=org.id, job_id=job.id, key=key,
                      direction=Direction.OUTBOUND, sender=via.sender, recipient=via.recipient, body=body,
                      status=status, segments=count(body).segments, created_at=now, updated_at=now,
                      scenario=scenario, appointment_id=appointment_id, error=why, channel=via.channel,
                      payload=via.payload)
    earlier = repos.messages.claim(message, [] if opted_out else list(links))
    if earlier is not None:
        if not unsent(earlier):
            return earlier
        message = earlier
    elif opted_out:
        log(message, "recorded without sending")
        return message
    deliver(repos, sender, message)
    return message


def link_url(token: str) -> str:
    return f"{environment().link_base_url}/c/{token}"
