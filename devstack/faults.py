"""The whole text pipeline under faults: status changes through the API, the table's stream delivered
to `table_changes` with Lambda's failure modes, and an SMS provider that fails. Counts, from the
message ledger and from what the provider accepted, whether every text that should go went exactly
once. tests/e2e/test_faults.py runs it at a bounded size, bench/faults.py at full size (1,000 changes).

Lambda's event source mapping as infra/template.yaml sets it (ReportBatchItemFailures,
BisectBatchOnFunctionError, MaximumRetryAttempts 10), with everything seeded:
- a response naming failed records: the batch is retried from the first of them;
- an invocation that fails (here: it times out, at a random send or just before it returns, after the
  records before that point ran): the batch is split in two and each half retried, down to one record;
- after 10 retries the records would go to the failure queue: counted, as texts lost;
- at least once: now and then a batch that succeeded is delivered again, at once or a round later,
  after the appointments have moved on."""
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from .streams import StreamPump

MAX_RETRIES = 10

# Ten status changes per appointment, each one a text: late before leaving (3), on the way, later and
# later on the way (4), arrived, complete (the feedback request). Minutes after the window's end.
CHANGES = [("delay", 10), ("delay", 20), ("delay", 30), ("en_route", None), ("delay", 40), ("delay", 50),
           ("delay", 60), ("delay", 70), ("start", None), ("complete", None)]
SCENARIO_OF = {"delay": "delayed", "en_route": "en_route", "start": "arrived", "complete": "feedback_request"}
# The texts one appointment must get: its booking confirmation, then one per change.
EXPECTED = Counter({"booking_confirmation": 1, **Counter(SCENARIO_OF[action] for action, _ in CHANGES)})


class LambdaTimeout(BaseException):
    """The invocation ran out of time: not an Exception, so nothing in the handler can catch it."""


class FlakySender:
    """The SMS provider: refuses a seeded share of sends (nothing goes out) and records every text it
    accepts. Armed by FaultyLambda, it also ends the invocation at a chosen send, before the send."""

    def __init__(self, rng: random.Random, failure_rate: float):
        self.rng, self.failure_rate = rng, failure_rate
        self.accepted: list[tuple[str, str]] = []
        self.refused = 0
        self.timeout_in: int | None = None  # sends left before the invocation times out

    def send(self, to: str, body: str, origination: str) -> str:
        if self.timeout_in is not None:
            if self.timeout_in == 0:
                self.timeout_in = None
                raise LambdaTimeout()
            self.timeout_in -= 1
        if self.rng.random() < self.failure_rate:
            self.refused += 1
            raise ConnectionError("simulated: the SMS provider did not answer")
        self.accepted.append((to, body))
        return f"sim-{len(self.accepted)}"


@dataclass
class Deliveries:
    invocations: int = 0
    records_offered: int = 0
    partial_failures: int = 0  # responses naming failed records
    timeouts: int = 0
    bisections: int = 0
    delivered_again: int = 0  # batches that had succeeded, delivered once more
    dead_lettered: list[str] = field(default_factory=list)  # event ids sent to the failure queue


