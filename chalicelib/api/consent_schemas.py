"""The response of GET /customers/{id}/consent (docs/api.md "Consent"); also the OpenAPI document's schema."""
from datetime import datetime

from .schemas import Out


class ConsentRecordOut(Out):
    channel: str  # sms | whatsapp | email
    address: str
    event: str  # opt_in | opt_out | help
    source: str  # an opt-in's origin (dispatcher, booking_page, order_intake, start, whatsapp); else the message
    at: datetime


class ConsentOut(Out):
    items: list[ConsentRecordOut]  # oldest first
