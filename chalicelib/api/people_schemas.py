"""Request and response models of users, positions and locations (api/people.py), and the organization
as views show it; also the OpenAPI document's schemas."""
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, EmailStr, Field

from ..domain.people import Role as RoleName
from .schemas import In, Out, Phone, Text, TimeZone, one_of

Role = one_of(RoleName)


def _rounded(places: int):
    """A measurement kept to a meaningful precision: DynamoDB stores no number below 1e-130."""
    return AfterValidator(lambda value: round(value, places))


class PositionIn(In):
    lat: Annotated[float, Field(ge=-90, le=90), _rounded(7)]  # 7 decimal places: about a centimetre
    lon: Annotated[float, Field(ge=-180, le=180), _rounded(7)]
    heading: Annotated[float, Field(ge=0, lt=360), _rounded(2)] | None = None
    speed: Annotated[float, Field(ge=0, le=100), _rounded(2)] | None = None  # m/s


class UserIn(In):
    name: Text
    email: EmailStr
    phone: Phone | None = None
    roles: Annotated[list[Role], Field(min_length=1)]


class UserPatch(In):
    """The fields to change; `phone` may be null (removed), the others may be left out but not null."""
    name: Text = None
    phone: Phone | None = None
    roles: Annotated[list[Role], Field(min_length=1)] = None
    active: bool = None


class UserPhotoIn(In):
    content_type: Annotated[str, Field(max_length=50, description="image/jpeg, image/png or image/webp")]


class UserPhotoOut(Out):
    """PUT the bytes to `upload_url` with this Content-Type within 15 minutes."""
    user_id: str
    content_type: str
    upload_url: str


class LocationIn(In):
    name: Text
    time_zone: TimeZone
    direct_reply_enabled: bool = True


class LocationPatch(In):
    """The fields to change: each may be left out, none may be null."""
    name: Text = None
    time_zone: TimeZone = None
    direct_reply_enabled: bool = None


class PositionOut(Out):
    lat: float
    lon: float
    heading: float | None
    speed: float | None
    at: datetime


class UserOut(Out):
    id: str
    name: str
    email: str
    phone: str | None
    roles: list[str]
    active: bool
    last_position: PositionOut | None = None
    photo_url: str | None = Field(default=None, description="the user's photo (the technician card) by a URL valid "
                                                            "15 minutes; null without one")


class LocationOut(Out):
    id: str
    name: str
    time_zone: str
    direct_reply_enabled: bool
    created_at: datetime


class OrganizationOut(Out):
    id: str
    name: str
    slug: str
    time_zone: str
    sms_number: str
