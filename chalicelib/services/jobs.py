"""Jobs and appointments: the dispatcher's and the technician's use cases."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .. import clock
from ..domain.customers import Customer
from ..domain.errors import Forbidden, NotFound, ValidationError
from ..domain.ids import job_id_of_appointment
from ..domain.jobs import Appointment, Job
from ..domain.lists import Page
from ..domain.people import Role
from ..domain.status import AppointmentAction, JobStatus
from ..domain.values import TimeFrame, calendar_day
from .access import Caller, check_version, visible_job
from .repositories import Repositories

LISTED_STATUSES = [s.value for s in JobStatus if s is not JobStatus.DECLINED]


@dataclass
class NewAppointment:
    window: TimeFrame
    technician_id: str | None = None


def _technician(repos: Repositories, org_id: str, technician_id: str | None) -> None:
    """Only an active technician of this organization can be given an appointment."""
    if technician_id is None:
        return
    try:
        user = repos.users.get(org_id, technician_id)
    except NotFound:
        raise ValidationError("technician_id", "no such technician") from None
    if not user.active or not user.has(Role.TECHNICIAN):
        raise ValidationError("technician_id", "is not an active technician")


def create_job(repos: Repositories, caller: Caller, customer_id: str, description: str, *, priority: str = "normal",
               location_id: str | None = None, appointment: NewAppointment | None = None,
               channel: str | None = None) -> Job:
    caller.require(Role.DISPATCHER, Role.PROVIDER)
    offered = not caller.has(Role.DISPATCHER)  # a provider's job is an offer the organization may accept
    if offered and appointment:
        raise ValidationError("appointment", "an offered job is scheduled by the organization after it accepts")
    try:
        repos.customers.get(caller.org_id, customer_id)
    except NotFound:
        raise ValidationError("customer_id", "no such customer") from None
    if location_id:
        try:
            repos.locations.get(caller.org_id, location_id)
        except NotFound:
            raise ValidationError("location_id", "no such location") from None
    now = clock.now()
    job = Job.create(caller.org_id, customer_id, description, now, priority=priority, location_id=location_id,
                     provider_id=caller.id if offered else None, offered=offered, channel=channel)
    if appointment:
        _technician(repos, caller.org_id, appointment.technician_id)
        job.schedule(appointment.window, now, appointment.technician_id)
    repos.jobs.save(job)
    return job


def get_job(repos: Repositories, caller: Caller, job_id: str) -> Job:
    return visible_job(repos, caller, job_id)


def local_day(day: str, tz: str) -> tuple[datetime, datetime]:
    """The UTC bounds of a calendar day in the organization's time zone."""
    date = calendar_day("date", day)
    zone = ZoneInfo(tz)
    start = datetime.combine(date, time(0), zone)
    end = datetime.combine(date + timedelta(days=1), time(0), zone)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def list_jobs(repos: Repositories, caller: Caller, *, status: str | None, day: str | None, limit: int,
              next_token: str | None) -> Page[Job]:
    """What the caller may see, newest first; with `date`, the jobs with a visit that day."""
    if status is not None and status not in LISTED_STATUSES:
        raise ValidationError("status", f"must be one of {', '.join(LISTED_STATUSES)}")
    if day is not None:
        start, end = local_day(day, repos.organizations.get(caller.org_id).time_zone)
        if caller.has(Role.DISPATCHER):
            appointments = repos.jobs.appointments_starting(caller.org_id, start, end)
            page = Page(appointments, None)
        elif caller.has(Role.TECHNICIAN):
            page = repos.jobs.appointments_of_technician(caller.org_id, caller.id, start, end, limit, next_token)
        else:
            page = Page([], None)  # a provider's offers are not tied to a visit day
        jobs = repos.jobs.get_many(caller.org_id, {a.job_id for a in page.items}) if page.items else {}
        found = [j for j in jobs.values() if (caller.sees(j) or _assigned(caller, j, page.items))
                 and (status is None or j.status == status)]
        return Page(sorted(found, key=lambda j: j.created_at, reverse=True), page.next_token)
    if caller.has(Role.DISPATCHER):
        return repos.jobs.list_all(caller.org_id, status, limit, next_token)
    if caller.has(Role.TECHNICIAN):
        page = repos.jobs.appointments_of_technician(caller.org_id, caller.id, None, None, limit, next_token)
        jobs = repos.jobs.get_many(caller.org_id, {a.job_id for a in page.items}) if page.items else {}
        found = [j for j in jobs.values() if status is None or j.status == status]
        return Page(sorted(found, key=lambda j: j.created_at, reverse=True), page.next_token)
    if caller.has(Role.PROVIDER):
        page = repos.jobs.list_offered_by(caller.org_id, caller.id, limit, next_token)
        return Page([j for j in page.items if status is None or j.status == status], page.next_token)
    raise Forbidden("no role that may list jobs")


def _assigned(caller: Caller, job: Job, appointments: list[Appointment]) -> bool:
    """Jobs from a batch read carry no appointments: judge assignment from the index entries."""
    return caller.has(Role.TECHNICIAN) and any(a.job_id == job.id and a.technician_id == caller.id
                                                for a in appointments)


