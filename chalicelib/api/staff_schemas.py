"""Request and response models of staff messages (api/staff.py); also the OpenAPI document's schemas."""
from datetime import datetime
from typing import Annotated

from pydantic import Field

from ..domain.notes import STAFF_BODY
from .schemas import Id, In, Out


class StaffMessageIn(In):
    body: Annotated[str, Field(min_length=1, max_length=STAFF_BODY)]
    to: Id | None = Field(default=None, description="one recipient's user id: by default a dispatcher writes to "
                          "every technician assigned to the job's visits, a technician to every active dispatcher")


class ColleagueOut(Out):
    id: str
    name: str | None
    role: str | None = Field(description="dispatcher or technician")


class StaffMessageOut(Out):
    id: str
    job_id: str
    author: ColleagueOut
    to: list[ColleagueOut]
    body: str
    created_at: datetime
