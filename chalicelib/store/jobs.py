"""The Job aggregate in its own partition: read whole with one Query, written in one transaction."""
from datetime import datetime, timedelta

from ..domain.errors import NotFound
from ..domain.ids import job_id_of_appointment
from ..domain.jobs import Appointment, Job
from ..domain.status import JobStatus
from . import keys
from .db import transaction
from .mapping import appointment_item, appointment_of, feedback_of, job_item, job_of
from .models import AppointmentItem, Entity, FeedbackItem, JobItem, bind
from .paging import Page, decode, encode


def utc_days(start: datetime, end: datetime) -> list[str]:
    """The UTC calendar days a [start, end) range touches: a local day spans at most two."""
    days, day = [], start.date()
    while day <= (end - timedelta(seconds=1)).date():
        days.append(day.isoformat())
        day += timedelta(days=1)
    return days


class Jobs:
    def get(self, org_id: str, job_id: str) -> Job:
        """The job, its appointments and feedback: one strongly consistent Query on the job's partition."""
        bind()
        found, appointments, feedback = None, [], None
        for item in Entity.query(keys.job(org_id, job_id), Entity.sk.between(keys.APPOINTMENT_SK_PREFIX, keys.JOB_SK),
                                 consistent_read=True):
            if isinstance(item, JobItem):
                found = item
            elif isinstance(item, AppointmentItem):
                appointments.append(appointment_of(item))
            elif isinstance(item, FeedbackItem):
                feedback = feedback_of(item)
        if found is None or found.status == JobStatus.DECLINED:
            raise NotFound("job")
        return job_of(found, appointments, feedback)

    def save(self, job: Job) -> None:
        """Write the job (its version is the aggregate's) and every appointment it touched, or nothing."""
        written = job_item(job)
        touched = [appointment_item(job.org_id, a) for a in job.appointments if a.id in job.touched]
        with transaction() as tx:
            tx.save(written)
            for item in touched:
                tx.save(item)
            for removed in job.removed:
                tx.delete(appointment_item(job.org_id, removed))
        job.version = written.version
        by_id = {i.appointment_id: i.version for i in touched}
        for a in job.appointments:
            a.version = by_id.get(a.id, a.version)
        job.touched.clear()
        job.removed.clear()

    # -- lists (each one Query on an index; jobs behind appointments come with one BatchGet) -------

    def list_all(self, org_id: str, status: str | None, limit: int, next_token: str | None) -> Page[Job]:
        bind()
        if status:
            index, hash_key = Entity.gsi2, keys.jobs_index(org_id, status)
            start = decode(next_token, ("gsi2pk", hash_key), "gsi2sk")
        else:
            index, hash_key = Entity.gsi1, keys.jobs_index(org_id)
            start = decode(next_token, ("gsi1pk", hash_key), "gsi1sk")
        result = index.query(hash_key, scan_index_forward=False, limit=limit, last_evaluated_key=start)
        jobs = [job_of(i) for i in result]
        return Page(jobs, encode(result.last_evaluated_key))

    def list_offered_by(self, org_id: str, provider_id: str, limit: int, next_token: str | None) -> Page[Job]:
        bind()
        hash_key = keys.provider_index(org_id, provider_id)
        result = Entity.gsi3.query(hash_key, scan_index_forward=False, limit=limit,
                                   last_evaluated_key=decode(next_token, ("gsi3pk", hash_key), "gsi3sk"))
        return Page([job_of(i) for i in result], encode(result.last_evaluated_key))

    def appointments_of_technician(self, org_id: str, technician_id: str, start: datetime | None,
                                   end: datetime | None, limit: int, next_token: str | None) -> Page[Appointment]:
        """A technician's appointments in window order, optionally those starting in [start, end)."""
        bind()
        hash_key = keys.technician_index(org_id, technician_id)
        bounds = (keys.stamp(start), keys.stamp(end)) if start and end else None
        condition = Entity.gsi1sk.between(*bounds) if bounds else None
        start_key = decode(next_token, ("gsi1pk", hash_key), "gsi1sk", between=bounds)
        result = Entity.gsi1.query(hash_key, condition, limit=limit, last_evaluated_key=start_key)
        return Page([appointment_of(i) for i in result], encode(result.last_evaluated_key))

    def appointments_starting(self, org_id: str, start: datetime, end: datetime) -> list[Appointment]:
        """Every appointment whose window starts in [start, end): one Query per UTC day touched."""
        bind()
        found = []
        for day in utc_days(start, end):
            found += [appointment_of(i) for i in Entity.gsi2.query(
                keys.day_index(org_id, day), Entity.gsi2sk.between(keys.stamp(start), keys.stamp(end)))]
        return [a for a in found if a.window.start < end]

    def appointments_by_id(self, org_id: str, appointment_ids: set[str | None]) -> dict[str, Appointment]:
        """Appointments by id (each id names its job): one BatchGetItem per 100."""
        bind()
        keys_ = [(keys.job(org_id, job_id_of_appointment(a)), keys.APPOINTMENT_SK_PREFIX + a) for a in appointment_ids
                 if a]
        return {i.appointment_id: appointment_of(i) for i in AppointmentItem.batch_get(keys_)} if keys_ else {}

    def of_customer(self, org_id: str, customer_id: str, limit: int = 20) -> list[Job]:
        """A customer's jobs, newest first (without their appointments)."""
        bind()
        return [job_of(i) for i in Entity.gsi4.query(keys.customer_jobs_index(org_id, customer_id),
                                                        scan_index_forward=False, limit=limit)]

    def get_many(self, org_id: str, job_ids: set[str]) -> dict[str, Job]:
        """Jobs (without their appointments) by id: one BatchGetItem per 100."""
        bind()
        found = JobItem.batch_get([(keys.job(org_id, j), keys.JOB_SK) for j in job_ids])
        return {i.job_id: job_of(i) for i in found if i.status != JobStatus.DECLINED}
