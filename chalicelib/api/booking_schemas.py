"""The booking page's JSON form (POST /book/{org_slug}) and its answer: api/booking.py's; also the OpenAPI
document's schemas."""
from typing import Annotated

from pydantic import Field

from .schemas import Model


class BookingIn(Model):
    name: Annotated[str, Field(max_length=200)]
    phone: Annotated[str, Field(max_length=32, description="a mobile number; stored as E.164")]
    address: Annotated[str, Field(max_length=500)]
    description: Annotated[str, Field(max_length=2000)]
    frame_start: str | None = Field(default=None, description="the start of one of the page's frames")


class BookingOut(Model):
    received: bool
    status: str
    offered_window: dict | None
