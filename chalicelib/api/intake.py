"""Order intake from sales channels, and the classification rules that route the orders."""
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from .. import bootstrap
from ..domain.people import Role
from .routing import Call, endpoint

if TYPE_CHECKING:
    from ..domain.intake import Classification, Order

bp = Blueprint(__name__)


def _order_out(o: "Order") -> dict:
    from .intake_schemas import OrderOut
    return OrderOut(id=o.id, job_id=o.job_id, status=o.status, reasons=o.reasons, priority=o.priority,
                    location_id=o.location_id, queue=o.queue).model_dump(mode="json")


@endpoint(bp, "POST", "/orders", "An order from a sales channel: classified, checked, and a job when eligible",
          roles=(Role.DISPATCHER, Role.INTAKE), body="intake_schemas.OrderIn", response="intake_schemas.OrderOut",
          status=201)
def post_order(call: Call):
    from ..domain.intake import Order, OrderCustomer
    from ..domain.values import TimeFrame
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


def _classification_out(c: "Classification") -> dict:
    return {"rules": [{"match": {"service_type": r.match.service_type, "customer_type": r.match.customer_type,
                                 "region": r.match.region, "words": list(r.match.words)},
                       "priority": r.priority, "location_id": r.location_id, "queue": r.queue} for r in c.rules],
            "eligibility": {"regions": list(c.eligibility.regions) if c.eligibility.regions is not None else None,
                            "required": list(c.eligibility.required)}}


@endpoint(bp, "GET", "/settings/classification", "The intake rules: classification (first match wins) and eligibility",
          roles=(Role.DISPATCHER,), response="intake_schemas.ClassificationOut")
def get_classification(call: Call):
    from ..services import intake
    return _classification_out(intake.classification(bootstrap.repos(), call.caller))


@endpoint(bp, "PUT", "/settings/classification", "Replace the intake rules", roles=(Role.DISPATCHER,),
          body="intake_schemas.ClassificationIn", response="intake_schemas.ClassificationOut")
def put_classification(call: Call):
    from ..domain.intake import Classification, Eligibility, Match, Rule
    from ..services import intake
    b = call.body
    rules = Classification(
        tuple(Rule(Match(r.match.service_type, r.match.customer_type, r.match.region, tuple(r.match.words)),
                   r.priority, r.location_id, r.queue) for r in b.rules),
        Eligibility(tuple(b.eligibility.regions) if b.eligibility.regions is not None else None,
                    tuple(b.eligibility.required)))
    return _classification_out(intake.update_classification(bootstrap.repos(), call.caller, rules))
