"""Resolving a link token from a text: found by the hash of the token, never by the token itself."""
from datetime import datetime, timezone

from ..domain.errors import DomainError, NotFound
from ..domain.links import Link, digest
from ..domain.scenarios import LinkPurpose
from .models import LinkItem, bind


class LinkExpired(DomainError):
    code = "gone"

    def __init__(self, message: str, org_id: str | None = None):
        super().__init__(message)
        self.org_id = org_id  # whom the customer should call instead


class Links:
    def resolve(self, token: str, now: datetime) -> Link:
        bind()
        try:
            item = LinkItem.get(f"LINK#{digest(token)}", "LINK")
        except LinkItem.DoesNotExist:
            raise NotFound("link") from None
        expires = datetime.fromtimestamp(int(item.expires_at), timezone.utc)
        if expires <= now:  # TTL deletion lags: expiry is checked, not trusted to the sweep of DynamoDB
            raise LinkExpired("this link has expired", item.org_id)
        return Link(item.pk.removeprefix("LINK#"), item.org_id, item.job_id, item.appointment_id,
                    LinkPurpose(item.purpose), expires)
