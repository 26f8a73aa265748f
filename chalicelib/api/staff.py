"""Staff messages about a job (issue 25): between the dispatchers and the technicians assigned to its visits,
each in its recipients' inboxes; never a text, never shown to the customer or a provider."""
from chalice import Blueprint

from .. import bootstrap
from ..domain.people import Role
from .routing import Call, endpoint

bp = Blueprint(__name__)
STAFF = (Role.DISPATCHER, Role.TECHNICIAN)


def colleague(user_id: str, people: dict) -> dict:
    u = people.get(user_id)
    role = u and ("dispatcher" if u.has(Role.DISPATCHER) else "technician" if u.has(Role.TECHNICIAN) else None)
    return {"id": user_id, "name": u and u.name, "role": role}


def views(call: Call, messages) -> list[dict]:
    from ..services import staff
    from .staff_schemas import StaffMessageOut
    people = staff.people(bootstrap.repos(), call.caller, {i for m in messages for i in (m.author_id, *m.to)})
    return [StaffMessageOut(id=m.id, job_id=m.job_id, author=colleague(m.author_id, people), body=m.body,
                            to=[colleague(i, people) for i in m.to], created_at=m.created_at).model_dump(mode="json")
            for m in messages]


@endpoint(bp, "POST", "/jobs/{job_id}/staff-messages", "Write to the job's assigned technicians (a dispatcher) or "
          "to the dispatchers (an assigned technician): their inboxes get it; never a text to the customer",
          roles=STAFF, body="staff_schemas.StaffMessageIn", response="staff_schemas.StaffMessageOut", status=201,
          idempotent=True)
def write(call: Call, job_id: str):
    from ..services import staff
    return views(call, [staff.write(bootstrap.repos(), call.caller, job_id, call.body.body, call.body.to)])[0]


@endpoint(bp, "GET", "/jobs/{job_id}/staff-messages", "The job's staff messages the caller may read, oldest first",
          roles=STAFF, query="estimates_schemas.NoQuery", response="staff_schemas.StaffMessageOut")
def of_job(call: Call, job_id: str):
    from ..services import staff
    return {"items": views(call, staff.of_job(bootstrap.repos(), call.caller, job_id)), "next_token": None}
