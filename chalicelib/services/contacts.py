"""A customer's contacts and a job's recipients (seed 002), kept by dispatchers. What is written here is state:
the stream sends the invitation of a contact added to a job's recipients (services/outbox/compose.py)."""
from dataclasses import dataclass, replace

from .. import clock
from ..domain import contacts as rules
from ..domain.consent import ConsentEvent, ConsentRecord, Source, Standing, standing
from ..domain.contacts import Contact
from ..domain.errors import Conflict, NotFound, ValidationError
from ..domain.jobs import Job
from ..domain.people import Role
from ..domain.values import e164, email_address
from .access import Caller, check_version, visible_job
from .repositories import Repositories

UNSET = object()  # a PATCH field left out


@dataclass(frozen=True)
class Listed:
    contact: Contact
    opted_out: bool  # their phone's SMS state, from its consent records


def list_contacts(repos: Repositories, caller: Caller, customer_id: str) -> list[Listed]:
    caller.require(Role.DISPATCHER)
    return [_listed(repos, c) for c in repos.contacts.of_customer(caller.org_id, customer_id)]


def add_contact(repos: Repositories, caller: Caller, customer_id: str, *, name: str, phone: str | None,
                email: str | None, role: str | None, notify: bool) -> Listed:
    """Their phone and email come opted in by the dispatcher, as a customer's do: the customer asked for the
    service and named them; STOP from them ends it for them alone."""
    caller.require(Role.DISPATCHER)
    name, role = rules.checked_name(name), rules.checked_role(role)
    phone, email = phone and e164("phone", phone), email and email_address("email", email)
    rules.reachable(phone, email)
    known = repos.contacts.of_customer(caller.org_id, customer_id)
    if len(known) > rules.MAX_CONTACTS:
        raise Conflict(f"a customer has at most {rules.MAX_CONTACTS} contacts besides its own")
    _not_taken(known, phone, email, None)
    contact = Contact(rules.new_contact_id(customer_id), caller.org_id, customer_id, name, phone, email,
                      clock.now(), role=role, notify=notify)
    repos.contacts.add(contact, _opt_ins(contact, (phone, email)))
    return Listed(contact, False)


def update_contact(repos: Repositories, caller: Caller, contact_id: str, *, name=UNSET, phone=UNSET, email=UNSET,
                   role=UNSET, notify=UNSET) -> Listed:
    caller.require(Role.DISPATCHER)
    contact = repos.contacts.get(caller.org_id, contact_id)
    if contact.primary:
        raise Conflict("the primary contact is the customer's own record: it always gets the job's texts")
    before = (contact.phone, contact.email)
    if name is not UNSET:
        contact.name = rules.checked_name(name)
    if role is not UNSET:
        contact.role = rules.checked_role(role)
    if phone is not UNSET:
        contact.phone = phone and e164("phone", phone)
    if email is not UNSET:
        contact.email = email and email_address("email", email)
    if notify is not UNSET:
        contact.notify = notify
    rules.reachable(contact.phone, contact.email)
    _not_taken(repos.contacts.of_customer(caller.org_id, contact.customer_id), contact.phone, contact.email,
               contact.id)
    new = tuple(a if a not in before else None for a in (contact.phone, contact.email))
    repos.contacts.save(contact, _opt_ins(contact, new))
    return _listed(repos, contact)


def remove_contact(repos: Repositories, caller: Caller, contact_id: str) -> None:
    """Their messages stay on the jobs, as theirs; a job that named them no longer texts them."""
    caller.require(Role.DISPATCHER)
    if repos.contacts.get(caller.org_id, contact_id).primary:
        raise Conflict("the primary contact (the customer's own number) cannot be removed")
    repos.contacts.remove(caller.org_id, contact_id)


def recipients(repos: Repositories, caller: Caller, job_id: str) -> tuple[Job, list[Listed]]:
    """The contacts the job's texts go to: the customer's own number always, then the chosen ones. The assigned
    technician may read them to choose whom a message goes to: names and roles only (their phone and email are
    left out, null); a provider or another technician: 404."""
    job = visible_job(repos, caller, job_id)
    if not caller.sees_private(job):
        raise NotFound("job")
    chosen = [_listed(repos, c) for c in rules.recipients(repos.contacts.of_customer(caller.org_id, job.customer_id),
                                                           job.recipients)]
    if caller.has(Role.DISPATCHER):
        return job, chosen
    return job, [replace(c, contact=replace(c.contact, phone=None, email=None)) for c in chosen]


def set_recipients(repos: Repositories, caller: Caller, job_id: str, contact_ids: list[str],
                   if_match: int | None = None) -> tuple[Job, list[Listed]]:
    """Each contact newly chosen gets one invitation text (the stream sends it, scenario contact_invited)."""
    caller.require(Role.DISPATCHER)
    job = visible_job(repos, caller, job_id)
    check_version(if_match, job.version)
    known = repos.contacts.of_customer(caller.org_id, job.customer_id)
    rules.unknown(known, contact_ids, "contact_ids")
    job.recipients = tuple(c.id for c in known if c.id in contact_ids and not c.primary)
    job.updated_at = clock.now()
    repos.jobs.save(job)
    return job, [_listed(repos, c) for c in rules.recipients(known, job.recipients)]


def _not_taken(known: list[Contact], phone: str | None, email: str | None, itself: str | None) -> None:
    for other in known:
        if other.id == itself:
            continue
        if phone and other.phone == phone:
            raise ValidationError("phone", f"is already the number of {other.name}, a contact of this customer")
        if email and other.email and other.email.lower() == email.lower():
            raise ValidationError("email", f"is already the address of {other.name}, a contact of this customer")


def _opt_ins(contact: Contact, addresses: tuple[str | None, str | None]) -> list[ConsentRecord]:
    phone, email = addresses
    return [ConsentRecord(contact.org_id, channel, address, ConsentEvent.OPT_IN, Source.DISPATCHER, clock.now())
            for channel, address in (("sms", phone), ("email", email)) if address]


def _listed(repos: Repositories, contact: Contact) -> Listed:
    if not contact.phone:
        return Listed(contact, False)
    records = repos.consent.of_address(contact.org_id, contact.phone)
    return Listed(contact, standing(records, "sms", contact.phone) is Standing.OPTED_OUT)
