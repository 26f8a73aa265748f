"""The dispatchers' work queues. An entry lives in its job's partition (so a job's entries are read with
one Query when something closes them) and is listed per queue through gsi2, oldest waiting first; a
state change rewrites the index keys with the item, under its version."""
from pynamodb.exceptions import PutError

from ..domain.errors import NotFound
from ..domain.intake import job_id_of_order
from ..domain.queues import EntryState, QueueEntry, QueueName, entry_id, job_id_of_entry
from . import keys
from .db import conditional, get_or_404
from .models import Entity, QueueEntryItem, bind
from .paging import Page, decode, encode

SK_PREFIX = "QUEUE#"


def queue_index(org_id: str, queue: str, done: bool) -> str:
    return f"ORG#{org_id}#QUEUE#{queue}#{'done' if done else 'active'}"


def _partition(e: QueueEntry) -> str:
    """The job's id; for an order that made no job, the id its job would have (the order lives there)."""
    return e.job_id or job_id_of_order(e.order_id)


def _item(e: QueueEntry) -> QueueEntryItem:
    item = QueueEntryItem(
        pk=keys.job(e.org_id, _partition(e)), sk=SK_PREFIX + e.id, org_id=e.org_id, queue=e.queue.value,
        job_id=e.job_id, order_id=e.order_id, appointment_id=e.appointment_id, reason=e.reason, created_at=e.created_at,
        state=e.state.value, claimed_by=e.claimed_by, outcome=e.outcome, note=e.note, closed_by=e.closed_by,
        updated_at=e.updated_at, order_at=e.order_at,
        gsi2pk=queue_index(e.org_id, e.queue.value, e.state is EntryState.DONE),
        gsi2sk=f"{keys.stamp(e.order_at)}#{e.id}")
    if e.version is not None:
        item.version = e.version
    return item


def _entry(i: QueueEntryItem) -> QueueEntry:
    return QueueEntry(org_id=i.org_id, queue=QueueName(i.queue), job_id=i.job_id, appointment_id=i.appointment_id,
                      reason=i.reason, created_at=i.created_at, id=i.sk.removeprefix(SK_PREFIX),
                      state=EntryState(i.state), claimed_by=i.claimed_by, outcome=i.outcome, note=i.note,
                      closed_by=i.closed_by, updated_at=i.updated_at, order_at=i.order_at, version=i.version,
                      order_id=i.order_id)


class Queues:
    def add(self, entry: QueueEntry, key: str) -> bool:
        """Add once per key (a replayed trigger adds nothing); False if it was there already."""
        bind()
        entry.id = entry_id(_partition(entry), key)
        try:
            _item(entry).save(condition=Entity.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        entry.version = 1
        return True

    def get(self, org_id: str, queue: str, id_: str) -> QueueEntry:
        item = get_or_404(QueueEntryItem, keys.job(org_id, job_id_of_entry(id_)), SK_PREFIX + id_, "queue entry")
        if item.queue != queue:
            raise NotFound("queue entry")
        return _entry(item)

    def save(self, entry: QueueEntry) -> None:
        """Conditional on the version read: two dispatchers claiming at once, one wins."""
        bind()
        item = _item(entry)
        with conditional():
            item.save()
        entry.version = item.version

    def of_job(self, org_id: str, job_id: str) -> list[QueueEntry]:
        bind()
        return [_entry(i) for i in QueueEntryItem.query(keys.job(org_id, job_id), Entity.sk.startswith(SK_PREFIX))]

    def list(self, org_id: str, queue: str, state: EntryState | None, limit: int,
             next_token: str | None) -> Page[QueueEntry]:
        """Oldest waiting first. Without a state: what is still to work (open and claimed)."""
        bind()
        pk = queue_index(org_id, queue, state is EntryState.DONE)
        only = QueueEntryItem.state == state.value if state in (EntryState.OPEN, EntryState.CLAIMED) else None
        result = QueueEntryItem.gsi2.query(pk, filter_condition=only, limit=limit,
                                           last_evaluated_key=decode(next_token, ("gsi2pk", pk), "gsi2sk"))
        return Page([_entry(i) for i in result], encode(result.last_evaluated_key))
