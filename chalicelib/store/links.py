"""Resolving a link token from a text: found by the hash of the token, never by the token itself.

A link never changes once issued, so a container keeps the links it resolved (by hash, bounded): the
customer's page polls every 20 s, and its polls then read only the job and its context."""
from datetime import UTC, datetime

from ..domain.errors import LinkExpired, NotFound
from ..domain.links import Link, digest
from ..domain.scenarios import LinkPurpose
from .models import LinkItem, bind

KEPT = 4096
_resolved: dict[str, Link] = {}


class Links:
    def resolve(self, token: str, now: datetime) -> Link:
        token_hash = digest(token)
        link = _resolved.get(token_hash)
        if link is None:
            link = self._read(token_hash)
            if len(_resolved) >= KEPT:
                _resolved.pop(next(iter(_resolved)))  # the oldest kept
            _resolved[token_hash] = link
        if link.expires_at <= now:  # TTL deletion lags: expiry is checked, not trusted to the sweep of DynamoDB
            raise LinkExpired("this link has expired", link.org_id)
        return link

    @staticmethod
    def _read(token_hash: str) -> Link:
        bind()
        try:
            item = LinkItem.get(f"LINK#{token_hash}", "LINK")
        except LinkItem.DoesNotExist:
            raise NotFound("link") from None
        return Link(token_hash, item.org_id, item.job_id, item.appointment_id, LinkPurpose(item.purpose),
                    datetime.fromtimestamp(int(item.expires_at), UTC), item.contact_id)