def _dispatch(repos: Repositories, caller: Caller, job_id: str, if_match: int | None) -> Job:
    caller.require(Role.DISPATCHER)
    job = visible_job(repos, caller, job_id)
    check_version(if_match, job.version)
    return job


def accept(repos: Repositories, caller: Caller, job_id: str, if_match: int | None = None) -> Job:
    job = _dispatch(repos, caller, job_id, if_match)
    job.accept(clock.now())
    repos.jobs.save(job)
    return job


def decline(repos: Repositories, caller: Caller, job_id: str, if_match: int | None = None) -> None:
    job = _dispatch(repos, caller, job_id, if_match)
    job.decline(clock.now())
    repos.jobs.save(job)


def cancel(repos: Repositories, caller: Caller, job_id: str, reason: str, offer_coupon: bool,
           if_match: int | None = None) -> Job:
    job = _dispatch(repos, caller, job_id, if_match)
    job.cancel(reason, clock.now(), offer_coupon=offer_coupon)
    repos.jobs.save(job)
    return job


def add_appointment(repos: Repositories, caller: Caller, job_id: str, new: NewAppointment,
                    if_match: int | None = None) -> tuple[Job, Appointment]:
    job = _dispatch(repos, caller, job_id, if_match)
    _technician(repos, caller.org_id, new.technician_id)
    appointment = job.schedule(new.window, clock.now(), new.technician_id)
    repos.jobs.save(job)
    return job, appointment


def _appointment_job(repos: Repositories, caller: Caller, appointment_id: str) -> tuple[Job, Appointment]:
    try:
        job = visible_job(repos, caller, job_id_of_appointment(appointment_id))
    except NotFound:
        raise NotFound("appointment") from None
    return job, job.appointment(appointment_id)


def update_appointment(repos: Repositories, caller: Caller, appointment_id: str, *, window: TimeFrame | None,
                       technician_id: str | None, assign: bool, if_match: int | None = None) -> Appointment:
    caller.require(Role.DISPATCHER)
    job, appointment = _appointment_job(repos, caller, appointment_id)
    check_version(if_match, appointment.version)
    if assign:
        _technician(repos, caller.org_id, technician_id)
    job.reschedule(appointment_id, clock.now(), window=window, technician_id=technician_id, assign=assign)
    repos.jobs.save(job)
    return appointment


def delete_appointment(repos: Repositories, caller: Caller, appointment_id: str, if_match: int | None = None) -> Job:
    caller.require(Role.DISPATCHER)
    job, appointment = _appointment_job(repos, caller, appointment_id)
    check_version(if_match, appointment.version)
    job.delete_appointment(appointment_id, clock.now())
    repos.jobs.save(job)
    return job


def change_status(repos: Repositories, caller: Caller, appointment_id: str, action: AppointmentAction, *,
                  eta: datetime | None = None, reason: str | None = None,
                  if_match: int | None = None) -> tuple[Job, Appointment]:
    """The technician app's buttons: on my way, start, pause, complete, running late."""
    job, appointment = _appointment_job(repos, caller, appointment_id)
    if not caller.has(Role.DISPATCHER) and not (caller.has(Role.TECHNICIAN) and appointment.technician_id == caller.id):
        raise Forbidden("only the assigned technician or a dispatcher may change this appointment")
    check_version(if_match, appointment.version)
    job.change_appointment_status(appointment_id, action, clock.now(), eta=eta, reason=reason)
    repos.jobs.save(job)
    return job, appointment


def offer_time_frames(repos: Repositories, caller: Caller, appointment_id: str, frames: list[TimeFrame],
                      if_match: int | None = None) -> Appointment:
    caller.require(Role.DISPATCHER)
    job, appointment = _appointment_job(repos, caller, appointment_id)
    check_version(if_match, appointment.version)
    job.offer_time_frames(appointment_id, frames, clock.now())
    repos.jobs.save(job)
    return appointment


def technician_day(repos: Repositories, caller: Caller, day: str | None) -> list[tuple[Appointment, Job, Customer]]:
    """The caller's appointments that day (organization's time zone), in window (route) order."""
    return my_day(repos, caller, day)[2]


def my_day(repos: Repositories, caller: Caller, day: str | None) -> tuple[str, str, list[tuple[Appointment, Job, Customer]]]:
    """(the day, the organization's zone, the technician_day): the app names the day and shows its times."""
    caller.require(Role.TECHNICIAN)
    org = repos.organizations.get(caller.org_id)
    day = day or clock.now().astimezone(ZoneInfo(org.time_zone)).date().isoformat()
    start, end = local_day(day, org.time_zone)
    appointments, token = [], None
    while True:  # a day is short; page through it whole
        page = repos.jobs.appointments_of_technician(caller.org_id, caller.id, start, end, 100, token)
        appointments += page.items
        if not (token := page.next_token):
            break
    if not appointments:
        return day, org.time_zone, []
    jobs = repos.jobs.get_many(caller.org_id, {a.job_id for a in appointments})
    customers = repos.customers.get_many(caller.org_id, {j.customer_id for j in jobs.values()})
    return day, org.time_zone, [(a, jobs[a.job_id], customers[jobs[a.job_id].customer_id]) for a in appointments
                                if a.job_id in jobs]
