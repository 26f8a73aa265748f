"""Delivery: a claimed text goes out through the sender port and its outcome is recorded on the ledger."""
from aws_lambda_powertools import Logger

from .. import clock, metrics
from ..domain.messages import Message, MessageStatus
from ..domain.values import mask
from ..notify.senders import Senders
from . import governor
from .repositories import Repositories

logger = Logger(service="onmyway")


class SendFailed(Exception):
    """The provider refused or did not answer: the trigger must be retried."""

    def __init__(self, message: Message, reason: str):
        super().__init__(reason)
        self.message = message


def deliver(repos: Repositories, senders: Senders, message: Message) -> None:
    """Send a claimed text and record the outcome; a failure is recorded, then raised for a retry. SMS leaves
    through the rate-governed queue where there is one: the drainer sends it (services/governor.py)."""
    if governor.governs(message, senders):
        return governor.enqueue(message, senders)
    try:
        message.provider_id = senders.send(message)
        message.status, message.error = MessageStatus.SENT, None
    except Exception as error:
        message.status, message.error = MessageStatus.FAILED, f"{type(error).__name__}: {error}"[:500]
        message.updated_at = clock.now()
        repos.messages.update(message)
        metrics.add("DeliveryFailures", message.org_id)
        log(message, "send failed")
        raise SendFailed(message, message.error) from error
    message.updated_at = clock.now()
    message.release_at = None
    repos.messages.update(message)
    metrics.text_sent(message.org_id, message.segments)
    log(message, "sent")


def log(message: Message, what: str) -> None:
    logger.info(what, extra={"job_id": message.job_id, "appointment_id": message.appointment_id,
                             "message_id": message.id, "scenario": message.scenario,
                             "status": message.status.value, "to": mask(message.recipient),
                             "segments": message.segments, "reason": message.error})
