"""The sender port over every channel: a message says which channel it goes on (set when it was written);
this sends it there. Callers hand over the message and never know which adapter carried it."""
import json

from . import email, whatsapp
from .sms import SmsSender


def send(message, sms: SmsSender) -> str:
    """Send one claimed message; the provider's id. Raises on failure (the caller records and retries)."""
    if message.channel == "whatsapp":
        return whatsapp.sender().send(message.sender, json.loads(message.payload))
    if message.channel == "email":
        return email.sender().send(message.sender, message.recipient, json.loads(message.payload)["subject"],
                                   message.body)
    return sms.send(message.recipient, message.body, message.sender)
