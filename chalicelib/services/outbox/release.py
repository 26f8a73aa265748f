"""Held texts falling due (the end of quiet hours, or a retry after a refusal): each is judged again by the
one rule and sent, dropped, or held again. A sent text still in the due index has had no delivery receipt
for 72 hours: its delivery is unknown."""
from datetime import datetime

from ...domain.messages import Message, MessageStatus
from ..ports import Senders
from ..repositories import Repositories
from . import dispatch, judge, ledger
from .compose import follow_up


def release_held(repos: Repositories, senders: Senders, due: Message, now: datetime) -> bool:
    if due.status is MessageStatus.SENT:
        return repos.messages.receipt(due, MessageStatus.UNKNOWN, "no delivery receipt within 72 hours", now)
    message = repos.messages.take_held(due)
    if message is None:
        return False  # another sweep has it
    if not ledger.judged(repos, message, judge.again(repos, message, now), now):
        return True
    dispatch.deliver(repos, senders, message)
    follow_up(repos, senders, message, now)
    return True
