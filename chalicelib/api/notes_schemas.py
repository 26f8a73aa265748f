"""Request and response models of a job's notes, photos and messages (api/notes.py); also the OpenAPI
document's schemas."""
from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field

from ..domain.notes import Visibility as VisibilityName
from ..domain.replies import MAX_BODY
from .schemas import In, LongText, Out, one_of

Visibility = one_of(VisibilityName)


class NoteIn(In):
    text: LongText
    visibility: Visibility = "private"


class MessageIn(In):
    body: Annotated[str, Field(min_length=1, max_length=MAX_BODY)]


class PhotoIn(In):
    content_type: Annotated[str, Field(max_length=50)]
    visibility: Visibility = "private"


class NoteOut(Out):
    id: str
    job_id: str
    author_id: str
    text: str
    visibility: str
    created_at: datetime


class PhotoOut(Out):
    id: str
    job_id: str
    author_id: str
    content_type: str
    visibility: str
    created_at: datetime
    upload_url: str | None = None
    download_url: str | None = None


class MessageOut(Out):
    model_config = ConfigDict(from_attributes=True, defer_build=True, populate_by_name=True)
    id: str
    job_id: str
    appointment_id: str | None
    direction: str
    sender: str = Field(serialization_alias="from")
    recipient: str = Field(serialization_alias="to")
    body: str
    scenario: str | None
    status: str
    segments: int
    error: str | None = Field(description="why a text was not sent, or how it failed")
    author_id: str | None = None
    provider_id: str | None = Field(default=None, description="the SMS provider's message id, for support")
    channel: str = Field(default="sms", description="sms, whatsapp or email: `from` and `to` are its addresses")
    created_at: datetime
    updated_at: datetime
