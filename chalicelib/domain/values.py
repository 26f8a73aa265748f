"""Value checks shared by entities: phone numbers, time zones, arrival windows."""
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ValidationError


def e164(field: str, raw: str) -> str:
    """A phone number as E.164, or a validation error naming the field."""
    import phonenumbers  # its metadata is a large import that most cold starts never need
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        raise ValidationError(field, "must be a phone number in E.164 form, like +13035550142") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(field, "is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def time_zone(field: str, name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(field, f"unknown time zone {name!r}") from None
    return name


def utc(field: str, moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValidationError(field, "must carry a UTC offset, like 2026-12-01T09:00:00Z")
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class TimeFrame:
    """An arrival window (or an offered time frame): start < end, stored in UTC."""
    start: datetime
    end: datetime

    @classmethod
    def of(cls, start: datetime, end: datetime, field: str = "window") -> "TimeFrame":
        start, end = utc(f"{field}_start", start), utc(f"{field}_end", end)
        if end <= start:
            raise ValidationError(f"{field}_end", "must be after the start")
        return cls(start, end)
