"""The send-rate governor on moto's SQS and DynamoDB, against a provider that refuses to go faster than
its limit: a burst of texts due in the same minute all go, once each, within the identity's rate, urgent
ones first. Time is a controllable clock: the drainer's sleeps move it, nothing waits for real."""
import random
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from chalicelib import bootstrap
from chalicelib.bootstrap import store_repositories
from chalicelib.domain.customers import Customer
from chalicelib.domain.jobs import Job
from chalicelib.domain.messages import Message, MessageStatus, new_message
from chalicelib.domain.pacing import QueuedText as Entry
from chalicelib.domain.status import AppointmentAction
from chalicelib.domain.values import TimeFrame
from chalicelib.notify.queue import TextQueue
from chalicelib.notify.senders import Senders
from chalicelib.services.outbox import dispatch as delivery
from chalicelib.services.outbox import drain as governor
from chalicelib.services.people import create_organization
from chalicelib.services.repositories import Repositories
from chalicelib.store.rates import SendRates

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 08:00 in Denver
NUMBER = "+13035550100"  # a 10DLC number


class Seconds:
    """Simulated time: the drainer's clock, moved only by its own sleeps."""

    def __init__(self):
        self.t = START.timestamp()
        self.slept = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.t += seconds
        self.slept += seconds

    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.t, UTC)


class ThrottlingProvider:
    """Accepts at most `limit` parts in any one-second window of simulated time; above it, End User
    Messaging's ThrottlingException. Also says "too fast" now and then on its own, as a real one does."""

    def __init__(self, seconds: Seconds, limit: int, spurious_every: int = 0):
        self.seconds, self.limit, self.spurious_every = seconds, limit, spurious_every
        self.accepted: list[tuple[float, str, int]] = []
        self.refused = 0
        self.calls = 0

    def send(self, to: str, body: str, origination: str) -> str:
        self.calls += 1
        t = self.seconds.now()
        parts = int(body.split("|")[1])
        used = sum(p for at, _, p in self.accepted if at > t - 1.0)
        if used + parts > self.limit or (self.spurious_every and self.calls % self.spurious_every == 0):
            self.refused += 1
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
                              "SendTextMessage")
        self.accepted.append((t, to, parts))
        return f"prov-{len(self.accepted)}"


@pytest.fixture
def seconds(aws):
    s = Seconds()
    bootstrap.use(clock=s.moment)
    yield s
    bootstrap.reset()


@pytest.fixture
def queues(aws, monkeypatch):
    import boto3
    sqs = boto3.client("sqs")
    for name, env in (("texts-urgent", "URGENT_TEXTS_QUEUE_URL"), ("texts-routine", "ROUTINE_TEXTS_QUEUE_URL")):
        monkeypatch.setenv(env, sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "300"})["QueueUrl"])
    yield


def via(provider) -> Senders:
    """The sender port with `provider` as its SMS adapter and the text queues of the `queues` fixture."""
    return Senders(sms=provider, whatsapp=None, email=None, voice=None, texts=TextQueue())


def claimed_texts(repos: Repositories, n: int, seed: int, scenarios: list[str] | None = None) -> list[Message]:
    """`n` texts claimed in the ledger as the stream and the sweep claim them: a mix of urgent (en route,
    arrived) and routine (reminders, confirmations), of one and two SMS parts, in a shuffled order. Each is
    about a visit of its own customer that is as the text says (the drainer judges it on the job before it
    goes)."""
    rnd = random.Random(seed)
    org, dispatcher = create_organization(repos, name="Acme", slug=f"acme-{seed}", time_zone="America/Denver",
                                          sms_number=NUMBER, dispatcher_name="Dana", dispatcher_email="d@acme.example")
    texts = []
    for i in range(n):
        scenario = scenarios[i] if scenarios else rnd.choice(["en_route", "arrived", "reminder",
                                                              "booking_confirmation", "reminder"])
        parts = rnd.choice([1, 1, 1, 2])
        phone = f"+1720555{i:04d}"
        repos.customers.add(Customer(f"cus_{i}", org.id, "Sam", phone, START, time_zone="America/Denver"))
        job = Job.create(org.id, f"cus_{i}", "Furnace", START)
        appointment = job.schedule(TimeFrame(START + timedelta(days=1), START + timedelta(days=1, hours=2)), START,
                                   dispatcher.id)
        if scenario in ("en_route", "arrived"):
            job.change_appointment_status(appointment.id, AppointmentAction.EN_ROUTE, START)
        if scenario == "arrived":
            job.change_appointment_status(appointment.id, AppointmentAction.START, START)
        repos.jobs.save(job)
        key = f"{scenario}:{appointment.id}"
        m = new_message(org.id, job.id, key, sender=NUMBER, recipient=phone, body=f"text {i}|{parts}|", now=START,
                        scenario=scenario, appointment_id=appointment.id, window=appointment.window,
                        time_zone="America/Denver")
        m.segments = parts
        assert repos.messages.claim(m, []) is None
        texts.append(m)
    return texts


