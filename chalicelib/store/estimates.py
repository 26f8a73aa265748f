"""A job's estimates, each one item in the job's partition, written under its version."""
from ..domain.errors import NotFound
from ..domain.estimates import Decision, Estimate, EstimateLine
from . import keys
from .db import conditional
from .models import Entity, EstimateItem, EstimateLineMap, bind

PREFIX = "QUOTE#"  # sorts after APPT#…MSG$: the job's and the customer page's Queries never read it


def item_of(e: Estimate) -> EstimateItem:
    item = EstimateItem(
        pk=keys.job(e.org_id, e.job_id), sk=PREFIX + e.id, org_id=e.org_id, job_id=e.job_id, estimate_id=e.id,
        appointment_id=e.appointment_id, currency=e.currency, note=e.note, comment=e.comment,
        created_by=e.created_by, created_at=e.created_at, decided_at=e.decided_at,
        lines=[EstimateLineMap(line_id=x.id, description=x.description, amount_cents=x.amount_cents,
                               optional=x.optional, decision=x.decision.value, decided_by=x.decided_by,
                               decided_at=x.decided_at) for x in e.lines])
    if e.version is not None:
        item.version = e.version
    return item


def estimate_of(i: EstimateItem) -> Estimate:
    return Estimate(i.estimate_id, i.org_id, i.job_id, i.appointment_id, i.currency,
                    [EstimateLine(x.line_id, x.description, int(x.amount_cents), bool(x.optional), Decision(x.decision),
                                  x.decided_by, x.decided_at) for x in i.lines],
                    i.created_by, i.created_at, note=i.note, comment=i.comment, version=int(i.version),
                    decided_at=i.decided_at)


class Estimates:
    def add(self, e: Estimate) -> None:
        bind()
        item = item_of(e)
        with conditional():
            item.save(condition=Entity.pk.does_not_exist())
        e.version = int(item.version)

    def save(self, e: Estimate) -> None:
        """On condition that nobody decided meanwhile (VersionConflict otherwise)."""
        bind()
        item = item_of(e)
        with conditional():
            item.save()
        e.version = int(item.version)

    def of_job(self, org_id: str, job_id: str) -> list[Estimate]:
        """Oldest first: one Query on the job's partition."""
        bind()
        found = [estimate_of(i) for i in EstimateItem.query(keys.job(org_id, job_id), EstimateItem.sk.startswith(PREFIX),
                                                             consistent_read=True)]
        return sorted(found, key=lambda e: (e.created_at, e.id))

    def get(self, org_id: str, job_id: str, estimate_id: str) -> Estimate:
        bind()
        try:
            return estimate_of(EstimateItem.get(keys.job(org_id, job_id), PREFIX + estimate_id, consistent_read=True))
        except EstimateItem.DoesNotExist:
            raise NotFound("estimate") from None
