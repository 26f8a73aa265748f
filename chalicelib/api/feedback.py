"""The customers' ratings, for the dispatcher."""
from chalice import Blueprint

from .. import bootstrap
from ..domain.people import Role
from .routing import Call, endpoint

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/feedback", "Ratings given on the feedback page, oldest first (?from=&to= days)",
          roles=(Role.DISPATCHER,), query="feedback_schemas.FeedbackQuery", response="feedback_schemas.FeedbackOut")
def list_feedback(call: Call):
    from ..services import feedback
    q = call.query
    page = feedback.ratings(bootstrap.repos(), call.caller, q.from_, q.to, q.limit, q.next_token)
    return {"items": [{"job_id": f.job_id, "rating": f.rating, "comment": f.comment,
                       "created_at": f.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")} for f in page.items],
            "next_token": page.next_token}
