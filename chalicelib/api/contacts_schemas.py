"""Request and response models of a customer's contacts and a job's recipients (api/contacts.py); also the
OpenAPI document's schemas."""
from datetime import datetime
from typing import Annotated

from pydantic import Field

from ..domain.contacts import MAX_CONTACTS, MAX_ROLE
from .schemas import Id, In, Out, Phone, Text

Email = Annotated[str, Field(max_length=254, description="checked by email-validator (no DNS lookup)")]
Role = Annotated[str, Field(max_length=MAX_ROLE, description="as the company calls them: tenant, site manager")]


class ContactIn(In):
    """A phone or an email (or both)."""
    name: Text
    phone: Phone | None = None
    email: Email | None = None
    role: Role | None = None
    notify: bool = Field(default=True, description="a recipient of the customer's jobs unless a job names its own")


class ContactPatch(In):
    """The fields to change; `phone`, `email` and `role` may be null (removed), as long as a phone or an email
    stays; `name` and `notify` may be left out but not null."""
    name: Text = None
    phone: Phone | None = None
    email: Email | None = None
    role: Role | None = None
    notify: bool = None


class ContactOut(Out):
    id: str
    customer_id: str
    name: str
    phone: str | None
    email: str | None
    role: str | None
    notify: bool
    primary: bool = Field(description="the customer's own number: always a recipient, never removed")
    opted_out: bool = Field(description="their phone texted STOP (their own consent, not the customer's)")
    prefers_email: bool = Field(default=False, description="chose on their page to get the texts by email")
    invited_at: datetime | None


class ContactsOut(Out):
    items: list[ContactOut]


class RecipientsIn(In):
    contact_ids: Annotated[list[Id], Field(max_length=MAX_CONTACTS + 1,
                                           description="the customer's contacts to text besides its own number")]


class RecipientsOut(Out):
    job_id: str
    contact_ids: list[str] = Field(description="the customer's own contact first, then the chosen ones")
    contacts: list[ContactOut]
