"""The sender port over every channel: a message says which channel it goes on (set when it was written);
`Senders.send` sends it there. Callers hand over the message and never know which adapter carried it.
chalicelib/bootstrap.py builds the one `Senders` of a container."""
import json
from dataclasses import dataclass
from typing import Protocol

from .sms import SmsSender


class WhatsAppPort(Protocol):
    def send(self, phone_number_id: str, message: dict) -> str: ...


class EmailPort(Protocol):
    def send(self, from_address: str, to: str, subject: str, body: str) -> str: ...


class VoicePort(Protocol):
    def place(self, to: str, origination: str, text: str) -> str: ...


class TextQueuePort(Protocol):
    """Where claimed SMS wait for the drainer, which sends them at their identity's rate (notify/queue.py)."""
    def configured(self) -> bool: ...

    def put(self, entry) -> None: ...

    def receive(self, urgent: bool) -> list: ...

    def done(self, entry) -> None: ...

    def give_back(self, entries: list) -> None: ...


@dataclass(frozen=True)
class Senders:
    sms: SmsSender
    whatsapp: WhatsAppPort
    email: EmailPort
    voice: VoicePort
    texts: TextQueuePort | None = None  # the rate-governed way out for SMS; None: SMS goes inline

    def send(self, message) -> str:
        """Send one claimed message; the provider's id. Raises on failure (the caller records and retries)."""
        if message.channel == "whatsapp":
            return self.whatsapp.send(message.sender, json.loads(message.payload))
        if message.channel == "email":
            return self.email.send(message.sender, message.recipient, json.loads(message.payload)["subject"],
                                   message.body)
        return self.sms.send(message.recipient, message.body, message.sender)
