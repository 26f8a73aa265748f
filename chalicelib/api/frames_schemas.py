"""Models of the time-frame picker (/c/{token}/frames, /pick, /none-work) and of its dispatcher's side (offers,
/settings/time-frames): api/frames.py's; also the OpenAPI document's schemas."""
from typing import Annotated, ClassVar

from pydantic import Field

from ..domain.frames import LIMITS, MAX_AVAILABILITY, WEEKDAYS, FrameSource
from . import jobs_schemas
from . import schemas as s


class FrameOut(s.Model):
    start: str
    end: str
    text: str


class PickerOut(s.Model):
    """The visit as booked (or canceled: `status`), and the frames its customer may pick, soonest first."""
    window_start: str
    window_end: str
    window_text: str
    status: str
    source: s.one_of(FrameSource)
    frames: list[FrameOut]


class PickIn(s.Model):
    start: str = Field(description="the start of one of the frames offered")


class NoneWorkIn(s.Model):
    availability: Annotated[str, Field(max_length=MAX_AVAILABILITY)]


# -- the dispatcher's side -------------------------------------------------------------------------

class OffersOut(s.Model):
    appointment: jobs_schemas.AppointmentOut
    source: s.one_of(FrameSource)
    frames: list[s.FrameIn] = Field(description="what the customer's link shows now: soonest first, none full "
                                                "or withdrawn")


class Hours(s.Model):
    start: Annotated[str, Field(pattern=r"^\d\d:\d\d$")]
    end: Annotated[str, Field(pattern=r"^\d\d:\d\d$")]


def _limited(name: str) -> type:
    """A whole-number setting in the range the domain allows it."""
    low, high = LIMITS[name]
    return Annotated[int, Field(ge=low, le=high)]


class FrameSettingsIn(s.In):
    days: list[s.one_of(WEEKDAYS)] | None = None
    hours: Hours | None = None
    frame_minutes: _limited("frame_minutes") | None = None
    days_ahead: _limited("days_ahead") | None = None
    frames_per_day: _limited("frames_per_day") | None = None
    visits_per_frame: _limited("visits_per_frame") | None = None
    generate: bool | None = None


class FrameSettingsOut(s.Model):
    days: list[str]
    hours: Hours
    frame_minutes: int
    days_ahead: int
    frames_per_day: int
    visits_per_frame: int
    generate: bool


class LocationQuery(s.In):
    listed: ClassVar[bool] = False  # settings, not a page of a list
    location_id: Annotated[str, Field(max_length=100)] | None = None
