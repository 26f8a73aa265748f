"""The dispatcher's queues: unassigned appointments by window, escalation calls, retention."""
from chalice import Blueprint

from ..domain.errors import NotFound
from ..domain.people import Role
from . import schemas as s
from . import views
from .routing import Call, endpoint, store

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/queues/{name}", "unassigned (appointments by window), escalation, retention",
          roles=(Role.DISPATCHER,), query=s.PageQuery, response=s.QueueItemOut)
def get_queue(call: Call, name: str):
    q = call.query
    if name == "unassigned":
        page = store.jobs.unassigned(call.caller.org_id, q.limit, q.next_token)
        return views.page(page, lambda a: {"appointment": views.appointment(a), "job_id": a.job_id})
    if name in ("escalation", "retention"):
        return views.page(store.queues.list(call.caller.org_id, name, q.limit, q.next_token), views.queue_entry)
    raise NotFound("queue")
