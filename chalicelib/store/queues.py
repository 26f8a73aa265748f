"""The dispatcher's work queues: escalation (calls to make) and retention (rejected / no answer).
The unassigned queue is an index over appointments (store/jobs.py)."""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import PutError

from . import keys
from .db import page_of
from .models import Entity, QueueEntryItem, bind
from .pages import Page


@dataclass
class QueueEntry:
    org_id: str
    queue: str
    job_id: str
    appointment_id: str | None
    reason: str
    created_at: datetime
    id: str = ""


class Queues:
    def add(self, entry: QueueEntry, key: str) -> bool:
        """Add once per key (a replayed trigger adds nothing); False if it was there already."""
        bind()
        entry.id = "q_" + hashlib.sha256(key.encode()).hexdigest()[:16]
        item = QueueEntryItem(pk=keys.org(entry.org_id), sk=f"QUEUE#{entry.queue}#{entry.id}", org_id=entry.org_id,
                              queue=entry.queue, job_id=entry.job_id, appointment_id=entry.appointment_id,
                              reason=entry.reason, created_at=entry.created_at)
        try:
            item.save(condition=Entity.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def list(self, org_id: str, queue: str, limit: int, next_token: str | None) -> Page[QueueEntry]:
        def entry(i: QueueEntryItem) -> QueueEntry:
            return QueueEntry(i.org_id, i.queue, i.job_id, i.appointment_id, i.reason, i.created_at,
                              i.sk.rsplit("#", 1)[-1])
        page = page_of(QueueEntryItem, keys.org(org_id), f"QUEUE#{queue}#", entry, limit, next_token)
        page.items.sort(key=lambda e: e.created_at)
        return page
