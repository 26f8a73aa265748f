"""How fast texts may leave, and in what order: pure rules, no I/O.

An origination identity (the organization's number or sender id) may send so many SMS parts per second
(a carrier and AWS limit, per identity). `SendWindow` keeps the parts sent in the last second and says
when the next text may go, so no one-second window ever holds more than the limit. `Lanes` orders what
is waiting: per identity, every urgent text before any routine one; across identities, whoever can go
soonest. Held texts are released over a window after quiet hours, each at a stable offset, so a zone's
whole night does not try to go in the first minute of the morning."""
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Parts per second AWS End User Messaging grants an identity of each kind by default (US; its user guide,
# "Message Parts per Second (MPS) limits", read 2026-11-24): a short code 100, a toll-free number 3, a 10DLC
# number 1 until an increase is granted for its campaign (4, 40 or 75 by vetting score). An operator sets
# what was granted: python -m chalicelib.admin set-send-rate.
TOLL_FREE_PREFIXES = ("+1800", "+1833", "+1844", "+1855", "+1866", "+1877", "+1888")
DEFAULT_PARTS_PER_SECOND = {"toll_free": 3.0, "10dlc": 1.0, "short_code": 100.0, "sender_id": 10.0}
# The scenarios docs/texts-and-timers.md's table marks not urgent; every other text (en route, delayed,
# arrived, still assigning, auto-canceled, a reply to the customer, a person's own words) has someone waiting on it.
ROUTINE_SCENARIOS = frozenset({"booking_confirmation", "reminder", "feedback_request", "canceled",
                               "booking_received"})


def identity_kind(identity: str) -> str:
    digits = identity.lstrip("+")
    if digits.isdigit() and len(digits) <= 6:
        return "short_code"
    if identity.startswith(TOLL_FREE_PREFIXES):
        return "toll_free"
    if identity.startswith("+") and digits.isdigit():
        return "10dlc"
    return "sender_id"


def default_rate(identity: str) -> float:
    return DEFAULT_PARTS_PER_SECOND[identity_kind(identity)]


def is_urgent(scenario: str | None) -> bool:
    return scenario not in ROUTINE_SCENARIOS


@dataclass
class SendWindow:
    """The parts an identity sent in the last second, as (time in seconds, parts)."""
    parts_per_second: float
    recent: deque = field(default_factory=deque)
    paused_until: float = 0.0  # after the provider said "too fast"

    def _forget(self, now: float) -> None:
        while self.recent and self.recent[0][0] <= now - 1.0:
            self.recent.popleft()

    def wait(self, now: float, parts: int) -> float:
        """Seconds until `parts` may go without any one-second window passing the limit (0: now). A text
        longer than the limit goes alone, in an otherwise empty second."""
        if now < self.paused_until:
            return self.paused_until - now
        self._forget(now)
        limit = max(self.parts_per_second, parts)
        used = sum(p for _, p in self.recent)
        if used + parts <= limit:
            return 0.0
        # The oldest sends leave the window one by one; find when enough room is left.
        for at, p in self.recent:
            used -= p
            if used + parts <= limit:
                return at + 1.0 - now
        return 0.0  # unreachable: an empty window always has room

    def record(self, now: float, parts: int) -> None:
        self.recent.append((now, parts))

    def throttled(self, now: float, attempt: int) -> float:
        """The provider refused for rate: back off (0.5 s, 1 s, 2 s ... at most 30 s) and count the whole
        window as used, so neither this text nor the next one tries sooner."""
        pause = min(0.5 * 2 ** attempt, 30.0)
        self.paused_until = now + pause
        return pause


@dataclass(frozen=True)
class QueuedText:
    """A claimed SMS in the outbound queue: it names the message (the ledger stays the truth about it)."""
    org_id: str
    job_id: str
    key: str  # the ledger's trigger key
    identity: str  # the origination identity it leaves from
    parts: int
    urgent: bool
    handle: str = ""  # the queue's receipt handle, once received


@dataclass
class Waiting:
    """A text waiting to leave: what the lanes need to order it, and the queue's handle for it."""
    identity: str
    parts: int
    urgent: bool
    ref: object  # the queue's own record of it
    attempts: int = 0  # provider throttling answers so far


class Lanes:
    """Texts received from the queues, per identity: urgent lane first, routine after, each in order."""

    def __init__(self):
        self.urgent: dict[str, deque] = {}
        self.routine: dict[str, deque] = {}

    def add(self, item: Waiting, front: bool = False) -> None:
        lane = (self.urgent if item.urgent else self.routine).setdefault(item.identity, deque())
        lane.appendleft(item) if front else lane.append(item)

    def __len__(self) -> int:
        return sum(map(len, self.urgent.values())) + sum(map(len, self.routine.values()))

    def head(self, identity: str) -> Waiting | None:
        """The next text of an identity: never a routine one while an urgent one waits."""
        for lanes in (self.urgent, self.routine):
            if lanes.get(identity):
                return lanes[identity][0]
        return None

    def identities(self) -> list[str]:
        return [i for i in {**self.urgent, **self.routine} if self.head(i) is not None]

    def pop(self, item: Waiting) -> None:
        (self.urgent if item.urgent else self.routine)[item.identity].popleft()

    def waiting(self) -> list[Waiting]:
        return [w for lanes in (self.urgent, self.routine) for lane in lanes.values() for w in lane]


def release_offset(key: str, release: datetime, window: timedelta, before: datetime | None) -> timedelta:
    """Where in the release window a held text goes: a stable hash of its key, so a replay picks the
    same moment; within the first half of the time left before the visit it is about, so spreading never
    makes a text arrive after the window it announces has begun."""
    room = window
    if before is not None:
        room = min(room, max(before - release, timedelta()) / 2)
    seconds = int(room.total_seconds())
    if seconds <= 0:
        return timedelta()
    return timedelta(seconds=zlib.crc32(key.encode()) % seconds)
