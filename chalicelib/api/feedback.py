"""The customers' ratings, for the dispatcher."""
from datetime import timedelta

from chalice import Blueprint

from .. import clock
from ..domain.errors import ValidationError
from ..domain.people import Role
from ..services.jobs import local_day
from . import schemas as s
from .routing import Call, endpoint, repos

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/feedback", "Ratings given on the feedback page, oldest first (?from=&to= days)",
          roles=(Role.DISPATCHER,), query=s.FeedbackQuery, response=s.FeedbackOut)
def list_feedback(call: Call):
    q = call.query
    tz = repos.organizations.get(call.caller.org_id).time_zone
    end = local_day(q.to, tz)[1] if q.to else clock.now() + timedelta(seconds=1)
    start = local_day(q.from_, tz)[0] if q.from_ else end - timedelta(days=30)
    if start >= end:
        raise ValidationError("from", "must be on or before `to`")
    page = repos.feedback.between(call.caller.org_id, start, end, q.limit, q.next_token)
    return {"items": [{"job_id": f.job_id, "rating": f.rating, "comment": f.comment,
                       "created_at": f.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")} for f in page.items],
            "next_token": page.next_token}
