"""The local stack's driver (devstack/driver.py), in-process on moto: the outbox shows a text only once the
ledger knows it, and the emulated stream keeps only what is still to be handled."""
import os

import pytest

from .conftest import add_user, new_customer, window

SAM = "+13035550177"


@pytest.fixture
def driver(api, clock, monkeypatch):
    import app
    from chalicelib import bootstrap
    from devstack import routes
    from devstack.driver import Driver
    driver = Driver(app.app, os.environ["TABLE_NAME"], clock)
    monkeypatch.setitem(routes.DRIVER, "driver", driver)
    yield driver
    bootstrap.reset()


def book(api, org) -> tuple[dict, str]:
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    job = api.post("/jobs", org.dispatcher, {"customer_id": new_customer(api, org, SAM), "description": "No heat",
                                             "appointment": {**window(days=2), "technician_id": tech_id}}).body
    return job, tech


def test_a_text_polled_while_its_handler_runs_shows_its_scenario_once_recorded(api, org, driver, monkeypatch):
    from chalicelib import bootstrap
    from devstack import routes
    messages = type(bootstrap.repos().messages)
    record, polled = messages.update, []

    def update_polled_first(self, message):
        if message.provider_id:  # sent, not yet recorded: the outbox page polls right now
            polled.append(routes.outbox_items())
        return record(self, message)

    monkeypatch.setattr(messages, "update", update_polled_first)
    book(api, org)
    driver.drain()
    assert polled == [[]]  # not shown before the ledger knew it…
    assert [(m["to"], m["scenario"]) for m in routes.outbox_items()] == [(SAM, "booking_confirmation")]  # …nor lost


def test_the_stream_keeps_only_what_is_still_to_handle(api, org, driver):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    shard = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].get_table(os.environ["TABLE_NAME"]).stream_shard
    job, tech = book(api, org)
    assert shard.items
    driver.drain()
    assert shard.items == []  # handled, so dropped
    assert api.post(f"/appointments/{job['appointments'][0]['id']}/status", tech, {"action": "en_route"}).status == 200
    assert shard.items and driver.pump.pending()  # read from where the trimmed stream now starts
    driver.drain()
    assert shard.items == []
    from devstack import routes
    assert [m["scenario"] for m in routes.outbox_items()] == ["booking_confirmation", "en_route"]


def test_the_pump_reads_on_where_it_stopped_and_a_checkpoint_moved_back_reads_again(api, org, driver, monkeypatch):
    """Lambda's poller goes on with the iterator each read returns: an idle look at the stream is one read, no
    new iterator; records read but not handled, or checkpoints cleared, are read again from the checkpoint."""
    monkeypatch.setattr(driver.pump, "read", None)  # the API's way, which the tests' and the fault harness's pumps take
    asked = []
    real = driver.pump.client.get_shard_iterator
    monkeypatch.setattr(driver.pump.client, "get_shard_iterator", lambda **kw: asked.append(kw) or real(**kw))
    book(api, org)
    driver.drain()
    asked.clear()
    assert driver.pump.pending() == {} and driver.pump.pending() == {}
    assert asked == []  # read on from where the last read ended
    job, tech = book(api, org)
    first = driver.pump.pending()
    assert first and driver.pump.pending() == first  # read, not handled: read again, from the checkpoint
    driver.pump.checkpoints.clear()  # back to the stream's start (what redelivery does)
    assert driver.pump.pending() == first  # the trimmed stream starts where nothing was handled yet
    driver.drain()
    assert driver.pump.pending() == {}
    from devstack import routes
    assert [m["scenario"] for m in routes.outbox_items()].count("booking_confirmation") == 2


def test_a_quiet_beat_asks_nothing_and_a_queued_text_starts_the_drainer(api, org, driver, monkeypatch):
    """The drainer runs as in AWS when a text is queued (the bell), while texts wait for their rate, and at each
    simulated minute (EventBridge); the stream is read when something was written."""
    from devstack import emulator
    book(api, org)
    driver.tick()  # the first beat: the minute's sweep and drainer
    ran, reads = [], []
    monkeypatch.setattr(driver, "send_queued", lambda: ran.append("text_drainer") or {"given_back": 0})
    real_pending = driver.pump.pending
    monkeypatch.setattr(driver.pump, "pending", lambda: reads.append(1) or real_pending())
    emulator.QUEUED.clear()
    driver.tick(written=False)
    assert (ran, reads) == ([], [])  # nothing written, nothing queued, the same minute
    driver.tick(written=True)
    assert ran == [] and reads  # written: the stream is read; nothing queued: no drainer
    import boto3
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=sqs.create_queue(QueueName="rung")["QueueUrl"], MessageBody="{}")
    driver.tick(written=False)
    assert ran == ["text_drainer"] and not emulator.QUEUED.is_set()
    monkeypatch.setattr(driver, "send_queued", lambda: ran.append("text_drainer") or {"given_back": 3})
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName="rung")["QueueUrl"], MessageBody="{}")
    driver.tick(written=False)  # a text that must wait for its identity's second: given back
    driver.tick(written=False)  # queued again by no one, but it waits: the drainer again
    assert ran == ["text_drainer"] * 3


