"""The one rule's inputs for a message already written (a held text falling due, a queued SMS about to go,
a retry): the job as it is now, the recipient's consent records and quiet hours."""
from datetime import datetime, timedelta

from ...config import environment
from ...domain.errors import NotFound
from ...domain.messages import Message
from ...domain.sending import JOB_GONE, Verdict, drop, outbound_of, verdict
from ..repositories import Repositories


def release_window() -> timedelta:
    return timedelta(minutes=environment().quiet_release_minutes)


def again(repos: Repositories, message: Message, now: datetime) -> Verdict:
    try:
        job = repos.jobs.get(message.org_id, message.job_id)
    except NotFound:
        return drop(JOB_GONE)
    appointment = next((a for a in job.appointments if a.id == message.appointment_id), None)
    ctx = repos.contexts.load(job.org_id, job.customer_id, appointment and appointment.technician_id,
                              job.location_id, consent=True)
    return verdict(outbound_of(message, ctx.settings), job=job, consent=ctx.consent, customer=ctx.customer,
                   quiet_hours=ctx.quiet_hours,
                   time_zone=ctx.time_zone, now=now, release_window=release_window())
