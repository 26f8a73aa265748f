"""Inbound replies (services/inbound.handle) on the fakes: C/YES, N/NO with or without a reason, R, STOP /
START / HELP, free text to the job and the staff inbox, direct reply off, unknown senders, redelivery.
Mirrors the decisions of tests/e2e/test_two_way.py and test_true_when_sent.py's opted-out customer."""
import json
import re
from datetime import timedelta

import pytest

from chalicelib.domain.messages import Direction, MessageStatus
from chalicelib.domain.people import Location
from chalicelib.domain.scenarios import LinkPurpose
from chalicelib.domain.status import AppointmentAction
from chalicelib.domain.timers import TimerKind
from chalicelib.domain.values import TimeFrame
from chalicelib.services import inbound
from chalicelib.services import jobs as job_service

from .conftest import NOON, NUMBER, SAM


def reply(shop, body: str, sender: str = SAM, inbound_id: str | None = None) -> str:
    return shop.reply(body, sender, inbound_id)


@pytest.fixture
def booked(shop, noon):
    return shop.book(NOON + timedelta(days=2), shop.tech.id)


def inbound_bodies(shop, job) -> list[str]:
    return [m.body for m in shop.messages(job) if m.direction is Direction.INBOUND]


def test_c_confirms_the_next_appointment_and_clears_the_follow_up(shop, booked):
    job, appointment_id = booked
    kinds = lambda: [t.kind for t in shop.repos.timers.of_appointment(shop.org.id, job.id, appointment_id)]  # noqa: E731
    assert TimerKind.CONFIRMATION_FOLLOWUP in kinds()
    assert reply(shop, " yes ") == "confirmed"
    assert shop.job(job.id).appointments[0].confirmation == "confirmed"
    assert "is confirmed" in shop.texts()[-1] and TimerKind.CONFIRMATION_FOLLOWUP not in kinds()
    assert inbound_bodies(shop, job) == ["yes"]


def test_no_rejects_into_retention_and_asks_why(shop, booked):
    job, _ = booked
    assert reply(shop, "N") == "rejected"
    assert "tell us why" in shop.texts()[-1]
    (entry,) = shop.repos.queues.list(shop.org.id, "retention", None, 10, None).items
    assert (entry.reason, entry.job_id) == ("customer replied NO", job.id)
    assert shop.job(job.id).appointments[0].confirmation == "rejected"


def test_no_with_a_reason_is_the_retention_reason_with_its_category_and_no_question(shop, booked):
    job, _ = booked
    sent = len(shop.texts())
    assert reply(shop, "No - we sold the house") == "rejected"
    assert shop.repos.queues.list(shop.org.id, "retention", None, 10, None).items[0].reason == "we sold the house"
    visit = shop.job(job.id).appointments[0]
    assert (visit.rejection_reason, visit.rejection_category) == ("we sold the house", "no_longer_needed")
    assert len(shop.texts()) == sent


def test_r_sends_the_reschedule_link(shop, booked, clock):
    _, appointment_id = booked
    assert reply(shop, "r") == "reschedule_link"
    token = re.search(r"/c/(\S+)$", shop.texts()[-1]).group(1)
    link = shop.repos.links.resolve(token, clock.now)
    assert (link.purpose, link.appointment_id) == (LinkPurpose.RESCHEDULE, appointment_id)


def test_free_text_lands_on_the_job_and_in_the_staff_inboxes(shop, booked):
    job, _ = booked
    assert reply(shop, "Can you come after 3? The dog will be out.") == "recorded"
    (m,) = [m for m in shop.messages(job) if m.direction is Direction.INBOUND]
    assert (m.sender, m.recipient, m.status) == (SAM, NUMBER, MessageStatus.RECEIVED)
    for user in (shop.dispatcher, shop.tech):
        (item,) = shop.repos.inbox.list(shop.org.id, user.id, 10, None).items
        assert item.body == "Can you come after 3? The dog will be out." and not item.read


def test_with_direct_reply_off_the_text_is_recorded_and_answered_with_a_link(shop, booked, clock):
    job, _ = booked
    shop.repos.locations.add(Location("loc_north", shop.org.id, "North", "America/Denver", False, clock.now))
    second = job_service.create_job(shop.repos, shop.dispatcher, shop.customer_id, "Second", location_id="loc_north",
                                    appointment=job_service.NewAppointment(TimeFrame(
                                        NOON + timedelta(days=3), NOON + timedelta(days=3, hours=2))))
    job_service.cancel(shop.repos, shop.dispatcher, job.id, "merged into the second job", offer_coupon=False)
    assert shop.settle() == []
    assert reply(shop, "Is the tech bringing the part?") == "recorded_direct_reply_off"
    assert "replies by text are not enabled for this location" in shop.texts()[-1] and "/c/" in shop.texts()[-1]
    assert inbound_bodies(shop, second) == ["Is the tech bringing the part?"]


