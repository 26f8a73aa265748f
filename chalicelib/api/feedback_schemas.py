"""Query and response models of the customers' ratings (api/feedback.py; a job and the feedback page
show them too); also the OpenAPI document's schemas."""
from datetime import datetime

from pydantic import Field

from .schemas import Day, Out, PageQuery


class FeedbackQuery(PageQuery):
    """Days in the organization's zone (YYYY-MM-DD), `to` included; default: the last 30 days."""
    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None


class FeedbackOut(Out):
    """The customer's rating from the feedback page."""
    job_id: str
    rating: int
    comment: str | None
    created_at: datetime
