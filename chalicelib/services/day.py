"""The organization's day for the dispatcher's board: every visit whose window starts that day (in the
organization's zone), with its job, its customer and the status actions the status machine allows now.
Three reads, each by key or query: the day index, then one batch of jobs and one of customers."""
import copy
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from .. import clock
from ..domain.contacts import Contact
from ..domain.customers import Customer
from ..domain.errors import DomainError, NotFound
from ..domain.jobs import Appointment, Job
from ..domain.people import Role
from ..domain.status import AppointmentAction, AppointmentStatus, JobStatus
from .access import Caller, visible_job
from .jobs import local_day
from .repositories import Repositories


@dataclass
class Visit:
    appointment: Appointment
    job: Job
    customer: Customer | None
    actions: list[str]  # the status actions allowed now: the others are not offered at all
    editable: bool  # may be moved, (re)assigned, offered frames or deleted
    late: bool


def actions_of(job: Job, appointment: Appointment, now: datetime) -> list[str]:
    """Each action tried on a copy of the job: exactly what POST /appointments/{id}/status would take. The
    job's status and this visit are all the machine looks at (a batch-read job carries no appointments), so
    the copy is shallow: a deep one made the board of 200 visits 2.5 times slower (bench/console.py)."""
    allowed = []
    for action in AppointmentAction:
        trial = replace(job, appointments=[copy.copy(appointment)], touched=set(), removed=[])
        try:
            trial.change_appointment_status(appointment.id, action, now, eta=now)
        except DomainError:
            continue
        allowed.append(action.value)
    return allowed


def editable(job: Job, appointment: Appointment) -> bool:
    return appointment.status is AppointmentStatus.SCHEDULED and job.status is JobStatus.SCHEDULED


def late(appointment: Appointment, now: datetime) -> bool:
    """The technician is past the window: not started by its end, or expected after it."""
    if appointment.status not in (AppointmentStatus.SCHEDULED, AppointmentStatus.EN_ROUTE):
        return False
    return now > appointment.window.end or (appointment.eta is not None and appointment.eta > appointment.window.end)


def _visit(job: Job, appointment: Appointment, customer: Customer | None, now: datetime) -> Visit:
    return Visit(appointment, job, customer, actions_of(job, appointment, now), editable(job, appointment),
                 late(appointment, now))


def org_day(repos: Repositories, caller: Caller, day: str | None) -> tuple[str, str, datetime, list[Visit]]:
    """(the day, the organization's zone, now, its visits in window order)."""
    caller.require(Role.DISPATCHER)
    org = repos.organizations.get(caller.org_id)
    now = clock.now()
    day = day or now.astimezone(ZoneInfo(org.time_zone)).date().isoformat()
    start, end = local_day(day, org.time_zone)
    appointments = repos.jobs.appointments_starting(caller.org_id, start, end)
    if not appointments:
        return day, org.time_zone, now, []
    jobs = repos.jobs.get_many(caller.org_id, {a.job_id for a in appointments})
    customers = repos.customers.get_many(caller.org_id, {j.customer_id for j in jobs.values()})
    visits = []
    for a in sorted(appointments, key=lambda a: (a.window.start, a.id)):
        if (job := jobs.get(a.job_id)) is not None:  # a declined offer's visits are not shown
            visits.append(_visit(job, a, customers.get(job.customer_id), now))
    return day, org.time_zone, now, visits


def job_visits(repos: Repositories, caller: Caller, job_id: str) -> list[Visit]:
    """A job's appointments with the actions each allows (one read: the job with its appointments)."""
    job = visible_job(repos, caller, job_id)
    now = clock.now()
    return [_visit(job, a, None, now) for a in job.appointments]


def contacts(repos: Repositories, caller: Caller, contact_ids: set[str]) -> dict[str, Contact]:
    """The customers' contacts who wrote, by id (one read by key each; a removed one is left out)."""
    found = {}
    for contact_id in contact_ids:
        try:
            found[contact_id] = repos.contacts.get(caller.org_id, contact_id)
        except NotFound:
            continue
    return found


def customers_of_jobs(repos: Repositories, caller: Caller, job_ids: set[str]) -> dict[str, Customer]:
    """Whom each job is for, by job id: one batch of jobs, one of customers (the inbox names who wrote)."""
    jobs = repos.jobs.get_many(caller.org_id, job_ids) if job_ids else {}
    customers = repos.customers.get_many(caller.org_id, {j.customer_id for j in jobs.values()}) if jobs else {}
    return {j.id: customers[j.customer_id] for j in jobs.values() if j.customer_id in customers}
