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
    coordinates: tuple[float, float] | None = None  # (lat, lon) of the address, when known
    opted_out: bool = False
    opted_out_at: datetime | None = None  # when the opt-out state last changed, and how
    opt_out_source: str | None = None

    def opt(self, out: bool, now: datetime, source: str) -> None:
        self.opted_out, self.opted_out_at, self.opt_out_source = out, now, source
