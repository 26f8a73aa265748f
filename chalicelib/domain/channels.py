"""Channels (seed 003): a customer is texted on SMS, WhatsApp or email. Which one is decided here, from the
customer and the organization's channel settings; the notify adapters only carry the message.

WhatsApp: outside the 24-hour customer-service window (opened by the customer's last message) only an
approved template may be sent, with its parameters; inside it, free-form text, with quick-reply buttons
that answer like the SMS reply grammar (Confirm = C, Reschedule = R, Reject = N)."""
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from .consent import Standing, standing
from .customers import ContactChannel, Customer
from .errors import ValidationError

SERVICE_WINDOW = timedelta(hours=24)
# Quick replies on texts that ask for an answer: the button id is the SMS word it stands for.
CONFIRM_BUTTONS = (("C", "Confirm"), ("R", "Reschedule"), ("N", "Reject"))
ASKS_FOR_REPLY = ("booking_confirmation", "reminder")
RATING = "feedback_request"
FREE_TEXT = "free_text"  # the template key a person's free text goes as, outside the window


class OutsideServiceWindow(Exception):
    """WhatsApp refuses free-form text to a customer who has not written in the last 24 hours."""


@dataclass(frozen=True)
class WhatsAppTemplate:
    """An approved template: its name and language, and which scenario variables fill its {{1}}, {{2}}..."""
    name: str
    language: str
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChainStep:
    """One step of the confirmation chain: a channel to ask on, a wait, a voice task, or the hand back."""
    action: str  # sms | whatsapp | email | voice_task | hand_back | wait
    wait: timedelta | None = None  # for `wait`: None = the organization's visit-relative figures
    text: str = ""  # as the organization wrote it

    def __str__(self) -> str:
        return self.text or self.action


STEP_ACTIONS = ("sms", "whatsapp", "email", "voice_task", "hand_back")
_WAIT = re.compile(r"^wait(?: (\d{1,4})(m|h|d))?$")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}
# Today's behaviour, held as data: ask by SMS, wait (visit-relative figures), a call to make (voice), wait, back
# to the sales channel.
DEFAULT_CHAIN = ("sms", "wait", "voice_task", "wait", "hand_back")


def parse_chain(steps: list[str] | tuple[str, ...], where: str = "confirmation_chain") -> tuple[ChainStep, ...]:
    out = []
    for n, raw in enumerate(steps):
        text = str(raw).strip().lower()
        if text in STEP_ACTIONS or text == "wait":
            out.append(ChainStep(text, text=text))
            continue
        m = _WAIT.match(text)
        if not m:
            raise ValidationError(f"{where}.{n}", f"{raw!r}: a step is one of {', '.join(STEP_ACTIONS)}, "
                                                  f"'wait', or 'wait <n>m|h|d'")
        out.append(ChainStep("wait", timedelta(**{UNITS[m[2]]: int(m[1])}), text=text))
    if not out or out[0].action not in ("sms", "whatsapp", "email"):
        raise ValidationError(f"{where}.0", "the chain starts with a channel to ask on")
    if any(a.action == "wait" and b.action == "wait" for a, b in pairwise(out)):
        raise ValidationError(where, "two waits in a row")
    return tuple(out)


def describe_chain(chain: tuple[ChainStep, ...]) -> list[str]:
    return [str(step) for step in chain]


@dataclass(frozen=True)
class ChannelSettings:
    """An organization's channels: its WhatsApp number and templates, where email comes from, and the
    confirmation chain (with the earlier chains, so an appointment keeps the chain it was booked under)."""
    whatsapp_phone_number_id: str | None = None
    whatsapp_templates: dict[str, WhatsAppTemplate] = field(default_factory=dict)
    email_from: str | None = None
    chains: tuple[tuple[datetime, tuple[ChainStep, ...]], ...] = ()  # (effective from, steps), oldest first

    def chain_for(self, booked_at: datetime) -> tuple[ChainStep, ...]:
        """The chain in force when the appointment was booked: a change applies to later bookings only."""
        chain = parse_chain(DEFAULT_CHAIN)
        for since, steps in self.chains:
            if since <= booked_at:
                chain = steps
        return chain


