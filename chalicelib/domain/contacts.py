"""A customer's contacts (seed 002): the people of one customer who hear about its jobs (a fleet's drivers, a
landlord and tenant, a site manager and an owner). The customer's own number is the first, primary contact: it
is the customer itself, never stored twice. A job's recipients are chosen among them."""
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from .customers import ContactChannel, Customer
from .errors import NotFound, ValidationError

MAX_NAME = 100
MAX_ROLE = 40
MAX_CONTACTS = 20  # a customer's contacts besides the primary: every text of a job goes to each recipient


@dataclass
class Contact:
    id: str
    org_id: str
    customer_id: str
    name: str
    phone: str | None  # E.164
    email: str | None
    created_at: datetime
    role: str | None = None  # as the company calls them: tenant, site manager, fleet manager
    notify: bool = True  # a recipient of the customer's jobs unless the job names its own
    primary: bool = False
    invited_at: datetime | None = None  # when their first invitation went
    prefers_email: bool = False  # chosen on their page: texts go by email while they have an address

    @property
    def channel(self) -> str:
        return ContactChannel.EMAIL if self.email and (self.prefers_email or not self.phone) else ContactChannel.SMS

    def as_addressee(self, customer: Customer) -> Customer:
        """Them, shaped as the addressee of a text (services/channels.address, domain/texts.variables): their
        own name and addresses at the customer's place; their opt-outs are read from their consent records."""
        if self.primary:
            return customer
        return replace(customer, id=self.id, name=self.name, phone=self.phone, email=self.email,
                       opted_out=False, opted_out_at=None, opt_out_source=None, whatsapp_inbound_at=None,
                       preferred_channel=self.channel)


def primary_of(customer: Customer) -> Contact:
    """The customer's own contact: its id is the customer's."""
    return Contact(customer.id, customer.org_id, customer.id, customer.name, customer.phone, customer.email,
                   customer.created_at, role="customer", notify=True, primary=True)


def new_contact_id(customer_id: str) -> str:
    """Embeds the customer's id, so a contact is found with one key read."""
    return f"con_{customer_id.removeprefix('cus_')}_{secrets.token_hex(4)}"


def customer_id_of(contact_id: str) -> str:
    """The customer a contact id names (a customer id names its primary contact); NotFound if malformed."""
    if contact_id.startswith("cus_") and contact_id.count("_") == 1:
        return contact_id
    parts = contact_id.split("_")
    if len(parts) != 3 or parts[0] != "con" or not all(parts[1:]):
        raise NotFound("contact")
    return f"cus_{parts[1]}"


def checked_name(raw: str) -> str:
    name = raw.strip()
    if not name:
        raise ValidationError("name", "must not be empty")
    if len(name) > MAX_NAME:
        raise ValidationError("name", f"must be at most {MAX_NAME} characters")
    return name


def checked_role(raw: str | None) -> str | None:
    role = (raw or "").strip() or None
    if role and len(role) > MAX_ROLE:
        raise ValidationError("role", f"must be at most {MAX_ROLE} characters")
    return role


def reachable(phone: str | None, email: str | None) -> None:
    if not phone and not email:
        raise ValidationError("phone", "a contact needs a phone number or an email address")


def recipients(contacts: list[Contact], chosen: tuple[str, ...] | None) -> list[Contact]:
    """A job's recipients: the customer's own contact always, first; then the ones the job names (in the
    customer's order), else every contact with `notify`. A named contact since removed is nobody."""
    if chosen is None:
        return [c for c in contacts if c.notify or c.primary]
    return [c for c in contacts if c.primary or c.id in chosen]


def unknown(contacts: list[Contact], ids: list[str], field: str) -> None:
    """A 400 naming the first id that is not one of the customer's contacts."""
    known = {c.id for c in contacts}
    for contact_id in ids:
        if contact_id not in known:
            raise ValidationError(field, f"{contact_id!r} is not a contact of this job's customer")
