"""Consent as data: every opt-in (and where it came from), opt-out and HELP of an address, appended, never
rewritten. Whether a text may go to an address on a channel is read from these records
(domain/sending.py), not from a flag that the last writer set."""
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .customers import ContactChannel, Customer


class ConsentEvent(StrEnum):
    OPT_IN = "opt_in"
    OPT_OUT = "opt_out"
    HELP = "help"


class Source(StrEnum):
    """Where an opt-in came from (an opt-out names the message that carried it)."""
    DISPATCHER = "dispatcher"  # entered by the company for the service the customer asked for
    BOOKING_PAGE = "booking_page"
    ORDER_INTAKE = "order_intake"
    START = "start"  # the customer texted START / UNSTOP
    WHATSAPP = "whatsapp"  # the customer wrote to us on WhatsApp, or chose it
    CUSTOMER_PAGE = "customer_page"  # a customer's contact gave the address on their page


class Standing(StrEnum):
    OPTED_IN = "opted_in"
    OPTED_OUT = "opted_out"
    NONE = "none"  # nothing on record: nobody said we may write there


# A voice call goes to the number that texts go to: STOP on SMS ends the calls too.
CONSENT_CHANNEL = {"sms": "sms", "voice": "sms", "whatsapp": "whatsapp", "email": "email"}


@dataclass(frozen=True)
class ConsentRecord:
    org_id: str
    channel: str  # sms | whatsapp | email
    address: str  # E.164 phone or email address
    event: ConsentEvent
    source: str  # a Source for an opt-in; the carrying message (e.g. "sms:<inbound id>") otherwise
    at: datetime


def standing(records: list[ConsentRecord] | tuple[ConsentRecord, ...], channel: str, address: str | None) -> Standing:
    """The latest opt-in or opt-out of `address` on `channel` decides (of two in the same instant, the one
    recorded last: `records` are in the order they were written); HELP changes nothing."""
    wanted = CONSENT_CHANNEL.get(channel, channel)
    latest = None
    for record in records:
        if record.channel == wanted and record.address == address and record.event is not ConsentEvent.HELP \
                and (latest is None or record.at >= latest.at):
            latest = record
    if latest is None:
        return Standing.NONE
    return Standing.OPTED_IN if latest.event is ConsentEvent.OPT_IN else Standing.OPTED_OUT


def given_with(customer: Customer) -> list[ConsentRecord]:
    """The opt-ins a new customer comes with: the addresses they gave for the service they asked for (their
    phone for SMS, and for WhatsApp where they chose it; their email), from where they came."""
    records = []
    if customer.phone:
        records.append(ConsentRecord(customer.org_id, ContactChannel.SMS, customer.phone, ConsentEvent.OPT_IN,
                                     customer.consent_source, customer.created_at))
        if customer.preferred_channel == ContactChannel.WHATSAPP:
            records.append(ConsentRecord(customer.org_id, ContactChannel.WHATSAPP, customer.phone,
                                         ConsentEvent.OPT_IN, customer.consent_source, customer.created_at))
    if customer.email:
        records.append(ConsentRecord(customer.org_id, ContactChannel.EMAIL, customer.email, ConsentEvent.OPT_IN,
                                     customer.consent_source, customer.created_at))
    return records
