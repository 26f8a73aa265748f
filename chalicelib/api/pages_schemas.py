"""Request and response models of the customer's pages (api/pages.py), validated by
domain/customer_page.py for forms and JSON alike; also the OpenAPI document's schemas."""
from datetime import datetime
from typing import Annotated

from pydantic import Field

from ..domain.customer_page import MAX_ACCESS_NOTE, MAX_REASON, MAX_REPLY, Action
from ..domain.feedback import MAX_COMMENT
from ..domain.messages import Direction
from .jobs_schemas import AccessNotesOut
from .schemas import In, Model, one_of


class PageReplyIn(In):
    body: Annotated[str, Field(min_length=1, max_length=MAX_REPLY)]
    nonce: Annotated[str, Field(description="the form's one-time key: a double submit sends one message")] | None = None
    recipients: list[str] | None = Field(default=None, description="the job's other recipients (contact ids, from "
                                         "`recipients` of the page) the words also go to, by text; left out: the "
                                         "company only")


class PageEmailIn(In):
    email: Annotated[str, Field(max_length=254, description="checked by email-validator (no DNS lookup)")]
    by_email: bool = Field(default=False, description="the job's texts by email instead of SMS")


class PageCancelIn(In):
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON)]


Note = Annotated[str, Field(max_length=MAX_ACCESS_NOTE)] | None


class AccessNotesIn(In):
    """Each up to 200 characters; a field left out stays as it was, an empty one is cleared."""
    gate_code: Note = None
    pets: Note = None
    parking: Note = None
    other: Note = Field(default=None, description="anything else the technician should know")


class PageFeedbackIn(In):
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, Field(max_length=MAX_COMMENT)] | None = None


class PagePositionOut(Model):
    lat: float
    lon: float
    updated_at: datetime
    updated: str


class PageMessageOut(Model):
    direction: one_of(Direction)
    from_: str = Field(serialization_alias="from")
    to: str = Field(description="whom it went to: you, or the company and the people it was also sent to")
    body: str
    created_at: datetime
    when: str
    goes_at: datetime | None = Field(default=None, description="a text held for the end of quiet hours: when it goes")


class PageFeedbackOut(Model):
    rating: int
    comment: str | None
    created_at: datetime


class PageTechnicianOut(Model):
    first_name: str
    photo_url: str | None = Field(description="the technician's photo, by a URL valid 15 minutes; null without one")


class PageExpectedOut(Model):
    start: datetime
    end: datetime


class PageEstimateLineOut(Model):
    id: str
    description: str
    amount_cents: int
    amount_text: str = Field(description='"$120.00"')
    optional: bool
    decision: str = Field(description="pending, approved or declined")
    decided_at: datetime | None


class PageEstimateOut(Model):
    """An estimate as its customer sees it (no author, nothing internal)."""
    id: str
    currency: str
    status: str = Field(description="sent (a line still pending), approved, partly_approved or declined")
    note: str | None
    comment: str | None
    total_cents: int
    approved_cents: int
    total_text: str
    approved_text: str
    created_at: datetime
    lines: list[PageEstimateLineOut]


class PageRecipientOut(Model):
    id: str
    name: str
    role: str | None


class CustomerStatusOut(Model):
    """The visit as its customer sees it: `position` only while the technician is on the way to it."""
    company: str
    window_start: datetime
    window_end: datetime
    window_text: str
    status: str
    status_text: str
    technician_first_name: str | None
    technician: PageTechnicianOut | None = Field(default=None, description="who is coming: first name and photo "
                                                 "(never the last name or phone); null until assigned")
    visit_code: str | None = Field(default=None, description="four digits the technician gives at the door (the "
                                   "same the technician's app shows); null before the visit's day, in the "
                                   "customer's zone")
    eta: datetime | None
    eta_text: str | None
    expected: PageExpectedOut | None = Field(default=None, description="the narrowed arrival window told the "
                                             "customer (scenario window_narrowed), until the technician arrives or "
                                             "it is over")
    expected_text: str | None = Field(default=None, description='"between 10:30am and 11:30am", in the customer\'s '
                                      "zone")
    position: PagePositionOut | None
    distance_text: str | None
    maps_url: str | None
    messages: list[PageMessageOut]
    actions: list[one_of(Action)]
    live: bool
    poll_seconds: int
    feedback: PageFeedbackOut | None
    calendar_url: str | None = Field(default=None, description="the visit's calendar file (GET /c/{token}/"
                                     "calendar.ics); null on a feedback link")
    access_notes: AccessNotesOut | None = Field(default=None, description="what the customer left for the "
                                                "technician (PUT /c/{token}/access-notes); null on a feedback link")
    recipients: list[PageRecipientOut] = Field(default_factory=list, description="the job's other people a reply "
                                               "may also go to (`recipients` of POST /c/{token}/reply)")
    original: PageMessageOut | None = Field(default=None, description="the text this link came with")
    estimates: list[PageEstimateOut] | None = Field(default=None, description="on an estimate link only: the "
                                                    "job's estimates, newest first")
