"""Request and response models of POST /orders and /settings/classification (docs/api.md); also the OpenAPI
document's schemas."""
from typing import Annotated

from pydantic import EmailStr, Field, model_validator

from ..domain.customers import ContactChannel
from ..domain.intake import OPTIONAL_FIELDS, PRIORITIES, OrderStatus
from ..domain.queues import QueueName
from . import schemas as s

Name = Annotated[str, Field(min_length=1, max_length=100)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
RequiredField = s.one_of(OPTIONAL_FIELDS)


class OrderCustomerIn(s.In):
    name: s.Text
    phone: s.Phone | None = None
    email: EmailStr | None = None
    channel: s.one_of(ContactChannel) | None = Field(None, description="the customer's preferred channel")

    @model_validator(mode="after")
    def _reachable(self):
        if not self.phone and not self.email:
            raise ValueError("give a phone or an email")
        return self


class CoordinatesIn(s.In):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


class OrderIn(s.In):
    channel: Slug = Field(description="the sales channel: telesales, portal, crm, ...")
    reference: Name = Field(description="the order's id in that channel: the same pair again creates nothing")
    customer: OrderCustomerIn
    customer_type: Name | None = None
    service_type: Name
    description: s.LongText
    address: Annotated[str, Field(min_length=1, max_length=500)]
    coordinates: CoordinatesIn | None = None
    postal_code: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    region: Name | None = None
    windows: Annotated[list[s.FrameIn], Field(max_length=10)] = []


class OrderOut(s.Model):
    id: str
    job_id: str | None
    status: s.one_of(OrderStatus)
    reasons: list[str]
    priority: str
    location_id: str | None
    queue: str | None


class MatchIn(s.In):
    service_type: Name | None = None
    customer_type: Name | None = None
    region: Name | None = None
    words: Annotated[list[Name], Field(max_length=50)] = []


class RuleIn(s.In):
    match: MatchIn
    priority: s.one_of(PRIORITIES) | None = None
    location_id: s.Id | None = None
    queue: s.one_of(QueueName) | None = None


class EligibilityIn(s.In):
    regions: Annotated[list[Name], Field(max_length=500)] | None = None
    required: list[RequiredField] = []


class ClassificationIn(s.In):
    rules: Annotated[list[RuleIn], Field(max_length=100)] = []
    eligibility: EligibilityIn = Field(default_factory=EligibilityIn)  # not an instance: built on first use


class ClassificationOut(s.Model):
    rules: list[dict]
    eligibility: dict
