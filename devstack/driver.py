"""What `chalice local` cannot do, done for real on the local stage: the DynamoDB stream read from the
emulator and handed to `table_changes` as Lambda would, the `timer_sweep` ticked every minute of
simulated time, inbound texts handed to `inbound_sms` as End User Messaging would, and an outbox of
every text sent, each answered with a simulated delivery receipt to `delivery_events`."""
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from chalice.local import LambdaContext

from chalicelib.domain.segments import count
from chalicelib.notify import sms

from .emulator import WRITTEN, trim_stream
from .streams import StreamPump


@dataclass
class OutboxEntry:
    message_id: str
    to: str
    sender: str
    body: str
    sent_at: datetime
    segments: int
    scenario: str | None = None


class RecordingSender:
    """The configured sender (SNS in the emulator), with every text also kept for the outbox: held back
    until the handler that sent it returns, by when the ledger knows the text by its provider id."""

    def __init__(self, inner, clock):
        self.inner, self.clock = inner, clock
        self._sending = threading.local()

    def send(self, to: str, body: str, origination: str) -> str:
        provider_id = self.inner.send(to, body, origination)
        self.just_sent().append(OutboxEntry(provider_id, to, origination, body, self.clock(), count(body).segments))
        return provider_id

    def just_sent(self) -> list[OutboxEntry]:
        """The texts this thread's handler has sent so far."""
        if not hasattr(self._sending, "entries"):
            self._sending.entries = []
        return self._sending.entries


@dataclass
class Driver:
    app: object
    table_name: str
    clock: object
    outbox: list = field(default_factory=list)
    printed: int = 0

    def __post_init__(self):
        self.pump = StreamPump(self.table_name, trim=trim_stream)
        self.lock = threading.RLock()
        self.last_sweep: str | None = None
        self.sender = RecordingSender(sms.sender(), self.clock)
        sms.use(self.sender)  # every handler sends through it

    def invoke(self, name: str, event: dict):
        try:
            return self.app.handler_map[name](event, LambdaContext(name, memory_size=512))
        finally:
            # The handler has returned: the ledger holds each text's provider id, the outbox may show them.
            sent = self.sender.just_sent()
            self.outbox.extend(sent)
            sent.clear()

    def drain(self) -> None:
        self.pump.drain(lambda event: self.invoke("table_changes", event), attempts=1)

    def sweep(self) -> dict:
        self.last_sweep = self.clock().strftime("%Y-%m-%dT%H:%M")
        return self.invoke("timer_sweep", {"version": "0", "detail-type": "Scheduled Event", "source": "aws.events",
                                           "time": self.clock().strftime("%Y-%m-%dT%H:%M:%SZ"), "detail": {},
                                           "resources": [], "id": str(uuid.uuid4()), "region": "us-east-1",
                                           "account": "123456789012"})

    def tick(self) -> None:
        """One beat of the background loop: the stream, and the sweep once per simulated minute."""
        with self.lock:
            self.drain()
            if self.clock().strftime("%Y-%m-%dT%H:%M") != self.last_sweep:
                self.sweep()
                self.drain()

    def settle(self) -> None:
        """The stream drained, the sweep run for the current clock, until nothing more happens."""
        with self.lock:
            for _ in range(10):
                self.drain()
                report = self.sweep()
                if not report["due"] and not self.pump.pending():
                    break
            self.drain()

    def text_in(self, sender: str, to: str, body: str) -> dict:
        """A text from a customer's phone, as End User Messaging publishes it to the inbound topic."""
        payload = json.dumps({"originationNumber": sender, "destinationNumber": to, "messageKeyword": "KEYWORD",
                              "messageBody": body, "inboundMessageId": str(uuid.uuid4()),
                              "previousPublishedMessageId": ""})
        with self.lock:
            result = self.invoke("inbound_sms", self._sns_event("onmyway-inbound-sms", payload))
            self.drain()
        return result

    def receipt(self, entry: OutboxEntry) -> dict:
        """The carrier's answer, as End User Messaging publishes it to the events topic: delivered."""
        payload = json.dumps({"eventType": "TEXT_DELIVERED", "eventVersion": "1.0", "messageId": entry.message_id,
                              "messageStatus": "DELIVERED", "messageStatusDescription": "Message has been accepted "
                              "by phone (simulated)", "destinationPhoneNumber": entry.to,
                              "originationPhoneNumber": entry.sender, "isFinal": True})
        return self.invoke("delivery_events", self._sns_event("onmyway-sms-events", payload))

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
            WRITTEN.wait(0.2)  # a write to the table wakes the loop at once; the clock needs a beat anyway
            WRITTEN.clear()
            try:
                self.tick()
                while self.printed < len(self.outbox):
                    entry = self.outbox[self.printed]
                    self.printed += 1
                    on_text(entry)
                    self.receipt(entry)
            except Exception as error:  # the local loop reports and goes on, like a Lambda retry would
                print(f"[driver] {type(error).__name__}: {error}", flush=True)

