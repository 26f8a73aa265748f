"""Schemas of the day board (GET /appointments), a job's visits with their actions (GET /jobs/{id}/appointments)
and the inbox with whom each message is from. Kept apart from schemas.py, which they build on."""
from datetime import datetime
from typing import ClassVar

from pydantic import Field

from .inbox_schemas import InboxItemOut
from .jobs_schemas import AppointmentOut, DayQuery
from .schemas import In, Out
from .staff_schemas import ColleagueOut


class BoardQuery(DayQuery):
    listed: ClassVar[bool] = False  # the answer is {date, time_zone, now, items, next_token}, described by BoardOut


class NoQuery(In):
    """A list that takes no parameter: it is whole (a job's few visits)."""


class BoardCustomerOut(Out):
    id: str
    name: str
    phone_masked: str = Field(description="the customer's number with all but its last four digits hidden")


class BoardJobOut(Out):
    id: str
    customer_id: str
    status: str
    description: str
    priority: str
    version: int


class VisitOut(AppointmentOut):
    actions: list[str] = Field(description="the status actions (POST /appointments/{id}/status) the status machine "
                                           "allows now; any other is refused with invalid_transition")
    editable: bool = Field(description="whether the visit may be moved, (re)assigned, offered frames or deleted")
    late: bool = Field(description="the technician is past the window: not yet started at its end, or expected "
                                   "after it")


class BoardVisitOut(VisitOut):
    job: BoardJobOut
    customer: BoardCustomerOut | None


class BoardOut(Out):
    date: str = Field(description="the day shown, in the organization's time zone")
    time_zone: str
    now: datetime
    items: list[BoardVisitOut] = Field(description="every visit whose window starts that day, in window order")
    next_token: None = None


class InboxEntryOut(InboxItemOut):
    customer_name: str | None = Field(default=None, description="who wrote: the customer's contact (`contact_id`), "
                                      "else the customer of the job")
    customer_phone_masked: str | None = None
    contact_id: str | None = Field(default=None, description="the customer's contact who wrote; null: the customer")
    author: ColleagueOut | None = Field(default=None, description="the colleague who wrote (a staff message); "
                                        "null: the customer wrote, or the customer's page (an estimate's answer)")
