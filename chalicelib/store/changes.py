"""Stream records as domain events: the only reader of DynamoDB's change-record format."""
from ..domain.errors import UnreadableRecord
from ..domain.events import (
    CustomerWrote,
    DomainEvent,
    EstimateDecided,
    EstimateSent,
    FramePicked,
    FreeTextWritten,
    StaffWrote,
    appointment_events,
    job_events,
)
from ..domain.messages import Direction, MessageStatus
from ..domain.scenarios import QUICK_ACTIONS
from .db import plain
from .estimates import estimate_of
from .mapping import appointment_of, job_of, message_of, note_of
from .models import AppointmentItem, Entity, EstimateItem, JobItem, MessageItem, NoteItem, StaffMessageItem
from .notes import staff_message_of


def _image(raw: dict | None) -> Entity | None:
    if not raw:
        return None
    try:
        return Entity.from_raw_data(raw)
    except Exception as error:  # a record from another writer or an older schema
        raise UnreadableRecord(f"cannot read the item image: {error}") from None


def events_of(record: dict) -> list[DomainEvent]:
    """The domain events in one DynamoDB stream record (a Lambda-shaped record's `dynamodb` part)."""
    if not isinstance(record, dict) or "Keys" not in record:
        raise UnreadableRecord("not a DynamoDB stream record")
    old, new = _image(record.get("OldImage")), _image(record.get("NewImage"))
    kind = type(new or old)
    if kind is JobItem:
        return job_events(old and job_of(old), new and job_of(new))
    if kind is AppointmentItem:
        org_id = (new or old).org_id
        return appointment_events(org_id, old and appointment_of(old), new and appointment_of(new))
    if kind is MessageItem and old is None and new is not None:
        m = message_of(new)
        # A person's words, or a quick action a person tapped: written queued, sent as written.
        if m.direction is Direction.OUTBOUND and m.status is MessageStatus.QUEUED and (
                m.scenario is None or m.scenario in QUICK_ACTIONS):
            return [FreeTextWritten(m.org_id, m.job_id, 0, m.created_at, m)]
        if m.direction is Direction.INBOUND:
            return [CustomerWrote(m.org_id, m.job_id, 0, m.created_at, m)]
    if kind is EstimateItem and new is not None:
        return _estimate_events(old, new)
    if kind is NoteItem and old is None and new is not None and new.note_id.startswith("note_stf_"):
        return [FramePicked(new.org_id, new.job_id, 0, new.created_at, note_of(new))]  # a customer's pick
    if kind is StaffMessageItem and old is None and new is not None:
        return [StaffWrote(new.org_id, new.job_id, 0, new.created_at, staff_message_of(new))]
    return []  # notes, photos, users, scenario texts…: no customer text follows from them here


def _estimate_events(old, new) -> list[DomainEvent]:
    try:
        e, was = estimate_of(new), old and estimate_of(old)
    except Exception as error:  # a record from another writer or an older schema
        raise UnreadableRecord(f"cannot read the estimate: {error}") from None
    if was is None:
        return [EstimateSent(e.org_id, e.job_id, e.version, e.created_at, e)]
    before = {x.id: x.decision for x in was.lines}
    if decided := tuple(x.id for x in e.lines if x.decision != before.get(x.id)):
        said = (e.comment or "")[len(was.comment or ""):].strip() or None  # this answer's words, added last
        return [EstimateDecided(e.org_id, e.job_id, e.version, e.decided_at or e.created_at, e, decided, said)]
    return []


def images(record: dict) -> tuple[dict | None, dict | None]:
    """The record's old and new item images as plain values (what the analytics count from)."""
    if not isinstance(record, dict):
        raise UnreadableRecord("not a DynamoDB stream record")
    try:
        return tuple(plain(raw) if raw else None for raw in (record.get("OldImage"), record.get("NewImage")))
    except Exception as error:  # not DynamoDB's attribute-value format
        raise UnreadableRecord(f"cannot read the image: {error}") from None


class Changes:
    """The stream's records as the services read them (services/ports.ChangeReader)."""
    events_of = staticmethod(events_of)
    images = staticmethod(images)
