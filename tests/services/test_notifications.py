"""The scenario engine (services/notifications): which text for which event, suppressed when opted out,
turned off or no longer true, held in quiet hours, exactly once on a replay; free texts. Mirrors the
decisions of tests/e2e/test_texts.py, test_quiet_hours.py and test_two_way.py's free text."""
from dataclasses import replace
from datetime import time, timedelta

import pytest

from chalicelib.domain import timefmt
from chalicelib.domain.messages import MessageStatus
from chalicelib.domain.scenarios import QuietHours, ScenarioName, ScenarioOverride
from chalicelib.domain.status import AppointmentAction
from chalicelib.domain.values import TimeFrame
from chalicelib.services import jobs as job_service
from chalicelib.services.conversation import write_to_customer
from chalicelib.services.outbox.dispatch import SendFailed

from .conftest import NIGHT, SAM


@pytest.fixture
def booked(shop, clock):
    """A scheduled, assigned appointment two days on, its booking confirmation sent."""
    start = (clock.now + timedelta(days=2)).replace(minute=0)
    return shop.book(start, shop.tech.id)


def status(shop, appointment_id, action, **kw):
    job_service.change_status(shop.repos, shop.tech, appointment_id, action, **kw)
    assert shop.settle() == []


def test_booking_confirmation_once_with_the_window_in_the_customers_zone_and_a_link(shop, booked):
    job, appointment_id = booked
    (body,) = shop.texts()
    assert body.startswith("acme Services:") and "visit booked for" in body
    assert "Reply C to confirm, R to reschedule" in body and "/c/" in body
    window = shop.job(job.id).appointment(appointment_id).window
    assert timefmt.window(window.start, window.end, "America/Denver") in body
    (m,) = shop.messages(job)
    assert (m.scenario, m.status, m.recipient, m.segments, m.body) == ("booking_confirmation", "sent", SAM, 1, body)


def test_en_route_names_the_technician_and_the_eta(shop, booked):
    job, appointment_id = booked
    eta = shop.job(job.id).appointment(appointment_id).window.start
    status(shop, appointment_id, AppointmentAction.EN_ROUTE, eta=eta)
    assert "Ana Alvarez is on the way, ETA" in shop.texts()[-1] and "Track: http" in shop.texts()[-1]


def test_delayed_arrived_and_one_feedback_request_per_job(shop, booked, clock):
    job, appointment_id = booked
    window = shop.job(job.id).appointment(appointment_id).window
    status(shop, appointment_id, AppointmentAction.DELAY, eta=window.end + timedelta(hours=3))
    assert "running late. New ETA" in shop.texts()[-1]
    status(shop, appointment_id, AppointmentAction.START)
    assert shop.texts()[-1].endswith("Ana Alvarez has arrived.")
    status(shop, appointment_id, AppointmentAction.COMPLETE)
    assert "Rate your visit: http" in shop.texts()[-1]
    start = window.start + timedelta(days=2)
    _, second = job_service.add_appointment(shop.repos, shop.dispatcher, job.id,
                                            job_service.NewAppointment(TimeFrame(start, start + timedelta(hours=2))))
    assert shop.settle() == []
    job_service.change_status(shop.repos, shop.dispatcher, second.id, AppointmentAction.COMPLETE)
    assert shop.settle() == []
    scenarios = [m.scenario for m in shop.messages(job)]
    assert scenarios.count("feedback_request") == 1 and scenarios.count("booking_confirmation") == 2


def test_a_company_cancel_gives_the_reason_a_rebooking_link_and_the_coupon(shop, booked):
    job, _ = booked
    canceled = job_service.cancel(shop.repos, shop.dispatcher, job.id, "tech out sick", offer_coupon=True)
    assert shop.settle() == []
    body = shop.texts()[-1]
    assert "visit canceled: tech out sick" in body and f"15% off: {canceled.coupon.code}" in body
    assert "Rebook: http" in body


def test_a_reschedule_in_the_same_batch_confirms_the_new_window_never_the_old(shop, clock):
    start = (clock.now + timedelta(days=2)).replace(minute=0)
    job = job_service.create_job(shop.repos, shop.dispatcher, shop.customer_id, "Leak",
                                 appointment=job_service.NewAppointment(TimeFrame(start, start + timedelta(hours=2))))
    moved = TimeFrame(start + timedelta(days=1), start + timedelta(days=1, hours=2))
    job_service.update_appointment(shop.repos, shop.dispatcher, job.appointments[0].id, window=moved,
                                   technician_id=None, assign=False)
    assert shop.settle() == []  # both changes arrive together: the first confirmation is already stale
    assert sorted(shop.ledger(job)["booking_confirmation"]) == [("sent", None),
                                                                ("suppressed", "superseded by a later change")]
    (body,) = shop.texts()
    assert timefmt.window(moved.start, moved.end, "America/Denver") in body
    assert timefmt.window(start, start + timedelta(hours=2), "America/Denver") not in body


def test_the_same_changes_delivered_twice_send_one_text(shop, booked):
    job, appointment_id = booked
    job_service.change_status(shop.repos, shop.tech, appointment_id, AppointmentAction.EN_ROUTE)
    replay = list(shop.world.changes)
    assert shop.settle() == []
    shop.world.changes.extend(replay)  # the batch redelivered
    assert shop.settle() == []
    assert len(shop.texts()) == 2  # the confirmation and one en route


