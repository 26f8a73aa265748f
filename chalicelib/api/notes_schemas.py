"""Request and response models of a job's notes, photos and messages (api/notes.py); also the OpenAPI
document's schemas."""
from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from ..domain.contacts import MAX_CONTACTS
from ..domain.notes import Visibility as VisibilityName
from ..domain.replies import MAX_BODY
from ..domain.scenarios import QUICK_ACTIONS
from .schemas import Id, In, LongText, Out, one_of

Visibility = one_of(VisibilityName)


class NoteIn(In):
    text: LongText
    visibility: Visibility = "private"


QuickAction = one_of(QUICK_ACTIONS)


class MessageIn(In):
    """Words of one's own, or a quick action (seed 002) in the organization's wording: one of the two."""
    body: Annotated[str, Field(min_length=1, max_length=MAX_BODY)] | None = None
    quick_action: QuickAction | None = Field(default=None, description="the organization's text for it (scenario "
                                             "of the same name), naming the job, with a link to its page")
    recipients: Annotated[list[Id], Field(max_length=MAX_CONTACTS + 1)] | None = Field(
        default=None, description="contact ids of the job's customer; left out: the job's recipients")

    @model_validator(mode="after")
    def _one(self):
        if (self.body is None) == (self.quick_action is None):
            raise ValueError("give a body or a quick_action, not both")
        return self


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
    contact_id: str | None = Field(default=None, description="the customer's contact it went to or came from; "
                                                             "null: the customer's own number")
    created_at: datetime
    updated_at: datetime


class MessageSentOut(MessageOut):
    """The message to the first recipient; `copies`: the same words to each other recipient."""
    copies: list[MessageOut] = Field(default_factory=list)
