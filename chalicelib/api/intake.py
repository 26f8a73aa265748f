"""Order intake from sales channels, and the classification rules that route the orders."""
from typing import Annotated

from chalice import Blueprint, Response
from pydantic import EmailStr, Field, model_validator

from .. import bootstrap
from ..domain.customers import ContactChannel
from ..domain.intake import (
    OPTIONAL_FIELDS,
    PRIORITIES,
    Classification,
    Eligibility,
    Match,
    Order,
    OrderCustomer,
    OrderStatus,
    Rule,
)
from ..domain.people import Role
from ..domain.queues import QueueName
from ..domain.values import TimeFrame
from . import schemas as s
from .routing import Call, endpoint

bp = Blueprint(__name__)
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


def _order_out(o: Order) -> dict:
    return OrderOut(id=o.id, job_id=o.job_id, status=o.status, reasons=o.reasons, priority=o.priority,
                    location_id=o.location_id, queue=o.queue).model_dump(mode="json")


@endpoint(bp, "POST", "/orders", "An order from a sales channel: classified, checked, and a job when eligible",
          roles=(Role.DISPATCHER, Role.INTAKE), body=OrderIn, response=OrderOut, status=201)
def post_order(call: Call):
    from ..services import intake
    b = call.body
    order = Order(org_id="", channel=b.channel, reference=b.reference,
                  customer=OrderCustomer(b.customer.name, b.customer.phone, b.customer.email, b.customer.channel),
                  service_type=b.service_type, description=b.description, address=b.address, received_at=None,
                  customer_type=b.customer_type, region=b.region, postal_code=b.postal_code,
                  coordinates=(b.coordinates.lat, b.coordinates.lon) if b.coordinates else None,
                  windows=[TimeFrame.of(w.start, w.end) for w in b.windows])
    result, created = intake.receive(bootstrap.repos(), call.caller, order)
    return Response(_order_out(result), status_code=201 if created else 200,
                    headers={"Content-Type": "application/json"})


def _classification_out(c: Classification) -> dict:
    return {"rules": [{"match": {"service_type": r.match.service_type, "customer_type": r.match.customer_type,
                                 "region": r.match.region, "words": list(r.match.words)},
                       "priority": r.priority, "location_id": r.location_id, "queue": r.queue} for r in c.rules],
            "eligibility": {"regions": list(c.eligibility.regions) if c.eligibility.regions is not None else None,
                            "required": list(c.eligibility.required)}}


@endpoint(bp, "GET", "/settings/classification", "The intake rules: classification (first match wins) and eligibility",
          roles=(Role.DISPATCHER,), response=ClassificationOut)
def get_classification(call: Call):
    from ..services import intake
    return _classification_out(intake.classification(bootstrap.repos(), call.caller))


@endpoint(bp, "PUT", "/settings/classification", "Replace the intake rules", roles=(Role.DISPATCHER,),
          body=ClassificationIn, response=ClassificationOut)
def put_classification(call: Call):
    from ..services import intake
    b = call.body
    rules = Classification(
        tuple(Rule(Match(r.match.service_type, r.match.customer_type, r.match.region, tuple(r.match.words)),
                   r.priority, r.location_id, r.queue) for r in b.rules),
        Eligibility(tuple(b.eligibility.regions) if b.eligibility.regions is not None else None,
                    tuple(b.eligibility.required)))
    return _classification_out(intake.update_classification(bootstrap.repos(), call.caller, rules))
