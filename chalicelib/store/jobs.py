"""The Job aggregate in its own partition: read whole with one Query, written in one transaction."""
from datetime import datetime, timedelta

from ..domain.errors import NotFound
from ..domain.ids import job_id_of_appointment
from ..domain.jobs import Appointment, Confirmation, Coupon, Job
from ..domain.status import AppointmentStatus, JobStatus
from ..domain.values import TimeFrame
from . import keys
from .db import transaction
from .feedback import _feedback
from .models import AppointmentItem, CouponMap, Entity, FeedbackItem, FrameMap, JobItem, bind
from .paging import Page, decode, encode


def _job_item(job: Job) -> JobItem:
    listed = job.status is not JobStatus.DECLINED  # a declined offer leaves every list
    order = f"{keys.stamp(job.created_at)}#{job.id}"
    item = JobItem(
        pk=keys.job(job.org_id, job.id), sk=keys.JOB_SK, org_id=job.org_id, job_id=job.id,
        customer_id=job.customer_id, description=job.description, status=job.status.value,
        priority=job.priority, location_id=job.location_id, provider_id=job.provider_id,
        coupon=CouponMap(code=job.coupon.code, percent=job.coupon.percent) if job.coupon else None,
        cancel_reason=job.cancel_reason, canceled_by=job.canceled_by, channel=job.channel,
        offered_window=FrameMap(start=job.offered_window.start, end=job.offered_window.end)
        if job.offered_window else None,
        created_at=job.created_at, updated_at=job.updated_at,
        gsi1pk=keys.jobs_index(job.org_id) if listed else None, gsi1sk=order if listed else None,
        gsi2pk=keys.jobs_index(job.org_id, job.status.value), gsi2sk=order,
    )
    if job.version is not None:  # a new job is saved on condition that none exists yet
        item.version = job.version
    if listed:
        item.gsi4pk, item.gsi4sk = keys.customer_jobs_index(job.org_id, job.customer_id), order
    if job.provider_id and listed:
        item.gsi3pk, item.gsi3sk = keys.provider_index(job.org_id, job.provider_id), order
    return item


def _appointment_item(org_id: str, a: Appointment) -> AppointmentItem:
    order = f"{keys.stamp(a.window.start)}#{a.id}"
    item = AppointmentItem(
        pk=keys.job(org_id, a.job_id), sk=keys.APPOINTMENT_SK_PREFIX + a.id, org_id=org_id, job_id=a.job_id,
        appointment_id=a.id, window_start=a.window.start, window_end=a.window.end,
        technician_id=a.technician_id, status=a.status.value, eta=a.eta, confirmation=a.confirmation.value,
        offers=[FrameMap(start=f.start, end=f.end) for f in a.offers], status_reason=a.status_reason,
        rejection_reason=a.rejection_reason, rejection_category=a.rejection_category, window_set_at=a.window_set_at, created_at=a.created_at, updated_at=a.updated_at,
        gsi2pk=keys.day_index(org_id, a.window.start.strftime("%Y-%m-%d")), gsi2sk=order,
    )
    if a.version is not None:
        item.version = a.version
    if a.technician_id:
        item.gsi1pk, item.gsi1sk = keys.technician_index(org_id, a.technician_id), order
    return item


def _job(i: JobItem, appointments: list[Appointment]) -> Job:
    return Job(id=i.job_id, org_id=i.org_id, customer_id=i.customer_id, description=i.description,
               status=JobStatus(i.status), priority=i.priority, location_id=i.location_id,
               provider_id=i.provider_id, coupon=Coupon(i.coupon.code, int(i.coupon.percent)) if i.coupon else None,
               cancel_reason=i.cancel_reason, canceled_by=i.canceled_by, channel=i.channel or "phone",
               offered_window=TimeFrame(i.offered_window.start, i.offered_window.end) if i.offered_window else None,
               created_at=i.created_at,
               updated_at=i.updated_at, appointments=appointments, version=i.version)


def _appointment(i: AppointmentItem) -> Appointment:
    return Appointment(id=i.appointment_id, job_id=i.job_id, window=TimeFrame(i.window_start, i.window_end),
                       technician_id=i.technician_id, status=AppointmentStatus(i.status), eta=i.eta,
                       confirmation=Confirmation(i.confirmation),
                       offers=[TimeFrame(f.start, f.end) for f in i.offers], status_reason=i.status_reason,
                       rejection_reason=i.rejection_reason, rejection_category=i.rejection_category,
                       window_set_at=i.window_set_at, created_at=i.created_at, updated_at=i.updated_at, version=i.version)


