"""Domain objects as the JSON of docs/api.md, shaped by the response models (imported by the first answer that
needs them, not when the routes register)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..domain.consent import ConsentRecord
    from ..domain.customers import Customer
    from ..domain.inbox import InboxItem
    from ..domain.jobs import Appointment, Job
    from ..domain.lists import Page
    from ..domain.messages import Message
    from ..domain.notes import Note, Photo
    from ..domain.people import Location, Organization, User
    from ..domain.queues import QueueEntry
    from ..services.contacts import Listed


def _dump(model) -> dict:
    return model.model_dump(mode="json")


def appointment(a: Appointment, access_notes: bool = False) -> dict:
    """`access_notes`: only for a caller who may read them (Caller.sees_private); null for anyone else."""
    from . import jobs_schemas
    out = _dump(jobs_schemas.AppointmentOut.model_validate(a))
    if not access_notes:
        out["access_notes"] = None
    return out


def job(j: Job, with_appointments: bool = True, access_notes: bool = False) -> dict:
    from . import jobs_schemas
    out = _dump(jobs_schemas.JobOut.model_validate(j))
    if not with_appointments:
        out["appointments"] = None
    if not access_notes:
        for a in out["appointments"] or []:
            a["access_notes"] = None
    return out


def day_entry(a: Appointment, j: Job, c: Customer) -> dict:
    """One stop of the technician's day: the visit, its job and where to go."""
    from . import jobs_schemas
    return {**appointment(a, access_notes=True),
            "visit_code": a.visit_code,  # only here: the assigned technician's own day, never a provider's view
            "job": job(j, with_appointments=False),
            "customer": _dump(jobs_schemas.DayCustomerOut.model_validate({**vars(c), "coordinates": _where(c)}))}


def contact(listed: Listed) -> dict:
    from . import contacts_schemas
    return _dump(contacts_schemas.ContactOut.model_validate({**vars(listed.contact), "opted_out": listed.opted_out}))


def recipients(j: Job, chosen: list[Listed]) -> dict:
    return {"job_id": j.id, "contact_ids": [c.contact.id for c in chosen], "contacts": [contact(c) for c in chosen]}


def message(m: Message) -> dict:
    from . import notes_schemas
    return notes_schemas.MessageOut.model_validate(m).model_dump(mode="json", by_alias=True)


def _where(c: Customer) -> dict | None:
    return {"lat": c.coordinates[0], "lon": c.coordinates[1]} if c.coordinates else None


def customer(c: Customer) -> dict:
    from . import jobs_schemas
    return _dump(jobs_schemas.CustomerOut.model_validate({**vars(c), "coordinates": _where(c)}))


def consent_record(r: ConsentRecord) -> dict:
    from .consent_schemas import ConsentRecordOut
    return _dump(ConsentRecordOut.model_validate(r))


def note(n: Note) -> dict:
    from . import notes_schemas
    return _dump(notes_schemas.NoteOut.model_validate(n))


def photo(p: Photo, **urls: str) -> dict:
    from . import notes_schemas
    return _dump(notes_schemas.PhotoOut(**notes_schemas.PhotoOut.model_validate(p).model_dump(exclude=set(urls)), **urls))


def user(u: User, photo_url: str | None = None) -> dict:
    from . import people_schemas
    return _dump(people_schemas.UserOut(id=u.id, name=u.name, email=u.email, phone=u.phone, roles=sorted(u.roles),
                                 active=u.active, last_position=u.last_position and
                                 people_schemas.PositionOut.model_validate(u.last_position), photo_url=photo_url))


def location(loc: Location) -> dict:
    from . import people_schemas
    return _dump(people_schemas.LocationOut.model_validate(loc))


def organization(o: Organization) -> dict:
    from . import people_schemas
    return _dump(people_schemas.OrganizationOut.model_validate(o))


def queue_entry(e: QueueEntry, visit: Appointment | None = None) -> dict:
    from . import queues_schemas
    return {**_dump(queues_schemas.QueueItemOut(
        id=e.id, job_id=e.job_id, order_id=e.order_id, appointment_id=e.appointment_id, queue=e.queue.value, reason=e.reason,
        state=e.state.value, created_at=e.created_at, updated_at=e.updated_at, claimed_by=e.claimed_by,
        outcome=e.outcome, note=e.note, closed_by=e.closed_by)), "appointment": visit and appointment(visit)}


def inbox_item(i: InboxItem) -> dict:
    from . import inbox_schemas
    return _dump(inbox_schemas.InboxItemOut.model_validate(i))


def page(p: Page, present) -> dict:
    return {"items": [present(i) for i in p.items], "next_token": p.next_token}
