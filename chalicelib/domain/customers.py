from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ContactChannel(StrEnum):
    """How a customer prefers to hear from us; texts fall back along the chain when they can't be reached."""
    SMS = "sms"
    WHATSAPP = "whatsapp"
    EMAIL = "email"


@dataclass
class Customer:
    id: str
    org_id: str
    name: str
    phone: str | None  # E.164; None for a customer reached only by email
    created_at: datetime
    email: str | None = None
    time_zone: str | None = None
    address: str | None = None
    coordinates: tuple[float, float] | None = None  # (lat, lon) of the address, when known
    opted_out: bool = False
    opted_out_at: datetime | None = None  # when the opt-out state last changed, and how
    opt_out_source: str | None = None
    preferred_channel: str = ContactChannel.SMS
    whatsapp_inbound_at: datetime | None = None  # their last WhatsApp message: opens the 24-hour window
    region: str | None = None  # ISO 3166-2 of the address (US-FL): whose quiet hours apply (domain/quiet_hours.py)
    consent_source: str = "dispatcher"  # how the customer came to us: the opt-in recorded with them

    def opt(self, out: bool, now: datetime, source: str) -> None:
        self.opted_out, self.opted_out_at, self.opt_out_source = out, now, source