def assemble(job_item: JobItem, appointments: list[Appointment], feedback=None) -> Job:
    appointments.sort(key=lambda a: (a.window.start, a.id))
    job = _job(job_item, appointments)
    job.feedback = feedback
    return job


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
        job_item, appointments, feedback = None, [], None
        for item in Entity.query(keys.job(org_id, job_id), Entity.sk.between(keys.APPOINTMENT_SK_PREFIX, keys.JOB_SK),
                                 consistent_read=True):
            if isinstance(item, JobItem):
                job_item = item
            elif isinstance(item, AppointmentItem):
                appointments.append(_appointment(item))
            elif isinstance(item, FeedbackItem):
                feedback = _feedback(item)
        if job_item is None or job_item.status == JobStatus.DECLINED:
            raise NotFound("job")
        return assemble(job_item, appointments, feedback)

    def save(self, job: Job) -> None:
        """Write the job (its version is the aggregate's) and every appointment it touched, or nothing."""
        job_item = _job_item(job)
        touched = [_appointment_item(job.org_id, a) for a in job.appointments if a.id in job.touched]
        with transaction() as tx:
            tx.save(job_item)
            for item in touched:
                tx.save(item)
            for removed in job.removed:
                tx.delete(_appointment_item(job.org_id, removed))
        job.version = job_item.version
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
        jobs = [_job(i, []) for i in result]
        return Page(jobs, encode(result.last_evaluated_key))

    def list_offered_by(self, org_id: str, provider_id: str, limit: int, next_token: str | None) -> Page[Job]:
        bind()
        hash_key = keys.provider_index(org_id, provider_id)
        result = Entity.gsi3.query(hash_key, scan_index_forward=False, limit=limit,
                                   last_evaluated_key=decode(next_token, ("gsi3pk", hash_key), "gsi3sk"))
        return Page([_job(i, []) for i in result], encode(result.last_evaluated_key))

    def appointments_of_technician(self, org_id: str, technician_id: str, start: datetime | None,
                                   end: datetime | None, limit: int, next_token: str | None) -> Page[Appointment]:
        """A technician's appointments in window order, optionally those starting in [start, end)."""
        bind()
        hash_key = keys.technician_index(org_id, technician_id)
        bounds = (keys.stamp(start), keys.stamp(end)) if start and end else None
        condition = Entity.gsi1sk.between(*bounds) if bounds else None
        start_key = decode(next_token, ("gsi1pk", hash_key), "gsi1sk", between=bounds)
        result = Entity.gsi1.query(hash_key, condition, limit=limit, last_evaluated_key=start_key)
        return Page([_appointment(i) for i in result], encode(result.last_evaluated_key))

    def appointments_starting(self, org_id: str, start: datetime, end: datetime) -> list[Appointment]:
        """Every appointment whose window starts in [start, end): one Query per UTC day touched."""
        bind()
        found = []
        for day in utc_days(start, end):
            found += [_appointment(i) for i in Entity.gsi2.query(
                keys.day_index(org_id, day), Entity.gsi2sk.between(keys.stamp(start), keys.stamp(end)))]
        return [a for a in found if a.window.start < end]

    def appointments_by_id(self, org_id: str, appointment_ids: set[str | None]) -> dict[str, Appointment]:
        """Appointments by id (each id names its job): one BatchGetItem per 100."""
        bind()
        keys_ = [(keys.job(org_id, job_id_of_appointment(a)), keys.APPOINTMENT_SK_PREFIX + a) for a in appointment_ids
                 if a]
        return {i.appointment_id: _appointment(i) for i in AppointmentItem.batch_get(keys_)} if keys_ else {}

    def of_customer(self, org_id: str, customer_id: str, limit: int = 20) -> list[Job]:
        """A customer's jobs, newest first (without their appointments)."""
        bind()
        return [_job(i, []) for i in Entity.gsi4.query(keys.customer_jobs_index(org_id, customer_id),
                                                        scan_index_forward=False, limit=limit)]

    def get_many(self, org_id: str, job_ids: set[str]) -> dict[str, Job]:
        """Jobs (without their appointments) by id: one BatchGetItem per 100."""
        bind()
        found = JobItem.batch_get([(keys.job(org_id, j), keys.JOB_SK) for j in job_ids])
        return {i.job_id: _job(i, []) for i in found if i.status != JobStatus.DECLINED}
