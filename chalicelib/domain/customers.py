from dataclasses import dataclass
from datetime import datetime


@dataclass
class Customer:
    id: str
    org_id: str
    name: str
    phone: str  # E.164
    created_at: datetime
    email: str | None = None
    time_zone: str | None = None
    address: str | None = None
    opted_out: bool = False