class FaultyLambda:
    """Delivers the table's stream to the handler as Lambda does, failure modes included."""

    def __init__(self, pump: StreamPump, invoke, sender: FlakySender, rng: random.Random, *, timeout_rate: float,
                 again_rate: float, batch_size: int = 100):
        self.pump, self._invoke, self.sender, self.rng = pump, invoke, sender, rng
        self.timeout_rate, self.again_rate, self.batch_size = timeout_rate, again_rate, batch_size
        self.stats = Deliveries()
        self.later: list[list[dict]] = []  # batches to deliver again in the next drain

    def drain(self) -> None:
        for batch in self.later:
            self._invoke_once(batch)
        self.later = []
        while pending := self.pump.pending():
            for shard_id, records in pending.items():
                self._deliver(records)
                self.pump.checkpoints[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]

    def _deliver(self, records: list[dict]) -> None:
        """Every record handled (or dead-lettered), in order, however often it takes."""
        start, retries = 0, 0
        while start < len(records):
            batch = records[start:start + self.batch_size]
            failed = self._invoke_once(batch)
            if failed is None:  # the invocation failed: bisect
                if retries == MAX_RETRIES:
                    self.stats.dead_lettered += [r["eventID"] for r in batch]
                    start, retries = start + len(batch), 0
                elif len(batch) > 1:
                    self.stats.bisections += 1
                    half = len(batch) // 2
                    self._deliver(batch[:half])
                    self._deliver(batch[half:])
                    start, retries = start + len(batch), 0
                else:
                    retries += 1
                continue
            if failed:
                self.stats.partial_failures += 1
                first = next(i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed)
                if first == 0 and retries == MAX_RETRIES:
                    self.stats.dead_lettered += [r["eventID"] for r in batch]
                    start, retries = start + len(batch), 0
                else:
                    start, retries = start + first, (retries + 1 if first == 0 else 0)
                continue
            start, retries = start + len(batch), 0
            if self.rng.random() < self.again_rate:
                self.stats.delivered_again += 1
                if self.rng.random() < 0.5:
                    self._invoke_once(batch)
                else:
                    self.later.append(batch)

    def _invoke_once(self, batch: list[dict]) -> set[str] | None:
        """The sequence numbers the handler reported failed, or None if the invocation failed."""
        self.stats.invocations += 1
        self.stats.records_offered += len(batch)
        timing_out = self.rng.random() < self.timeout_rate
        if timing_out:  # at a random send; if it runs out of sends first, just before it returns
            self.sender.timeout_in = self.rng.randrange(len(batch) + 1)
        try:
            result = self._invoke({"Records": batch}) or {}
        except LambdaTimeout:
            result = None
        finally:
            self.sender.timeout_in = None
        if timing_out:
            self.stats.timeouts += 1
            return None
        return {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}


@dataclass
class Figures:
    appointments: int
    status_changes: int
    expected: int  # texts that should go
    claimed: int  # outbound texts in the ledger
    ledger_sent: int  # of them, recorded sent
    accepted: int  # texts the provider accepted
    refused: int  # sends the provider refused (retried)
    lost: int
    duplicates: int
    deliveries: Deliveries
    problems: list[str]

    def report(self) -> str:
        d = self.deliveries
        return (f"{self.status_changes:,} status changes over {self.appointments} appointments; "
                f"{self.expected:,} texts should go; ledger: {self.claimed:,} claimed, {self.ledger_sent:,} sent; "
                f"provider: {self.accepted:,} accepted, {self.refused:,} refused; "
                f"lost {self.lost}, duplicates {self.duplicates}\n"
                f"stream: {d.invocations:,} invocations offering {d.records_offered:,} records, "
                f"{d.partial_failures:,} partial-failure responses, {d.timeouts:,} timeouts, "
                f"{d.bisections:,} bisections, "
                f"{d.delivered_again:,} batches delivered twice, {len(d.dead_lettered)} records dead-lettered")


