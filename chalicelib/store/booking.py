"""Booking requests from the public page: the request, its customer (when new), the form's key and both
counters (per phone per day, per client address per hour) in one transaction, so a refused request stores
nothing and a second submit of one form finds the first."""
from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ..domain.consent import ConsentRecord
from ..domain.customers import Customer
from ..domain.errors import LimitReached
from ..domain.jobs import Job
from .consent import item as consent_item
from .mapping import customer_item, job_item
from .models import BookingCountItem, BookingRequestItem, Entity, bind

REQUEST_SK = "BOOKING"


def _counts_pk(org_id: str) -> str:
    return f"ORG#{org_id}#BOOKINGS"


def _request_pk(org_id: str, key: str) -> str:
    return f"ORG#{org_id}#BOOKING#{key}"


class Bookings:
    def earlier(self, org_id: str, key: str) -> str | None:
        """The job an earlier submit of this form created."""
        bind()
        try:
            return BookingRequestItem.get(_request_pk(org_id, key), REQUEST_SK, consistent_read=True).job_id
        except BookingRequestItem.DoesNotExist:
            return None

    def add(self, job: Job, customer: Customer | None, key: str,
            counters: list[tuple[str, str, str, int, datetime]], expires: datetime,
            consent: ConsentRecord) -> str | None:
        """Store the request and the opt-in it carries; None if done, the earlier job id if this form was
        submitted before. `counters`: (which, value, period, limit, when the count may be forgotten).
        LimitReached names the first full."""
        table = bind()
        try:
            with TransactWrite(connection=table._get_connection().connection) as tx:
                tx.save(BookingRequestItem(pk=_request_pk(job.org_id, key), sk=REQUEST_SK, job_id=job.id,
                                           expires_at=int(expires.timestamp())), condition=Entity.pk.does_not_exist())
                for which, value, period, limit, until in counters:
                    item = BookingCountItem(pk=_counts_pk(job.org_id), sk=f"{which}#{value}#{period}")
                    tx.update(item, actions=[BookingCountItem.count.add(1),
                                             BookingCountItem.expires_at.set(int(until.timestamp())),
                                             BookingCountItem.kind.set(BookingCountItem)],  # readable as any item
                              condition=BookingCountItem.count.does_not_exist() | (BookingCountItem.count < limit))
                if customer is not None:
                    tx.save(customer_item(customer), condition=Entity.pk.does_not_exist())
                tx.save(job_item(job), condition=Entity.pk.does_not_exist())
                tx.save(consent_item(consent))
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            reasons = [r and r.code for r in error.cancellation_reasons]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return self.earlier(job.org_id, key) or job.id
            # PynamoDB sends the puts first, then the updates (the counters), each in the order given.
            for (which, *_), reason in zip(counters, reasons[-len(counters):], strict=False):  # a short answer: fewer to check
                if reason == "ConditionalCheckFailed":
                    raise LimitReached(which) from None
            raise
        job.version = 1
        return None

