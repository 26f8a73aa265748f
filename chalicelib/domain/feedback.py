"""The customer's rating of a job (seeds 000, 003, 004): 1 to 5 stars and a comment, once per job."""
from dataclasses import dataclass
from datetime import datetime

from .errors import ValidationError

MAX_COMMENT = 2000


@dataclass(frozen=True)
class Feedback:
    org_id: str
    job_id: str
    appointment_id: str | None
    rating: int
    comment: str | None
    created_at: datetime


def rating(value) -> int:
    if value is None or value == "":
        raise ValidationError("rating", "choose a rating from 1 to 5 stars")
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
        raise ValidationError("rating", "must be a whole number from 1 to 5")
    number = int(value)
    if not 1 <= number <= 5:
        raise ValidationError("rating", "must be from 1 to 5")
    return number


def comment(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("comment", "must be text")
    if len(value) > MAX_COMMENT:
        raise ValidationError("comment", f"keep the comment under {MAX_COMMENT} characters (it has {len(value)})")
    return value.strip() or None
