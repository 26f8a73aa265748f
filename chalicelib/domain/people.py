"""Organizations, their locations and users."""
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    TECHNICIAN = "technician"
    PROVIDER = "provider"
    INTAKE = "intake"  # a sales channel's integration: posts orders, nothing else


@dataclass
class Organization:
    id: str
    name: str
    slug: str
    time_zone: str
    sms_number: str
    created_at: datetime
    brand_color: str | None = None  # "#RRGGBB", on the customer's page
    logo_url: str | None = None  # https, on the customer's page


@dataclass
class Location:
    id: str
    org_id: str
    name: str
    time_zone: str
    direct_reply_enabled: bool
    created_at: datetime


@dataclass
class GeoPosition:
    lat: float
    lon: float
    at: datetime
    heading: float | None = None
    speed: float | None = None


@dataclass
class User:
    id: str
    org_id: str
    name: str
    email: str
    roles: frozenset[Role]
    phone: str | None = None
    active: bool = True
    created_at: datetime | None = None
    last_position: GeoPosition | None = field(default=None)
    photo_key: str | None = None  # the technician card's photo in the photos bucket (services/people.photo_upload)

    def has(self, role: Role) -> bool:
        return role in self.roles
