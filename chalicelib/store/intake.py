"""Orders (one per channel and reference) and the classification rules, each one item as JSON."""
import json
from dataclasses import asdict
from datetime import datetime

from pynamodb.exceptions import PutError

from ..domain.intake import Classification, Eligibility, Match, Order, OrderCustomer, Rule, job_id_of_order
from ..domain.values import TimeFrame
from . import keys
from .models import ClassificationItem, Entity, OrderItem, bind

ORDER_SK = "ORDER"
CLASSIFICATION_SK = "SETTINGS#classification"


def _document(o: Order) -> str:
    data = asdict(o)
    data["received_at"] = keys.stamp(o.received_at)
    data["windows"] = [[keys.stamp(w.start), keys.stamp(w.end)] for w in o.windows]
    return json.dumps(data)


def _order(document: str) -> Order:
    data = json.loads(document)
    data["customer"] = OrderCustomer(**data["customer"])
    data["received_at"] = datetime.fromisoformat(data["received_at"])
    data["windows"] = [TimeFrame(datetime.fromisoformat(s), datetime.fromisoformat(e)) for s, e in data["windows"]]
    data["coordinates"] = tuple(data["coordinates"]) if data["coordinates"] else None
    return Order(**data)


class Orders:
    def _item(self, o: Order) -> OrderItem:
        return OrderItem(pk=keys.job(o.org_id, job_id_of_order(o.id)), sk=ORDER_SK, org_id=o.org_id,
                         order_id=o.id, document=_document(o), created_at=o.received_at)

    def claim(self, order: Order) -> Order | None:
        """Record a new order; if this (channel, reference) came before, the order as first recorded."""
        bind()
        try:
            self._item(order).save(condition=Entity.pk.does_not_exist())
            return None
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
        return _order(OrderItem.get(keys.job(order.org_id, job_id_of_order(order.id)), ORDER_SK).document)

    def save(self, order: Order) -> None:
        bind()
        self._item(order).save()


class ClassificationSettings:
    def get(self, org_id: str) -> Classification:
        bind()
        try:
            data = json.loads(ClassificationItem.get(keys.org(org_id), CLASSIFICATION_SK).document)
        except ClassificationItem.DoesNotExist:
            return Classification()
        rules = tuple(Rule(Match(**{**r["match"], "words": tuple(r["match"]["words"])}),
                           r["priority"], r["location_id"], r["queue"]) for r in data["rules"])
        e = data["eligibility"]
        return Classification(rules, Eligibility(tuple(e["regions"]) if e["regions"] is not None else None,
                                                 tuple(e["required"])))

    def save(self, org_id: str, c: Classification) -> None:
        bind()
        ClassificationItem(pk=keys.org(org_id), sk=CLASSIFICATION_SK, document=json.dumps(asdict(c))).save()
