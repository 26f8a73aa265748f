"""A customer's contacts, in a partition of their customer's own (`ORG#{org}#CUST#{customer}` / `CON#{contact}`):
every text of a job reads them, and the organization's partition is already the day's hottest (bench/capacity);
found by phone on the same index as customers."""
from datetime import datetime

from pynamodb.exceptions import UpdateError

from ..domain.consent import ConsentRecord
from ..domain.contacts import Contact, customer_id_of, primary_of
from ..domain.customers import Customer
from ..domain.errors import Conflict, NotFound
from . import keys
from .consent import item as consent_item
from .db import conditional, get_or_404, transaction
from .mapping import customer_of
from .models import ContactItem, CustomerItem, Entity, bind


def contact_key(org_id: str, customer_id: str, contact_id: str) -> tuple[str, str]:
    return keys.customer_contacts(org_id, customer_id), f"CON#{contact_id}"


def _item(c: Contact) -> ContactItem:
    pk, sk = contact_key(c.org_id, c.customer_id, c.id)
    return ContactItem(pk=pk, sk=sk, org_id=c.org_id, customer_id=c.customer_id,
                       contact_id=c.id, name=c.name, phone=c.phone, email=c.email, role=c.role, notify=c.notify,
                       created_at=c.created_at, invited_at=c.invited_at, prefers_email=c.prefers_email or None,
                       gsi1pk=keys.phone_index(c.org_id, c.phone) if c.phone else None,
                       gsi1sk=f"CON#{c.id}" if c.phone else None)


def contact_of(i: ContactItem) -> Contact:
    return Contact(i.contact_id, i.org_id, i.customer_id, i.name, i.phone, i.email, i.created_at, role=i.role,
                   notify=bool(i.notify), invited_at=i.invited_at, prefers_email=bool(i.prefers_email))


class Contacts:
    def of_customer(self, org_id: str, customer_id: str, customer: Customer | None = None) -> list[Contact]:
        if customer is None:
            customer = customer_of(get_or_404(CustomerItem, keys.org(org_id), f"CUST#{customer_id}", "customer"))
        bind()
        found = ContactItem.query(keys.customer_contacts(org_id, customer_id), Entity.sk.startswith("CON#"))
        return [primary_of(customer), *sorted(map(contact_of, found), key=lambda c: (c.created_at, c.id))]

    def get(self, org_id: str, contact_id: str) -> Contact:
        customer_id = customer_id_of(contact_id)
        if contact_id == customer_id:
            return primary_of(customer_of(get_or_404(CustomerItem, keys.org(org_id), f"CUST#{customer_id}",
                                                     "contact")))
        return contact_of(get_or_404(ContactItem, *contact_key(org_id, customer_id, contact_id), "contact"))

    def by_phone(self, org_id: str, phone: str) -> Contact | None:
        """The newest contact (not a customer's own number) with this phone."""
        bind()
        found = [contact_of(i) for i in Entity.gsi1.query(keys.phone_index(org_id, phone)) if isinstance(i, ContactItem)]
        return max(found, key=lambda c: c.created_at) if found else None

    def add(self, contact: Contact, opt_ins: list[ConsentRecord]) -> None:
        """With the opt-ins of the addresses it came with, all or nothing."""
        with transaction(Conflict("contact already exists")) as tx:
            tx.save(_item(contact), condition=Entity.pk.does_not_exist())
            for record in opt_ins:
                tx.save(consent_item(record))

    def save(self, contact: Contact, opt_ins: list[ConsentRecord] = ()) -> None:
        """A changed contact, with the opt-ins of addresses it now has; NotFound if removed meanwhile."""
        with transaction(NotFound("contact")) as tx:
            tx.save(_item(contact), condition=Entity.pk.exists())
            for record in opt_ins:
                tx.save(consent_item(record))

    def invited(self, contact: Contact, at: datetime) -> None:
        """When their first invitation went; kept if one was recorded before (or the contact is gone)."""
        bind()
        item = ContactItem(*contact_key(contact.org_id, contact.customer_id, contact.id))
        try:
            item.update(actions=[ContactItem.invited_at.set(at)],
                        condition=Entity.pk.exists() & ContactItem.invited_at.does_not_exist())
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def remove(self, org_id: str, contact_id: str) -> None:
        bind()
        item = ContactItem(*contact_key(org_id, customer_id_of(contact_id), contact_id))
        with conditional(NotFound("contact")):
            item.delete(condition=Entity.pk.exists())
