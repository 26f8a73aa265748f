"""The staff inbox: what customers (and colleagues, api/staff.py) wrote on the jobs a dispatcher or technician
looks after."""
from chalice import Blueprint

from .. import bootstrap
from ..domain.people import Role
from ..domain.values import mask
from . import views
from .routing import Call, endpoint

bp = Blueprint(__name__)
STAFF = (Role.DISPATCHER, Role.TECHNICIAN)


@endpoint(bp, "GET", "/inbox", "Customers' and colleagues' messages for the caller, unread first, newest first, "
          "with who wrote",
          roles=STAFF, query="schemas.PageQuery", response="day_schemas.InboxEntryOut")
def get_inbox(call: Call):
    from ..services import alerts, day, staff
    from .staff import colleague
    page = alerts.inbox(bootstrap.repos(), call.caller, call.query.limit, call.query.next_token)
    senders = day.customers_of_jobs(bootstrap.repos(), call.caller, {i.job_id for i in page.items})
    people = staff.people(bootstrap.repos(), call.caller, {i.author_id for i in page.items})
    contacts = day.contacts(bootstrap.repos(), call.caller, {i.contact_id for i in page.items} - {None})

    def entry(i) -> dict:
        c = contacts.get(i.contact_id) or senders.get(i.job_id)  # who wrote: a contact, else the customer
        return {**views.inbox_item(i), "customer_name": c and c.name, "customer_phone_masked": c and mask(c.phone),
                "contact_id": i.contact_id, "author": i.author_id and colleague(i.author_id, people)}
    return views.page(page, entry)


@endpoint(bp, "POST", "/inbox/{item_id}/read", "Mark an inbox item read", roles=STAFF,
          response="inbox_schemas.InboxItemOut")
def read_inbox_item(call: Call, item_id: str):
    from ..services import alerts
    return views.inbox_item(alerts.mark_read(bootstrap.repos(), call.caller, item_id))
