"""What the customer's page reads: the job, its appointments, feedback and conversation in one Query."""
from ..domain.jobs import Job
from ..domain.messages import Message
from . import keys
from .mapping import appointment_of, feedback_of, job_of, message_of
from .models import AppointmentItem, Entity, FeedbackItem, JobItem, MessageItem, bind

# APPT#… < FEEDBACK < JOB < MSG#…: one key range of the job's partition, and nothing else of it
# (notes, photos, timers and claims sort after it).
FIRST, LAST = "APPT#", "MSG$"


class CustomerPages:
    def job_with_conversation(self, org_id: str, job_id: str) -> tuple[Job, list[Message]] | None:
        bind()
        job_item, appointments, feedback, messages = None, [], None, []
        for item in Entity.query(keys.job(org_id, job_id), Entity.sk.between(FIRST, LAST), consistent_read=True):
            if isinstance(item, JobItem):
                job_item = item
            elif isinstance(item, AppointmentItem):
                appointments.append(appointment_of(item))
            elif isinstance(item, FeedbackItem):
                feedback = feedback_of(item)
            elif isinstance(item, MessageItem):
                messages.append(message_of(item))
        if job_item is None:
            return None
        return job_of(job_item, appointments, feedback), messages  # messages in key order: oldest first
