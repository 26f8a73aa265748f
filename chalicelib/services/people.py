"""Organizations, users, locations, customers: the dispatcher's settings and address book."""
from .. import clock
from ..domain import ids
from ..domain.consent import ConsentRecord, Source
from ..domain.customers import Customer
from ..domain.errors import Conflict, Forbidden, ValidationError
from ..domain.lists import Page
from ..domain.people import GeoPosition, Location, Organization, Role, User
from ..domain.values import e164, subdivision
from ..domain.values import time_zone as known_time_zone
from .access import Caller
from .repositories import Repositories

CARD_PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}  # what every phone browser shows


def create_organization(repos: Repositories, *, name: str, slug: str, time_zone: str, sms_number: str,
                        dispatcher_name: str, dispatcher_email: str,
                        dispatcher_phone: str | None = None) -> tuple[Organization, User]:
    """Admin tooling: a new tenant with its first dispatcher."""
    now = clock.now()
    org = Organization(id=ids.new_id("org"), name=name, slug=slug, time_zone=time_zone, sms_number=sms_number,
                       created_at=now)
    dispatcher = User(id=repos.directory.enroll(org.id, dispatcher_email, frozenset({Role.DISPATCHER})),
                      org_id=org.id, name=dispatcher_name, email=dispatcher_email,
                      phone=dispatcher_phone, roles=frozenset({Role.DISPATCHER}), created_at=now)
    repos.organizations.create(org, dispatcher)
    return org, dispatcher


def create_user(repos: Repositories, caller: Caller, *, name: str, email: str, roles: frozenset[Role],
                phone: str | None = None) -> User:
    caller.require(Role.DISPATCHER)
    user = User(id=repos.directory.enroll(caller.org_id, email, roles), org_id=caller.org_id, name=name,
                email=email, phone=phone, roles=roles, created_at=clock.now())
    repos.users.add(user)
    return user


def update_user(repos: Repositories, caller: Caller, user_id: str, changes: dict) -> User:
    """Roles, contact details, and `active` (deactivate / reactivate; history stays)."""
    caller.require(Role.DISPATCHER)
    user = repos.users.get(caller.org_id, user_id)
    if user_id == caller.id and (changes.get("active") is False or
                                 ("roles" in changes and Role.DISPATCHER not in changes["roles"])):
        raise Conflict("a dispatcher cannot deactivate or demote themselves")
    before = (user.roles, user.active)
    for name, value in changes.items():
        setattr(user, name, value)
    repos.users.save(user)
    repos.directory.set_roles(user.email, before[0], user.roles)
    if user.active != before[1]:
        repos.directory.set_active(user.email, user.active)
    return user


def get_user(repos: Repositories, caller: Caller, user_id: str) -> User:
    caller.require(Role.DISPATCHER)
    return repos.users.get(caller.org_id, user_id)


def list_users(repos: Repositories, caller: Caller, limit: int, next_token: str | None) -> Page[User]:
    caller.require(Role.DISPATCHER)
    return repos.users.list(caller.org_id, limit, next_token)


def report_position(repos: Repositories, caller: Caller, lat: float, lon: float, heading: float | None,
                    speed: float | None) -> GeoPosition:
    """The technician app's last known position (shown to the customer while en route)."""
    caller.require(Role.TECHNICIAN)
    user = caller.user
    user.last_position = GeoPosition(lat=lat, lon=lon, heading=heading, speed=speed, at=clock.now())
    repos.users.save(user)
    return user.last_position


def photo_upload(repos: Repositories, caller: Caller, user_id: str, content_type: str) -> str:
    """The presigned URL a user's photo (the technician card on the customer's page) is PUT to, by the user
    themself or a dispatcher. Each upload gets a new key, kept on the user: a page opened before shows the
    old face until its URL expires, never a half-written new one."""
    if user_id != caller.id and not caller.has(Role.DISPATCHER):
        raise Forbidden("only the user themself or a dispatcher may set a user's photo")
    if content_type not in CARD_PHOTO_TYPES:
        raise ValidationError("content_type", f"must be one of {', '.join(CARD_PHOTO_TYPES)}")
    user = caller.user if user_id == caller.id else repos.users.get(caller.org_id, user_id)
    user.photo_key = f"users/{user.org_id}/{user.id}/{ids.new_id('pho')}.{CARD_PHOTO_TYPES[content_type]}"
    repos.users.save(user)
    return repos.uploads.upload_url(user.photo_key, content_type)


