"""The dispatcher's figures: GET /analytics from the counters the stream handler keeps, and
GET /analytics/cost, the AWS cost per 1,000 appointments from counted use."""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from chalice import Blueprint

from .. import bootstrap, clock
from ..domain.errors import ValidationError
from ..domain.people import Role
from .routing import Call, endpoint

bp = Blueprint(__name__)
DEFAULT_DAYS = 30


def _days(call: Call) -> tuple[date, date]:
    """The query's days, by default the organization's last 30 (today included)."""
    from ..services import people
    from .analytics_schemas import MAX_DAYS
    q = call.query
    if q.from_ and q.to:
        return q.from_, q.to
    today = clock.now().astimezone(ZoneInfo(people.organization(bootstrap.repos(), call.caller).time_zone)).date()
    last = q.to or max(today, q.from_ or today)
    first = q.from_ or last - timedelta(days=DEFAULT_DAYS - 1)
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationError("from", f"the range may span at most {MAX_DAYS} days; send to as well")
    return first, last


@endpoint(bp, "GET", "/analytics", "Texts, replies, confirmations, escalations, rejections, feedback: by day, "
          "week, channel, location or technician (a day or week split by one of the three)", roles=(Role.DISPATCHER,),
          query="analytics_schemas.AnalyticsQuery", response="analytics_schemas.AnalyticsOut")
def get_analytics(call: Call):
    from ..services import analytics
    first, last = _days(call)
    return analytics.report(bootstrap.repos(), call.caller.org_id, first, last, call.query.group_by,
                            call.query.split)


@endpoint(bp, "GET", "/analytics/cost", "AWS cost per 1,000 appointments, from counted use and dated unit prices",
          roles=(Role.DISPATCHER,), query="analytics_schemas.CostQuery", response="analytics_schemas.CostOut")
def get_cost(call: Call):
    from ..services import cost
    first, last = _days(call)
    return cost.of_organization(bootstrap.repos(), call.caller.org_id, first, last)
