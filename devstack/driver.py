"""What `chalice local` cannot do, done for real on the local stage: the DynamoDB stream read from the emulator and
handed to `table_changes` as Lambda would, the `timer_sweep` ticked every minute of simulated time (once per due
shard), inbound texts handed to `inbound_sms` as End User Messaging would, and an outbox of every message sent,
each answered with a simulated delivery event through the handler a real one reaches: SMS and email receipts to
`delivery_events`, WhatsApp statuses to `whatsapp_events`. moto has no End User Messaging Social, so WhatsApp
sends go to a recording stand-in; emails really go to moto's SES v2."""
import json
import os
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalice.local import LambdaContext

from chalicelib import bootstrap
from chalicelib.domain.segments import count
from chalicelib.notify import email
from chalicelib.services.outbox.drain import POLL_EVERY
from chalicelib.services.sweep import MAX_CATCH_UP, SAFETY

from . import collector
from .emulator import QUEUED, QUEUED_TO, WRITTEN, read_stream, trim_stream
from .streams import StreamPump

RECEIPT_WITHIN = 1.0  # seconds (real time) a text's receipt waits at most for the driver to be quiet
QUIET = 0.05  # seconds (real time) without a write after which the driver is quiet: a receipt may go


def woken(beat: float = 0.2) -> bool:
    """Wait a beat for a write to the table or a queue (the clock needs the beat anyway): whether one came.
    Cleared only when it came: a write landing just after the wait gave up stays set, and the next beat
    reads the stream at once (a beat reads it only after a write)."""
    if WRITTEN.wait(beat):
        WRITTEN.clear()
        return True
    return False


# A year of simulated time caught up at MAX_CATCH_UP per run, and room for runs that had more due than time.
SETTLE_ROUNDS = timedelta(days=366) // MAX_CATCH_UP + 50


class NotSettled(RuntimeError):
    """The sweep did not catch up with the clock within SETTLE_ROUNDS runs."""


@dataclass
class OutboxEntry:
    message_id: str
    to: str
    sender: str
    body: str
    sent_at: datetime
    segments: int  # SMS segments; a WhatsApp message or an email is one
    scenario: str | None = None
    channel: str = "sms"


class Pending(threading.local):
    """What this thread's handler has sent so far: held back from the outbox until the handler returns, by
    when the ledger knows each message by its provider id."""

    def __init__(self):
        self.entries: list[OutboxEntry] = []


class RecordingSender:
    """The configured SMS sender (SNS in the emulator), with every text also kept for the outbox."""

    def __init__(self, inner, clock, pending: Pending):
        self.inner, self.clock, self.pending = inner, clock, pending

    def send(self, to: str, body: str, origination: str) -> str:
        provider_id = self.inner.send(to, body, origination)
        self.pending.entries.append(OutboxEntry(provider_id, to, origination, body, self.clock(),
                                                count(body).segments))
        return provider_id


class RecordingWhatsApp:
    """Stands in for End User Messaging Social, which moto does not emulate: the Meta message is accepted
    (an id like the service's) and kept for the outbox; nothing else is sent."""

    def __init__(self, clock, pending: Pending):
        self.clock, self.pending = clock, pending

    def send(self, phone_number_id: str, message: dict) -> str:
        provider_id = str(uuid.uuid4())
        self.pending.entries.append(OutboxEntry(provider_id, "+" + str(message["to"]).lstrip("+"), phone_number_id,
                                                shown(message), self.clock(), 1, channel="whatsapp"))
        return provider_id


def shown(message: dict) -> str:
    """A Meta message as the outbox shows it: the text, its quick replies, or the template and its values
    (the approved template's wording lives with Meta, not here)."""
    if message.get("type") == "template":
        t = message["template"]
        values = [p.get("text", "") for c in t.get("components", []) for p in c.get("parameters", [])]
        return f"[template {t['name']} ({t['language']['code']})] " + " | ".join(values)
    if message.get("type") == "interactive":
        i = message["interactive"]
        action = i["action"]
        choices = [b["reply"]["title"] for b in action.get("buttons", [])] or \
            [r["id"] for section in action.get("sections", []) for r in section["rows"]]
        return f"{i['body']['text']} [{' | '.join(choices)}]"
    return message["text"]["body"]


