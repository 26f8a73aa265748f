"""Which channel a customer message goes on, and its addresses there: the one place that turns a rendered
text into an SMS, a WhatsApp message (template outside the 24-hour window) or an email."""
import json
from dataclasses import dataclass

from ..domain.channels import (
    FREE_TEXT,
    ChannelSettings,
    OutsideServiceWindow,
    channel_for,
    opted_out,
    reachable,
    whatsapp_message,
    window_open,
)
from ..domain.customers import ContactChannel, Customer

SUBJECTS = {"booking_confirmation": "your visit is booked", "reminder": "a reminder of your visit",
            "feedback_request": "how did we do?", "canceled": "your visit is canceled"}


@dataclass(frozen=True)
class Addressed:
    channel: str
    sender: str
    recipient: str
    payload: str | None = None
    reachable: bool = True


def address(customer: Customer, channels: ChannelSettings, org, body: str, now, *, scenario: str | None = None,
            values: dict | None = None, first: str | None = None, consent=()) -> Addressed:
    """The message as it goes: on `first` (a chain step) or the preferred channel, else SMS, else email.
    WhatsApp outside the service window needs the scenario's template; without one it goes by SMS."""
    channel = channel_for(customer, channels, first, consent)
    if channel == ContactChannel.WHATSAPP:
        try:
            message = whatsapp_message(customer.phone.lstrip("+"), body, scenario=scenario, values=values,
                                       window_is_open=window_open(customer.whatsapp_inbound_at, now),
                                       template=channels.whatsapp_templates.get(scenario or FREE_TEXT))
            return Addressed(channel, channels.whatsapp_phone_number_id, customer.phone, json.dumps(message))
        except OutsideServiceWindow:
            channel = channel_for(customer, channels, ContactChannel.SMS, consent)
    if channel == ContactChannel.EMAIL:
        subject = f"{org.name}: {SUBJECTS.get(scenario or '', 'a message about your visit')}"
        return Addressed(channel, channels.email_from, customer.email, json.dumps({"subject": subject}))
    return Addressed(ContactChannel.SMS, org.sms_number, customer.phone or customer.email or "",
                     reachable=reachable(customer, ContactChannel.SMS, channels, consent)
                     or opted_out(customer, ContactChannel.SMS, consent))


def replying_on(repos, org, customer: Customer, channel: str) -> Addressed | None:
    """Answers go back on the channel the customer wrote on (None: SMS, from the organization's number)."""
    if channel != ContactChannel.WHATSAPP:
        return None
    return Addressed(channel, repos.channels.get(org.id).whatsapp_phone_number_id, customer.phone)
