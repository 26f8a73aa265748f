"""Service tests on the in-memory repositories (tests/fakes): the decisions the end-to-end tests make
through moto, taken here in milliseconds. No test here reaches AWS: a botocore call fails the test.

The stream is replayed from what the fakes wrote (World.changes), dispatched to the services as
handlers/stream.handle_record does; the sweep is services/sweep.run on the fake clock."""
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import botocore.client
import pytest

from chalicelib import bootstrap
from chalicelib.domain.customers import Customer
from chalicelib.domain.messages import MessageStatus
from chalicelib.domain.people import Role
from chalicelib.domain.values import TimeFrame
from chalicelib.notify.senders import Senders
from chalicelib.services import inbound, reactions, sweep
from chalicelib.services.access import Caller
from chalicelib.services.jobs import NewAppointment, create_job
from chalicelib.services.people import create_organization, create_user
from tests.fakes import FakeClock as Clock
from tests.fakes import RecordingSender, RecordingVoice, fake_repositories, fake_senders

SAM = "+13035550177"
NUMBER = "+13035550100"
DEFAULT_NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # Tue 1 Dec 2026, 10:00 in Denver (as tests/e2e)
NOON = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # noon in Denver
NIGHT = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 22:00 in Denver the evening before: quiet hours


@pytest.fixture(autouse=True)
def no_aws(monkeypatch):
    def refuse(self, operation, params):
        raise AssertionError(f"a service test called AWS: {self.meta.service_model.service_name} {operation}")
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", refuse)


@pytest.fixture(autouse=True)
def release_at_the_end_of_quiet_hours(monkeypatch):
    """Held texts go at 08:00 sharp here: the spread over the hour after is tested on its own
    (tests/unit/test_pacing.py, tests/e2e/test_quiet_hours.py)."""
    monkeypatch.setenv("QUIET_RELEASE_MINUTES", "0")


@pytest.fixture(autouse=True)
def clock():
    fake = Clock(DEFAULT_NOW)
    bootstrap.use(clock=fake)
    yield fake
    bootstrap.reset()


@dataclass
class Shop:
    """One organization (acme Services, Denver), its dispatcher, a technician and the customer Sam."""
    repos: object
    senders: Senders  # the recording SMS sender and voice caller below, behind the sender port
    clock: Clock
    org: object = None
    dispatcher: Caller = None
    tech: Caller = None
    customer_id: str = "cus_sam"
    failures: list = field(default_factory=list)

    @property
    def sender(self) -> RecordingSender:
        return self.senders.sms

    @property
    def voice(self) -> RecordingVoice:
        return self.senders.voice

    @property
    def world(self):
        return self.repos.jobs.w

    def settle(self) -> list[Exception]:
        """Deliver what was written to the stream handler's services, in order, until nothing is left. A
        record that fails stays first in line (Lambda redelivers it): the failures are returned."""
        while self.world.changes:
            change = self.world.changes[0]
            try:
                reactions.react(self.repos, self.senders, self.repos.changes.events_of(change))
            except Exception as error:
                return [error]
            self.world.changes.pop(0)
        return []

    def sweep(self) -> sweep.SweepReport:
        """One minute's sweep: a run per shard, as each shard's schedule invokes it; the reports summed."""
        runs = [sweep.run(self.repos, self.senders, self.clock.now, shard) for shard in range(self.repos.due.shards())]
        total = replace(runs[0], kinds=dict(sum((Counter(r.kinds) for r in runs), Counter())))
        for name in ("queries", "due", "acted", "failed", "left"):
            setattr(total, name, sum(getattr(r, name) for r in runs))
        return total

    def run_until(self, until: datetime, step=timedelta(minutes=30)) -> None:
        """Sweep every `step` (the stream settled between), as the schedule would, up to `until`."""
        while self.clock.now < until:
            self.clock.now = min(self.clock.now + step, until)
            self.sweep()
            assert self.settle() == []

    def book(self, start: datetime, technician_id: str | None = None, hours: int = 2, customer_id: str | None = None,
             **kw):
        job = create_job(self.repos, self.dispatcher, customer_id or self.customer_id, "Furnace",
                         appointment=NewAppointment(TimeFrame(start, start + timedelta(hours=hours)), technician_id),
                         **kw)
        assert self.settle() == []
        return job, job.appointments[0].id

    def job(self, job_id: str):
        return self.repos.jobs.get(self.org.id, job_id)

    def messages(self, job) -> list:
        return sorted(self.repos.messages.conversation(self.org.id, job.id, 1000, None).items,
                      key=lambda m: (m.created_at, m.id))

    def scenarios(self, job) -> list[str]:
        """The scenarios of the texts that went (unknown: no receipt within 72 h)."""
        return [m.scenario for m in self.messages(job)
                if m.status in (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNKNOWN)]

    def ledger(self, job) -> dict[str, list[tuple[str, str | None]]]:
        found: dict[str, list] = {}
        for m in self.messages(job):
            found.setdefault(m.scenario, []).append((m.status.value, m.error))
        return found

    def texts(self) -> list[str]:
        return self.sender.to(SAM)

    def reply(self, body: str, sender: str = SAM, inbound_id: str | None = None) -> str:
        """A text from the customer, as the inbound topic delivers it (services/inbound), the stream settled."""
        text = inbound.parse(json.dumps({"originationNumber": sender, "destinationNumber": NUMBER,
                                         "messageBody": body, "inboundMessageId": inbound_id or str(uuid.uuid4())}))
        outcome = inbound.handle(self.repos, self.senders, text)
        assert self.settle() == []
        return outcome

    def add_customer(self, customer_id: str, phone: str, **kw) -> str:
        self.repos.customers.add(Customer(customer_id, self.org.id, "Sam Rivera", phone, self.clock.now,
                                          time_zone="America/Denver", address="12 Elm St, Denver", **kw))
        return customer_id


@pytest.fixture
def shop(clock) -> Shop:
    repos = fake_repositories()
    s = Shop(repos, fake_senders(), clock)
    s.org, dispatcher = create_organization(repos, name="acme Services", slug="acme", time_zone="America/Denver",
                                            sms_number=NUMBER, dispatcher_name="Dana Dispatch",
                                            dispatcher_email="dana@acme.example")
    s.dispatcher = Caller(dispatcher)
    s.tech = Caller(create_user(repos, s.dispatcher, name="Ana Alvarez", email="ana@acme.example",
                                roles=frozenset({Role.TECHNICIAN}), phone="+13035550142"))
    s.add_customer("cus_sam", SAM)
    return s


@pytest.fixture
def noon(clock):
    clock.now = NOON
    return clock


@pytest.fixture
def voice_calls(shop) -> list:
    """The voice messages placed, as (when, to, origination, text)."""
    return shop.voice.calls
