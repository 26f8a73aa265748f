"""Signed links in texts: a random token (128 bits) given to the customer, stored only as its hash,
scoped to one appointment and one purpose, with an expiry."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from .scenarios import LinkPurpose

LIFETIME = {LinkPurpose.STATUS: timedelta(days=14), LinkPurpose.RESCHEDULE: timedelta(days=30),
            LinkPurpose.FEEDBACK: timedelta(days=30), LinkPurpose.ESTIMATE: timedelta(days=30)}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    token_hash: str
    org_id: str
    job_id: str
    appointment_id: str
    purpose: LinkPurpose
    expires_at: datetime
    contact_id: str | None = None  # whose link it is, when not the customer's own: what they do is theirs

    @classmethod
    def issue(cls, org_id: str, job_id: str, appointment_id: str, purpose: LinkPurpose,
              now: datetime, contact_id: str | None = None) -> tuple[str, "Link"]:
        """The token for the text, and the record to store (which never holds the token itself)."""
        token = secrets.token_urlsafe(16)  # 128 bits, 22 characters
        return token, cls(digest(token), org_id, job_id, appointment_id, purpose, now + LIFETIME[purpose],
                          contact_id)
