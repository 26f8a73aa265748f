"""Request and response models of /settings/channels (docs/api.md); also the OpenAPI document's schemas."""
from typing import Annotated

from pydantic import EmailStr, Field

from . import schemas as s

Name = Annotated[str, Field(min_length=1, max_length=512)]


class TemplateIn(s.In):
    name: Name
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")] = "en_US"
    parameters: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=10)] = []


class ChannelsIn(s.In):
    whatsapp_phone_number_id: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    whatsapp_templates: Annotated[dict[Annotated[str, Field(max_length=40)], TemplateIn], Field(max_length=20)] | None \
        = Field(None, description="scenario (or free_text) → approved template; parameters are scenario variables")
    email_from: EmailStr | None = None
    confirmation_chain: Annotated[list[Annotated[str, Field(max_length=20)]], Field(min_length=1, max_length=20)] \
        | None = Field(None, description="e.g. [whatsapp, wait 2h, sms, wait 2h, voice_task, wait 24h, hand_back]; "
                                         "applies to appointments booked after the change")


class ChannelsOut(s.Model):
    whatsapp_phone_number_id: str | None
    email_from: str | None
    whatsapp_templates: dict
    confirmation_chain: list[str]
