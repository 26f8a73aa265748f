"""The dispatchers' work queues (docs/product.md §8, seed 003): each entry says why it is there and since when,
and is worked open → claimed → done with an outcome. An entry also closes by itself when what it waits
for happens (the customer confirms, the visit is assigned, moved or canceled), or when the visit's window
is over and it can no longer be worked (then a no-show review takes its place)."""
import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .errors import InvalidTransition
from .ids import job_id_of


class QueueName(StrEnum):
    UNASSIGNED = "unassigned"  # visits with no technician, soonest window first
    ESCALATION = "escalation"  # calls to make: no reply to the confirmation request
    RETENTION = "retention"  # rejected or unconfirmed: win the customer back, learn why
    CALLBACK = "callback"  # the customer asked to be called back
    INTAKE = "intake"  # orders no rule classified, or not eligible: a person assigns or handles them
    NO_SHOW = "no_show"  # visits whose window passed with nobody there, or whose customer was never told


class EntryState(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    DONE = "done"


class Outcome(StrEnum):
    """What a dispatcher records when closing an entry."""
    CONFIRMED = "confirmed"  # the customer confirmed on the call
    REJECTED = "rejected"  # the customer said no (with a reason)
    RESCHEDULE = "reschedule"  # the customer asked for another window: the appointment moves
    NO_ANSWER = "no_answer"  # nobody answered: the confirmation chain goes on to its next step
    DONE = "done"  # worked, nothing more to record


class ClosedBy(StrEnum):
    """What closed an entry by itself: the outcome it gets."""
    CUSTOMER_CONFIRMED = "customer_confirmed"
    ASSIGNED = "assigned"
    MOVED = "moved"
    CANCELED = "canceled"
    WINDOW_PASSED = "window_passed"  # the visit's window is over: nothing left to confirm or assign


SYSTEM = "system"  # `closed_by` when the entry closed by itself


def entry_id(job_id: str, key: str) -> str:
    """One entry per key (a replayed trigger adds nothing); the id embeds the job, which holds the entry."""
    return f"que_{job_id.removeprefix('job_')}_{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def job_id_of_entry(entry_id: str) -> str:
    return job_id_of(entry_id, "que", "queue entry")


@dataclass
class QueueEntry:
    org_id: str
    queue: QueueName
    job_id: str
    appointment_id: str | None
    reason: str
    created_at: datetime
    id: str = ""
    state: EntryState = EntryState.OPEN
    claimed_by: str | None = None
    outcome: str | None = None
    note: str | None = None
    closed_by: str | None = None
    updated_at: datetime | None = None
    order_at: datetime | None = None  # where it sorts: when it started waiting, or the window (unassigned)
    version: int | None = None
    order_id: str | None = None  # an intake entry's order (its job_id is None while no job was made)

    def __post_init__(self):
        self.updated_at = self.updated_at or self.created_at
        self.order_at = self.order_at or self.created_at

    def claim(self, user_id: str, now: datetime) -> None:
        """One person works an entry at a time; claiming one's own claim again changes nothing."""
        if self.state is EntryState.DONE:
            raise InvalidTransition(self.state, "claim", "queue entry")
        if self.state is EntryState.CLAIMED and self.claimed_by != user_id:
            raise InvalidTransition(self.state, "claim (someone else is on it)", "queue entry")
        self.state, self.claimed_by, self.updated_at = EntryState.CLAIMED, user_id, now

    def release(self, now: datetime) -> None:
        """Back to the queue for someone else (any dispatcher may release a colleague's claim)."""
        if self.state is EntryState.DONE:
            raise InvalidTransition(self.state, "release", "queue entry")
        self.state, self.claimed_by, self.updated_at = EntryState.OPEN, None, now

    def resolve(self, outcome: Outcome, by: str, now: datetime, note: str | None = None) -> None:
        if self.state is EntryState.DONE:
            raise InvalidTransition(self.state, "resolve", "queue entry")
        if self.state is EntryState.CLAIMED and self.claimed_by != by:
            raise InvalidTransition(self.state, "resolve (someone else is on it)", "queue entry")
        self._close(outcome.value, by, now, note)

    def close(self, why: ClosedBy, now: datetime) -> bool:
        """Closed by itself: what it waited for has happened. False if it was closed already."""
        if self.state is EntryState.DONE:
            return False
        self._close(why.value, SYSTEM, now, None)
        return True

    def _close(self, outcome: str, by: str, now: datetime, note: str | None) -> None:
        self.state, self.outcome, self.closed_by, self.note, self.updated_at = EntryState.DONE, outcome, by, note, now
