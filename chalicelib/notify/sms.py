"""The SMS sender port and its two adapters: SNS `publish` and AWS End User Messaging SMS
(`pinpoint-sms-voice-v2` `send_text_message`), chosen by the SMS_CHANNEL setting."""
from functools import cache
from typing import Protocol

from ..config import environment


class SmsSender(Protocol):
    def send(self, to: str, body: str, origination: str) -> str:
        """Send one text; return the provider's message id. Raises on failure."""


class SnsSender:
    def __init__(self, client=None):
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import boto3
            self._client = boto3.client("sns")
        return self._client

    def send(self, to: str, body: str, origination: str) -> str:
        attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                      "AWS.MM.SMS.OriginationNumber": {"DataType": "String", "StringValue": origination}}
        return self.client.publish(PhoneNumber=to, Message=body, MessageAttributes=attributes)["MessageId"]


class EndUserMessagingSender:
    def __init__(self, client=None, configuration_set: str | None = None):
        self._client = client
        self.configuration_set = configuration_set

    @property
    def client(self):
        if self._client is None:
            import boto3
            self._client = boto3.client("pinpoint-sms-voice-v2")
        return self._client

    def send(self, to: str, body: str, origination: str) -> str:
        request = {"DestinationPhoneNumber": to, "OriginationIdentity": origination, "MessageBody": body,
                   "MessageType": "TRANSACTIONAL"}
        if self.configuration_set:
            request["ConfigurationSetName"] = self.configuration_set
        return self.client.send_text_message(**request)["MessageId"]


@cache
def _configured(channel: str, configuration_set: str | None) -> SmsSender:
    if channel == "end_user_messaging":
        return EndUserMessagingSender(configuration_set=configuration_set)
    if channel == "sns":
        return SnsSender()
    raise ValueError(f"SMS_CHANNEL must be sns or end_user_messaging, not {channel!r}")


_override: SmsSender | None = None


def use(override: SmsSender | None) -> None:
    """Send through another sender (the local stage records its outbox this way)."""
    global _override
    _override = override


def sender() -> SmsSender:
    if _override is not None:
        return _override
    s = environment()
    return _configured(s.sms_channel, s.sms_configuration_set)
