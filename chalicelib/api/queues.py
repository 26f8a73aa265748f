"""The dispatchers' work queues: unassigned visits (soonest window first), escalation calls, retention,
callbacks; each entry claimed, released and resolved with an outcome."""
from chalice import Blueprint

from .. import bootstrap
from ..domain.people import Role
from ..domain.queues import EntryState, Outcome
from ..domain.values import TimeFrame
from . import views
from .routing import Call, endpoint

bp = Blueprint(__name__)
DISPATCHER = (Role.DISPATCHER,)


@endpoint(bp, "GET", "/queues/{name}", "A work queue: unassigned, escalation, retention, callback, "
          "intake or no_show; oldest waiting first (unassigned: soonest window first); each item with its visit as it is now",
          roles=DISPATCHER, query="queues_schemas.QueueQuery", response="queues_schemas.QueueItemOut")
def get_queue(call: Call, name: str):
    from ..services import queues
    q = call.query
    page = queues.entries(bootstrap.repos(), call.caller, name, q.state and EntryState(q.state), q.limit, q.next_token)
    appointments = queues.visits_of(bootstrap.repos(), call.caller, name, page.items)
    return views.page(page, lambda e: views.queue_entry(e, appointments.get(e.appointment_id)))


@endpoint(bp, "POST", "/queues/{name}/{entry_id}/claim", "Take an entry to work on it", roles=DISPATCHER,
          response="queues_schemas.QueueItemOut")
def claim_entry(call: Call, name: str, entry_id: str):
    from ..services import queues
    return views.queue_entry(queues.claim(bootstrap.repos(), call.caller, name, entry_id))


@endpoint(bp, "POST", "/queues/{name}/{entry_id}/release", "Give an entry back to the queue", roles=DISPATCHER,
          response="queues_schemas.QueueItemOut")
def release_entry(call: Call, name: str, entry_id: str):
    from ..services import queues
    return views.queue_entry(queues.release(bootstrap.repos(), call.caller, name, entry_id))


@endpoint(bp, "POST", "/queues/{name}/{entry_id}/resolve", "Close an entry with its outcome (confirmed, "
          "rejected with a reason, reschedule with a new window, no_answer, done)", roles=DISPATCHER,
          body="queues_schemas.ResolveIn", response="queues_schemas.QueueItemOut")
def resolve_entry(call: Call, name: str, entry_id: str):
    from ..services import queues
    b = call.body
    window = TimeFrame.of(b.window_start, b.window_end) if b.window_start else None
    return views.queue_entry(queues.resolve(bootstrap.repos(), call.caller, name, entry_id, Outcome(b.outcome), note=b.note,
                                            reason=b.reason, window=window))
