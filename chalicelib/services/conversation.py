"""The customer conversation of a job: read and written by the dispatcher and the assigned technician,
never by providers. A text written here is stored queued; the stream handler sends it."""
from .. import clock
from ..domain import ids
from ..domain.errors import Forbidden
from ..domain.lists import Page
from ..domain.messages import Message, new_message
from .access import Caller, visible_job
from .repositories import Repositories


def list_messages(repos: Repositories, caller: Caller, job_id: str, limit: int, next_token: str | None) -> Page[Message]:
    """The customer conversation: for the dispatcher and the assigned technician, not providers."""
    job = visible_job(repos, caller, job_id)
    if not caller.sees_private(job):
        raise Forbidden("only the dispatcher and the assigned technician read the customer conversation")
    page = repos.messages.conversation(caller.org_id, job.id, limit, next_token)
    page.items.sort(key=lambda m: (m.created_at, m.id))
    return page


def write_to_customer(repos: Repositories, caller: Caller, job_id: str, body: str) -> Message:
    """Stored queued; the stream handler sends it (an API request never sends a text itself)."""
    job = visible_job(repos, caller, job_id)
    if not caller.sees_private(job):
        raise Forbidden("only the dispatcher and the assigned technician write to the customer")
    org = repos.organizations.get(caller.org_id)
    customer = repos.customers.get(caller.org_id, job.customer_id)
    now = clock.now()
    message = new_message(org.id, job.id, f"free:{ids.new_id('txt')}", sender=org.sms_number,
                          recipient=customer.phone, body=body, now=now, author_id=caller.id)
    repos.messages.claim(message, [])
    return message
