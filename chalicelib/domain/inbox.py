"""Staff alerts (docs/product.md §6, seed 002): a customer's message, by text or from the page, lands unread in
the inbox of every dispatcher of the organization and of the technician assigned to the job; a staff message
in the inbox of each colleague it was written to."""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

TECHNICIAN_TEXT_EVERY = timedelta(minutes=15)  # at most one alert text per job to the technician
PREVIEW = 80  # characters of the customer's words in the technician's alert text


@dataclass
class InboxItem:
    org_id: str
    user_id: str
    job_id: str
    message_id: str
    body: str
    created_at: datetime
    read_at: datetime | None = None
    author_id: str | None = None  # a colleague's message (a staff message); None: the customer or the system
    contact_id: str | None = None  # a message from one of the customer's contacts (not its own number)

    @property
    def id(self) -> str:
        return "inb_" + hashlib.sha256(self.message_id.encode()).hexdigest()[:16]

    @property
    def read(self) -> bool:
        return self.read_at is not None


def technician_alert(company: str, customer_name: str, body: str) -> str:
    words = " ".join(body.split())
    preview = words if len(words) <= PREVIEW else words[:PREVIEW - 3] + "..."
    return f"{company}: {customer_name.split()[0]} wrote: \"{preview}\" Reply in the app."
