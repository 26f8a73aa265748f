"""Query and response models of GET /analytics and GET /analytics/cost (docs/api.md "Work queues, inbox,
analytics"); also the OpenAPI document's schemas."""
from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field, ValidationInfo, field_validator

from ..domain import values
from ..domain.analytics import GROUP_BY, SPLIT_BY
from .schemas import In, Model, domain_rule, one_of

MAX_DAYS = 366


# In the API's sane range (2000-2100): a day at the calendar's edge cannot be stepped from (30 days back).
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$",
                           description="a day of the organization, YYYY-MM-DD, 2000-01-01 to 2100-12-31"),
                domain_rule(values.calendar_day)]


class RangeQuery(In):
    """`from` and `to` are days of the organization (both included); by default the last 30 days."""
    listed: ClassVar[bool] = False  # one report, not a page of a list
    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None

    @field_validator("to")
    @classmethod
    def _range(cls, to: date | None, info: ValidationInfo):
        first = info.data.get("from_")
        if to is not None and first is not None:
            if to < first:
                raise ValueError("must not be before from")
            if (to - first).days + 1 > MAX_DAYS:
                raise ValueError(f"the range may span at most {MAX_DAYS} days")
        return to


class AnalyticsQuery(RangeQuery):
    group_by: one_of(GROUP_BY) = "day"
    split: one_of(SPLIT_BY) | None = Field(None, description="with group_by day or week: each group split by "
                                                                "channel, location or technician too")

    @field_validator("split")
    @classmethod
    def _split(cls, split: str | None, info: ValidationInfo):
        if split is not None and info.data.get("group_by") not in ("day", "week"):
            raise ValueError("may be given only with group_by day or week")
        return split


class CostQuery(RangeQuery):
    """The days whose counted texts price the SMS part."""


class FeedbackSummaryOut(Model):
    count: int
    average: float | None


class AnalyticsFiguresOut(Model):
    key: str = Field(description="the day, ISO week (2026-W49), channel, location id or technician id")
    name: str | None = Field(None, description="a technician's group (or split part): the technician's name "
                                               "(null: `unassigned`)")
    texts: dict[str, dict[str, int]] = Field(description="texts by scenario, then by each status they entered")
    segments: int = Field(description="SMS segments of the texts sent")
    appointments: int = Field(description="appointments booked")
    asked: int = Field(description="appointments sent a text asking for a reply (confirmation, reminder)")
    replied: int = Field(description="of those asked, appointments whose customer wrote back")
    reply_rate: float | None = Field(description="replied / asked")
    inbound: int = Field(description="customer messages received")
    confirmed: int = Field(description="of those asked, appointments confirmed")
    confirmation_rate: float | None = Field(description="confirmed / asked")
    time_to_confirm_minutes: float | None = Field(description="average, from booking (window set) to confirmed")
    escalations: int
    escalation_outcomes: dict[str, int]
    rejections: dict[str, int] = Field(description="by reason category")
    auto_cancels: int
    no_shows: int = Field(description="appointments not started by the end of their window")
    feedback: FeedbackSummaryOut


class AnalyticsGroupOut(AnalyticsFiguresOut):
    split: list[AnalyticsFiguresOut] | None = Field(
        None, description="with `split`: the group's figures by each channel, location or technician counted in it")


class AnalyticsOut(Model):
    model_config = {"populate_by_name": True}
    from_: date = Field(alias="from")
    to: date
    group_by: str
    split: str | None = None
    groups: list[AnalyticsGroupOut]
    total: AnalyticsGroupOut


class CostOut(Model):
    per_1000_appointments_usd: float
    breakdown: dict[str, dict[str, float | int | str | None]]
    prices_as_of: str
    basis: dict[str, float | int | str | None]
