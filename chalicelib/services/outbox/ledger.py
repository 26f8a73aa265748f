"""The message ledger: a text is claimed (with its link tokens) before it is sent, so a replayed trigger
finds the claim and sends nothing, or sends the same text again if the first try failed. Every outcome of a
send (sent, failed, held, suppressed) is recorded here and nowhere else."""
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from ... import metrics
from ...domain.messages import Message, MessageStatus
from ...domain.sending import GO, Verdict
from ...domain.values import mask
from ..repositories import Repositories

logger = Logger(service="onmyway")
RETRY_AFTER = timedelta(minutes=5)  # a text the provider refused is tried again this much later


def unsent(message: Message) -> bool:
    """Still to send on a replay: claimed but not sent, or refused by the provider. A text the provider
    accepted is never sent again, even when its carrier later reports it failed."""
    return message.status is MessageStatus.QUEUED or (message.status is MessageStatus.FAILED
                                                      and not message.provider_id)


def claim(repos: Repositories, message: Message, links=(), verdict: Verdict = GO) -> tuple[Message, bool]:
    """The message as the ledger holds it, and whether it is to be sent now. `verdict`: the one rule's, now. A
    replay never sends a second text; one whose first try failed goes again only if the rule still says so."""
    earlier = repos.messages.claim(message, list(links))
    if earlier is not None:
        return earlier, unsent(earlier) and judged(repos, earlier, verdict, message.updated_at)
    if message.status is not MessageStatus.QUEUED:
        log(message, "recorded without sending")
        return message, False
    return message, True


def sent(repos: Repositories, message: Message, provider_id: str | None, now: datetime) -> None:
    message.provider_id, message.status, message.error, message.release_at = provider_id, MessageStatus.SENT, None, None
    message.updated_at = now
    repos.messages.update(message)
    metrics.text_sent(message.org_id, message.segments)
    log(message, "sent")


def failed(repos: Repositories, message: Message, error: Exception, now: datetime) -> None:
    message.status, message.error, message.updated_at = MessageStatus.FAILED, f"{type(error).__name__}: {error}"[:500], now
    repos.messages.update(message)
    metrics.add("DeliveryFailures", message.org_id)
    log(message, "send failed")


def hold_for_retry(repos: Repositories, message: Message, now: datetime) -> None:
    """A text the provider refused goes back in the due index, RETRY_AFTER on: the sweep sends it then."""
    message.status, message.release_at, message.updated_at = MessageStatus.HELD, now + RETRY_AFTER, now
    repos.messages.update(message)


def judged(repos: Repositories, message: Message, verdict: Verdict, now: datetime) -> bool:
    """Record what the rule said of a message that was about to go: suppressed with its reason, or held again
    until its moment. True when it may go now (nothing is written then)."""
    if verdict.goes:
        return True
    message.status, message.updated_at = verdict.status, now
    if verdict.dropped:
        message.error, message.release_at = verdict.why, None
    else:
        message.release_at = verdict.release_at
    repos.messages.update(message)
    log(message, "dropped: " + verdict.why if verdict.dropped else "held again")
    return False


def log(message: Message, what: str) -> None:
    logger.info(what, extra={"job_id": message.job_id, "appointment_id": message.appointment_id,
                             "message_id": message.id, "scenario": message.scenario,
                             "status": message.status.value, "to": mask(message.recipient),
                             "segments": message.segments, "reason": message.error})