def test_texts_waiting_for_their_rate_are_tried_when_the_first_may_go_not_at_every_ring(api, org, clock, monkeypatch):
    """A drainer run that gave texts back (their identity's second full) runs again when the first may go, or
    within a second for new texts, or at once for an urgent one: not at the ring of its own give-back nor of each
    routine text queued behind them (the local stack spent a core receiving and giving back a backlog)."""
    import boto3

    import app
    from devstack import emulator
    from devstack.driver import Driver
    from devstack.provision import create_text_queues
    for name, url in create_text_queues().items():  # texts through the queues, as on the local stack
        monkeypatch.setenv(name, url)
    driver = Driver(app.app, os.environ["TABLE_NAME"], clock)
    book(api, org)
    driver.tick()
    driver.unanswered.clear()  # the booking's receipt would shorten the beat (QUIET): not this test's subject
    sqs = boto3.client("sqs")
    urgent, routine = os.environ["URGENT_TEXTS_QUEUE_URL"], os.environ["ROUTINE_TEXTS_QUEUE_URL"]
    ran = []

    def drainer(given_back: int, retry_in: float):
        def run():
            ran.append(clock())
            emulator.QUEUED_TO.add(routine.rsplit("/", 1)[1])  # its give-back rings, as SQS's would
            emulator.QUEUED.set()
            return {"given_back": given_back, "retry_in": retry_in}
        return run

    monkeypatch.setattr(driver, "send_queued", drainer(3, 0.6))
    sqs.send_message(QueueUrl=routine, MessageBody="{}")
    driver.tick(written=False)
    assert len(ran) == 1 and driver.waiting
    driver.tick(written=True)  # its own give-back rang: not again
    sqs.send_message(QueueUrl=routine, MessageBody="{}")
    driver.tick(written=True)  # a routine text behind them: it waits with them
    assert len(ran) == 1 and driver._beat() == pytest.approx(0.2)
    clock.advance(seconds=0.5)
    assert driver._beat() == pytest.approx(0.1)  # the driver's next wait ends when the first may go
    driver.tick(written=False)
    assert len(ran) == 1
    clock.advance(seconds=0.1)
    driver.tick(written=False)  # the first may go now
    assert len(ran) == 2
    sqs.send_message(QueueUrl=urgent, MessageBody="{}")
    driver.tick(written=True)  # an urgent text: at once (the bell)
    assert len(ran) == 3
    monkeypatch.setattr(driver, "send_queued", drainer(3, 30.0))  # the provider said "too fast": a long pause
    clock.advance(seconds=1)
    driver.tick(written=False)
    assert len(ran) == 4
    clock.advance(seconds=0.9)
    driver.tick(written=False)
    assert len(ran) == 4
    clock.advance(seconds=0.1)
    driver.tick(written=False)  # a second on: it looks for new texts, as a running drainer polls
    assert len(ran) == 5


def test_a_write_landing_just_as_a_quiet_beat_gives_up_is_read_at_the_next_beat(monkeypatch):
    """A beat reads the stream only after a write: a write that lands between the wait giving up and the
    loop's next look must stay flagged, or its record waits for the next simulated minute."""
    import threading

    from devstack import driver

    class LateWrite(threading.Event):
        def wait(self, timeout=None):
            self.set()  # the write lands just as the wait times out
            return False

    late = LateWrite()
    monkeypatch.setattr(driver, "WRITTEN", late)
    assert driver.woken(0) is False
    assert late.is_set()  # still flagged for the next beat
    monkeypatch.setattr(driver, "WRITTEN", threading.Event())
    driver.WRITTEN.set()
    assert driver.woken(0) is True and not driver.WRITTEN.is_set()


def test_the_driver_reads_the_emulated_stream_as_get_records_answers_it(api, org, driver, monkeypatch):
    """The driver reads its emulator's shard in place of GetRecords (the poller's reads are Lambda's work in AWS):
    the same records, Lambda-shaped, from the same place, without a call; a checkpoint moved back reads again."""
    from devstack.streams import StreamPump
    book(api, org)
    driver.drain()
    reads = []
    real = driver.pump.client.get_records
    monkeypatch.setattr(driver.pump.client, "get_records", lambda **kw: reads.append(kw) or real(**kw))
    assert driver.pump.pending() == {}
    book(api, org)
    read = driver.pump.pending()
    assert read and read == StreamPump(os.environ["TABLE_NAME"]).pending()  # the trimmed stream, through the API
    assert {r["eventName"] for rs in read.values() for r in rs} == {"INSERT"}
    assert all(isinstance(r["dynamodb"]["ApproximateCreationDateTime"], int) for rs in read.values() for r in rs)
    driver.drain()
    assert driver.pump.pending() == {}
    driver.pump.checkpoints.clear()  # redelivery: read from the stream's start, whatever it holds
    assert driver.pump.pending() == {}  # handled, so trimmed
    assert reads == []


def test_a_receipt_waits_for_a_quiet_driver_or_its_bound(api, org, driver, monkeypatch):
    """A burst's gaps between its status changes must not let the receipts of its first texts (and what they
    write) in before its last texts: a receipt goes once nothing was written for QUIET, or RECEIPT_WITHIN after
    its text."""
    import threading
    import time

    from devstack import driver as module
    answered = []
    monkeypatch.setattr(driver, "receipt", answered.append)
    monkeypatch.setattr(module, "WRITTEN", threading.Event())
    book(api, org)
    driver.drain()
    assert len(driver.unanswered) == 1
    entry = driver.unanswered[0][1]
    driver.written_at = time.monotonic()  # a beat just woke for a write: a gap in a burst
    driver.answer_a_receipt()
    assert answered == [] and driver._beat() == module.QUIET
    driver.written_at -= module.QUIET  # nothing written for QUIET…
    module.WRITTEN.set()  # …but a write has just landed
    driver.answer_a_receipt()
    assert answered == []
    module.WRITTEN.clear()
    driver.answer_a_receipt()
    assert answered == [entry] and not driver.unanswered and driver._beat() == 0.2
    driver.unanswered.append((time.monotonic() - module.RECEIPT_WITHIN, entry))  # due by its bound…
    driver.written_at = time.monotonic()
    module.WRITTEN.set()  # …however busy the driver is
    driver.answer_a_receipt()
    assert answered == [entry, entry]
