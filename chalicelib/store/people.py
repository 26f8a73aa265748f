"""Organizations (with their unique slug and SMS number), locations and users."""
from ..domain.errors import Conflict, NotFound
from ..domain.people import Location, Organization, User
from . import keys
from .db import conditional, get_or_404, page_of, transaction
from .mapping import location_of, org_of, user_of
from .models import ClaimItem, Entity, LocationItem, OrganizationItem, PositionMap, UserItem, bind
from .paging import Page


def _org_item(o: Organization) -> OrganizationItem:
    return OrganizationItem(pk=keys.org(o.id), sk="PROFILE", org_id=o.id, name=o.name, slug=o.slug,
                            time_zone=o.time_zone, sms_number=o.sms_number, created_at=o.created_at,
                            brand_color=o.brand_color, logo_url=o.logo_url)



def _user_item(u: User) -> UserItem:
    p = u.last_position
    return UserItem(pk=keys.org(u.org_id), sk=f"USER#{u.id}", gsi1pk=f"USER#{u.id}", gsi1sk="USER",
                    org_id=u.org_id, user_id=u.id, name=u.name,
                    email=u.email, phone=u.phone, roles={r.value for r in u.roles}, active=u.active,
                    created_at=u.created_at, photo_key=u.photo_key,
                    last_position=PositionMap(lat=p.lat, lon=p.lon, at=p.at, heading=p.heading, speed=p.speed)
                    if p else None)



def _location_item(loc: Location) -> LocationItem:
    return LocationItem(pk=keys.org(loc.org_id), sk=f"LOC#{loc.id}", org_id=loc.org_id, location_id=loc.id,
                        name=loc.name, time_zone=loc.time_zone, direct_reply_enabled=loc.direct_reply_enabled,
                        created_at=loc.created_at)



class Organizations:
    def create(self, org: Organization, first_dispatcher: User) -> None:
        """The organization, its first dispatcher, and the claims on its slug and SMS number, at once."""
        with transaction(Conflict(f"slug {org.slug!r} or number {org.sms_number} is already taken")) as tx:
            tx.save(_org_item(org), condition=Entity.pk.does_not_exist())
            tx.save(_user_item(first_dispatcher), condition=Entity.pk.does_not_exist())
            for claim in (keys.slug_claim(org.slug), keys.number_claim(org.sms_number)):
                tx.save(ClaimItem(pk=claim, sk="CLAIM", org_id=org.id), condition=Entity.pk.does_not_exist())

    def get(self, org_id: str) -> Organization:
        return org_of(get_or_404(OrganizationItem, keys.org(org_id), "PROFILE", "organization"))

    def save(self, org: Organization) -> None:
        bind()
        with conditional(NotFound("organization")):
            _org_item(org).save(condition=Entity.pk.exists())

    def id_for_number(self, number: str) -> str:
        """The organization whose texts come from (and replies go to) this number."""
        return get_or_404(ClaimItem, keys.number_claim(number), "CLAIM", "organization").org_id

    def id_for_slug(self, slug: str) -> str:
        return get_or_404(ClaimItem, keys.slug_claim(slug), "CLAIM", "organization").org_id


class Users:
    def get(self, org_id: str, user_id: str) -> User:
        return user_of(get_or_404(UserItem, keys.org(org_id), f"USER#{user_id}", "user"))

    def org_of(self, user_id: str) -> str:
        """The organization a user id belongs to (admin and local tooling: tokens carry it otherwise)."""
        bind()
        for item in Entity.gsi1.query(f"USER#{user_id}", limit=1):
            return item.org_id
        raise NotFound("user")

    def add(self, user: User) -> None:
        bind()
        with conditional(Conflict("user already exists")):
            _user_item(user).save(condition=Entity.pk.does_not_exist())

    def save(self, user: User) -> None:
        bind()
        with conditional(NotFound("user")):
            _user_item(user).save(condition=Entity.pk.exists())

    def list(self, org_id: str, limit: int, next_token: str | None) -> Page[User]:
        return page_of(UserItem, keys.org(org_id), "USER#", user_of, limit, next_token)

    def of_org(self, org_id: str) -> "list[User]":
        """Every user of the organization (one Query over its partition's users)."""
        bind()
        return [user_of(i) for i in UserItem.query(keys.org(org_id), Entity.sk.startswith("USER#"))]


class Locations:
    def get(self, org_id: str, location_id: str) -> Location:
        return location_of(get_or_404(LocationItem, keys.org(org_id), f"LOC#{location_id}", "location"))

    def add(self, location: Location) -> None:
        bind()
        with conditional(Conflict("location already exists")):
            _location_item(location).save(condition=Entity.pk.does_not_exist())

    def save(self, location: Location) -> None:
        bind()
        with conditional(NotFound("location")):
            _location_item(location).save(condition=Entity.pk.exists())

    def list(self, org_id: str, limit: int, next_token: str | None) -> Page[Location]:
        return page_of(LocationItem, keys.org(org_id), "LOC#", location_of, limit, next_token)
