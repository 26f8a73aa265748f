"""A claimed message leaves: SMS through the rate-governed queue where there is one (the drainer sends it at
its identity's rate), everything else to the provider at once. The outcome goes to the ledger."""
from aws_lambda_powertools import Logger

from ... import clock
from ...domain.messages import Message
from ...domain.pacing import QueuedText, is_urgent
from ..ports import Senders
from ..repositories import Repositories
from . import ledger

logger = Logger(service="onmyway")


class SendFailed(Exception):
    """The provider refused or did not answer: the trigger must be retried."""

    def __init__(self, message: Message, reason: str):
        super().__init__(reason)
        self.message = message


def governs(message: Message, senders: Senders) -> bool:
    """SMS is what carriers rate-limit per identity; WhatsApp and email go straight out."""
    return message.channel == "sms" and senders.texts is not None and senders.texts.configured()


def deliver(repos: Repositories, senders: Senders, message: Message) -> None:
    """Send a claimed message, or queue it for the drainer; a failure is recorded, then raised for a retry."""
    if governs(message, senders):
        senders.texts.put(QueuedText(message.org_id, message.job_id, message.key, message.sender,
                                     max(message.segments, 1), is_urgent(message.scenario)))
        logger.info("text queued", extra={"message_id": message.id, "job_id": message.job_id,
                                          "scenario": message.scenario, "urgent": is_urgent(message.scenario)})
        return
    send_now(repos, senders, message)


def send_now(repos: Repositories, senders: Senders, message: Message) -> None:
    try:
        provider_id = senders.send(message)
    except Exception as error:
        ledger.failed(repos, message, error, clock.now())
        raise SendFailed(message, message.error) from error
    ledger.sent(repos, message, provider_id, clock.now())
