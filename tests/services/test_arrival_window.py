"""The narrowed arrival window on the fakes (services/arrival.py → the stream → window_narrowed): the next stop
of the technician's day hears when they should now arrive once, and again only when it moves 30 minutes; never
a canceled, reassigned or moved visit; through the one rule (quiet hours, the scenario's switch)."""
from datetime import timedelta

import pytest

from chalicelib.domain.messages import MessageStatus
from chalicelib.domain.people import GeoPosition
from chalicelib.domain.scenarios import ScenarioName, ScenarioOverride
from chalicelib.domain.status import AppointmentAction
from chalicelib.domain.values import TimeFrame
from chalicelib.services import jobs as job_service
from chalicelib.services import settings as settings_service

from .conftest import DEFAULT_NOW, SAM

LEE = "+13035550178"
HOUR = timedelta(hours=1)
MIN = timedelta(minutes=1)


@pytest.fixture
def day(shop):
    """Ana's day: Sam at 10am-12pm (the first stop), Lee at 11am-3pm (the next); the clock at 10am."""
    shop.add_customer("cus_lee", LEE)
    first = shop.book(DEFAULT_NOW, shop.tech.id)
    second = shop.book(DEFAULT_NOW + HOUR, shop.tech.id, hours=4, customer_id="cus_lee")
    return first, second


def status(shop, appointment_id, action, **kw):
    job_service.change_status(shop.repos, shop.tech, appointment_id, action, **kw)
    assert shop.settle() == []


def work_through(shop, appointment_id, done_at):
    status(shop, appointment_id, AppointmentAction.EN_ROUTE)
    status(shop, appointment_id, AppointmentAction.START)
    shop.clock.now = done_at
    status(shop, appointment_id, AppointmentAction.COMPLETE)


def narrowed(shop, job) -> list:
    return [m for m in shop.messages(job) if m.scenario == ScenarioName.WINDOW_NARROWED]


def test_the_first_visit_done_tells_the_next_customer_once(shop, day):
    (_, first), (lee_job, second) = day
    work_through(shop, first, DEFAULT_NOW + HOUR)  # done at 11am: 30 min drive, expected 11:30
    (m,) = narrowed(shop, lee_job)
    assert m.status is MessageStatus.SENT and m.recipient == LEE and m.segments == 1
    assert m.body.startswith("acme Services: Ana should now arrive between 11am and 12pm. http")
    assert shop.job(lee_job.id).appointment(second).expected == TimeFrame(DEFAULT_NOW + HOUR, DEFAULT_NOW + 2 * HOUR)
    assert not [b for b in shop.texts() if "should now arrive" in b]  # Sam, the visit done, hears nothing of it
    assert shop.settle() == [] and len(narrowed(shop, lee_job)) == 1


def test_setting_off_moves_it_only_by_thirty_minutes_or_more(shop, day):
    (_, first), (lee_job, second) = day
    work_through(shop, first, DEFAULT_NOW + HOUR)
    shop.clock.now += 10 * MIN  # on the way at 11:10, no ETA: there at 11:40, 10 minutes later than told
    status(shop, second, AppointmentAction.EN_ROUTE)
    assert len(narrowed(shop, lee_job)) == 1
    assert shop.job(lee_job.id).appointment(second).expected.start == DEFAULT_NOW + HOUR  # what was told stays
    status(shop, second, AppointmentAction.DELAY, eta=DEFAULT_NOW + 2 * HOUR)  # an ETA change alone: no trigger
    assert len(narrowed(shop, lee_job)) == 1


def test_setting_off_with_an_eta_an_hour_later_tells_the_new_window(shop, day):
    (_, first), (lee_job, second) = day
    work_through(shop, first, DEFAULT_NOW + HOUR)
    status(shop, second, AppointmentAction.EN_ROUTE, eta=DEFAULT_NOW + 2.5 * HOUR)  # 12:30
    bodies = sorted(m.body.split(". http")[0] for m in narrowed(shop, lee_job))
    assert bodies == ["acme Services: Ana should now arrive between 11am and 12pm",
                      "acme Services: Ana should now arrive between 12pm and 1pm"]
    assert shop.job(lee_job.id).appointment(second).expected == TimeFrame(DEFAULT_NOW + 2 * HOUR,
                                                                          DEFAULT_NOW + 3 * HOUR)


def test_the_drive_comes_from_the_distance_between_the_two_addresses(shop, day):
    (sam_job, first), (lee_job, second) = day
    for customer_id, where in (("cus_sam", (39.7392, -104.9903)), ("cus_lee", (39.7392, -104.8))):  # ~16 km east
        c = shop.repos.customers.get(shop.org.id, customer_id)
        c.coordinates = where
        shop.repos.customers.save(c)
    work_through(shop, first, DEFAULT_NOW + HOUR)
    expected = shop.job(lee_job.id).appointment(second).expected  # 33 minutes' drive: there at 11:33
    assert expected == TimeFrame(DEFAULT_NOW + HOUR + 3 * MIN, DEFAULT_NOW + 2 * HOUR + 3 * MIN)


def test_the_allowance_is_the_organizations_setting(shop, day):
    settings_service.update_messaging(shop.repos, shop.dispatcher, {}, None, {"travel_minutes": 90})
    (_, first), (lee_job, second) = day
    work_through(shop, first, DEFAULT_NOW + HOUR)
    assert shop.job(lee_job.id).appointment(second).expected.start == DEFAULT_NOW + 2 * HOUR  # 12:30 - 30 min


