"""Estimates (seed 002): given by a dispatcher or the assigned technician, texted to the customer by the stream
handler (scenario estimate_request, a link of purpose estimate), decided line by line on the link's page; each
decision reaches the inbox of the dispatchers and of the assigned technician."""
from .. import clock
from ..domain.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationError, VersionConflict
from ..domain.estimates import Estimate, money
from ..domain.events import EstimateDecided
from ..domain.inbox import InboxItem
from ..domain.links import Link
from ..domain.status import AppointmentStatus, JobStatus
from .access import Caller, visible_job
from .alerts import assigned_technician, inbox_readers
from .repositories import Repositories


def _staff_job(repos: Repositories, caller: Caller, job_id: str):
    job = visible_job(repos, caller, job_id)
    if not caller.sees_private(job):
        raise Forbidden("only the dispatcher and the assigned technician give and read estimates")
    return job


def give(repos: Repositories, caller: Caller, job_id: str, body: dict) -> Estimate:
    """Stored; the stream handler texts it (an API request never sends a text itself)."""
    job = _staff_job(repos, caller, job_id)
    if job.status is JobStatus.CANCELED:
        raise InvalidTransition(job.status, "give an estimate for")
    visits = [a for a in job.appointments if a.status is not AppointmentStatus.CANCELED]
    if not visits:
        raise ValidationError("job_id", "has no visit to give the estimate for: schedule one first")
    estimate = Estimate.create(job.org_id, job.id, visits[-1].id, lines=body.get("lines"),
                               currency=body.get("currency"), note=body.get("note"), by=caller.id, now=clock.now())
    repos.estimates.add(estimate)
    return estimate


def of_job(repos: Repositories, caller: Caller, job_id: str) -> list[Estimate]:
    job = _staff_job(repos, caller, job_id)
    return repos.estimates.of_job(job.org_id, job.id)


def for_link(repos: Repositories, link: Link) -> list[Estimate]:
    """What the estimate page shows: the job's estimates, newest first."""
    return list(reversed(repos.estimates.of_job(link.org_id, link.job_id)))


def decide(repos: Repositories, link: Link, decisions, comment) -> Estimate:
    """The customer's answer from the page: the lines named must all be of one estimate of the link's job; a line
    already decided refuses the whole answer (409 already_decided), nothing changes."""
    if not isinstance(decisions, dict) or not decisions:
        raise ValidationError("decisions", "approve or decline at least one item")
    if repos.jobs.get(link.org_id, link.job_id).status is JobStatus.CANCELED:
        raise Conflict("this job was canceled: there is nothing to approve any more")
    for attempt in range(2):
        estimates = repos.estimates.of_job(link.org_id, link.job_id)
        owner = next((e for e in estimates if e.line(next(iter(decisions)))), None)
        if owner is None:
            raise ValidationError(f"decisions.{next(iter(decisions))}", "is not an item of this job's estimates")
        owner.decide(decisions, comment, link.contact_id or "customer", clock.now())  # who: the link's person
        try:
            repos.estimates.save(owner)
            return owner
        except VersionConflict:
            if attempt:
                raise
    raise AssertionError("unreachable")


def on_decided(repos: Repositories, event: EstimateDecided) -> None:
    """Unread in the inbox of every active dispatcher and of the assigned technician, once per decision."""
    e = event.estimate
    try:
        job = repos.jobs.get(e.org_id, e.job_id)
    except NotFound:
        return  # the job is gone (a declined offer): nobody's inbox to tell
    decided = [x for x in e.lines if x.id in event.lines]
    words = "; ".join(f"{x.decision} {x.description} ({money(x.amount_cents, e.currency)})" for x in decided)
    body = (f"Estimate: {words}. Approved {money(e.approved_cents, e.currency)} of "
            f"{money(e.total_cents, e.currency)}" + (f'. Comment: "{event.comment}"' if event.comment else ""))
    for user_id in inbox_readers(repos, job, assigned_technician(job)):
        repos.inbox.add(InboxItem(e.org_id, user_id, e.job_id, f"{e.id}:v{event.version}", body, e.decided_at))
