"""The one rule at the points the property test reaches only by luck: a retry is judged again."""
import json
import uuid
from datetime import timedelta

from chalicelib.domain.values import TimeFrame
from chalicelib.services import inbound, jobs

from .conftest import NUMBER, SAM


def text_in(shop, body: str) -> str:
    text = inbound.parse(json.dumps({"originationNumber": SAM, "destinationNumber": NUMBER, "messageBody": body,
                                     "inboundMessageId": str(uuid.uuid4())}))
    return inbound.handle(shop.repos, shop.senders, text)


def test_a_text_the_provider_refused_is_judged_again_when_its_record_comes_back(shop, clock):
    """The confirmation's first try fails; the customer texts STOP before the stream retries the record: the
    retry records it suppressed and sends nothing."""
    shop.sender.refuse[SAM] = 1
    start = clock.now + timedelta(days=2)
    job = jobs.create_job(shop.repos, shop.dispatcher, shop.customer_id, "Furnace",
                          appointment=jobs.NewAppointment(TimeFrame(start, start + timedelta(hours=2)), None))
    assert len(shop.settle()) == 1  # refused: the record stays first in line
    assert shop.ledger(job)["booking_confirmation"][0][0] == "failed"
    assert text_in(shop, "STOP") == "opt_out"
    assert shop.settle() == []
    assert shop.texts() == []
    assert shop.ledger(job)["booking_confirmation"] == [("suppressed", "customer opted out")]


def test_a_retry_that_comes_back_in_quiet_hours_waits_for_the_morning(shop, clock):
    shop.sender.refuse[SAM] = 1
    clock.now = clock.now.replace(hour=3, minute=50)  # 20:50 in Denver
    start = clock.now + timedelta(days=2)
    job = jobs.create_job(shop.repos, shop.dispatcher, shop.customer_id, "Furnace",
                          appointment=jobs.NewAppointment(TimeFrame(start, start + timedelta(hours=2)), None))
    assert len(shop.settle()) == 1
    clock.advance(minutes=20)  # 21:10: the record comes back in quiet hours
    assert shop.settle() == []
    assert shop.texts() == []
    (status, _), = shop.ledger(job)["booking_confirmation"]
    assert status == "held"
