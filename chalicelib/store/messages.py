"""The message ledger: a text is claimed (with its links) in one transaction before it is sent, so a
replayed trigger finds its claim and never sends twice; held texts wait in the due index."""
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from ..domain.errors import NotFound
from ..domain.links import Link
from ..domain.messages import Message, MessageStatus
from . import keys
from .db import conditional, get_or_404, page_of, transaction
from .due import due_between, due_keys
from .mapping import message_of
from .models import Entity, LinkItem, MessageItem, OutboundClaimItem, bind
from .paging import Page

RECEIPT_WAIT = timedelta(hours=72)


def _sk(m: Message) -> str:
    return f"MSG#{keys.stamp(m.created_at)}#{m.id}"


def _item(m: Message) -> MessageItem:
    item = MessageItem(
        pk=keys.job(m.org_id, m.job_id), sk=_sk(m), org_id=m.org_id, job_id=m.job_id, message_id=m.id, key=m.key,
        direction=m.direction.value, sender=m.sender, recipient=m.recipient, body=m.body, status=m.status.value,
        segments=m.segments, scenario=m.scenario, appointment_id=m.appointment_id,
        window_start=m.window.start if m.window else None, window_end=m.window.end if m.window else None,
        release_at=m.release_at, provider_id=m.provider_id, error=m.error, author_id=m.author_id,
        created_at=m.created_at, updated_at=m.updated_at, channel=m.channel, payload=m.payload,
        time_zone=m.time_zone, region=m.region, contact_id=m.contact_id,
        copied_to=list(m.copied_to) or None)
    if m.status is MessageStatus.HELD and m.release_at:
        item.gsi3pk, item.gsi3sk = due_keys(m.release_at, item.pk, item.sk)
    if m.provider_id:  # found again by the delivery receipt; unknown if none comes in time
        item.gsi4pk, item.gsi4sk = keys.provider_message_index(m.provider_id), "MSG"
        if m.status is MessageStatus.SENT:
            item.gsi3pk, item.gsi3sk = due_keys(m.updated_at + RECEIPT_WAIT, item.pk, item.sk)
    return item


def _link_item(link: Link) -> LinkItem:
    return LinkItem(pk=f"LINK#{link.token_hash}", sk="LINK", org_id=link.org_id, job_id=link.job_id,
                    appointment_id=link.appointment_id, purpose=link.purpose.value,
                    expires_at=int(link.expires_at.timestamp()), contact_id=link.contact_id)


class Messages:
    def claim(self, message: Message, links: list[Link]) -> Message | None:
        """Record the text, its claim and its links at once. None if claimed; else the earlier claim's message."""
        bind()
        item = _item(message)
        claim = OutboundClaimItem(pk=item.pk, sk=f"OUT#{message.key}", message_sk=item.sk)
        try:
            with transaction(conflict=_Claimed()) as tx:
                tx.save(claim, condition=Entity.pk.does_not_exist())
                tx.save(item, condition=Entity.pk.does_not_exist())
                for link in links:
                    tx.save(_link_item(link), condition=Entity.pk.does_not_exist())
        except _Claimed:
            return self.claimed(message.org_id, message.job_id, message.key)
        return None

    def claimed(self, org_id: str, job_id: str, key: str) -> Message:
        claim = get_or_404(OutboundClaimItem, keys.job(org_id, job_id), f"OUT#{key}", "message claim")
        return message_of(get_or_404(MessageItem, claim.pk, claim.message_sk, "message"))

    def was_claimed(self, org_id: str, job_id: str, key: str) -> bool:
        bind()
        try:
            OutboundClaimItem.get(keys.job(org_id, job_id), f"OUT#{key}", attributes_to_get=["pk"])
        except OutboundClaimItem.DoesNotExist:
            return False
        return True

    def update(self, message: Message) -> None:
        """A new status for a claimed message (it leaves the due index unless still held)."""
        bind()
        with conditional(NotFound("message")):
            _item(message).save(condition=Entity.pk.exists())

    def take_held(self, message: Message) -> Message | None:
        """Claim a held text for release (it leaves the due index); None if another sweep took it."""
        bind()
        item = _item(message)
        try:
            item.update(actions=[MessageItem.status.set(MessageStatus.QUEUED.value), MessageItem.gsi3pk.remove(),
                                 MessageItem.gsi3sk.remove()],
                        condition=MessageItem.status == MessageStatus.HELD.value)
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return message_of(item)

    def held_between(self, start: datetime, end: datetime) -> list[Message]:
        """Texts waiting in the due index (quiet hours, a retry) to go between `start` and `end`."""
        items, _ = due_between(start, end)
        return [message_of(i) for i in items if isinstance(i, MessageItem) and i.status == MessageStatus.HELD.value]

    def by_provider_id(self, provider_id: str) -> Message | None:
        bind()
        for item in Entity.gsi4.query(keys.provider_message_index(provider_id), limit=1):
            return message_of(item)
        return None

    def receipt(self, message: Message, status: MessageStatus, error: str | None, now: datetime,
                after: tuple[MessageStatus, ...] = (MessageStatus.SENT, MessageStatus.UNKNOWN)) -> bool:
        """Record a delivery receipt, unless a final one came first (receipts can arrive out of order)."""
        item = _item(message)
        actions = [MessageItem.status.set(status.value), MessageItem.updated_at.set(now),
                   MessageItem.error.set(error) if error else MessageItem.error.remove(),
                   MessageItem.gsi3pk.remove(), MessageItem.gsi3sk.remove()]
        try:
            item.update(actions=actions,
                        condition=MessageItem.status.is_in(*[s.value for s in after]))
        except UpdateError as e:
            if e.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def conversation(self, org_id: str, job_id: str, limit: int, next_token: str | None) -> Page[Message]:
        return page_of(MessageItem, keys.job(org_id, job_id), "MSG#", message_of, limit, next_token)


class _Claimed(Exception):
    pass