def reachable(customer: Customer, channel: str, settings: ChannelSettings, consent=()) -> bool:
    """Whether a text can reach the customer there: the address and the set-up exist, and they have not opted
    out of that channel (`consent`: their records, domain/consent.py)."""
    if opted_out(customer, channel, consent):
        return False
    if channel == ContactChannel.WHATSAPP:  # only who chose it, or has written to us on it, is known to have it
        return bool(customer.phone and settings.whatsapp_phone_number_id
                    and (customer.preferred_channel == ContactChannel.WHATSAPP or customer.whatsapp_inbound_at))
    if channel == ContactChannel.SMS:
        return bool(customer.phone)
    if channel == ContactChannel.EMAIL:
        return bool(customer.email and settings.email_from)
    return False


def opted_out(customer: Customer, channel: str, consent) -> bool:
    """By the records of that channel; for SMS, the customer's own `opted_out` counts too."""
    if channel == ContactChannel.SMS and customer.opted_out:
        return True
    address = customer.email if channel == ContactChannel.EMAIL else customer.phone
    return standing(consent, channel, address) is Standing.OPTED_OUT


def channel_for(customer: Customer, settings: ChannelSettings, first: str | None = None, consent=()) -> str:
    """The channel a text goes on: `first` (a chain step) or the customer's preferred one if they can be
    reached there, else SMS, else email as the last written fallback. A STOP is never routed around: opted out
    of the first choice, the text stays there (and is recorded suppressed). SMS when nothing reaches them."""
    choice = first or customer.preferred_channel
    if opted_out(customer, choice, consent):
        return choice
    for channel in (choice, ContactChannel.SMS, ContactChannel.EMAIL):
        if reachable(customer, channel, settings, consent):
            return channel
    return ContactChannel.SMS


def window_open(last_inbound: datetime | None, now: datetime) -> bool:
    return last_inbound is not None and now - last_inbound < SERVICE_WINDOW


def whatsapp_message(to: str, body: str, *, window_is_open: bool, template: WhatsAppTemplate | None = None,
                     values: dict | None = None, scenario: str | None = None) -> dict:
    """The Meta Cloud API message End User Messaging Social carries. A template outside the service window
    (refused without one); inside it, the text itself, with quick replies when it asks for an answer."""
    base = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    if not window_is_open:
        if template is None:
            raise OutsideServiceWindow("free-form text outside the 24-hour window: an approved template is needed")
        parameters = [{"type": "text", "text": str((values or {}).get(name) or "-")} for name in template.parameters]
        return {**base, "type": "template", "template": {
            "name": template.name, "language": {"code": template.language},
            "components": [{"type": "body", "parameters": parameters}] if parameters else []}}
    if scenario in ASKS_FOR_REPLY:
        return {**base, "type": "interactive", "interactive": {
            "type": "button", "body": {"text": body[:1024]},
            "action": {"buttons": [{"type": "reply", "reply": {"id": i, "title": t}} for i, t in CONFIRM_BUTTONS]}}}
    if scenario == RATING:
        return {**base, "type": "interactive", "interactive": {
            "type": "list", "body": {"text": body[:1024]}, "action": {"button": "Rate", "sections": [{
                "title": "Your visit", "rows": [{"id": f"RATE {n}", "title": "★" * n} for n in range(5, 0, -1)]}]}}}
    return {**base, "type": "text", "text": {"body": body, "preview_url": True}}


TITLES = {t.casefold(): i for i, t in CONFIRM_BUTTONS}


def reply_text(message: dict) -> str | None:
    """What an inbound WhatsApp message says, in the reply grammar: a tapped button is its SMS word."""
    kind = message.get("type")
    if kind == "text":
        return (message.get("text") or {}).get("body")
    if kind == "button":  # a template's quick reply
        b = message.get("button") or {}
        payload = b.get("payload") or b.get("text") or ""
        return TITLES.get(payload.casefold(), payload)
    if kind == "interactive":
        i = message.get("interactive") or {}
        r = i.get("button_reply") or i.get("list_reply") or {}
        return r.get("id") or TITLES.get(str(r.get("title", "")).casefold())
    return None
