"""The customer's answer to a confirmation request, however it came (a text, a page, a call)."""
from datetime import datetime

from ..domain.jobs import Appointment, Confirmation, Job
from ..domain.timers import TimerKind
from .repositories import Repositories


def set_confirmation(repos: Repositories, job: Job, appointment: Appointment, confirmation: Confirmation, now: datetime,
                     *, reason: str | None = None) -> None:
    """Record it on the appointment (a rejection with its reason and category) and stop the follow-ups:
    an answer needs no escalation."""
    job.confirm(appointment.id, confirmation, now, reason=reason)
    save_confirmation(repos, job, appointment)


def save_confirmation(repos: Repositories, job: Job, appointment: Appointment) -> None:
    """The answer recorded on the job in memory (`Job.confirm`), written, and the follow-ups stopped."""
    repos.jobs.save(job)
    for timer in repos.timers.of_appointment(job.org_id, job.id, appointment.id):
        if timer.kind in (TimerKind.CONFIRMATION_FOLLOWUP, TimerKind.CONFIRMATION_ESCALATED) and \
                timer.status == "pending":
            repos.timers.remove(timer)
