"""The dispatcher's day in one call (GET /appointments?date=), a job's visits with the actions each allows
(GET /jobs/{id}/appointments), and the inbox with whom each message is from (GET /inbox answers that)."""
from typing import TYPE_CHECKING

from chalice import Blueprint

from .. import bootstrap
from ..domain.people import Role
from ..domain.values import mask
from . import views
from .routing import Call, endpoint

if TYPE_CHECKING:
    from ..services import day

bp = Blueprint(__name__)


def _visit(v: "day.Visit", with_job: bool) -> dict:
    out = {**views.appointment(v.appointment, access_notes=True), "actions": v.actions, "editable": v.editable, "late": v.late}
    if with_job:
        j, c = v.job, v.customer
        out["job"] = {"id": j.id, "customer_id": j.customer_id, "status": j.status.value, "description": j.description,
                      "priority": j.priority, "version": j.version}
        out["customer"] = c and {"id": c.id, "name": c.name, "phone_masked": mask(c.phone)}
    return out


@endpoint(bp, "GET", "/appointments", "The organization's day: every visit whose window starts that day (default "
          "today, in the organization's zone), with its job, customer and allowed actions, in window order",
          roles=(Role.DISPATCHER,), query="day_schemas.BoardQuery", response="day_schemas.BoardOut")
def board(call: Call):
    from ..services import day
    date, zone, now, visits = day.org_day(bootstrap.repos(), call.caller, call.query.date)
    return {"date": date, "time_zone": zone, "now": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "items": [_visit(v, True) for v in visits], "next_token": None}


@endpoint(bp, "GET", "/jobs/{job_id}/appointments", "A job's appointments, each with the status actions allowed now",
          roles=(Role.DISPATCHER,), query="day_schemas.NoQuery", response="day_schemas.VisitOut")
def job_appointments(call: Call, job_id: str):
    from ..services import day
    return {"items": [_visit(v, False) for v in day.job_visits(bootstrap.repos(), call.caller, job_id)],
            "next_token": None}
