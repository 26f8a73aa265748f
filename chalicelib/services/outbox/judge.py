"""The one rule's inputs for a message already written (a held text falling due, a queued SMS about to go,
a retry): the job as it is now, the recipient's consent records, and the quiet hours of the place and zone
the message was written for. The customer is not read again: opt-outs are in the consent records."""
from datetime import datetime, timedelta

from ...config import environment
from ...domain.errors import NotFound
from ...domain.messages import Message
from ...domain.quiet_hours import for_place
from ...domain.sending import JOB_GONE, Verdict, drop, outbound_of, verdict
from ..repositories import Repositories


def release_window() -> timedelta:
    return timedelta(minutes=environment().quiet_release_minutes)


def again(repos: Repositories, message: Message, now: datetime) -> Verdict:
    try:
        job = repos.jobs.get(message.org_id, message.job_id)
    except NotFound:
        return drop(JOB_GONE)
    settings = repos.contexts.settings(job.org_id)
    outbound = outbound_of(message, settings)
    if message.time_zone is None and not outbound.urgent:  # written before messages carried their zone
        ctx = repos.contexts.load(job.org_id, job.customer_id, None, job.location_id, consent=True)
        return verdict(outbound, job=job, consent=ctx.consent, customer=ctx.customer, quiet_hours=ctx.quiet_hours,
                       time_zone=ctx.time_zone, now=now, release_window=release_window())
    return verdict(outbound, job=job, consent=repos.consent.of_address(job.org_id, message.recipient),
                   quiet_hours=for_place(settings, message.region), time_zone=message.time_zone, now=now,
                   release_window=release_window())