def max_parts_in_a_second(accepted) -> int:
    return max(sum(p for at, _, p in accepted if start <= at < start + 1.0) for start, _, _ in accepted)


def test_a_burst_of_500_texts_all_go_once_within_the_rate_urgent_first(aws, queues, seconds):
    repos = store_repositories()
    SendRates().set_rate(NUMBER, 5)
    provider = ThrottlingProvider(seconds, limit=5, spurious_every=37)
    texts = claimed_texts(repos, 500, seed=18)
    senders = via(provider)
    for m in texts:  # what notify / the sweep do after the claim: the one call site of the governor
        delivery.deliver(repos, senders, m)
    assert provider.calls == 0  # queued, not sent inline

    report = governor.drain(repos, via(provider), budget=3600, now=seconds.now, sleep=seconds.sleep)

    assert report.sent == 500 and report.failed == 0 and report.given_back == 0
    assert report.throttled > 0  # the provider said "too fast" and nothing was lost for it
    assert provider.refused == provider.calls // 37  # only its spurious refusals: the governor kept the rate
    sent_to = [to for _, to, _ in provider.accepted]
    assert sorted(sent_to) == sorted(m.recipient for m in texts)  # every one, none twice
    assert max_parts_in_a_second(provider.accepted) <= 5
    urgent = {m.recipient for m in texts if m.scenario in ("en_route", "arrived")}
    order = [to in urgent for to in sent_to]
    assert order == sorted(order, reverse=True)  # every urgent text before any routine one
    assert all(repos.messages.claimed(m.org_id, m.job_id, m.key).status is MessageStatus.SENT for m in texts)
    total_parts = sum(m.segments for m in texts)
    assert seconds.slept >= total_parts / 5 - 1  # it took as long as the rate says, in simulated time


def test_a_provider_slower_than_configured_is_backed_off_never_failed(aws, queues, seconds):
    repos = store_repositories()
    SendRates().set_rate(NUMBER, 10)  # the operator thinks 10; the carrier grants 3
    provider = ThrottlingProvider(seconds, limit=3)
    texts = claimed_texts(repos, 60, seed=3)
    senders = via(provider)
    for m in texts:
        delivery.deliver(repos, senders, m)

    report = governor.drain(repos, via(provider), budget=3600, now=seconds.now, sleep=seconds.sleep)

    assert report.sent == 60 and report.failed == 0 and report.throttled > 0
    assert sorted(to for _, to, _ in provider.accepted) == sorted(m.recipient for m in texts)
    assert max_parts_in_a_second(provider.accepted) <= 3
    statuses = {repos.messages.claimed(m.org_id, m.job_id, m.key).status for m in texts}
    assert statuses == {MessageStatus.SENT}


def test_a_redelivered_entry_finds_the_text_sent_and_sends_nothing(aws, queues, seconds):
    repos = store_repositories()
    provider = ThrottlingProvider(seconds, limit=100)
    (m,) = claimed_texts(repos, 1, seed=1)
    delivery.deliver(repos, via(provider), m)
    governor.drain(repos, via(provider), budget=60, now=seconds.now, sleep=seconds.sleep)
    TextQueue().put(Entry(m.org_id, m.job_id, m.key, m.sender, 1, True))  # SQS delivers at least once

    again = governor.drain(repos, via(provider), budget=60, now=seconds.now, sleep=seconds.sleep)

    assert (again.sent, again.skipped) == (0, 1)
    assert len(provider.accepted) == 1


def test_what_a_run_cannot_send_in_its_time_is_left_for_the_next_within_the_rate(aws, queues, seconds):
    repos = store_repositories()
    SendRates().set_rate(NUMBER, 3)
    provider = ThrottlingProvider(seconds, limit=3)
    texts = claimed_texts(repos, 40, seed=7)
    senders = via(provider)
    for m in texts:
        delivery.deliver(repos, senders, m)

    first = governor.drain(repos, via(provider), budget=2, now=seconds.now, sleep=seconds.sleep)
    assert 0 < first.sent < 40 and first.given_back == 40 - first.sent
    assert 0 < first.retry_in <= 1.0  # when the first of them may go: the identity's second frees a part
    # The next run starts within the same second: it knows what the last one sent (store/rates.py).
    rest = governor.drain(repos, via(provider), budget=3600, now=seconds.now, sleep=seconds.sleep)

    assert first.sent + rest.sent == 40 and (rest.given_back, rest.retry_in) == (0, 0.0)
    assert sorted(to for _, to, _ in provider.accepted) == sorted(m.recipient for m in texts)
    assert max_parts_in_a_second(provider.accepted) <= 3


