"""The customer conversation of a job: read and written by the dispatcher and the assigned technician,
never by providers. A text written here is stored queued; the stream handler sends it."""
from dataclasses import replace

from .. import clock
from ..config import environment
from ..domain import ids
from ..domain.contacts import recipients as job_recipients
from ..domain.contacts import unknown
from ..domain.errors import Forbidden, InvalidTransition, ValidationError
from ..domain.links import Link
from ..domain.lists import Page
from ..domain.messages import Message, new_message
from ..domain.scenarios import ScenarioName
from ..domain.status import JobStatus
from ..domain.texts import variables
from ..domain.triggers import Trigger
from .access import Caller, visible_job
from .outbox.compose import for_contact, render_text
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
                      quick_action: ScenarioName | None = None, recipients: list[str] | None = None) -> list[Message]:
    """Stored queued, one message to each recipient (`recipients`: contact ids of the job's customer; by
    default the job's recipients); the stream handler sends them (an API request never sends a text itself). A
    quick action (seed 002: checked in, request approval, asset ready, asset in service) is the organization's
    wording of it, naming the job and linking to its page: each recipient gets their own link."""
    job = visible_job(repos, caller, job_id)
    if not caller.sees_private(job):
        raise Forbidden("only the dispatcher and the assigned technician write to the customer")
    contacts = repos.contacts.of_customer(caller.org_id, job.customer_id)
    if recipients is not None:
        unknown(contacts, recipients, "recipients")
        if not recipients:
            raise ValidationError("recipients", "name at least one contact, or leave it out for the job's recipients")
    chosen = [c for c in contacts if c.id in recipients] if recipients is not None else job_recipients(contacts,
                                                                                                        job.recipients)
    org = repos.organizations.get(caller.org_id)
    now = clock.now()
    key = f"{quick_action or 'free'}:{ids.new_id('txt')}"
    if quick_action is None:
        messages = [new_message(org.id, job.id, _key(key, c), sender=org.sms_number, recipient=c.phone or c.email,
                                body=body, now=now, author_id=caller.id, contact_id=None if c.primary else c.id)
                    for c in chosen]
        for message in messages:
            repos.messages.claim(message, [])
        return messages
    return _quick_action(repos, caller, job, org, chosen, quick_action, key, now)


def _key(key: str, contact) -> str:
    return key if contact.primary else for_contact(key, contact.id)


def _quick_action(repos: Repositories, caller: Caller, job, org, chosen, name: ScenarioName, key: str,
                  now) -> list[Message]:
    if job.status is JobStatus.CANCELED:
        raise InvalidTransition(job.status, f"send {name} for")
    visit = job.latest_visit  # the visit it is about, for the link
    if visit is None:
        raise ValidationError("quick_action", "the job has no visit yet for the text to link to: book one first")
    ctx = repos.contexts.load(job.org_id, job.customer_id, visit.technician_id, job.location_id)
    scenario = ctx.settings.scenario(name)
    if not scenario.enabled:
        raise ValidationError("quick_action", f"{name} is switched off in the organization's settings")
    messages = []
    for contact in chosen:
        links, link_text = [], "(link)"
        contact_id = None if contact.primary else contact.id
        if scenario.link:
            token, link = Link.issue(job.org_id, job.id, visit.id, scenario.link, now, contact_id)
            links, link_text = [link], environment().link_url(token)
        trigger = Trigger(name, _key(key, contact), visit.id, visit.window)
        their = replace(ctx, customer=contact.as_addressee(ctx.customer))
        body = render_text(scenario, variables(their, job, visit, trigger, link_text, now))
        message = new_message(org.id, job.id, trigger.key, sender=org.sms_number,
                              recipient=contact.phone or contact.email, body=body, now=now, author_id=caller.id,
                              scenario=name.value, appointment_id=trigger.appointment_id, contact_id=contact_id)
        repos.messages.claim(message, links)
        messages.append(message)
    return messages
