from ..domain.consent import given_with
from ..domain.customers import Customer
from ..domain.errors import Conflict, NotFound
from . import keys
from .consent import item as consent_item
from .db import conditional, get_or_404, transaction
from .models import CoordinatesMap, CustomerItem, Entity, bind


def _item(c: Customer) -> CustomerItem:
    return CustomerItem(pk=keys.org(c.org_id), sk=f"CUST#{c.id}", org_id=c.org_id, customer_id=c.id, name=c.name,
                        phone=c.phone, email=c.email, time_zone=c.time_zone, address=c.address,
                        coordinates=CoordinatesMap(lat=c.coordinates[0], lon=c.coordinates[1]) if c.coordinates else None,
                        opted_out=c.opted_out, opted_out_at=c.opted_out_at, opt_out_source=c.opt_out_source,
                        created_at=c.created_at, preferred_channel=c.preferred_channel,
                        whatsapp_inbound_at=c.whatsapp_inbound_at, region=c.region,
                        gsi1pk=keys.phone_index(c.org_id, c.phone) if c.phone else None,
                        gsi1sk=f"CUST#{c.id}" if c.phone else None)


def _customer(i: CustomerItem) -> Customer:
    return Customer(id=i.customer_id, org_id=i.org_id, name=i.name, phone=i.phone, email=i.email,
                    time_zone=i.time_zone, address=i.address,
                    coordinates=(float(i.coordinates.lat), float(i.coordinates.lon)) if i.coordinates else None,
                    opted_out=bool(i.opted_out), opted_out_at=i.opted_out_at,
                    opt_out_source=i.opt_out_source, created_at=i.created_at,
                    preferred_channel=i.preferred_channel or "sms", whatsapp_inbound_at=i.whatsapp_inbound_at,
                    region=i.region)


class Customers:
    def get(self, org_id: str, customer_id: str) -> Customer:
        return _customer(get_or_404(CustomerItem, keys.org(org_id), f"CUST#{customer_id}", "customer"))

    def get_many(self, org_id: str, customer_ids: set[str]) -> dict[str, Customer]:
        bind()
        found = CustomerItem.batch_get([(keys.org(org_id), f"CUST#{c}") for c in customer_ids])
        return {c.customer_id: _customer(c) for c in found}

    def by_phone(self, org_id: str, phone: str) -> Customer | None:
        """The organization's customer with this number (the newest, if several share it)."""
        bind()
        found = [_customer(i) for i in Entity.gsi1.query(keys.phone_index(org_id, phone))]
        return max(found, key=lambda c: c.created_at) if found else None

    def save(self, customer: Customer) -> None:
        bind()
        with conditional(NotFound("customer")):
            _item(customer).save(condition=Entity.pk.exists())

    def add(self, customer: Customer) -> None:
        """With the opt-ins the customer came with (domain/consent.given_with), all or nothing."""
        with transaction(Conflict("customer already exists")) as tx:
            tx.save(_item(customer), condition=Entity.pk.does_not_exist())
            for record in given_with(customer):
                tx.save(consent_item(record))
