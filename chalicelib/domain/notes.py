"""Notes and photos on a job, and who may see them (seed 004, "Who can see notes and photos?")."""
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
