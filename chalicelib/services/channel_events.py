"""Events of every channel. SMS: End User Messaging's delivery receipts update the message. WhatsApp WhatsApp: AWS End User Messaging Social's event destination
(an SNS topic); the customer's messages go through the same inbound path as SMS replies, status events
update the message. Email: SES events (a configuration set's SNS destination) update the message."""
import json
from dataclasses import dataclass, field

from .. import clock, metrics
from ..domain.channels import reply_text
from ..domain.consent import ConsentEvent, ConsentRecord, Source, Standing, standing
from ..domain.customers import ContactChannel
from ..domain.errors import NotFound, ValidationError
from ..domain.messages import MessageStatus
from ..domain.replies import MAX_BODY, Intent, read
from ..domain.values import e164
from .inbound import BadInbound, InboundText
from .repositories import Repositories

STATUSES = {"delivered": MessageStatus.DELIVERED, "read": MessageStatus.READ, "failed": MessageStatus.FAILED}
# A later status may follow an earlier one, never the reverse (events can arrive out of order).
AFTER = {MessageStatus.DELIVERED: (MessageStatus.SENT, MessageStatus.UNKNOWN),
         MessageStatus.READ: (MessageStatus.SENT, MessageStatus.UNKNOWN, MessageStatus.DELIVERED),
         MessageStatus.FAILED: (MessageStatus.SENT, MessageStatus.UNKNOWN)}


@dataclass
class WhatsAppEvent:
    texts: list[InboundText] = field(default_factory=list)
    statuses: list[tuple[str, str, str | None]] = field(default_factory=list)  # (provider id, status, error)


def _number(name: str, digits) -> str:
    try:
        return e164(name, "+" + str(digits).lstrip("+"))
    except ValidationError as e:
        raise BadInbound(e.message) from None


def parse(raw: str) -> WhatsAppEvent:
    """The SNS message: the AWS header with `whatsAppWebhookEntry`, Meta's webhook entry as a JSON string."""
    try:
        envelope = json.loads(raw)
        entry = envelope["whatsAppWebhookEntry"]
        entry = json.loads(entry) if isinstance(entry, str) else entry
        changes = entry["changes"]
        if not isinstance(changes, list):
            raise TypeError
    except (TypeError, ValueError, KeyError):
        raise BadInbound("not an End User Messaging Social WhatsApp event") from None
    event = WhatsAppEvent()
    for change in changes:
        value = (change or {}).get("value") or {}
        business = _number("display_phone_number", (value.get("metadata") or {}).get("display_phone_number", ""))
        for message in value.get("messages") or []:
            body = reply_text(message)
            if not isinstance(message.get("id"), str) or not message["id"] or not isinstance(body, str) \
                    or not body.strip():
                continue  # media, reactions, a message without text: nothing the reply grammar can read
            if len(body) > MAX_BODY:
                raise BadInbound(f"message over {MAX_BODY} characters")
            event.texts.append(InboundText(message["id"], _number("from", message.get("from", "")), business,
                                           body.strip(), channel="whatsapp"))
        for status in value.get("statuses") or []:
            if isinstance(status.get("id"), str) and status.get("status") in STATUSES:
                errors = status.get("errors") or [{}]
                event.statuses.append((status["id"], status["status"], str(errors[0].get("title") or "") or None))
    return event


def opened_window(repos: Repositories, text: InboundText) -> None:
    """The customer wrote on WhatsApp: free-form answers may go for 24 hours, and, unless they said STOP
    there, writing to us there is their opt-in to it (kept as a consent record)."""
    try:
        org_id = repos.organizations.id_for_number(text.destination)
    except NotFound:
        return
    customer = repos.customers.by_phone(org_id, text.origination)
    records = repos.consent.of_address(org_id, text.origination)
    if customer is not None and read(text.body).intent is not Intent.OPT_OUT \
            and standing(records, ContactChannel.WHATSAPP, text.origination) is Standing.NONE:
        repos.consent.add(ConsentRecord(org_id, ContactChannel.WHATSAPP, text.origination, ConsentEvent.OPT_IN,
                                        Source.WHATSAPP, clock.now()))
    if customer is not None and (customer.whatsapp_inbound_at is None or customer.whatsapp_inbound_at < clock.now()):
        customer.whatsapp_inbound_at = clock.now()
        repos.customers.save(customer)


def status(repos: Repositories, provider_id: str, what: str, error: str | None) -> str:
    message = repos.messages.by_provider_id(provider_id)
    if message is None:
        return "unknown_message"
    new = STATUSES[what]
    changed = repos.messages.receipt(message, new, f"{what}: {error}"[:500] if error else None, clock.now(),
                                     after=AFTER[new])
    return what if changed else "out_of_order"


SES_EVENTS = {"Delivery": MessageStatus.DELIVERED, "Open": MessageStatus.READ, "Bounce": MessageStatus.FAILED,
              "Reject": MessageStatus.FAILED, "Complaint": MessageStatus.FAILED}


def email_event(repos: Repositories, event: dict) -> str:
    """An SES event (the configuration set's SNS destination): delivery, open, bounce onto the message."""
    kind, provider_id = event.get("eventType"), (event.get("mail") or {}).get("messageId")
    if kind not in SES_EVENTS or not isinstance(provider_id, str):
        return "not_final"
    message = repos.messages.by_provider_id(provider_id)
    if message is None:
        return "unknown_message"
    new = SES_EVENTS[kind]
    changed = repos.messages.receipt(message, new, kind if new is MessageStatus.FAILED else None, clock.now(),
                                     after=AFTER[new])
    return new.value if changed else "out_of_order"


SMS_DELIVERED = {"DELIVERED"}
SMS_FAILED = {"FAILED", "BLOCKED", "CARRIER_UNREACHABLE", "CARRIER_BLOCKED", "INVALID", "INVALID_MESSAGE", "SPAM",
              "TTL_EXPIRED", "UNREACHABLE", "UNKNOWN", "OPTED_OUT", "NO_QUOTA_LEFT_ON_ACCOUNT", "MAX_PRICE_EXCEEDED"}


def sms_receipt(repos: Repositories, provider_id: str, status: str, description: str | None) -> str:
    """An End User Messaging SMS event: the final ones (delivered, failed) onto the message."""
    if status not in SMS_DELIVERED | SMS_FAILED:
        return "not_final"
    message = repos.messages.by_provider_id(provider_id)
    if message is None:
        return "unknown_message"
    delivered = status in SMS_DELIVERED
    error = None if delivered else f"{status}: {description or ''}"[:500]
    recorded = repos.messages.receipt(message, MessageStatus.DELIVERED if delivered else MessageStatus.FAILED, error,
                                      clock.now())
    if recorded and not delivered:
        metrics.add("DeliveryFailures", message.org_id)
    return "delivered" if delivered else "failed"
