"""The customer conversation of a job: every text out and in, with its delivery status."""
import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .segments import count
from .values import TimeFrame


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class MessageStatus(StrEnum):
    QUEUED = "queued"  # claimed, about to be sent (or to be sent again after a failure)
    HELD = "held"  # waiting for the end of quiet hours
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"  # WhatsApp: the customer opened it
    FAILED = "failed"
    SUPPRESSED = "suppressed"  # never sent: opted out, scenario off, or no longer true
    UNKNOWN = "unknown"  # sent, but no delivery receipt came within 72 hours
    RECEIVED = "received"  # an inbound text


RELAYED = "relayed"  # the scenario of words a customer or contact wrote, sent on to others they chose

SETTLED = frozenset({MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.SUPPRESSED})


@dataclass
class Message:
    id: str
    org_id: str
    job_id: str
    key: str  # what triggered it: the same trigger never makes a second message
    direction: Direction
    sender: str
    recipient: str
    body: str
    status: MessageStatus
    segments: int
    created_at: datetime
    updated_at: datetime
    scenario: str | None = None
    appointment_id: str | None = None
    window: TimeFrame | None = None  # the arrival window the text spoke of
    release_at: datetime | None = None
    provider_id: str | None = None
    error: str | None = None
    author_id: str | None = None  # the dispatcher or technician who wrote a free text
    channel: str = "sms"  # sms | whatsapp | email: `sender` and `recipient` are that channel's addresses
    payload: str | None = None  # what the channel needs besides the body (WhatsApp message, email subject), JSON
    # The recipient's zone and region when it was written: a text that waits is judged again on them
    # (domain/sending.py) without reading the customer once more.
    time_zone: str | None = None
    region: str | None = None
    contact_id: str | None = None  # the customer's contact it went to or came from; None: the customer's own number
    copied_to: tuple[str, ...] = ()  # a customer's or contact's message: the recipients it is sent on to


def message_id(org_id: str, job_id: str, key: str) -> str:
    """Derived from the trigger, so a replay computes the same id."""
    return "msg_" + hashlib.sha256(f"{org_id}|{job_id}|{key}".encode()).hexdigest()[:20]


def new_message(org_id: str, job_id: str, key: str, *, sender: str, recipient: str, body: str, now: datetime,
                direction: Direction = Direction.OUTBOUND, status: MessageStatus = MessageStatus.QUEUED,
                created_at: datetime | None = None, **details) -> Message:
    """The one way a message is made: its id from its trigger key, its segments from its body. `details`: the
    optional fields of Message (scenario, appointment_id, window, channel, payload, author_id, error, ...)."""
    return Message(id=message_id(org_id, job_id, key) if job_id else "", org_id=org_id, job_id=job_id, key=key,
                   direction=direction, sender=sender, recipient=recipient, body=body, status=status,
                   segments=count(body).segments, created_at=created_at or now, updated_at=now, **details)
