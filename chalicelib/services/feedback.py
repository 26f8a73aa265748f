"""The customers' ratings, for the dispatcher (given on the feedback page or by a RATE reply)."""
from datetime import timedelta

from .. import clock
from ..domain.errors import ValidationError
from ..domain.feedback import Feedback
from ..domain.lists import Page
from ..domain.people import Role
from .access import Caller
from .jobs import local_day
from .repositories import Repositories

DEFAULT_DAYS = 30


def ratings(repos: Repositories, caller: Caller, from_: str | None, to: str | None, limit: int,
            next_token: str | None) -> Page[Feedback]:
    """Given between the days `from_` and `to` of the organization (both included), oldest first; by
    default the last 30 days up to now."""
    caller.require(Role.DISPATCHER)
    tz = repos.organizations.get(caller.org_id).time_zone
    end = local_day(to, tz)[1] if to else clock.now() + timedelta(seconds=1)
    start = local_day(from_, tz)[0] if from_ else end - timedelta(days=DEFAULT_DAYS)
    if start >= end:
        raise ValidationError("from", "must be on or before `to`")
    return repos.feedback.between(caller.org_id, start, end, limit, next_token)
