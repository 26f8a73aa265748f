"""Users, locations and the technician's position."""
from chalice import Blueprint

from .. import bootstrap
from ..domain.people import Role
from . import views
from .routing import Call, endpoint

bp = Blueprint(__name__)
DISPATCHER = (Role.DISPATCHER,)


@endpoint(bp, "GET", "/users", "Users of the organization", roles=DISPATCHER, query="schemas.PageQuery",
          response="people_schemas.UserOut")
def list_users(call: Call):
    from ..services import people
    repos = bootstrap.repos()
    page = people.list_users(repos, call.caller, call.query.limit, call.query.next_token)
    return views.page(page, lambda u: views.user(u, people.photo_url(repos, u)))


@endpoint(bp, "POST", "/users", "Add a user", roles=DISPATCHER, body="people_schemas.UserIn",
          response="people_schemas.UserOut", status=201)
def create_user(call: Call):
    from ..services import people
    b = call.body
    return views.user(people.create_user(bootstrap.repos(), call.caller, name=b.name, email=b.email, phone=b.phone,
                                         roles=frozenset(Role(r) for r in b.roles)))


@endpoint(bp, "GET", "/users/{user_id}", "One user", roles=DISPATCHER, response="people_schemas.UserOut")
def get_user(call: Call, user_id: str):
    from ..services import people
    repos = bootstrap.repos()
    user = people.get_user(repos, call.caller, user_id)
    return views.user(user, people.photo_url(repos, user))


@endpoint(bp, "PATCH", "/users/{user_id}", "Change roles, contact, or deactivate / reactivate", roles=DISPATCHER,
          body="people_schemas.UserPatch", response="people_schemas.UserOut")
def update_user(call: Call, user_id: str):
    from ..services import people
    changes = call.body.model_dump(exclude_unset=True)
    if "roles" in changes:
        changes["roles"] = frozenset(Role(r) for r in changes["roles"])
    repos = bootstrap.repos()
    user = people.update_user(repos, call.caller, user_id, changes)
    return views.user(user, people.photo_url(repos, user))


@endpoint(bp, "POST", "/users/{user_id}/photo", "The user's photo for the customer's page: a presigned upload URL",
          body="people_schemas.UserPhotoIn", response="people_schemas.UserPhotoOut", status=201)
def user_photo(call: Call, user_id: str):
    from ..services import people
    url = people.photo_upload(bootstrap.repos(), call.caller, user_id, call.body.content_type)
    return {"user_id": user_id, "content_type": call.body.content_type, "upload_url": url}


@endpoint(bp, "PUT", "/technicians/me/location", "The technician's current position", roles=(Role.TECHNICIAN,),
          body="people_schemas.PositionIn", response="people_schemas.PositionOut")
def report_position(call: Call):
    from ..services import people
    from .people_schemas import PositionOut
    b = call.body
    position = people.report_position(bootstrap.repos(), call.caller, b.lat, b.lon, b.heading, b.speed)
    return PositionOut.model_validate(position).model_dump(mode="json")


@endpoint(bp, "GET", "/organization", "The caller's organization: its name, slug, time zone and SMS number",
          roles=DISPATCHER, response="people_schemas.OrganizationOut")
def get_organization(call: Call):
    from ..services import people
    return views.organization(people.organization(bootstrap.repos(), call.caller))


@endpoint(bp, "GET", "/settings/locations", "Locations (branches)", roles=DISPATCHER, query="schemas.PageQuery",
          response="people_schemas.LocationOut")
def list_locations(call: Call):
    from ..services import people
    page = people.list_locations(bootstrap.repos(), call.caller, call.query.limit, call.query.next_token)
    return views.page(page, views.location)


@endpoint(bp, "POST", "/settings/locations", "Add a location", roles=DISPATCHER, body="people_schemas.LocationIn",
          response="people_schemas.LocationOut", status=201)
def create_location(call: Call):
    from ..services import people
    b = call.body
    return views.location(people.create_location(bootstrap.repos(), call.caller, name=b.name, time_zone=b.time_zone,
                                                 direct_reply_enabled=b.direct_reply_enabled))


@endpoint(bp, "GET", "/settings/locations/{location_id}", "One location", roles=DISPATCHER,
          response="people_schemas.LocationOut")
def get_location(call: Call, location_id: str):
    from ..services import people
    return views.location(people.get_location(bootstrap.repos(), call.caller, location_id))


@endpoint(bp, "PUT", "/settings/locations/{location_id}", "Change a location's time zone or direct reply",
          roles=DISPATCHER, body="people_schemas.LocationPatch", response="people_schemas.LocationOut")
def update_location(call: Call, location_id: str):
    from ..services import people
    changes = call.body.model_dump(exclude_unset=True)
    return views.location(people.update_location(bootstrap.repos(), call.caller, location_id, changes))
