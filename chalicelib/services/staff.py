"""Staff messages (issue 25): a dispatcher writes to the technicians assigned to a job's visits (or one of
them); an assigned technician writes to the dispatchers (or one of them). Stored in the job's partition; the
stream handler puts each in its recipients' inboxes (alerts.on_staff_wrote). Never a text, never shown to the
customer or a provider."""
from .. import clock
from ..domain import ids
from ..domain.errors import Conflict, Forbidden, NotFound, ValidationError
from ..domain.notes import StaffMessage
from ..domain.people import Role, User
from ..domain.status import AppointmentStatus
from .access import Caller
from .repositories import Repositories


def _job(repos: Repositories, caller: Caller, job_id: str):
    caller.require(Role.DISPATCHER, Role.TECHNICIAN)
    job = repos.jobs.get(caller.org_id, job_id)
    if not caller.sees_private(job):
        raise Forbidden("only the dispatchers and the technicians assigned to this job's visits write about it")
    return job


def assigned(job) -> list[str]:
    """The technicians of the job's visits not canceled, soonest visit first."""
    visits = sorted((a for a in job.appointments if a.technician_id and a.status is not AppointmentStatus.CANCELED),
                    key=lambda a: a.window.start)
    return list(dict.fromkeys(a.technician_id for a in visits))


def write(repos: Repositories, caller: Caller, job_id: str, body: str, to: str | None) -> StaffMessage:
    """Stored; the stream handler fills the inboxes (an API request writes state only)."""
    job = _job(repos, caller, job_id)
    if caller.has(Role.DISPATCHER):
        choices, who = assigned(job), "a technician assigned to this job's visits"
        nobody = "nobody is assigned to this job's visits: assign a technician first"
    else:
        choices = [u.id for u in repos.users.of_org(caller.org_id) if u.active and u.has(Role.DISPATCHER)]
        who, nobody = "an active dispatcher", "there is no active dispatcher to write to"
    choices = [c for c in choices if c != caller.id]
    if not choices:
        raise Conflict(nobody)
    if to is not None and to not in choices:
        raise ValidationError("to", f"is not {who}")
    message = StaffMessage(ids.new_id("stm"), caller.org_id, job.id, caller.id, (to,) if to else tuple(choices),
                           body, clock.now())
    repos.notes.add_staff_message(message)
    return message


def of_job(repos: Repositories, caller: Caller, job_id: str) -> list[StaffMessage]:
    """Oldest first: a dispatcher reads them all, a technician those they wrote or were written to."""
    job = _job(repos, caller, job_id)
    found = repos.notes.staff_messages(caller.org_id, job.id)
    return found if caller.has(Role.DISPATCHER) else [m for m in found if caller.id in (m.author_id, *m.to)]


def people(repos: Repositories, caller: Caller, user_ids) -> dict[str, User]:
    """The colleagues named, by id (each read by its key); one gone is left out."""
    found = {}
    for user_id in set(user_ids) - {None}:
        try:
            found[user_id] = repos.users.get(caller.org_id, user_id)
        except NotFound:
            pass
    return found
