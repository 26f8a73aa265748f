"""Value checks shared by entities: phone numbers, time zones, calendar days and moments, arrival windows."""
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ValidationError


def mask(phone: str) -> str:
    """A phone number for a log line: never whole (docs/product.md §9)."""
    return phone[:2] + "*" * max(len(phone) - 6, 0) + phone[-4:] if phone else phone


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


def email_address(field: str, raw: str) -> str:
    """An email address in its normalized form, or a validation error naming the field (no DNS lookup)."""
    from email_validator import EmailNotValidError, validate_email  # only where an address is entered
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValidationError(field, f"is not an email address: {error}") from None


def time_zone(field: str, name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(field, f"unknown time zone {name!r}") from None
    return name


US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI".split())


def subdivision(field: str, raw: str) -> str:
    """A country's subdivision as ISO 3166-2 (US-FL, CA-QC): where a customer lives, for the rules of the place."""
    code = raw.strip().upper()
    country, _, part = code.partition("-")
    if not (len(country) == 2 and country.isalpha() and 1 <= len(part) <= 3 and part.isalnum()):
        raise ValidationError(field, "must be an ISO 3166-2 subdivision, like US-FL")
    if country == "US" and part not in US_STATES:
        raise ValidationError(field, f"{code} is not a US state or territory")
    return code


# Times a visit can be about. Beyond them, arithmetic on a date overflows (year 1 at +14:00 has no UTC
# moment, the day after 9999-12-31 none at all), so they are refused where they come in.
FIRST_YEAR, LAST_YEAR = 2000, 2100
SANE_RANGE = f"must be between {FIRST_YEAR} and {LAST_YEAR}"


def moment(field: str, value: datetime) -> datetime:
    """A time someone sent, refused outside the sane range (judged on its own calendar, before any
    conversion could overflow)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(field, SANE_RANGE)
    return value


def calendar_day(field: str, raw: str) -> date:
    """A day like 2026-12-01, in the sane range."""
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(field, "must be a date like 2026-12-01") from None
    if not date(FIRST_YEAR, 1, 1) <= day <= date(LAST_YEAR, 12, 31):
        raise ValidationError(field, SANE_RANGE)
    return day


def utc(field: str, moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValidationError(field, "must carry a UTC offset, like 2026-12-01T09:00:00Z")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class TimeFrame:
    """An arrival window (or an offered time frame): start < end, stored in UTC."""
    start: datetime
    end: datetime

    @classmethod
    def of(cls, start: datetime, end: datetime, field: str = "window") -> "TimeFrame":
        start = utc(f"{field}_start", moment(f"{field}_start", start))
        end = utc(f"{field}_end", moment(f"{field}_end", end))
        if end <= start:
            raise ValidationError(f"{field}_end", "must be after the start")
        return cls(start, end)