def test_a_refusal_other_than_rate_is_recorded_and_held_for_a_retry(aws, queues, seconds):
    repos = store_repositories()

    class Refusing:
        def send(self, to, body, origination):
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "opted out at carrier"}},
                              "SendTextMessage")

    (m,) = claimed_texts(repos, 1, seed=2)
    delivery.deliver(repos, via(Refusing()), m)
    report = governor.drain(repos, via(Refusing()), budget=60, now=seconds.now, sleep=seconds.sleep)

    assert (report.sent, report.failed) == (0, 1)
    held = repos.messages.claimed(m.org_id, m.job_id, m.key)
    assert held.status is MessageStatus.HELD and "ValidationException" in held.error
    assert held.release_at == seconds.moment().replace(microsecond=0) + timedelta(minutes=5)


def test_admin_sets_an_identitys_send_rate(aws, capsys):
    from chalicelib.admin import main
    assert main(["set-send-rate", "--identity", "+13035550100", "--parts-per-second", "40"]) == 0
    assert '"parts_per_second": 40.0' in capsys.readouterr().out
    assert main(["set-send-rate", "--identity", "+13035550100", "--parts-per-second", "0"]) == 0
    assert '"parts_per_second": 1.0' in capsys.readouterr().out  # back to a 10DLC number's default
    assert main(["set-send-rate", "--identity", "+13035550100", "--parts-per-second", "-3"]) == 1


def test_a_text_judged_again_at_the_provider_door_is_dropped_after_a_stop_and_held_in_quiet_hours(aws, queues,
                                                                                               seconds):
    """The one rule right before the provider call: a STOP that came while the text waited in the queue drops
    it (recorded with the reason); a routine text whose turn comes at 21:00 in the customer's zone goes back
    to held, until its moment after 08:00."""
    from chalicelib.domain.consent import ConsentEvent, ConsentRecord
    repos = store_repositories()
    provider = ThrottlingProvider(seconds, limit=100)
    stopped, late = claimed_texts(repos, 2, seed=4, scenarios=["en_route", "reminder"])
    senders = via(provider)
    for m in (stopped, late):
        delivery.deliver(repos, senders, m)
    repos.consent.add(ConsentRecord(stopped.org_id, "sms", stopped.recipient, ConsentEvent.OPT_OUT, "sms:in-1",
                                    seconds.moment()))
    seconds.t = datetime(2026, 12, 2, 4, 0, tzinfo=UTC).timestamp()  # 21:00 in Denver

    report = governor.drain(repos, via(provider), budget=60, now=seconds.now, sleep=seconds.sleep)

    assert provider.accepted == [] and (report.sent, report.skipped) == (0, 2)
    dropped = repos.messages.claimed(stopped.org_id, stopped.job_id, stopped.key)
    assert (dropped.status, dropped.error) == (MessageStatus.SUPPRESSED, "customer opted out")
    held = repos.messages.claimed(late.org_id, late.job_id, late.key)
    assert held.status is MessageStatus.HELD
    assert datetime(2026, 12, 2, 15, 0, tzinfo=UTC) <= held.release_at < datetime(2026, 12, 2, 16, 0, tzinfo=UTC)


def test_an_urgent_text_queued_behind_500_routine_ones_goes_first(aws, queues, seconds):
    repos = store_repositories()
    SendRates().set_rate(NUMBER, 1)  # the demo's unraised 10DLC number: the backlog is 500 seconds long
    provider = ThrottlingProvider(seconds, limit=1)
    *routine, en_route = claimed_texts(repos, 501, seed=31, scenarios=["reminder"] * 500 + ["en_route"])
    senders = via(provider)
    for m in [*routine, en_route]:  # the en-route text queued last, behind the whole backlog
        delivery.deliver(repos, senders, m)

    report = governor.drain(repos, via(provider), budget=5, now=seconds.now, sleep=seconds.sleep)

    assert provider.accepted[0][1] == en_route.recipient
    assert repos.messages.claimed(en_route.org_id, en_route.job_id, en_route.key).status is MessageStatus.SENT
    assert report.sent <= 6 and report.given_back == 501 - report.sent  # the rest waits at 1 part/s


def test_an_urgent_text_rings_the_drainers_bell_and_a_routine_one_does_not(aws, queues, monkeypatch):
    import boto3
    sqs = boto3.client("sqs")
    bell = sqs.create_queue(QueueName="texts-bell")["QueueUrl"]
    monkeypatch.setenv("TEXT_BELL_QUEUE_URL", bell)
    queue = TextQueue()
    queue.put(Entry("org_1", "job_1", "reminder:apt_1", NUMBER, 1, urgent=False))
    assert "Messages" not in sqs.receive_message(QueueUrl=bell)
    queue.put(Entry("org_1", "job_1", "en_route:apt_1", NUMBER, 1, urgent=True))
    assert len(sqs.receive_message(QueueUrl=bell, MaxNumberOfMessages=10)["Messages"]) == 1