def test_an_unknown_sender_gets_a_polite_text_and_nothing_else(shop, booked):
    stranger = "+13035550111"
    assert reply(shop, "hello?", sender=stranger) == "unknown_sender"
    (body,) = shop.sender.to(stranger)
    assert NUMBER in body and "could not find" in body
    assert shop.repos.queues.list(shop.org.id, "retention", None, 10, None).items == []


def test_a_redelivered_inbound_text_does_nothing_twice(shop, booked):
    job, _ = booked
    for _ in range(3):
        reply(shop, "N", inbound_id="same-id-1")
    assert len(shop.repos.queues.list(shop.org.id, "retention", None, 10, None).items) == 1
    assert sum("tell us why" in b for b in shop.texts()) == 1
    assert inbound_bodies(shop, job) == ["N"]


def test_stop_silences_status_texts_and_start_resumes_them(shop, booked):
    job, appointment_id = booked
    assert reply(shop, "stop") == "opt_out"
    assert shop.repos.customers.get(shop.org.id, shop.customer_id).opted_out
    sent = len(shop.texts())
    job_service.change_status(shop.repos, shop.tech, appointment_id, AppointmentAction.EN_ROUTE)
    assert shop.settle() == []
    assert len(shop.texts()) == sent  # and no confirmation of the opt-out from us either
    assert shop.ledger(job)["en_route"] == [("suppressed", "customer opted out")]
    assert reply(shop, "START") == "opt_in"
    job_service.change_status(shop.repos, shop.tech, appointment_id, AppointmentAction.START)
    assert shop.settle() == []
    assert shop.texts()[-1].endswith("Ana Alvarez has arrived.")


def test_help_explains_the_reply_words(shop, booked):
    assert reply(shop, "HELP") == "help"
    assert "reply C to confirm your visit, R to reschedule" in shop.texts()[-1]


@pytest.mark.parametrize("body,outcome", [("C", "confirmed"), ("N", "rejected"), ("R", "reschedule_link"),
                                          ("HELP", "help"), ("Is 3pm still ok?", "recorded_direct_reply_off")])
def test_an_opted_out_customer_is_heard_and_acted_on_but_gets_no_text_until_start(shop, noon, body, outcome):
    shop.repos.locations.add(Location("loc_north", shop.org.id, "North", "America/Denver", False, noon.now))
    job = job_service.create_job(shop.repos, shop.dispatcher, shop.customer_id, "Leak", location_id="loc_north",
                                 appointment=job_service.NewAppointment(TimeFrame(
                                     NOON + timedelta(days=2), NOON + timedelta(days=2, hours=2)), shop.tech.id))
    assert shop.settle() == []
    assert reply(shop, "STOP") == "opt_out"
    sent = len(shop.texts())
    assert reply(shop, body) == outcome
    assert len(shop.texts()) == sent
    assert inbound_bodies(shop, job) == [body]
    answers = [m for m in shop.messages(job) if m.scenario == "auto_reply"]
    assert answers and all((m.status, m.error) == ("suppressed", "customer opted out") for m in answers)
    assert shop.job(job.id).appointments[0].confirmation == {"C": "confirmed", "N": "rejected"}.get(body, "pending")
    assert reply(shop, "START") == "opt_in"
    assert reply(shop, "HELP") == "help" and len(shop.texts()) == sent + 1


@pytest.mark.parametrize("raw", ["not json", json.dumps([1]), json.dumps({"inboundMessageId": "x", "messageBody": ""}),
                                 json.dumps({"inboundMessageId": "x", "messageBody": "hi", "originationNumber": "555",
                                             "destinationNumber": NUMBER}),
                                 json.dumps({"inboundMessageId": "x", "messageBody": "a" * 1601,
                                             "originationNumber": SAM, "destinationNumber": NUMBER})])
def test_a_bad_inbound_payload_is_refused_before_anything_changes(shop, booked, raw):
    job, _ = booked
    with pytest.raises(inbound.BadInbound):
        inbound.parse(raw)
    assert len(shop.messages(job)) == 1


def test_a_rating_rates_the_latest_finished_visit_once(shop, booked):
    job, appointment_id = booked
    assert reply(shop, "RATE 5") == "no_visit_to_rate"
    job_service.change_status(shop.repos, shop.tech, appointment_id, AppointmentAction.COMPLETE)
    assert shop.settle() == []
    assert reply(shop, "RATE 5") == "rated" and "thank you for rating your visit 5 of 5" in shop.texts()[-1]
    assert reply(shop, "rate 1") == "already_rated"
    assert shop.job(job.id).feedback.rating == 5
