"""In-memory adapters for service tests: `fake_repositories()` (the twins of every port, sharing one
World) and a sender that records what it was asked to send."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib import clock
from chalicelib.notify.senders import Senders
from chalicelib.services.repositories import Repositories

from .repositories import (
    FakeBookings,
    FakeChanges,
    FakeChannels,
    FakeClassification,
    FakeConsents,
    FakeContacts,
    FakeContexts,
    FakeCustomerPages,
    FakeCustomers,
    FakeDirectory,
    FakeDue,
    FakeEstimates,
    FakeFeedback,
    FakeFrames,
    FakeInbox,
    FakeJobs,
    FakeLinks,
    FakeLocations,
    FakeMessages,
    FakeNotes,
    FakeOrders,
    FakeOrganizations,
    FakeQueues,
    FakeRates,
    FakeSettings,
    FakeTallies,
    FakeTimers,
    FakeUploads,
    FakeUsers,
    World,
)


def fake_repositories(world: World | None = None) -> Repositories:
    """Repositories with every adapter in memory; the shared state is `repos.jobs.w` (a World)."""
    w = world or World()
    return Repositories(
        organizations=FakeOrganizations(w), users=FakeUsers(w), locations=FakeLocations(w),
        customers=FakeCustomers(w), contacts=FakeContacts(w), contexts=FakeContexts(w), jobs=FakeJobs(w), notes=FakeNotes(w),
        messages=FakeMessages(w), settings=FakeSettings(w), timers=FakeTimers(w), due=FakeDue(w),
        queues=FakeQueues(w), inbox=FakeInbox(w), directory=FakeDirectory(w), links=FakeLinks(w),
        feedback=FakeFeedback(w), estimates=FakeEstimates(w), orders=FakeOrders(w), channels=FakeChannels(w),
        classification=FakeClassification(w), uploads=FakeUploads(w), consent=FakeConsents(w), rates=FakeRates(w),
        bookings=FakeBookings(w), customer_pages=FakeCustomerPages(w), frames=FakeFrames(w), tallies=FakeTallies(w),
        changes=FakeChanges(w))


class FakeClock:
    """The clock a test sets and moves (installed with `bootstrap.use(clock=...)`)."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def fake_senders(sms: "RecordingSender | None" = None) -> Senders:
    """The sender port with a recording SMS sender and voice caller; WhatsApp and email refuse to be used
    (the service tests' customers are SMS customers)."""
    return Senders(sms=sms or RecordingSender(), whatsapp=Unused("WhatsApp"), email=Unused("email"),
                   voice=RecordingVoice())


@dataclass
class Unused:
    channel: str

    def send(self, *args, **kwargs) -> str:
        raise AssertionError(f"a service test sent on {self.channel}")


@dataclass
class RecordingVoice:
    """The voice port: each message placed, as (when, to, origination, text)."""
    calls: list = field(default_factory=list)

    def place(self, to: str, origination: str, text: str) -> str:
        self.calls.append((clock.now(), to, origination, text))
        return f"voice-{len(self.calls)}"


class Refused(ConnectionError):
    """What the recording sender raises for a number told to fail."""


@dataclass
class RecordingSender:
    """The SMS sender port, recording (to, body, origination); `refuse` makes the next sends to a number fail."""
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    refuse: dict[str, int] = field(default_factory=dict)  # number -> how many more sends to it fail

    def send(self, to: str, body: str, origination: str) -> str:
        if self.refuse.get(to):
            self.refuse[to] -= 1
            raise Refused(f"provider refused the text to {to[-4:]}")
        self.sent.append((to, body, origination))
        return f"fake-{len(self.sent)}"

    def to(self, phone: str) -> list[str]:
        """The bodies sent to `phone`, in order."""
        return [body for to, body, _ in self.sent if to == phone]
