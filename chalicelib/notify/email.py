"""The email adapter: Amazon SES v2 `send_email`, plain text, from the organization's verified address."""
from ..config import environment


class EmailSender:
    def __init__(self, client=None):
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import boto3
            self._client = boto3.client("sesv2")
        return self._client

    def send(self, from_address: str, to: str, subject: str, body: str) -> str:
        request = {"FromEmailAddress": from_address, "Destination": {"ToAddresses": [to]},
                   "Content": {"Simple": {"Subject": {"Data": subject, "Charset": "UTF-8"},
                                          "Body": {"Text": {"Data": body, "Charset": "UTF-8"}}}}}
        if configuration_set := environment().email_configuration_set:  # its SNS destination brings the events
            request["ConfigurationSetName"] = configuration_set
        return self.client.send_email(**request)["MessageId"]


_sender: EmailSender | None = None


def use(override: EmailSender | None) -> None:
    global _sender
    _sender = override


def sender() -> EmailSender:
    global _sender
    if _sender is None:
        _sender = EmailSender()
    return _sender