def test_a_position_seen_on_the_way_gives_the_drive(shop, day):
    (_, first), (lee_job, second) = day
    work_through(shop, first, DEFAULT_NOW + HOUR)
    c = shop.repos.customers.get(shop.org.id, "cus_lee")
    c.coordinates = (39.7392, -104.9903)
    shop.repos.customers.save(c)
    ana = shop.repos.users.get(shop.org.id, shop.tech.id)
    ana.last_position = GeoPosition(39.7392, -105.7, shop.clock.now)  # ~61 km west: two hours away
    shop.repos.users.save(ana)
    status(shop, second, AppointmentAction.EN_ROUTE)
    assert len(narrowed(shop, lee_job)) == 2
    assert shop.job(lee_job.id).appointment(second).expected.start == DEFAULT_NOW + 2 * HOUR + 32 * MIN  # 2h02


def test_a_canceled_next_visit_hears_nothing_and_the_one_after_it_does(shop, day):
    (_, first), (lee_job, second) = day
    later_job, third = shop.book(DEFAULT_NOW + 3 * HOUR, shop.tech.id)  # Sam again at 1pm-3pm
    job_service.cancel(shop.repos, shop.dispatcher, lee_job.id, "not needed", offer_coupon=False)
    assert shop.settle() == []
    work_through(shop, first, DEFAULT_NOW + HOUR)
    assert narrowed(shop, lee_job) == []
    (m,) = narrowed(shop, later_job)
    assert "between 1pm and 1:30pm" in m.body  # not before its window: 1pm, and the half hour after


def test_a_visit_canceled_before_the_stream_reads_the_completion_is_not_told(shop, day):
    (_, first), (lee_job, second) = day
    status(shop, first, AppointmentAction.EN_ROUTE)
    status(shop, first, AppointmentAction.START)
    job_service.change_status(shop.repos, shop.tech, first, AppointmentAction.COMPLETE)
    job_service.cancel(shop.repos, shop.dispatcher, lee_job.id, "not needed", offer_coupon=False)
    assert shop.settle() == []
    assert narrowed(shop, lee_job) == [] and shop.job(lee_job.id).appointment(second).expected is None


@pytest.mark.parametrize("canceled", [False, True])
def test_in_quiet_hours_it_waits_and_goes_only_if_still_true(shop, clock, canceled):
    clock.now = DEFAULT_NOW - 5 * HOUR  # 5am in Denver
    shop.add_customer("cus_lee", LEE)
    _, first = shop.book(DEFAULT_NOW - 4 * HOUR, shop.tech.id, hours=1)  # 6-7am
    lee_job, second = shop.book(DEFAULT_NOW - 2 * HOUR, shop.tech.id, hours=4, customer_id="cus_lee")  # 8am-12pm
    work_through(shop, first, DEFAULT_NOW - 3 * HOUR)  # done at 7am: expected 8-8:30am, told after quiet hours
    (m,) = narrowed(shop, lee_job)
    assert m.status is MessageStatus.HELD and m.release_at == DEFAULT_NOW - 2 * HOUR
    if canceled:
        job_service.cancel(shop.repos, shop.dispatcher, lee_job.id, "not needed", offer_coupon=False)
        assert shop.settle() == []
    shop.run_until(DEFAULT_NOW - 1.5 * HOUR, step=15 * MIN)
    (m,) = narrowed(shop, lee_job)
    assert m.status is (MessageStatus.SUPPRESSED if canceled else MessageStatus.SENT)
    assert "between 8am and 8:30am" in m.body
    assert any("should now arrive" in body for body in shop.sender.to(LEE)) is not canceled


def test_turned_off_the_window_is_stored_and_the_text_suppressed(shop, day):
    shop.repos.settings.save_messaging(shop.org.id, shop.repos.settings.messaging(shop.org.id).__class__(
        overrides={ScenarioName.WINDOW_NARROWED: ScenarioOverride(enabled=False)}))
    (_, first), (lee_job, second) = day
    work_through(shop, first, DEFAULT_NOW + HOUR)
    (m,) = narrowed(shop, lee_job)
    assert (m.status, m.error) == (MessageStatus.SUPPRESSED, "scenario turned off")
    assert shop.job(lee_job.id).appointment(second).expected is not None


def test_moving_or_reassigning_the_visit_forgets_the_window(shop, day):
    (_, first), (lee_job, second) = day
    work_through(shop, first, DEFAULT_NOW + HOUR)
    job_service.update_appointment(shop.repos, shop.dispatcher, second, window=TimeFrame(
        DEFAULT_NOW + 4 * HOUR, DEFAULT_NOW + 6 * HOUR), technician_id=None, assign=False)
    assert shop.settle() == []
    assert shop.job(lee_job.id).appointment(second).expected is None


def test_the_last_visit_of_the_day_tells_nobody(shop, clock):
    job, only = shop.book(DEFAULT_NOW, shop.tech.id)
    work_through(shop, only, DEFAULT_NOW + HOUR)
    assert narrowed(shop, job) == [] and not [b for b in shop.texts() if "should now arrive" in b]
    assert SAM in {m.recipient for m in shop.messages(job)}


def test_a_next_stop_tomorrow_morning_hears_nothing_tonight(shop):
    """The route is read for the 24 hours after the visit done and cut to its calendar day in the next
    customer's zone: Lee's visit at 8am tomorrow is within 24 hours but another day's."""
    shop.add_customer("cus_lee", LEE)
    _, first = shop.book(DEFAULT_NOW, shop.tech.id)
    lee_job, _ = shop.book(DEFAULT_NOW + 22 * HOUR, shop.tech.id, customer_id="cus_lee")  # Wed 8am in Denver
    work_through(shop, first, DEFAULT_NOW + HOUR)
    assert narrowed(shop, lee_job) == []