def photo_url(repos: Repositories, user: User) -> str | None:
    """The user's photo by a URL valid minutes (the bucket is never public); None without one."""
    return repos.uploads.download_url(user.photo_key) if user.photo_key else None


def create_location(repos: Repositories, caller: Caller, *, name: str, time_zone: str,
                    direct_reply_enabled: bool) -> Location:
    caller.require(Role.DISPATCHER)
    location = Location(id=ids.new_id("loc"), org_id=caller.org_id, name=name, time_zone=time_zone,
                        direct_reply_enabled=direct_reply_enabled, created_at=clock.now())
    repos.locations.add(location)
    return location


def update_location(repos: Repositories, caller: Caller, location_id: str, changes: dict) -> Location:
    caller.require(Role.DISPATCHER)
    location = repos.locations.get(caller.org_id, location_id)
    for name, value in changes.items():
        setattr(location, name, value)
    repos.locations.save(location)
    return location


def get_location(repos: Repositories, caller: Caller, location_id: str) -> Location:
    caller.require(Role.DISPATCHER)
    return repos.locations.get(caller.org_id, location_id)


def list_locations(repos: Repositories, caller: Caller, limit: int, next_token: str | None) -> Page[Location]:
    caller.require(Role.DISPATCHER)
    return repos.locations.list(caller.org_id, limit, next_token)


def create_customer(repos: Repositories, caller: Caller, *, name: str, phone: str, email: str | None,
                    time_zone: str | None, address: str | None,
                    coordinates: tuple[float, float] | None = None, preferred_channel: str = "sms",
                    region: str | None = None) -> Customer:
    """Entered by a dispatcher for the service the customer asked for: their phone (and email) come with that
    opt-in, recorded with them (domain/consent.given_with)."""
    caller.require(Role.DISPATCHER)
    # Checked here, not only in the API's schema: every caller (intake, admin, benches) texts this number.
    phone = e164("phone", phone)
    time_zone = time_zone and known_time_zone("time_zone", time_zone)
    region = region and subdivision("region", region)
    customer = Customer(id=ids.new_id("cus"), org_id=caller.org_id, name=name, phone=phone, email=email,
                        time_zone=time_zone, address=address, coordinates=coordinates, created_at=clock.now(),
                        preferred_channel=preferred_channel, region=region, consent_source=Source.DISPATCHER)
    repos.customers.add(customer)
    return customer


def consent(repos: Repositories, caller: Caller, customer_id: str) -> list[ConsentRecord]:
    """Every opt-in, opt-out and HELP of the customer's phone and email, oldest first."""
    caller.require(Role.DISPATCHER)
    customer = repos.customers.get(caller.org_id, customer_id)
    records = [r for address in dict.fromkeys(a for a in (customer.phone, customer.email) if a)
               for r in repos.consent.of_address(caller.org_id, address)]
    return sorted(records, key=lambda r: r.at)


def get_customer(repos: Repositories, caller: Caller, customer_id: str) -> Customer:
    caller.require(Role.DISPATCHER)
    return repos.customers.get(caller.org_id, customer_id)


def organization(repos: Repositories, caller: Caller) -> Organization:
    """The caller's organization: its time zone, branding and numbers."""
    caller.require(Role.DISPATCHER)
    return repos.organizations.get(caller.org_id)


def set_branding(repos: Repositories, caller: Caller, brand_color: str | None, logo_url: str | None) -> Organization:
    caller.require(Role.DISPATCHER)
    org = repos.organizations.get(caller.org_id)
    org.brand_color, org.logo_url = brand_color, logo_url
    repos.organizations.save(org)
    return org
