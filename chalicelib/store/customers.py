from ..domain.consent import given_with
from ..domain.customers import Customer
from ..domain.errors import Conflict, NotFound
from . import keys
from .consent import item as consent_item
from .db import conditional, get_or_404, transaction
from .mapping import customer_item, customer_of
from .models import CustomerItem, Entity, bind


class Customers:
    def get(self, org_id: str, customer_id: str) -> Customer:
        return customer_of(get_or_404(CustomerItem, keys.org(org_id), f"CUST#{customer_id}", "customer"))

    def get_many(self, org_id: str, customer_ids: set[str]) -> dict[str, Customer]:
        bind()
        found = CustomerItem.batch_get([(keys.org(org_id), f"CUST#{c}") for c in customer_ids])
        return {c.customer_id: customer_of(c) for c in found}

    def by_phone(self, org_id: str, phone: str) -> Customer | None:
        """The organization's customer with this number (the newest, if several share it)."""
        bind()
        found = [customer_of(i) for i in Entity.gsi1.query(keys.phone_index(org_id, phone))
                 if isinstance(i, CustomerItem)]  # a contact's number is on the same index
        return max(found, key=lambda c: c.created_at) if found else None

    def save(self, customer: Customer) -> None:
        bind()
        with conditional(NotFound("customer")):
            customer_item(customer).save(condition=Entity.pk.exists())

    def add(self, customer: Customer) -> None:
        """With the opt-ins the customer came with (domain/consent.given_with), all or nothing."""
        with transaction(Conflict("customer already exists")) as tx:
            tx.save(customer_item(customer), condition=Entity.pk.does_not_exist())
            for record in given_with(customer):
                tx.save(consent_item(record))
