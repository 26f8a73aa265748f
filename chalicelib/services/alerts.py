"""Staff alerts: a customer's message (a text or the page's reply box) lands unread in the inbox of every
active dispatcher and of the technician assigned to the job; where the organization wants it, the
technician also gets a text, at most one per job every 15 minutes. A staff message (services/staff.py) lands in
the inbox of each colleague it was written to, and is never a text."""
from aws_lambda_powertools import Logger

from .. import clock
from ..domain.errors import NotFound
from ..domain.events import CustomerWrote, StaffWrote
from ..domain.inbox import TECHNICIAN_TEXT_EVERY, InboxItem, technician_alert
from ..domain.jobs import Job
from ..domain.people import Role
from ..domain.status import AppointmentStatus
from ..domain.values import mask
from .access import Caller
from .ports import Senders
from .repositories import Repositories

logger = Logger(service="onmyway")
WORKING = (AppointmentStatus.SCHEDULED, AppointmentStatus.EN_ROUTE, AppointmentStatus.STARTED, AppointmentStatus.PAUSED)


def assigned_technician(job: Job) -> str | None:
    """The technician of the job's next visit still to do, else of its latest visit."""
    working = sorted((a for a in job.appointments if a.technician_id and a.status in WORKING),
                     key=lambda a: a.window.start)
    latest = sorted((a for a in job.appointments if a.technician_id), key=lambda a: a.window.start)[-1:]
    chosen = working or latest
    return chosen[0].technician_id if chosen else None


def inbox_readers(repos: Repositories, job: Job, technician_id: str | None) -> list[str]:
    """Whose inbox hears of a job's news: every active dispatcher, and the job's assigned technician."""
    return sorted(u.id for u in repos.users.of_org(job.org_id)
                  if u.active and (u.has(Role.DISPATCHER) or u.id == technician_id))


def on_customer_wrote(repos: Repositories, senders: Senders, event: CustomerWrote) -> None:
    m = event.message
    try:
        job = repos.jobs.get(m.org_id, m.job_id)
    except NotFound:
        return
    technician_id = assigned_technician(job)
    for user_id in inbox_readers(repos, job, technician_id):
        repos.inbox.add(InboxItem(m.org_id, user_id, m.job_id, m.id, m.body, m.created_at, contact_id=m.contact_id))
    ctx = repos.contexts.load(m.org_id, job.customer_id, technician_id, job.location_id)
    technician = ctx.technician
    if not (ctx.settings.technician_sms_alerts and technician and technician.phone and technician.active):
        return
    if repos.inbox.may_text_technician(m.org_id, m.job_id, technician.id, clock.now(), TECHNICIAN_TEXT_EVERY):
        senders.sms.send(technician.phone, technician_alert(ctx.org.name, ctx.customer.name, m.body), ctx.org.sms_number)
        logger.info("technician alerted", extra={"job_id": m.job_id, "to": mask(technician.phone)})


def on_staff_wrote(repos: Repositories, event: StaffWrote) -> None:
    m = event.message
    for user_id in m.to:  # once each: a redelivered record adds nothing
        repos.inbox.add(InboxItem(m.org_id, user_id, m.job_id, m.id, m.body, m.created_at, author_id=m.author_id))


def inbox(repos: Repositories, caller: Caller, limit: int, next_token: str | None):
    caller.require(Role.DISPATCHER, Role.TECHNICIAN)
    return repos.inbox.list(caller.org_id, caller.id, limit, next_token)


def mark_read(repos: Repositories, caller: Caller, item_id: str) -> InboxItem:
    caller.require(Role.DISPATCHER, Role.TECHNICIAN)
    return repos.inbox.mark_read(caller.org_id, caller.id, item_id, clock.now())