def run(client, *, appointments: int = 100, seed: int = 14, failure_rate: float = 0.1, timeout_rate: float = 0.05,
        again_rate: float = 0.1, progress=None) -> Figures:
    """`client` is a chalice.test.Client on an app wired to moto with the table of infra/; the caller
    fixes the handlers' clock (daytime in Denver, so nothing waits for the end of quiet hours)."""
    import os

    from chalicelib import clock
    from chalicelib.domain.people import Role
    from chalicelib.notify import sms
    from chalicelib.services.people import create_organization
    from chalicelib.services.repositories import Repositories

    from .tokens import mint

    def call(method: str, path: str, body=None) -> dict:
        r = client.http.request(method, path, headers={"Content-Type": "application/json",
                                                        "Authorization": f"Bearer {token}"},
                                body=json.dumps(body).encode() if body is not None else b"")
        assert r.status_code < 300, (method, path, r.status_code, r.body)
        return json.loads(r.body) if r.body else None

    rng = random.Random(seed)
    sender = FlakySender(rng, failure_rate)
    stream = FaultyLambda(StreamPump(os.environ["TABLE_NAME"]),
                          lambda event: client.lambda_.invoke("table_changes", event).payload, sender, rng,
                          timeout_rate=timeout_rate, again_rate=again_rate)
    org, dispatcher = create_organization(Repositories(), name="Faulty Fixers", slug="faulty", time_zone="America/Denver",
                                          sms_number="+13035550999", dispatcher_name="Dana Dispatch",
                                          dispatcher_email="dana@faulty.example")
    token = mint(dispatcher.id, org.id, [Role.DISPATCHER])
    technician = call("POST", "/users", {"name": "Ana Alvarez", "email": "ana@faulty.example",
                                         "roles": ["technician"]})["id"]
    start = (clock.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(hours=2)
    sms.use(sender)
    try:
        booked = []
        for i in range(appointments):
            customer = call("POST", "/customers", {"name": f"Customer {i}", "phone": f"+1720555{i:04d}",
                                                   "time_zone": "America/Denver"})
            job = call("POST", "/jobs", {"customer_id": customer["id"], "description": f"Visit {i}", "appointment": {
                "window_start": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "window_end": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "technician_id": technician}})
            booked.append((job["id"], job["appointments"][0]["id"], customer["phone"]))
        stream.drain()
        for n, (action, late) in enumerate(CHANGES, 1):
            for _, appointment_id, _ in booked:
                body = {"action": action}
                if late:
                    body["eta"] = (end + timedelta(minutes=late)).strftime("%Y-%m-%dT%H:%M:%SZ")
                call("POST", f"/appointments/{appointment_id}/status", body)
            stream.drain()
            if progress:
                progress(n * appointments)
        stream.drain()  # the batches still due to be delivered again
    finally:
        sms.use(None)

    # Count: the ledger against what should go, and the provider against the ledger.
    problems, lost, duplicates, claimed, sent = [], 0, 0, 0, 0
    accepted = Counter(sender.accepted)
    matched: Counter = Counter()
    for job_id, appointment_id, phone in booked:
        messages, next_token = [], None
        while True:
            after = f"&next_token={next_token}" if next_token else ""
            page = call("GET", f"/jobs/{job_id}/messages?limit=100{after}")
            messages += [m for m in page["items"] if m["direction"] == "outbound"]
            if not (next_token := page["next_token"]):
                break
        claimed += len(messages)
        went = Counter(m["scenario"] for m in messages if m["status"] == "sent")
        sent += sum(went.values())
        for scenario, n in (EXPECTED - went).items():
            lost += n
            problems.append(f"{appointment_id}: {n} {scenario} text(s) not sent")
        for scenario, n in (went - EXPECTED).items():
            duplicates += n
            problems.append(f"{appointment_id}: {n} {scenario} text(s) more than should go")
        for m in messages:
            if m["status"] != "sent":
                problems.append(f"{m['id']} ({m['scenario']}) is {m['status']}: {m['error']}")
                continue
            times = accepted[(m["to"], m["body"])]
            matched[(m["to"], m["body"])] += 1
            if times == 0:
                lost += 1
                problems.append(f"{m['id']} ({m['scenario']}) recorded sent, never accepted by the provider")
            elif times > 1:
                duplicates += times - 1
                problems.append(f"{m['id']} ({m['scenario']}) accepted {times} times by the provider")
    strays = [text for text in accepted if text not in matched]
    duplicates += sum(accepted[t] for t in strays)
    problems += [f"accepted by the provider, in no ledger entry: {to} {body!r}" for to, body in strays]
    expected = sum(EXPECTED.values()) * appointments
    return Figures(appointments, len(CHANGES) * appointments, expected, claimed, sent, len(sender.accepted),
                   sender.refused, lost, duplicates, stream.stats, problems)
