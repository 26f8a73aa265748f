"""Request and response models of the work queues (api/queues.py); also the OpenAPI document's schemas."""
from datetime import datetime
from typing import Annotated

from pydantic import Field, model_validator

from ..domain.queues import EntryState, Outcome
from .jobs_schemas import AppointmentOut
from .schemas import In, Model, Moment, PageQuery, in_order, one_of


class QueueQuery(PageQuery):
    state: one_of(EntryState) | None = Field(
        default=None, description="without it: what is still to work (open and claimed), oldest waiting first")


class ResolveIn(In):
    outcome: one_of(Outcome)
    note: Annotated[str, Field(max_length=2000)] | None = None
    reason: Annotated[str, Field(min_length=1, max_length=500)] | None = Field(
        default=None, description="why the customer said no (outcome rejected)")
    window_start: Moment | None = Field(default=None, description="the new window (outcome reschedule)")
    window_end: Moment | None = None

    @model_validator(mode="after")
    def _window(self):
        if (self.window_start is None) != (self.window_end is None):
            raise ValueError("send both window_start and window_end")
        if self.window_start:
            in_order(self.window_start, self.window_end, "window_start", "window_end")
        return self


class QueueItemOut(Model):
    """A queue entry; in a list, with the appointment it is about as it is now."""
    id: str
    job_id: str | None = Field(description="null on an intake entry whose order made no job (see `order_id`)")
    order_id: str | None = None
    appointment_id: str | None
    queue: str
    reason: str
    state: one_of(EntryState)
    created_at: datetime
    updated_at: datetime
    claimed_by: str | None
    outcome: str | None
    note: str | None
    closed_by: str | None = Field(description="who closed it: a user id, or `system` when it closed by itself")
    appointment: AppointmentOut | None = None
