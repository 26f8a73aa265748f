"""A customer's contacts and a job's recipients (seed 002)."""
from chalice import Blueprint

from .. import bootstrap
from ..domain.people import Role
from . import views
from .routing import Call, endpoint

bp = Blueprint(__name__)
DISPATCHER = (Role.DISPATCHER,)


@endpoint(bp, "GET", "/customers/{customer_id}/contacts", "The customer's contacts, its own number first",
          roles=DISPATCHER, response="contacts_schemas.ContactsOut")
def list_contacts(call: Call, customer_id: str):
    from ..services import contacts
    return {"items": [views.contact(c) for c in contacts.list_contacts(bootstrap.repos(), call.caller, customer_id)]}


@endpoint(bp, "POST", "/customers/{customer_id}/contacts", "Add a contact (a phone or an email): opted in, as "
          "the customer is", roles=DISPATCHER, body="contacts_schemas.ContactIn",
          response="contacts_schemas.ContactOut", status=201)
def add_contact(call: Call, customer_id: str):
    from ..services import contacts
    b = call.body
    return views.contact(contacts.add_contact(bootstrap.repos(), call.caller, customer_id, name=b.name, phone=b.phone,
                                              email=b.email, role=b.role, notify=b.notify))


@endpoint(bp, "PATCH", "/contacts/{contact_id}", "Change a contact (not the primary one)", roles=DISPATCHER,
          body="contacts_schemas.ContactPatch", response="contacts_schemas.ContactOut")
def update_contact(call: Call, contact_id: str):
    from ..services import contacts
    changes = call.body.model_dump(exclude_unset=True)
    return views.contact(contacts.update_contact(bootstrap.repos(), call.caller, contact_id, **changes))


@endpoint(bp, "DELETE", "/contacts/{contact_id}", "Remove a contact (not the primary one); their messages stay",
          roles=DISPATCHER, status=204)
def remove_contact(call: Call, contact_id: str):
    from ..services import contacts
    contacts.remove_contact(bootstrap.repos(), call.caller, contact_id)


@endpoint(bp, "GET", "/jobs/{job_id}/recipients", "Whom the job's texts go to (to the assigned technician: names "
          "and roles only)", roles=(Role.DISPATCHER, Role.TECHNICIAN),
          response="contacts_schemas.RecipientsOut")
def get_recipients(call: Call, job_id: str):
    from ..services import contacts
    return views.recipients(*contacts.recipients(bootstrap.repos(), call.caller, job_id))


@endpoint(bp, "PUT", "/jobs/{job_id}/recipients", "Choose whom the job's texts go to besides the customer's own "
          "number; each newly chosen contact is invited by text", roles=DISPATCHER,
          body="contacts_schemas.RecipientsIn", response="contacts_schemas.RecipientsOut")
def set_recipients(call: Call, job_id: str):
    from ..services import contacts
    return views.recipients(*contacts.set_recipients(bootstrap.repos(), call.caller, job_id, call.body.contact_ids,
                                                     call.if_match))
