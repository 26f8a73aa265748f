"""The building blocks of the request and response models: field types that validate by the domain's rules,
the base models, and the few models several routes share (a frame, coordinates, a page of a list, the
error). Each route module's own models are in its `<module>_schemas.py`; all are the OpenAPI document's
schemas."""
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from ..domain import errors, values
from ..domain.ids import MAX_ID

Text = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(str.strip)]
LongText = Annotated[str, Field(min_length=1, max_length=5000)]
Id = Annotated[str, Field(min_length=1, max_length=MAX_ID)]


def one_of(names) -> type:
    """The values of a domain enum (or tuple) as a request field's type: the domain says what exists."""
    return Literal[tuple(getattr(n, "value", n) for n in names)]


def domain_rule(check):
    """Run a domain value check inside Pydantic, so the error names the field like any other."""
    def validate(value):
        if value is None:
            return value
        try:
            return check("value", value)
        except errors.ValidationError as e:
            raise ValueError(e.message.removeprefix("value: ")) from None
    return AfterValidator(validate)


def _whole_seconds(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


Phone = Annotated[str, Field(max_length=32), domain_rule(values.e164)]
TimeZone = Annotated[str, Field(max_length=64), domain_rule(values.time_zone)]
Moment = Annotated[AwareDatetime, domain_rule(values.moment), AfterValidator(_whole_seconds)]
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="a calendar day, 2000-01-01 to 2100-12-31"),
                domain_rule(lambda field, raw: values.calendar_day(field, raw).isoformat())]


class Model(BaseModel):
    """Every model of the API: its validator is built on first use, not at import (cold start)."""
    model_config = ConfigDict(defer_build=True)


class In(Model):
    # defer_build: a model's validator is built on first use, not at import (cold start).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


Region = Annotated[str, Field(pattern=r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$",
                              description="ISO 3166-2 subdivision of the address (US-FL): whose quiet hours apply")]


class CoordinatesIn(In):
    """Where the address is: the customer's page shows how far the technician is."""
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


def in_order(start, end, start_name: str, end_name: str) -> None:
    """The domain's rule for a window or frame (TimeFrame: start before end), told in the request's names."""
    try:
        values.TimeFrame.of(start, end)
    except errors.ValidationError:
        raise ValueError(f"{end_name} must be after {start_name}") from None


class FrameIn(In):
    start: Moment
    end: Moment

    @model_validator(mode="after")
    def _ordered(self):
        in_order(self.start, self.end, "start", "end")
        return self


class PageQuery(In):
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    next_token: Annotated[str, Field(max_length=2000)] | None = None


# -- responses ----------------------------------------------------------------------------------------

class Out(Model):
    model_config = ConfigDict(from_attributes=True, defer_build=True)


class CoordinatesOut(Out):
    lat: float
    lon: float


class FrameOut(Out):
    start: datetime
    end: datetime


class ErrorBody(Model):
    code: str
    message: str


class ErrorOut(Model):
    error: ErrorBody
