"""The customer's rating of a job: one per job, in the job's partition, listed by date for the dispatcher."""
from datetime import datetime

from ..domain.errors import AlreadyGiven
from ..domain.feedback import Feedback
from . import keys
from .db import conditional
from .mapping import feedback_of
from .models import Entity, FeedbackItem, bind
from .paging import Page, decode, encode

SK = "FEEDBACK"  # sorts between APPT# and JOB: the job's own Query reads it with the job


def index(org_id: str) -> str:
    return f"ORG#{org_id}#FEEDBACK"



class Feedbacks:
    def add(self, f: Feedback) -> None:
        """Once per job: a second one is refused (the first stays as given)."""
        bind()
        item = FeedbackItem(pk=keys.job(f.org_id, f.job_id), sk=SK, org_id=f.org_id, job_id=f.job_id,
                            appointment_id=f.appointment_id, rating=f.rating, comment=f.comment,
                            created_at=f.created_at, gsi2pk=index(f.org_id),
                            gsi2sk=f"{keys.stamp(f.created_at)}#{f.job_id}")
        with conditional(AlreadyGiven()):
            item.save(condition=Entity.pk.does_not_exist())

    def between(self, org_id: str, start: datetime, end: datetime, limit: int,
                next_token: str | None) -> Page[Feedback]:
        """Given in [start, end), oldest first: one Query on the index."""
        bind()
        hash_key = index(org_id)
        result = Entity.gsi2.query(hash_key, Entity.gsi2sk.between(keys.stamp(start), keys.stamp(end)), limit=limit,
                                   last_evaluated_key=decode(next_token, ("gsi2pk", hash_key), "gsi2sk"))
        found = [feedback_of(i) for i in result if isinstance(i, FeedbackItem) and i.created_at < end]
        return Page(found, encode(result.last_evaluated_key))
