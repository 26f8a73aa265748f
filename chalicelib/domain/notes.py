"""Notes and photos on a job, and who may see them (seed 004, "Who can see notes and photos?"); staff messages."""
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Visibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


@dataclass
class Note:
    id: str
    job_id: str
    author_id: str
    text: str
    visibility: Visibility
    created_at: datetime


@dataclass
class Photo:
    id: str
    job_id: str
    author_id: str
    content_type: str
    visibility: Visibility
    object_key: str
    created_at: datetime


STAFF_BODY = 1000  # characters of a staff message


@dataclass(frozen=True)
class StaffMessage:
    """Words between the office and the technicians about a job (issue 25): each recipient's inbox hears of it;
    never a text, never shown to the customer or a provider."""
    id: str
    org_id: str
    job_id: str
    author_id: str
    to: tuple[str, ...]  # user ids
    body: str
    created_at: datetime