def test_an_opted_out_customer_gets_nothing_and_the_ledger_says_suppressed(shop, clock):
    customer = shop.repos.customers.get(shop.org.id, shop.customer_id)
    customer.opt(True, clock.now, "test")
    shop.repos.customers.save(customer)
    job, _ = shop.book(clock.now + timedelta(days=2))
    assert shop.texts() == []
    assert shop.ledger(job) == {"booking_confirmation": [("suppressed", "customer opted out")]}


def test_a_failed_send_fails_its_record_and_the_retry_sends_the_same_text_once(shop, clock):
    lee = shop.add_customer("cus_lee", "+13035550178")
    shop.sender.refuse["+13035550178"] = 1
    for customer in (shop.customer_id, lee):
        job_service.create_job(shop.repos, shop.dispatcher, customer, "x", appointment=job_service.NewAppointment(
            TimeFrame(clock.now + timedelta(days=2), clock.now + timedelta(days=2, hours=2))))
    (failure,) = shop.settle()
    assert isinstance(failure, SendFailed) and failure.message.status is MessageStatus.FAILED
    assert [to for to, _, _ in shop.sender.sent] == [SAM]
    assert shop.settle() == []  # redelivered from the failed record on
    assert sorted(to for to, _, _ in shop.sender.sent) == [SAM, "+13035550178"]
    lee_job = shop.repos.jobs.of_customer(shop.org.id, lee)[0]
    (m,) = shop.messages(lee_job)
    assert m.status is MessageStatus.SENT and m.body == shop.sender.to("+13035550178")[0]


def test_a_text_the_carrier_failed_is_not_sent_again_when_its_record_comes_back(shop, clock):
    job = job_service.create_job(shop.repos, shop.dispatcher, shop.customer_id, "x", appointment=job_service.NewAppointment(
        TimeFrame(clock.now + timedelta(days=2), clock.now + timedelta(days=2, hours=2))))
    replay = list(shop.world.changes)
    assert shop.settle() == []
    (m,) = shop.messages(job)
    assert shop.repos.messages.receipt(m, MessageStatus.FAILED, "handset off", clock.now)
    shop.world.changes.extend(replay)
    assert shop.settle() == []
    assert len(shop.texts()) == 1 and shop.messages(job)[0].status is MessageStatus.FAILED


def test_a_custom_template_is_used_and_a_scenario_turned_off_is_recorded_suppressed(shop, booked):
    job, appointment_id = booked
    settings = shop.repos.settings.messaging(shop.org.id)
    settings.overrides[ScenarioName.EN_ROUTE] = ScenarioOverride(
        template="{{ company }}: {{ technician }} rolls out now, see you at {{ eta }}. {{ link }}")
    settings.overrides[ScenarioName.ARRIVED] = ScenarioOverride(enabled=False)
    shop.repos.settings.save_messaging(shop.org.id, settings)
    eta = shop.job(job.id).appointment(appointment_id).window.start
    status(shop, appointment_id, AppointmentAction.EN_ROUTE, eta=eta)
    assert "Ana Alvarez rolls out now, see you at" in shop.texts()[-1]
    status(shop, appointment_id, AppointmentAction.START)
    assert "arrived" not in shop.texts()[-1]
    assert shop.ledger(job)["arrived"] == [("suppressed", "scenario turned off")]


def test_a_persons_text_goes_as_written_at_once_and_not_to_an_opted_out_customer(shop, booked, clock):
    job, _ = booked
    [written] = write_to_customer(shop.repos, shop.tech, job.id, "Running 10 min late, sorry!")
    assert written.status is MessageStatus.QUEUED and shop.texts()[-1] != "Running 10 min late, sorry!"
    assert shop.settle() == []
    assert shop.texts()[-1] == "Running 10 min late, sorry!"
    sent = shop.repos.messages.claimed(shop.org.id, job.id, written.key)
    assert sent.status is MessageStatus.SENT and sent.author_id == shop.tech.id and sent.scenario is None
    customer = shop.repos.customers.get(shop.org.id, shop.customer_id)
    customer.opt(True, clock.now, "test")
    shop.repos.customers.save(customer)
    [second] = write_to_customer(shop.repos, shop.dispatcher, job.id, "Are you home?")
    assert shop.settle() == []
    assert shop.texts()[-1] == "Running 10 min late, sorry!"
    assert shop.repos.messages.claimed(shop.org.id, job.id, second.key).status is MessageStatus.SUPPRESSED


# -- quiet hours (tests/e2e/test_quiet_hours.py) ---------------------------------------------------------

def test_at_night_a_confirmation_is_held_until_8am_but_an_urgent_text_goes_now(shop, clock):
    clock.now = NIGHT
    job, appointment_id = shop.book(NIGHT + timedelta(hours=14), shop.tech.id)
    assert shop.texts() == []
    (held,) = shop.messages(job)
    assert held.status is MessageStatus.HELD and held.release_at == NIGHT + timedelta(hours=10)  # 08:00 Denver
    status(shop, appointment_id, AppointmentAction.EN_ROUTE)
    assert len(shop.texts()) == 1 and "is on the way" in shop.texts()[0]


def test_quiet_hours_are_the_organizations_own(shop, clock):
    clock.now = NIGHT
    settings = shop.repos.settings.messaging(shop.org.id)
    shop.repos.settings.save_messaging(shop.org.id, replace(settings, quiet_hours=QuietHours(time(23, 30), time(6, 0))))
    shop.book(NIGHT + timedelta(hours=30))  # 22:00 in Denver is outside 23:30-06:00
    assert len(shop.texts()) == 1
