"""The message ledger's rule: a text is claimed (with its link tokens) before it is sent, so a replayed
trigger finds the claim and sends nothing, or sends the same text again if the first try failed."""
from datetime import datetime, timedelta

from ..domain.messages import Message, MessageStatus
from . import delivery  # imported as a module: delivery reaches the ledger again through the governor
from .repositories import Repositories

RETRY_AFTER = timedelta(minutes=5)  # a text the provider refused is tried again this much later


def unsent(message: Message) -> bool:
    """Still to send on a replay: claimed but not sent, or refused by the provider. A text the provider
    accepted is never sent again, even when its carrier later reports it failed."""
    return message.status is MessageStatus.QUEUED or (message.status is MessageStatus.FAILED
                                                      and not message.provider_id)


def claim(repos: Repositories, message: Message, links=()) -> tuple[Message, bool]:
    """The message as the ledger holds it, and whether it is to be sent now."""
    earlier = repos.messages.claim(message, list(links))
    if earlier is not None:
        return earlier, unsent(earlier)  # a replay: never a second text
    if message.status is not MessageStatus.QUEUED:
        delivery.log(message, "recorded without sending")
        return message, False
    return message, True


def hold_for_retry(repos: Repositories, message: Message, now: datetime) -> None:
    """A text the provider refused goes back in the due index, RETRY_AFTER on: the sweep sends it then."""
    message.status, message.release_at, message.updated_at = MessageStatus.HELD, now + RETRY_AFTER, now
    repos.messages.update(message)
