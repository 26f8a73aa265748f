"""Each user's inbox in a partition of its own; gsi2 lists it unread first, newest first, so one Query
pages through it in that order, and marking an item read moves it down by rewriting its index key."""
from datetime import datetime, timedelta

from ..domain.errors import VersionConflict
from ..domain.inbox import InboxItem
from . import keys
from .db import conditional, get_or_404
from .models import AlertThrottleItem, Entity, InboxEntryItem, bind
from .paging import Page, decode, encode

NEVER = 10**10  # seconds: newest first under an ascending sort key


def _pk(org_id: str, user_id: str) -> str:
    return f"ORG#{org_id}#INBOX#{user_id}"


def _item(i: InboxItem) -> InboxEntryItem:
    order = f"{1 if i.read else 0}#{NEVER - int(i.created_at.timestamp()):010d}#{i.id}"
    return InboxEntryItem(pk=_pk(i.org_id, i.user_id), sk=f"INBOX#{i.id}", org_id=i.org_id, user_id=i.user_id,
                          job_id=i.job_id, message_id=i.message_id, body=i.body, created_at=i.created_at,
                          read_at=i.read_at, author_id=i.author_id,
                          contact_id=i.contact_id, gsi2pk=_pk(i.org_id, i.user_id), gsi2sk=order)


def _entry(i: InboxEntryItem) -> InboxItem:
    return InboxItem(i.org_id, i.user_id, i.job_id, i.message_id, i.body, i.created_at, i.read_at, i.author_id,
                     i.contact_id)


class Inbox:
    def add(self, item: InboxItem) -> bool:
        """Once per user and message: a redelivered record adds nothing."""
        bind()
        try:
            with conditional():
                _item(item).save(condition=Entity.pk.does_not_exist())
        except VersionConflict:
            return False
        return True

    def list(self, org_id: str, user_id: str, limit: int, next_token: str | None) -> Page[InboxItem]:
        bind()
        pk = _pk(org_id, user_id)
        result = InboxEntryItem.gsi2.query(pk, limit=limit,
                                           last_evaluated_key=decode(next_token, ("gsi2pk", pk), "gsi2sk"))
        return Page([_entry(i) for i in result], encode(result.last_evaluated_key))

    def mark_read(self, org_id: str, user_id: str, item_id: str, now: datetime) -> InboxItem:
        item = _entry(get_or_404(InboxEntryItem, _pk(org_id, user_id), f"INBOX#{item_id}", "inbox item"))
        if not item.read:
            item.read_at = now
            _item(item).save()
        return item

    def may_text_technician(self, org_id: str, job_id: str, technician_id: str, now: datetime,
                            every: timedelta) -> bool:
        """Claim the right to text the technician about this job now: not if texted within `every`."""
        bind()
        item = AlertThrottleItem(pk=keys.job(org_id, job_id), sk=f"ALERT#{technician_id}", last_at=now)
        try:
            with conditional():
                item.save(condition=Entity.pk.does_not_exist() | (AlertThrottleItem.last_at <= now - every))
        except VersionConflict:
            return False
        return True
