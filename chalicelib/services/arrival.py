"""The narrowed arrival window on the visit day (domain/arrival.py). The stream reacts to a visit done, or to a
technician setting off, by working out when they should reach the stop concerned, and stores that window on its
appointment (through the aggregate: a conditional write) when it is news. The stored change is what sends the
text (domain/triggers.py: `window_narrowed`, one per expected window), through the one rule like any other."""
from datetime import timedelta

from aws_lambda_powertools import Logger

from .. import clock
from ..domain import arrival
from ..domain.customer_page import distance_km
from ..domain.errors import NotFound
from ..domain.events import AppointmentCompleted, AppointmentEvent, TechnicianEnRoute
from ..domain.jobs import Appointment, Job
from ..domain.status import AppointmentStatus
from ..domain.values import TimeFrame
from .current_jobs import CurrentJobs
from .repositories import Repositories

logger = Logger(service="onmyway")


def on_event(repos: Repositories, event: AppointmentEvent, current: CurrentJobs) -> bool:
    """`current`: the jobs as they are now, read once for the change's reactions. True when a job was written
    (what `current` read is then stale)."""
    match event:
        case AppointmentCompleted():
            return after_visit(repos, event, current)
        case TechnicianEnRoute():
            return on_the_way(repos, event, current)
    return False


def route(repos: Repositories, org_id: str, technician_id: str, day: TimeFrame) -> list[Appointment]:
    """The technician's visits that day, in route order (as GET /technicians/me/appointments lists them)."""
    stops, token = [], None
    while True:
        page = repos.jobs.appointments_of_technician(org_id, technician_id, day.start, day.end, 100, token)
        stops += page.items
        if not (token := page.next_token):
            return stops


def after_visit(repos: Repositories, event: AppointmentCompleted, current: CurrentJobs) -> bool:
    """The technician's next booked stop of the day after the one just done: they drive there from here now,
    and do not come before its window."""
    done, done_job = event.appointment, current(event)
    if done.technician_id is None or done_job is None:
        return False
    # The day after the visit done, then cut to its calendar day in the next customer's zone: no read of the
    # organization for its zone (every completion passes here: the capacity bench's hottest read is that item).
    ahead = TimeFrame(done.window.start, done.window.start + timedelta(days=1))
    later = [a for a in route(repos, event.org_id, done.technician_id, ahead)
             if (a.window.start, a.id) > (done.window.start, done.id) and a.status is AppointmentStatus.SCHEDULED]
    if not later:
        return False
    job, target = _current(current, event.org_id, later[0])
    if target is None or target.status is not AppointmentStatus.SCHEDULED or target.technician_id != done.technician_id:
        return False
    ctx = repos.contexts.load(job.org_id, job.customer_id, None, job.location_id)
    if target.window.start >= arrival.day_of(done.window, ctx.time_zone).end:
        return False  # their next stop is another day's
    here = _coordinates(repos, done_job)
    km = distance_km(*here, *ctx.customer.coordinates) if here and ctx.customer.coordinates else None
    now = clock.now()
    at = arrival.arrival_after_visit(target.window, now, arrival.travel_time(km, _allowance(ctx)))
    return _tell(repos, job, target, arrival.expected_window(at, now=now, day=arrival.day_of(target.window, ctx.time_zone),
                                                             not_before=target.window.start))


def on_the_way(repos: Repositories, event: TechnicianEnRoute, current: CurrentJobs) -> bool:
    """They set off towards this stop now: the ETA they gave, else the drive from where their phone last was. Only
    a window already told is judged again (the en route text gives the ETA): a move of 30 minutes is a new text."""
    job, target = _current(current, event.org_id, event.appointment)
    if target is None or target.status is not AppointmentStatus.EN_ROUTE or target.expected is None:
        return False
    ctx = repos.contexts.load(job.org_id, job.customer_id, target.technician_id, job.location_id)
    now = clock.now()
    seen = ctx.technician and ctx.technician.last_position
    fresh = seen and now - seen.at <= arrival.POSITION_FRESH
    km = distance_km(seen.lat, seen.lon, *ctx.customer.coordinates) if fresh and ctx.customer.coordinates else None
    at = arrival.arrival_on_the_way(now, target.eta, arrival.travel_time(km, _allowance(ctx)))
    return _tell(repos, job, target, arrival.expected_window(at, now=now, day=arrival.day_of(target.window, ctx.time_zone)))


def _tell(repos: Repositories, job: Job, target: Appointment, window: TimeFrame | None) -> bool:
    """Store the window when it is news (the first, or an edge moved 30 minutes or more); else keep what was told."""
    if window is None or not arrival.moved(target.expected, window):
        return False
    job.narrow(target.id, window, clock.now())
    repos.jobs.save(job)  # a VersionConflict fails the record: the stream retries it on the job as it is then
    logger.info("arrival window narrowed", extra={"job_id": job.id, "appointment_id": target.id,
                                                  "expected_start": window.start.isoformat(),
                                                  "expected_end": window.end.isoformat()})
    return True


def _current(current: CurrentJobs, org_id: str, stop: Appointment) -> tuple[Job | None, Appointment | None]:
    """The stop's job read whole (an index entry may lag; the change's reactions read it once), and the stop
    in it."""
    job = current.get(org_id, stop.job_id)
    if job is None:
        return None, None
    try:
        return job, job.appointment(stop.id)
    except NotFound:
        return None, None


def _coordinates(repos: Repositories, job: Job) -> tuple[float, float] | None:
    try:
        return repos.customers.get(job.org_id, job.customer_id).coordinates
    except NotFound:
        return None


def _allowance(ctx) -> timedelta:
    return timedelta(minutes=ctx.settings.travel_minutes)
