"""Time frames: working-hours settings, what a job's links withdrew, and who took a place in a frame.

A pick is one transaction: the job (under its version), the moved appointment, the frame's slot (under
its version: two customers racing for the last place, one wins), the withdrawal line and the note that
tells the technician."""
import json
from datetime import datetime

from ..domain.errors import VersionConflict
from ..domain.frames import FrameSettings, FrameSlot, Withdrawn
from ..domain.ids import job_id_of_appointment
from ..domain.jobs import Job
from ..domain.notes import Note
from ..domain.status import OPEN_APPOINTMENT
from ..domain.values import TimeFrame
from . import keys
from .db import conditional, transaction
from .jobs import Jobs
from .mapping import appointment_item, appointment_of, job_item
from .models import (
    AlertThrottleItem,
    AppointmentItem,
    Entity,
    FrameSettingsItem,
    FrameSlotItem,
    NoteItem,
    WithdrawnFramesItem,
    bind,
)

WITHDRAWN_SK = "STF"
DEFAULT = "default"


def _settings_sk(location_id: str | None) -> str:
    return f"SETTINGS#frames#{location_id or DEFAULT}"


def _slot_pk(org_id: str, location_id: str | None) -> str:
    return f"ORG#{org_id}#SLOT#{location_id or DEFAULT}"


class Frames:
    def settings(self, org_id: str, location_id: str | None) -> FrameSettings:
        """The location's own working hours, else the organization's, else the shipped defaults."""
        bind()
        wanted = [(keys.org(org_id), _settings_sk(location_id))]
        if location_id:
            wanted.append((keys.org(org_id), _settings_sk(None)))
        found = {i.sk: i for i in FrameSettingsItem.batch_get(wanted)}
        for _, sk in wanted:
            if sk in found:
                return FrameSettings.parse(json.loads(found[sk].body))
        return FrameSettings()

    def stored_settings(self, org_id: str, location_id: str | None) -> FrameSettings | None:
        bind()
        try:
            return FrameSettings.parse(json.loads(FrameSettingsItem.get(keys.org(org_id),
                                                                        _settings_sk(location_id)).body))
        except FrameSettingsItem.DoesNotExist:
            return None

    def save_settings(self, org_id: str, location_id: str | None, settings: FrameSettings) -> None:
        bind()
        FrameSettingsItem(pk=keys.org(org_id), sk=_settings_sk(location_id),
                          body=json.dumps(settings.as_json())).save()

    def withdrawn(self, org_id: str, job_id: str) -> Withdrawn:
        bind()
        try:
            return Withdrawn(WithdrawnFramesItem.get(keys.job(org_id, job_id), WITHDRAWN_SK,
                                                     consistent_read=True).through)
        except WithdrawnFramesItem.DoesNotExist:
            return Withdrawn()

    def withdraw(self, org_id: str, job_id: str, withdrawn: Withdrawn) -> None:
        bind()
        WithdrawnFramesItem(pk=keys.job(org_id, job_id), sk=WITHDRAWN_SK, through=withdrawn.through).save()

    def booked(self, org_id: str, location_id: str | None, start: datetime, end: datetime,
               excluding: str | None) -> list[tuple[str, TimeFrame]]:
        """Ids and windows of the open visits of this location starting in [start, end): one Query per UTC day and one
        BatchGet of their jobs (for the location)."""
        jobs = Jobs()
        appointments = [a for a in jobs.appointments_starting(org_id, start, end)
                        if a.status in OPEN_APPOINTMENT and a.id != excluding]
        if not appointments:
            return []
        of = jobs.get_many(org_id, {a.job_id for a in appointments})
        return [(a.id, a.window) for a in appointments if a.job_id in of and of[a.job_id].location_id == location_id]

    def slot(self, org_id: str, location_id: str | None, frame: TimeFrame,
             excluding: str | None) -> tuple[FrameSlot, list[str]]:
        """The frame's slot (read strongly) and the visits a pick put there that are still in it (checked on
        the appointments themselves, also strongly: the index may lag behind the winner of a race)."""
        bind()
        pk, sk = _slot_pk(org_id, location_id), keys.stamp(frame.start)
        try:
            item = FrameSlotItem.get(pk, sk, consistent_read=True)
        except FrameSlotItem.DoesNotExist:
            item = FrameSlotItem(pk=pk, sk=sk)
        holders = sorted((item.holders or set()) - {excluding} - {None})
        keys_ = [(keys.job(org_id, job_id_of_appointment(a)), keys.APPOINTMENT_SK_PREFIX + a) for a in holders]
        still = [i.appointment_id for i in AppointmentItem.batch_get(keys_, consistent_read=True)
                 if appointment_of(i).status in OPEN_APPOINTMENT and frame.start <= i.window_start < frame.end] \
            if keys_ else []
        return FrameSlot(location_id, frame.start, frozenset(item.holders or ()), item.version), still

    def pick(self, job: Job, slot: FrameSlot, holders: list[str], appointment_id: str,
             withdrawn: Withdrawn, note: Note) -> None:
        """Move the visit and take the place, or nothing (VersionConflict: someone wrote first, the slot's
        version included)."""
        written = job_item(job)
        touched = [appointment_item(job.org_id, a) for a in job.appointments if a.id in job.touched]
        slot_item = FrameSlotItem(pk=_slot_pk(job.org_id, slot.location_id), sk=keys.stamp(slot.start),
                                  holders=set(holders) | {appointment_id})
        if slot.version is not None:
            slot_item.version = slot.version
        with transaction() as tx:
            tx.save(written)
            for item in touched:
                tx.save(item)
            tx.save(slot_item)
            tx.save(WithdrawnFramesItem(pk=keys.job(job.org_id, job.id), sk=WITHDRAWN_SK, through=withdrawn.through))
            tx.save(NoteItem(pk=keys.job(job.org_id, job.id), sk=f"NOTE#{keys.stamp(note.created_at)}#{note.id}",
                             org_id=job.org_id, job_id=job.id, note_id=note.id, author_id=note.author_id,
                             text=note.text, visibility=note.visibility.value, created_at=note.created_at),
                    condition=Entity.pk.does_not_exist())
        job.version = written.version
        by_id = {i.appointment_id: i.version for i in touched}
        for a in job.appointments:
            a.version = by_id.get(a.id, a.version)
        job.touched.clear()

    def claim_told(self, org_id: str, job_id: str, note_id: str, now: datetime) -> bool:
        """Once per pick: False if the technician was already texted about it."""
        bind()
        try:
            with conditional():
                AlertThrottleItem(pk=keys.job(org_id, job_id), sk=f"TOLD#{note_id}", last_at=now).save(
                    condition=Entity.pk.does_not_exist())
        except VersionConflict:
            return False
        return True

    def release_told(self, org_id: str, job_id: str, note_id: str) -> None:
        bind()
        AlertThrottleItem(pk=keys.job(org_id, job_id), sk=f"TOLD#{note_id}").delete()
