"""The customer conversation of a job: read and written by the dispatcher and the assigned technician,
never by providers. A text written here is stored queued; the stream handler sends it."""
from .. import clock
from ..config import environment
from ..domain import ids
from ..domain.errors import Forbidden, InvalidTransition, ValidationError
from ..domain.links import Link
from ..domain.lists import Page
from ..domain.messages import Message, new_message
from ..domain.scenarios import ScenarioName
from ..domain.status import JobStatus
from ..domain.texts import variables
from ..domain.triggers import Trigger
from .access import Caller, visible_job
from .outbox.compose import render_text
from .repositories import Repositories


def list_messages(repos: Repositories, caller: Caller, job_id: str, limit: int, next_token: str | None) -> Page[Message]:
    """The customer conversation: for the dispatcher and the assigned technician, not providers."""
    job = visible_job(repos, caller, job_id)
    if not caller.sees_private(job):
        raise Forbidden("only the dispatcher and the assigned technician read the customer conversation")
    page = repos.messages.conversation(caller.org_id, job.id, limit, next_token)
    page.items.sort(key=lambda m: (m.created_at, m.id))
    return page


def write_to_customer(repos: Repositories, caller: Caller, job_id: str, body: str | None,
                      quick_action: ScenarioName | None = None) -> Message:
    """Stored queued; the stream handler sends it (an API request never sends a text itself). A quick action
    (seed 002: checked in, request approval, asset ready, asset in service) is the organization's wording of it,
    naming the job and linking to its page."""
    job = visible_job(repos, caller, job_id)
    if not caller.sees_private(job):
        raise Forbidden("only the dispatcher and the assigned technician write to the customer")
    org = repos.organizations.get(caller.org_id)
    customer = repos.customers.get(caller.org_id, job.customer_id)
    now = clock.now()
    if quick_action is None:
        message = new_message(org.id, job.id, f"free:{ids.new_id('txt')}", sender=org.sms_number,
                              recipient=customer.phone, body=body, now=now, author_id=caller.id)
        repos.messages.claim(message, [])
        return message
    return _quick_action(repos, caller, job, org, customer, quick_action, now)


def _quick_action(repos: Repositories, caller: Caller, job, org, customer, name: ScenarioName, now) -> Message:
    if job.status is JobStatus.CANCELED:
        raise InvalidTransition(job.status, f"send {name} for")
    visit = (job.open_appointments or job.appointments or [None])[-1]  # the visit it is about, for the link
    if visit is None:
        raise ValidationError("quick_action", "the job has no visit yet for the text to link to: book one first")
    ctx = repos.contexts.load(job.org_id, job.customer_id, visit.technician_id, job.location_id)
    scenario = ctx.settings.scenario(name)
    if not scenario.enabled:
        raise ValidationError("quick_action", f"{name} is switched off in the organization's settings")
    links, link_text = [], "(link)"
    if scenario.link:
        token, link = Link.issue(job.org_id, job.id, visit.id, scenario.link, now)
        links, link_text = [link], environment().link_url(token)
    trigger = Trigger(name, f"{name}:{ids.new_id('txt')}", visit.id, visit.window)
    body = render_text(scenario, variables(ctx, job, visit, trigger, link_text, now))
    message = new_message(org.id, job.id, trigger.key, sender=org.sms_number, recipient=customer.phone, body=body,
                          now=now, author_id=caller.id, scenario=name.value, appointment_id=trigger.appointment_id)
    repos.messages.claim(message, links)
    return message
