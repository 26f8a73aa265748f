"""The job status machine of docs/product.md §3, as data.

A transition missing from these tables is refused with `invalid_transition`.
"""
from enum import StrEnum

from .errors import InvalidTransition


class JobStatus(StrEnum):
    NEW_OFFER = "new_offer"
    UNSCHEDULED = "unscheduled"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    COMPLETE = "complete"
    CANCELED = "canceled"
    DECLINED = "declined"  # internal: the offer is gone for this organization (kept, never shown)


class JobAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    ADD_APPOINTMENT = "add_appointment"
    DELETE_LAST_APPOINTMENT = "delete_last_appointment"
    EN_ROUTE = "en_route"
    START = "start"
    PAUSE = "pause"
    COMPLETE = "complete"
    CANCEL = "cancel"


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    EN_ROUTE = "en_route"
    STARTED = "started"
    PAUSED = "paused"
    COMPLETE = "complete"
    CANCELED = "canceled"


class AppointmentAction(StrEnum):
    """What the technician app (or a dispatcher) posts to /appointments/{id}/status."""
    EN_ROUTE = "en_route"
    START = "start"
    PAUSE = "pause"
    COMPLETE = "complete"
    DELAY = "delay"


J, A = JobStatus, JobAction

JOB_TRANSITIONS: dict[tuple[JobStatus, JobAction], JobStatus] = {
    (J.NEW_OFFER, A.ACCEPT): J.UNSCHEDULED,
    (J.NEW_OFFER, A.DECLINE): J.DECLINED,
    (J.UNSCHEDULED, A.ADD_APPOINTMENT): J.SCHEDULED,
    (J.SCHEDULED, A.ADD_APPOINTMENT): J.SCHEDULED,  # a further visit for a scheduled job
    (J.SCHEDULED, A.DELETE_LAST_APPOINTMENT): J.UNSCHEDULED,
    (J.SCHEDULED, A.EN_ROUTE): J.IN_PROGRESS,
    (J.SCHEDULED, A.START): J.IN_PROGRESS,
    (J.SCHEDULED, A.COMPLETE): J.COMPLETE,
    (J.SCHEDULED, A.CANCEL): J.CANCELED,
    (J.IN_PROGRESS, A.COMPLETE): J.COMPLETE,
    (J.IN_PROGRESS, A.PAUSE): J.PAUSED,
    (J.PAUSED, A.ADD_APPOINTMENT): J.SCHEDULED,
    (J.PAUSED, A.CANCEL): J.CANCELED,
    (J.COMPLETE, A.ADD_APPOINTMENT): J.SCHEDULED,
    (J.CANCELED, A.ADD_APPOINTMENT): J.SCHEDULED,  # reactivate
}

S, AA = AppointmentStatus, AppointmentAction

APPOINTMENT_TRANSITIONS: dict[tuple[AppointmentStatus, AppointmentAction], AppointmentStatus] = {
    (S.SCHEDULED, AA.EN_ROUTE): S.EN_ROUTE,
    (S.SCHEDULED, AA.START): S.STARTED,
    (S.EN_ROUTE, AA.START): S.STARTED,
    (S.EN_ROUTE, AA.PAUSE): S.PAUSED,  # customer absent, emergency call on the way
    (S.STARTED, AA.PAUSE): S.PAUSED,
    (S.SCHEDULED, AA.COMPLETE): S.COMPLETE,
    (S.EN_ROUTE, AA.COMPLETE): S.COMPLETE,
    (S.STARTED, AA.COMPLETE): S.COMPLETE,
    (S.SCHEDULED, AA.DELAY): S.SCHEDULED,
    (S.EN_ROUTE, AA.DELAY): S.EN_ROUTE,
}

OPEN_APPOINTMENT = frozenset({S.SCHEDULED, S.EN_ROUTE, S.STARTED})
# The job-level action an appointment action drives (delay moves no job status).
JOB_ACTION_OF = {AA.EN_ROUTE: A.EN_ROUTE, AA.START: A.START, AA.PAUSE: A.PAUSE, AA.COMPLETE: A.COMPLETE}


def next_job_status(status: JobStatus, action: JobAction) -> JobStatus:
    try:
        return JOB_TRANSITIONS[(status, action)]
    except KeyError:
        raise InvalidTransition(status, action.replace("_", " ")) from None


def next_appointment_status(status: AppointmentStatus, action: AppointmentAction) -> AppointmentStatus:
    try:
        return APPOINTMENT_TRANSITIONS[(status, action)]
    except KeyError:
        raise InvalidTransition(status, action.replace("_", " "), "appointment") from None
