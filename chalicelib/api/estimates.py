"""A job's estimates (docs/api.md § Estimates): given by the dispatcher or the assigned technician; the customer
decides on the page of the link the stream handler texts (api/pages.py)."""
from chalice import Blueprint

from .. import bootstrap
from .routing import Call, endpoint

bp = Blueprint(__name__)


def view(e) -> dict:
    from .estimates_schemas import EstimateOut
    return EstimateOut.model_validate(e).model_dump(mode="json")


@endpoint(bp, "POST", "/jobs/{job_id}/estimates", "Give the customer an estimate: lines with amounts in cents of "
          "one currency (the stream handler texts the link, scenario estimate_request)",
          body="estimates_schemas.EstimateIn", response="estimates_schemas.EstimateOut", status=201, idempotent=True)
def give(call: Call, job_id: str):
    from ..services import estimates
    return view(estimates.give(bootstrap.repos(), call.caller, job_id, call.body.model_dump()))


@endpoint(bp, "GET", "/jobs/{job_id}/estimates", "A job's estimates, oldest first, each line with its decision",
          query="estimates_schemas.NoQuery", response="estimates_schemas.EstimateOut")
def of_job(call: Call, job_id: str):
    from ..services import estimates
    return {"items": [view(e) for e in estimates.of_job(bootstrap.repos(), call.caller, job_id)], "next_token": None}
