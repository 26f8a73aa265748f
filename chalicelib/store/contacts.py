"""A customer's contacts, beside the customer in the organization's partition (`CUST#{customer}#CON#{contact}`),
so the customer and all its contacts are one Query; found by phone on the same index as customers."""
from datetime import datetime

from pynamodb.exceptions import UpdateError

from ..domain.consent import ConsentRecord
from ..domain.contacts import Contact, customer_id_of, primary_of
from ..domain.errors import Conflict, NotFound
from . import keys
from .consent import item as consent_item
from .db import conditional, get_or_404, transaction
from .mapping import customer_of
from .models import ContactItem, CustomerItem, Entity, bind


def _sk(customer_id: str, contact_id: str) -> str:
    return f"CUST#{customer_id}#CON#{contact_id}"


def contact_key(org_id: str, customer_id: str, contact_id: str) -> tuple[str, str]:
    return keys.org(org_id), _sk(customer_id, contact_id)


def _item(c: Contact) -> ContactItem:
    return ContactItem(pk=keys.org(c.org_id), sk=_sk(c.customer_id, c.id), org_id=c.org_id, customer_id=c.customer_id,
                       contact_id=c.id, name=c.name, phone=c.phone, email=c.email, role=c.role, notify=c.notify,
                       created_at=c.created_at, invited_at=c.invited_at, prefers_email=c.prefers_email or None,
                       gsi1pk=keys.phone_index(c.org_id, c.phone) if c.phone else None,
                       gsi1sk=f"CON#{c.id}" if c.phone else None)


def contact_of(i: ContactItem) -> Contact:
    return Contact(i.contact_id, i.org_id, i.customer_id, i.name, i.phone, i.email, i.created_at, role=i.role,
                   notify=bool(i.notify), invited_at=i.invited_at, prefers_email=bool(i.prefers_email))


class Contacts:
    def of_customer(self, org_id: str, customer_id: str) -> list[Contact]:
        bind()
        found = list(Entity.query(keys.org(org_id), Entity.sk.startswith(f"CUST#{customer_id}")))
        customer = next((customer_of(i) for i in found if isinstance(i, CustomerItem)), None)
        if customer is None:
            raise NotFound("customer")
        others = sorted((contact_of(i) for i in found if isinstance(i, ContactItem)), key=lambda c: (c.created_at, c.id))
        return [primary_of(customer), *others]

    def get(self, org_id: str, contact_id: str) -> Contact:
        customer_id = customer_id_of(contact_id)
        if contact_id == customer_id:
            return primary_of(customer_of(get_or_404(CustomerItem, keys.org(org_id), f"CUST#{customer_id}",
                                                     "contact")))
        return contact_of(get_or_404(ContactItem, keys.org(org_id), _sk(customer_id, contact_id), "contact"))

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
        item = ContactItem(pk=keys.org(contact.org_id), sk=_sk(contact.customer_id, contact.id))
        try:
            item.update(actions=[ContactItem.invited_at.set(at)],
                        condition=Entity.pk.exists() & ContactItem.invited_at.does_not_exist())
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def remove(self, org_id: str, contact_id: str) -> None:
        bind()
        item = ContactItem(pk=keys.org(org_id), sk=_sk(customer_id_of(contact_id), contact_id))
        with conditional(NotFound("contact")):
            item.delete(condition=Entity.pk.exists())
