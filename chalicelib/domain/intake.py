"""Order intake (seed 003): sales channels post service orders; each organization's rules, held as data,
classify them (priority, location, queue) and check their eligibility. First matching rule wins; no
match, or an ineligible order, lands in the `intake` queue for a person to handle."""
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .errors import ValidationError
from .values import TimeFrame

PRIORITIES = ("low", "normal", "high", "emergency")
# What `eligibility.required` may name: fields an order may leave out.
OPTIONAL_FIELDS = ("customer.email", "customer_type", "region", "postal_code", "coordinates", "windows")
MAX_RULES = 100


class OrderStatus(StrEnum):
    ACCEPTED = "accepted"  # a job, classified by a rule
    INTAKE = "intake"  # in the intake queue, for a person to handle


@dataclass(frozen=True)
class Match:
    """Every given condition must hold; `words`: any of them, as a whole word of the description."""
    service_type: str | None = None
    customer_type: str | None = None
    region: str | None = None
    words: tuple[str, ...] = ()

    def holds(self, order: "Order") -> bool:
        def same(want: str | None, have: str | None) -> bool:
            return want is None or (have is not None and want.casefold() == have.casefold())
        if not (same(self.service_type, order.service_type) and same(self.customer_type, order.customer_type)
                and same(self.region, order.region)):
            return False
        return not self.words or any(re.search(rf"\b{re.escape(w)}\b", order.description, re.IGNORECASE)
                                     for w in self.words)


@dataclass(frozen=True)
class Rule:
    match: Match
    priority: str | None = None
    location_id: str | None = None
    queue: str | None = None  # `intake`: a person assigns it; otherwise where the job's visit is worked


@dataclass(frozen=True)
class Eligibility:
    regions: tuple[str, ...] | None = None  # None: every region is served
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Classification:
    rules: tuple[Rule, ...] = ()
    eligibility: Eligibility = Eligibility()

    def validate(self, queues: set[str]) -> None:
        if len(self.rules) > MAX_RULES:
            raise ValidationError("rules", f"at most {MAX_RULES} rules")
        for n, rule in enumerate(self.rules):
            if rule.priority is not None and rule.priority not in PRIORITIES:
                raise ValidationError(f"rules.{n}.priority", f"must be one of {', '.join(PRIORITIES)}")
            if rule.queue is not None and rule.queue not in queues:
                raise ValidationError(f"rules.{n}.queue", f"must be one of {', '.join(sorted(queues))}")
        for name in self.eligibility.required:
            if name not in OPTIONAL_FIELDS:
                raise ValidationError("eligibility.required", f"{name!r} is not one of {', '.join(OPTIONAL_FIELDS)}")


@dataclass(frozen=True)
class OrderCustomer:
    name: str
    phone: str | None
    email: str | None = None
    channel: str | None = None  # preferred channel: sms, whatsapp, email


@dataclass
class Order:
    org_id: str
    channel: str
    reference: str
    customer: OrderCustomer
    service_type: str
    description: str
    address: str
    received_at: datetime
    customer_type: str | None = None
    region: str | None = None
    postal_code: str | None = None
    coordinates: tuple[float, float] | None = None
    windows: list[TimeFrame] = field(default_factory=list)
    # the outcome
    status: OrderStatus | None = None
    reasons: list[str] = field(default_factory=list)
    job_id: str | None = None
    priority: str = "normal"
    location_id: str | None = None
    queue: str | None = None

    @property
    def id(self) -> str:
        return order_id(self.channel, self.reference)

    def present(self, name: str) -> bool:
        return {"customer.email": self.customer.email, "customer_type": self.customer_type, "region": self.region,
                "postal_code": self.postal_code, "coordinates": self.coordinates,
                "windows": self.windows}[name] not in (None, "", [])


def order_id(channel: str, reference: str) -> str:
    """The same (channel, reference) is the same order, whoever sends it and however often."""
    return "ord_" + hashlib.sha256(json.dumps([channel, reference]).encode()).hexdigest()[:20]


def job_id_of_order(order: str) -> str:
    """The order's job (if it becomes one) has the matching id, and its partition holds the order."""
    return "job_" + order.removeprefix("ord_")


def ineligible(order: Order, rules: Eligibility) -> list[str]:
    """Why the order cannot go ahead on its own (empty: eligible)."""
    reasons = [f"missing {name}" for name in rules.required if not order.present(name)]
    if rules.regions is not None:
        served = {r.casefold() for r in rules.regions}
        if not order.region:
            reasons.append("no region: cannot tell whether it is served")
        elif order.region.casefold() not in served:
            reasons.append(f"region {order.region} is not served")
    return reasons


def classify(order: Order, rules: tuple[Rule, ...]) -> Rule | None:
    return next((rule for rule in rules if rule.match.holds(order)), None)
