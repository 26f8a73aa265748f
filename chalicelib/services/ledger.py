"""The message ledger's rule: a text is claimed (with its link tokens) before it is sent, so a replayed
trigger finds the claim and sends nothing, or sends the same text again if the first try failed."""
from ..domain.messages import Message, MessageStatus
from .delivery import log
from .repositories import Repositories


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
        log(message, "recorded without sending")
        return message, False
    return message, True
