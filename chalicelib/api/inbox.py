"""The staff inbox: what customers wrote on the jobs a dispatcher or technician looks after."""
from chalice import Blueprint

from .. import bootstrap
from ..domain.people import Role
from ..services import alerts
from . import inbox_schemas as s
from . import views
from .routing import Call, endpoint
from .schemas import PageQuery

bp = Blueprint(__name__)
STAFF = (Role.DISPATCHER, Role.TECHNICIAN)


@endpoint(bp, "GET", "/inbox", "Customers' messages for the caller, unread first, newest first", roles=STAFF,
          query=PageQuery, response=s.InboxItemOut)
def get_inbox(call: Call):
    return views.page(alerts.inbox(bootstrap.repos(), call.caller, call.query.limit, call.query.next_token), views.inbox_item)


@endpoint(bp, "POST", "/inbox/{item_id}/read", "Mark an inbox item read", roles=STAFF, response=s.InboxItemOut)
def read_inbox_item(call: Call, item_id: str):
    return views.inbox_item(alerts.mark_read(bootstrap.repos(), call.caller, item_id))