class RecordingEmail:
    """The email adapter, really sending to moto's SES v2, with every email also kept for the outbox. The
    sending address is verified on first use, as an operator verifies it in the SES console."""

    def __init__(self, inner: email.EmailSender, clock, pending: Pending):
        self.inner, self.clock, self.pending = inner, clock, pending
        self.verified: set[str] = set()

    def send(self, from_address: str, to: str, subject: str, body: str) -> str:
        if from_address not in self.verified:
            self.inner.client.create_email_identity(EmailIdentity=from_address)
            self.verified.add(from_address)
        provider_id = self.inner.send(from_address, to, subject, body)
        self.pending.entries.append(OutboxEntry(provider_id, to, from_address, body, self.clock(), 1,
                                                channel="email"))
        return provider_id


def summed(reports: list[dict]) -> dict:
    """The shards' sweep reports of one minute as one."""
    kinds = Counter()
    for report in reports:
        kinds.update(report["kinds"])
    return {**{k: sum(r[k] for r in reports) for k in ("queries", "due", "acted", "failed", "left")},
            "kinds": dict(kinds)}


@dataclass
class Driver:
    app: object
    table_name: str
    clock: object
    outbox: list = field(default_factory=list)
    printed: int = 0

    def __post_init__(self):
        self.pump = StreamPump(self.table_name, trim=trim_stream, read=read_stream)
        self.lock = threading.RLock()
        self.last_sweep: str | None = None
        self.waiting = False  # the drainer's last run gave texts back: their identity's second was full
        self.drained_at = self.clock()  # when the drainer's last run ended
        self.retry_in = 0.0  # what it said: seconds until the first text it gave back may go
        self.urgent_queue = os.environ.get("URGENT_TEXTS_QUEUE_URL", "").rsplit("/", 1)[-1]
        self.unanswered: deque[tuple[float, OutboxEntry]] = deque()  # (when sent, the text): receipts to come
        self.written_at = time.monotonic()  # when a beat last woke for a write (real time)
        self.repos = bootstrap.repos()
        self.pending = Pending()
        self.shown = threading.Condition()  # notified as texts reach the outbox (its long poll waits on it)
        # Every handler sends through these (swapped in where the adapters are wired).
        real = bootstrap.senders()
        bootstrap.use(sms=RecordingSender(real.sms, self.clock, self.pending),
                      whatsapp=RecordingWhatsApp(self.clock, self.pending),
                      email=RecordingEmail(real.email, self.clock, self.pending))

    def invoke(self, name: str, event: dict):
        try:
            return self.app.handler_map[name](event, LambdaContext(name, memory_size=512))
        finally:
            # The handler has returned: the ledger holds each text's provider id, the outbox may show them.
            if self.pending.entries:
                with self.shown:
                    self.outbox.extend(self.pending.entries)
                    self.shown.notify_all()
            self.unanswered.extend((time.monotonic(), entry) for entry in self.pending.entries)
            self.pending.entries.clear()

    def shown_after(self, since: int, wait: float) -> None:
        """Back once the outbox holds more than `since` texts, or after `wait` seconds."""
        with self.shown:
            self.shown.wait_for(lambda: len(self.outbox) > since, timeout=wait)

    def drain(self) -> None:
        self.pump.drain(lambda event: self.invoke("table_changes", event), attempts=1)

    def sweep(self) -> dict:
        """One minute's sweep: each shard's rule invokes `timer_sweep` with its shard, as in AWS. The runs'
        reports summed."""
        self.last_sweep = self.clock().strftime("%Y-%m-%dT%H:%M")
        return summed([self.invoke("timer_sweep", {"shard": shard}) for shard in range(self.repos.due.shards())])

    def _scheduled_event(self) -> dict:
        return {"version": "0", "detail-type": "Scheduled Event", "source": "aws.events",
                "time": self.clock().strftime("%Y-%m-%dT%H:%M:%SZ"), "detail": {}, "resources": [],
                "id": str(uuid.uuid4()), "region": "us-east-1", "account": "123456789012"}

    def send_queued(self) -> dict:
        """The outbound text queues drained by `text_drainer`, as its schedule does in AWS."""
        return self.invoke("text_drainer", self._scheduled_event())

    def tick(self, written: bool = True) -> None:
        """One beat of the background loop: the stream, if the table was written since the last look; the
        sweep once per simulated minute; the drainer when a text is queued or the minute's schedule comes, and
        while texts wait for their identity's rate, when the first may go (`_drain_queues_if_rung`)."""
        with self.lock:
            if written:
                self.drain()
            self._drain_queues_if_rung()  # before the minute's sweep: the texts of the changes just read
            if self.clock().strftime("%Y-%m-%dT%H:%M") != self.last_sweep:
                self.sweep()
                self.drain()
                self._drain_queues_if_rung(minute=True)

    def _drain_queues_if_rung(self, minute: bool = False) -> None:
        """The drainer when a text is queued, and at the minute. After a run that gave texts back (their
        identity's second was full), as a running drainer in AWS does: again when the first of them may go,
        looking for new texts once a second meanwhile, at once for an urgent one (the bell). Not at the ring of
        that give-back, nor of each routine text queued behind them: the texts would be received and given back
        again at once, a core spent waiting for the rate."""
        if self.waiting:
            due = self._until_due() <= 0 or self.urgent_queue in QUEUED_TO
        else:
            due = QUEUED.is_set()
        if minute or due:
            QUEUED.clear()  # first: a text queued while it runs rings again
            QUEUED_TO.clear()
            report = self.send_queued()
            self.waiting, self.retry_in = bool(report.get("given_back")), report.get("retry_in", 0.0)
            self.drained_at = self.clock()
            if self.waiting:  # rung by its own give-back (nothing else queues while it runs: the driver's lock)
                QUEUED.clear()
                QUEUED_TO.clear()

    def _until_due(self) -> float:
        """Seconds (simulated) until a drainer that gave texts back runs again: when the first may go, or a
        second on, whichever is sooner (0 or less: now)."""
        return min(self.retry_in, POLL_EVERY) - (self.clock() - self.drained_at).total_seconds()

    def _beat(self, beat: float = 0.2) -> float:
        """The next wait for a write: a beat; QUIET while receipts wait for a quiet driver; less when the texts
        given back may go sooner (in simulated seconds: at --speed above 1 that is later than needed, never
        sooner)."""
        beat = min(beat, QUIET) if self.unanswered else beat
        return min(beat, max(self._until_due(), 0.001)) if self.waiting else beat

    def answer_a_receipt(self) -> None:
        """In AWS a carrier's receipt comes seconds after its text, to a function of its own; here it shares
        the driver, and the one core, with the texts still on their way. So one receipt a beat, once nothing
        was written for QUIET (a burst's gaps between its status changes are shorter: its texts go before the
        receipts of its first ones, and what those receipts write), or RECEIPT_WITHIN after its text. Its own
        writes wake the next beat at once."""
        now = time.monotonic()
        quiet = now - self.written_at >= QUIET and not WRITTEN.is_set()
        if self.unanswered and (quiet or now - self.unanswered[0][0] >= RECEIPT_WITHIN):
            with self.lock:  # not while a settle answers them
                if self.unanswered:
                    self.receipt(self.unanswered.popleft()[1])

    def settle(self) -> None:
        """The stream drained and every timer due by now run (the queued texts sent): sweep runs until every
        shard's watermark has reached the clock, a run found nothing due and the stream is empty. A run
        catches up at most MAX_CATCH_UP from its shard's watermark, so a clock moved 30 days ahead takes
        30 runs. Texts beyond their identity's rate wait for the clock (a bounded number of beats). Then the
        receipts of every text sent so far, so what comes next does not wait behind them, and the full garbage
        collection the catching up made due (collector.py): not a pause for the next request."""
        with self.lock:
            for _ in range(SETTLE_ROUNDS):
                self.drain()
                now = self.clock()
                report = self.sweep()
                self._send_all()
                if not report["due"] and not self.pump.pending() and self._caught_up(now):
                    break
            else:
                raise NotSettled(f"still catching up after {SETTLE_ROUNDS} sweep runs (watermarks "
                                 f"{self._watermarks()}, now {self.clock():%Y-%m-%dT%H:%M:%SZ})")
            self.drain()
            self._send_all()
            if self.unanswered:  # the backlog's receipts too, and what they set off
                while self.unanswered:
                    self.receipt(self.unanswered.popleft()[1])
                self.drain()
            collector.rest(settled=True)

    def _watermarks(self) -> list[datetime | None]:
        return [self.repos.due.watermark(shard) for shard in range(self.repos.due.shards())]

    def _caught_up(self, now: datetime) -> bool:
        """Whether every shard's sweep has acted up to `now` (less the lag it keeps; marks are whole seconds)."""
        reached = (now - SAFETY).replace(microsecond=0)
        return all(mark is not None and mark >= reached for mark in self._watermarks())

    def _send_all(self, beats: int = 200) -> None:
        for _ in range(beats):
            if not self.send_queued().get("given_back"):
                return
            time.sleep(0.05)  # the identity's second is full: let the (simulated) clock move on

    def text_in(self, sender: str, to: str, body: str) -> dict:
        """A text from a customer's phone, as End User Messaging publishes it to the inbound topic."""
        payload = json.dumps({"originationNumber": sender, "destinationNumber": to, "messageKeyword": "KEYWORD",
                              "messageBody": body, "inboundMessageId": str(uuid.uuid4()),
                              "previousPublishedMessageId": ""})
        with self.lock:
            result = self.invoke("inbound_sms", self._sns_event("onmyway-inbound-sms", payload))
            self.drain()
        return result

    def whatsapp_in(self, sender: str, to: str, body: str | None = None, button: str | None = None) -> dict:
        """A WhatsApp message from a customer (text, or a tapped quick reply or list choice), as End User
        Messaging Social publishes it to the WhatsApp events topic."""
        message = {"from": sender.lstrip("+"), "id": f"wamid.local.{uuid.uuid4().hex}",
                   "timestamp": str(int(self.clock().timestamp()))}
        if button is None:
            message.update(type="text", text={"body": body})
        elif button.upper().startswith("RATE "):  # a row of the rating list
            message.update(type="interactive", interactive={"type": "list_reply",
                                                            "list_reply": {"id": button.upper(), "title": button}})
        else:  # a template's quick-reply button
            message.update(type="button", button={"payload": button, "text": button})
        with self.lock:
            result = self.invoke("whatsapp_events", self._whatsapp_event(to, messages=[message]))
            self.drain()
        return result

    def receipt(self, entry: OutboxEntry) -> dict:
        """The channel's answer, through the handler its real one reaches: delivered."""
        if entry.channel == "whatsapp":
            message = self.repos.messages.by_provider_id(entry.message_id)
            if message is None:
                return {"outcome": "unknown_message"}
            number = self.repos.organizations.get(message.org_id).sms_number
            return self.invoke("whatsapp_events", self._whatsapp_event(number, statuses=[{
                "id": entry.message_id, "status": "delivered", "recipient_id": entry.to.lstrip("+"),
                "timestamp": str(int(self.clock().timestamp()))}]))
        if entry.channel == "email":  # SES's event, through the configuration set's SNS destination
            at = self.clock().strftime("%Y-%m-%dT%H:%M:%S.000Z")
            payload = json.dumps({"eventType": "Delivery", "mail": {
                "timestamp": at, "messageId": entry.message_id, "source": entry.sender, "destination": [entry.to]},
                "delivery": {"timestamp": at, "recipients": [entry.to], "smtpResponse": "250 2.0.0 OK (simulated)"}})
            return self.invoke("delivery_events", self._sns_event("onmyway-sms-events", payload))
        payload = json.dumps({"eventType": "TEXT_DELIVERED", "eventVersion": "1.0", "messageId": entry.message_id,
                              "messageStatus": "DELIVERED", "messageStatusDescription": "Message has been accepted "
                              "by phone (simulated)", "destinationPhoneNumber": entry.to,
                              "originationPhoneNumber": entry.sender, "isFinal": True})
        return self.invoke("delivery_events", self._sns_event("onmyway-sms-events", payload))

    def _whatsapp_event(self, org_number: str, messages=(), statuses=()) -> dict:
        """The envelope of tests/e2e/test_channels.py: AWS's header, Meta's webhook entry as a JSON string."""
        entry = {"id": "local-waba", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": org_number.lstrip("+"), "phone_number_id": "local"},
            "messages": list(messages), "statuses": list(statuses)}}]}
        envelope = {"context": {"MetaWabaIds": [], "MetaPhoneNumberIds": []}, "whatsAppWebhookEntry": json.dumps(entry),
                    "aws_account_id": "123456789012", "message_timestamp": self.clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "messageId": str(uuid.uuid4())}
        return self._sns_event("onmyway-whatsapp-events", json.dumps(envelope))

    def _sns_event(self, topic: str, payload: str) -> dict:
        arn = f"arn:aws:sns:us-east-1:123456789012:{topic}"
        return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": f"{arn}:local",
                             "Sns": {"Type": "Notification", "MessageId": str(uuid.uuid4()), "TopicArn": arn,
                                     "Subject": None, "Message": payload,
                                     "Timestamp": self.clock().strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                                     "SignatureVersion": "1", "Signature": "", "SigningCertUrl": "",
                                     "UnsubscribeUrl": "", "MessageAttributes": {}}}]}

    def run(self, stop: threading.Event, on_text) -> None:
        while not stop.is_set():
            try:
                written = woken(self._beat())
                if written:
                    self.written_at = time.monotonic()
                self.tick(written)
                while self.printed < len(self.outbox):
                    entry = self.outbox[self.printed]
                    self.printed += 1
                    on_text(entry)
                self.answer_a_receipt()
                if written or self.unanswered:
                    collector.busy()
                else:
                    collector.rest()
            except Exception as error:  # the local loop reports and goes on, like a Lambda retry would
                print(f"[driver] {type(error).__name__}: {error}", flush=True)

