"""Timers (services/timers: derived, moved, removed) and the sweep (services/sweep: what is due fires once,
the watermark, catch-up after an outage, held texts released or dropped), on the fakes. Mirrors the
decisions of tests/e2e/test_timers.py, test_quiet_hours.py and test_true_when_sent.py."""
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.errors import VersionConflict
from chalicelib.domain.messages import MessageStatus
from chalicelib.domain.status import AppointmentAction
from chalicelib.domain.timers import TimerKind
from chalicelib.domain.values import TimeFrame
from chalicelib.services import jobs as job_service
from chalicelib.services import sweep as sweep_service
from chalicelib.services.sweep import MAX_CATCH_UP
from chalicelib.services.timers import MISSED

from .conftest import NIGHT, NOON, SAM


def pending(shop, job, appointment_id) -> dict:
    return {t.kind: t.due for t in shop.repos.timers.of_appointment(shop.org.id, job.id, appointment_id)
            if t.status == "pending"}


def test_an_appointment_derives_its_timers_a_reschedule_moves_them_and_assigning_removes_the_unassigned_ones(
        shop, noon):
    start = NOON + timedelta(days=3)
    job, appointment_id = shop.book(start)
    timers = pending(shop, job, appointment_id)
    assert timers[TimerKind.REMINDER] == start - timedelta(hours=24)
    assert timers[TimerKind.STILL_ASSIGNING] == start - timedelta(hours=3)
    assert timers[TimerKind.AUTO_CANCEL] == start - timedelta(hours=1)
    assert TimerKind.DELAY_CHECK not in timers  # the auto-cancel settles a visit nobody was assigned to
    later = start + timedelta(days=1)
    job_service.update_appointment(shop.repos, shop.dispatcher, appointment_id, window=TimeFrame(
        later, later + timedelta(hours=2)), technician_id=None, assign=False)
    assert shop.settle() == []
    assert pending(shop, job, appointment_id)[TimerKind.REMINDER] == later - timedelta(hours=24)
    job_service.update_appointment(shop.repos, shop.dispatcher, appointment_id, window=None,
                                   technician_id=shop.tech.id, assign=True)
    assert shop.settle() == []
    assert not {TimerKind.STILL_ASSIGNING, TimerKind.AUTO_CANCEL} & set(pending(shop, job, appointment_id))
    assert pending(shop, job, appointment_id)[TimerKind.DELAY_CHECK] == later + timedelta(hours=2)
    job_service.cancel(shop.repos, shop.dispatcher, job.id, "customer called", offer_coupon=False)
    assert shop.settle() == []
    assert not {TimerKind.REMINDER, TimerKind.DELAY_CHECK} & set(pending(shop, job, appointment_id))


def test_the_reminder_fires_at_its_time_not_before_and_once(shop, noon):
    shop.sweep()
    start = NOON + timedelta(days=3)
    job, _ = shop.book(start, shop.tech.id)
    shop.run_until(start - timedelta(hours=24, minutes=1))
    assert shop.scenarios(job) == ["booking_confirmation"]
    shop.run_until(start - timedelta(hours=24), step=timedelta(minutes=1))
    assert shop.scenarios(job) == ["booking_confirmation", "reminder"]
    assert "reminder: Ana Alvarez visits" in shop.texts()[-1] and "Reply C=confirm, R=reschedule" in shop.texts()[-1]
    shop.run_until(start - timedelta(hours=20))
    assert shop.scenarios(job).count("reminder") == 1


def test_after_a_reschedule_the_old_reminder_time_sends_nothing(shop, noon):
    shop.sweep()
    start = NOON + timedelta(days=3)
    job, appointment_id = shop.book(start, shop.tech.id)
    later = start + timedelta(days=1)
    job_service.update_appointment(shop.repos, shop.dispatcher, appointment_id,
                                   window=TimeFrame(later, later + timedelta(hours=2)), technician_id=None, assign=False)
    assert shop.settle() == []
    shop.run_until(start - timedelta(hours=23))
    assert "reminder" not in shop.scenarios(job)
    shop.run_until(later - timedelta(hours=23))
    assert shop.scenarios(job).count("reminder") == 1 and shop.scenarios(job).count("booking_confirmation") == 2


def test_still_assigning_then_auto_cancel_with_the_canceled_text_and_a_coupon(shop, noon):
    shop.sweep()
    start = NOON + timedelta(hours=20)
    job, _ = shop.book(start)
    shop.run_until(start - timedelta(hours=3, minutes=1))
    assert shop.scenarios(job) == ["booking_confirmation"]
    shop.run_until(start - timedelta(hours=3), step=timedelta(minutes=1))
    assert shop.scenarios(job)[-1] == "still_assigning" and "still assigning a technician" in shop.texts()[-1]
    shop.run_until(start - timedelta(hours=1))
    after = shop.job(job.id)
    assert after.status == "canceled" and after.appointments[0].status == "canceled" and after.coupon.percent == 15
    assert "visit canceled" in shop.texts()[-1] and after.coupon.code in shop.texts()[-1]
    assert shop.scenarios(job) == ["booking_confirmation", "still_assigning", "auto_canceled"]


def test_assigned_before_three_hours_nothing_unassigned_fires(shop, noon):
    shop.sweep()
    start = NOON + timedelta(hours=20)
    job, appointment_id = shop.book(start)
    shop.run_until(start - timedelta(hours=4))
    job_service.update_appointment(shop.repos, shop.dispatcher, appointment_id, window=None,
                                   technician_id=shop.tech.id, assign=True)
    assert shop.settle() == []
    shop.run_until(start - timedelta(minutes=30))
    assert shop.job(job.id).status == "scheduled" and shop.scenarios(job) == ["booking_confirmation"]


def test_a_delay_check_at_the_window_end_when_not_started(shop, noon):
    shop.sweep()
    start = NOON + timedelta(hours=20)
    job, appointment_id = shop.book(start, shop.tech.id)
    job_service.change_status(shop.repos, shop.tech, appointment_id, AppointmentAction.EN_ROUTE)
    assert shop.settle() == []
    shop.run_until(start + timedelta(hours=2, minutes=30), step=timedelta(minutes=15))
    assert shop.scenarios(job).count("delayed") == 1 and "running late" in shop.texts()[-1]


def test_a_three_hour_outage_is_caught_up_exactly_once(shop, noon):
    shop.sweep()
    start = NOON + timedelta(hours=20)
    jobs = [shop.book(start + timedelta(minutes=10 * i))[0] for i in range(3)]
    noon.now = start - timedelta(hours=3, minutes=20)
    shop.sweep()
    noon.now += timedelta(hours=3)  # no sweep for three hours: still_assigning came due for all three
    report = shop.sweep()
    assert report.kinds.get("still_assigning") == 3 and report.since < report.until
    assert shop.sweep().acted == 0
    assert shop.settle() == []
    assert [shop.scenarios(j).count("still_assigning") for j in jobs] == [1, 1, 1]


def test_a_minute_swept_twice_acts_once_and_the_watermark_lags_a_minute(shop, noon):
    shop.sweep()
    start = NOON + timedelta(hours=20)
    job, _ = shop.book(start)
    noon.now = start - timedelta(hours=3)
    first = shop.sweep()
    assert {shop.repos.due.watermark(k) for k in range(4)} == {noon.now - timedelta(minutes=1)}
    shop.repos.jobs.w.watermarks.clear()  # overlapping runs that read the same minute
    again = shop.sweep()
    assert first.kinds.get("still_assigning") == 1 and again.kinds.get("still_assigning", 0) == 0
    assert shop.settle() == [] and shop.scenarios(job).count("still_assigning") == 1


def test_a_long_outage_is_caught_up_24_hours_per_run(shop, noon):
    shop.sweep()
    mark = shop.repos.due.watermark(0)
    noon.now += timedelta(days=3)
    report = shop.sweep()
    assert report.until == (mark + MAX_CATCH_UP).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert shop.repos.due.watermark(0) == mark + MAX_CATCH_UP - timedelta(minutes=1)


def test_a_timer_whose_appointment_was_canceled_does_nothing(shop, noon):
    shop.sweep()
    start = NOON + timedelta(hours=20)
    job, _ = shop.book(start)
    job_service.cancel(shop.repos, shop.dispatcher, job.id, "customer called", offer_coupon=False)
    noon.now = start - timedelta(hours=3)  # not even the stream's recompute ran: the sweep re-checks itself
    assert shop.sweep().acted == 0
    noon.now = NOON + timedelta(minutes=5)
    assert shop.settle() == []
    assert sorted(shop.scenarios(job)) == ["booking_confirmation", "canceled"]


def test_a_window_after_the_clocks_go_back_is_reminded_at_9am_local_the_day_before(shop, clock):
    clock.now = datetime(2026, 10, 28, 18, 0, tzinfo=UTC)
    shop.sweep()
    start = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)  # Sunday 9am MST
    job, _ = shop.book(start, shop.tech.id)
    shop.run_until(datetime(2026, 10, 31, 14, 59, tzinfo=UTC), step=timedelta(hours=6))
    assert "reminder" not in shop.scenarios(job)
    shop.run_until(datetime(2026, 10, 31, 15, 0, tzinfo=UTC), step=timedelta(minutes=1))
    assert shop.scenarios(job)[-1] == "reminder" and "Sun 1 Nov, 9-11am" in shop.texts()[-1]


# -- held texts (tests/e2e/test_quiet_hours.py, test_true_when_sent.py) ------------------------------------

def test_a_held_text_goes_at_the_end_of_quiet_hours_once(shop, clock):
    clock.now = NIGHT
    shop.sweep()
    job, _ = shop.book(NIGHT + timedelta(hours=60))
    assert shop.texts() == []
    for _ in range(10):  # 23:00 ... 08:00 in Denver
        clock.advance(hours=1)
        shop.sweep()
    (body,) = shop.texts()
    assert "visit booked for" in body
    assert [(m.status, m.body) for m in shop.messages(job)] == [(MessageStatus.SENT, body)]
    for _ in range(3):
        assert shop.sweep().acted == 0
    assert len(shop.texts()) == 1


def test_a_held_confirmation_is_dropped_when_the_technician_is_already_on_the_way(shop, clock):
    clock.now = NIGHT
    shop.sweep()
    job, appointment_id = shop.book(NIGHT + timedelta(hours=14), shop.tech.id)
    job_service.change_status(shop.repos, shop.tech, appointment_id, AppointmentAction.EN_ROUTE)
    assert shop.settle() == []
    while clock.now < datetime(2026, 12, 1, 14, 59, tzinfo=UTC):  # 07:59 in Denver
        clock.advance(hours=1) if clock.now.hour < 14 else clock.advance(minutes=59)
        assert shop.sweep().acted == 0
    clock.advance(minutes=1)
    assert shop.sweep().acted == 1 and len(shop.texts()) == 1
    assert shop.ledger(job)["booking_confirmation"] == [("suppressed", "superseded by a later change")]


def test_a_confirmation_held_overnight_for_a_visit_starting_before_8am_is_dropped(shop, clock):
    clock.now = NIGHT
    shop.sweep()
    job, _ = shop.book(datetime(2026, 12, 1, 14, 0, tzinfo=UTC), shop.tech.id)  # 7-9am
    assert shop.ledger(job)["booking_confirmation"][0][0] == "held"
    shop.run_until(datetime(2026, 12, 1, 15, 5, tzinfo=UTC), step=timedelta(hours=1))
    assert shop.ledger(job)["booking_confirmation"] == [("suppressed", "the window has already started")]
    assert shop.texts() == []


def test_a_confirmation_held_overnight_never_goes_at_8am_to_a_customer_who_texted_stop(shop, clock):
    clock.now = NIGHT
    shop.sweep()
    lee = "+13035550188"  # a customer of tonight (Sam's opt-in is dated at the fixture's 10:00)
    job, _ = shop.book(NIGHT + timedelta(hours=60), shop.tech.id, customer_id=shop.add_customer("cus_lee", lee))
    assert shop.ledger(job)["booking_confirmation"][0][0] == "held"
    clock.advance(hours=1)  # 23:00 in Denver
    assert shop.reply("STOP", sender=lee) == "opt_out"
    shop.run_until(NIGHT + timedelta(hours=10, minutes=5), step=timedelta(hours=1))  # past 08:00
    assert shop.sender.to(lee) == [] and shop.voice.calls == []
    assert shop.ledger(job)["booking_confirmation"] == [("suppressed", "customer opted out")]
    assert not any(t.kind is TimerKind.CONFIRMATION_FOLLOWUP  # the chain does not run on from a text not sent
                   for t in shop.repos.timers.of_appointment(shop.org.id, job.id, job.appointments[0].id))


def test_a_refused_held_text_is_held_again_for_a_retry_and_then_sent(shop, clock):
    clock.now = NIGHT
    shop.sweep()
    job, _ = shop.book(NIGHT + timedelta(hours=60))
    shop.sender.refuse[SAM] = 1
    clock.now = NIGHT + timedelta(hours=10)  # 08:00
    report = shop.sweep()
    assert report.failed == 1 and shop.messages(job)[0].status is MessageStatus.HELD
    clock.advance(minutes=5)
    assert shop.sweep().acted == 1 and len(shop.texts()) == 1


def test_a_sent_text_without_a_receipt_for_72_hours_is_unknown(shop, noon):
    shop.sweep()
    job, _ = shop.book(NOON + timedelta(days=5), shop.tech.id)
    noon.now += timedelta(hours=72)
    for _ in range(4):  # 24 h caught up per run
        shop.sweep()
    assert [m.status for m in shop.messages(job)] == [MessageStatus.UNKNOWN]


# -- true when sent (tests/e2e/test_true_when_sent.py) ------------------------------------------------------

def test_after_a_ten_hour_jump_the_unassigned_visit_is_canceled_untold_and_a_dispatcher_reviews_it(shop, noon):
    shop.sweep()
    start = NOON + timedelta(hours=6)
    job, appointment_id = shop.book(start)
    noon.now = NOON + timedelta(hours=10)  # 10pm: the 3pm still-assigning notice and the 5pm auto-cancel are late
    for _ in range(5):
        shop.sweep()
        assert shop.settle() == []
    texts = shop.ledger(job)
    assert texts["still_assigning"] == [("suppressed", "the window has already started")]
    # The visit was never assigned: it is canceled all the same, but "visit canceled, 15% off" after the
    # window is no news to tell; the dispatcher gets the missed visit instead, and the cancel leaves it open.
    assert shop.job(job.id).status == "canceled"
    assert texts["auto_canceled"] == [("suppressed", "the window has already started")]
    assert not [b for b in shop.texts() if "canceled" in b]
    (review,) = shop.repos.queues.list(shop.org.id, "no_show", None, 10, None).items
    assert (review.job_id, review.appointment_id, review.state) == (job.id, appointment_id, "open")
    assert "the customer was not told" in review.reason
    (unassigned,) = [e for e in shop.repos.queues.of_job(shop.org.id, job.id) if e.queue == "unassigned"]
    assert (unassigned.state, unassigned.outcome) == ("done", "window_passed")


def test_a_late_auto_cancel_that_loses_a_race_to_another_write_is_still_reviewed_as_a_missed_visit(
        shop, noon, monkeypatch):
    """The job changed between the sweep's read and the cancel's save: the cancel is re-filed for the next run.
    The visit nobody was assigned to is a missed visit to rebook, never a "did anyone go?" no-show."""
    shop.sweep()
    start = NOON + timedelta(hours=6)
    job, appointment_id = shop.book(start)
    noon.now = NOON + timedelta(hours=10)  # the 5pm auto-cancel and the 10pm delay check, due in one run
    save, raced = shop.repos.jobs.save, []

    def changed_meanwhile(changed):
        if not raced:
            raced.append(changed.id)
            raise VersionConflict()
        return save(changed)
    monkeypatch.setattr(shop.repos.jobs, "save", changed_meanwhile)
    for _ in range(3):
        shop.sweep()
        assert shop.settle() == []
    assert raced == [job.id] and shop.job(job.id).status == "canceled"
    (review,) = shop.repos.queues.list(shop.org.id, "no_show", None, 10, None).items
    assert review.appointment_id == appointment_id and review.reason.startswith(MISSED)
    assert not shop.ledger(job).get("delayed")


def test_an_auto_cancel_late_but_before_the_window_still_tells_the_customer(shop, noon):
    shop.sweep()
    start = NOON + timedelta(hours=6)
    job, _ = shop.book(start)
    noon.now = start - timedelta(minutes=20)  # the 5pm auto-cancel runs 40 minutes late, before the window
    shop.sweep()
    assert shop.settle() == []
    assert shop.ledger(job)["auto_canceled"] == [("sent", None)] and "visit canceled" in shop.texts()[-1]
    assert shop.repos.queues.list(shop.org.id, "no_show", None, 10, None).items == []


def test_a_reminder_for_a_visit_already_over_is_never_sent_and_the_delay_says_what_is_true(shop, noon):
    shop.sweep()
    start = NOON + timedelta(days=2)
    job, _ = shop.book(start, shop.tech.id)
    noon.now = start + timedelta(hours=2, minutes=30)  # half an hour past the window's end
    for _ in range(5):
        shop.sweep()
        assert shop.settle() == []
    assert shop.ledger(job)["reminder"] == [("suppressed", "the window has already started")]
    (delayed,) = [b for b in shop.texts() if "running late" in b]
    assert "we will text you when they are on the way" in delayed and "None" not in delayed
    assert shop.repos.queues.list(shop.org.id, "no_show", None, 10, None).items == []


def test_a_delay_check_a_day_late_is_a_no_show_review_not_a_text(shop, noon):
    shop.sweep()
    start = NOON + timedelta(days=2)
    job, appointment_id = shop.book(start, shop.tech.id)
    noon.now = start + timedelta(days=1)  # "running late, with you soon" a day after the window is absurd
    for _ in range(5):
        shop.sweep()
        assert shop.settle() == []
    ((status, why),) = shop.ledger(job)["delayed"]
    assert status == "suppressed" and "long past its window" in why
    assert not [b for b in shop.texts() if "running late" in b]
    (review,) = shop.repos.queues.list(shop.org.id, "no_show", None, 10, None).items
    assert (review.appointment_id, review.state) == (appointment_id, "open") and "did anyone go" in review.reason


def test_a_late_eta_still_ahead_is_told_however_late_the_window(shop, noon):
    shop.sweep()
    start = NOON + timedelta(hours=1)
    job, appointment_id = shop.book(start, shop.tech.id)
    noon.now = start + timedelta(hours=4)  # two hours past the window, the technician sets out: ETA in 30 min
    job_service.change_status(shop.repos, shop.tech, appointment_id, AppointmentAction.EN_ROUTE,
                              eta=noon.now + timedelta(minutes=30))
    assert shop.settle() == []
    assert "running late" in shop.texts()[-1] and "New ETA" in shop.texts()[-1]


def test_at_the_window_end_the_confirmation_call_closes_by_itself_with_its_reason(shop, noon):
    shop.sweep()
    start = NOON + timedelta(days=3)
    job, appointment_id = shop.book(start, shop.tech.id)
    shop.run_until(start - timedelta(hours=47), step=timedelta(hours=2))
    (call,) = shop.repos.queues.list(shop.org.id, "escalation", None, 10, None).items
    assert call.state == "open"
    shop.run_until(start + timedelta(hours=2, minutes=10), step=timedelta(hours=2))
    (call,) = [e for e in shop.repos.queues.of_job(shop.org.id, job.id) if e.queue == "escalation"]
    assert (call.state, call.outcome, call.closed_by) == ("done", "window_passed", "system")


def test_an_eta_past_the_window_is_one_apology_and_a_passed_eta_is_never_repeated(shop, noon):
    shop.sweep()
    start = NOON + timedelta(hours=4)
    job, appointment_id = shop.book(start, shop.tech.id)
    eta = start + timedelta(hours=3)
    noon.now = start - timedelta(minutes=30)
    job_service.change_status(shop.repos, shop.tech, appointment_id, AppointmentAction.EN_ROUTE, eta=eta)
    assert shop.settle() == []
    assert "en_route" not in shop.ledger(job)
    (apology,) = [b for b in shop.texts() if "running late" in b]
    assert "New ETA 7pm. Track: http" in apology
    shop.run_until(eta - timedelta(minutes=1), step=timedelta(minutes=15))
    assert shop.ledger(job)["delayed"] == [("sent", None)]
    shop.run_until(eta + timedelta(minutes=15), step=timedelta(minutes=5))
    words = shop.texts()[-1].split(" Track: ")[0]  # not the link: a random token may hold "7pm"
    assert "will be with you soon" in words and "7pm" not in words


# -- the confirmation chain (tests/e2e/test_timers.py, test_true_when_sent.py) -----------------------------

@pytest.mark.parametrize("days_out", [3, 21])
def test_no_reply_escalates_48h_before_then_hands_back_24h_before(shop, noon, voice_calls, days_out):
    from dataclasses import replace
    settings = shop.repos.settings.messaging(shop.org.id)
    shop.repos.settings.save_messaging(shop.org.id, replace(settings, voice_origination="+13035550199"))
    shop.sweep()
    start = NOON + timedelta(days=days_out)
    job, appointment_id = shop.book(start, shop.tech.id)
    shop.run_until(start - timedelta(hours=48, minutes=1), step=timedelta(hours=6))
    assert shop.repos.queues.list(shop.org.id, "escalation", None, 10, None).items == [] and voice_calls == []
    shop.run_until(start - timedelta(hours=47, minutes=50), step=timedelta(minutes=10))
    (entry,) = shop.repos.queues.list(shop.org.id, "escalation", None, 10, None).items
    assert (entry.job_id, entry.appointment_id, entry.state) == (job.id, appointment_id, "open")
    assert [(to, origination) for _, to, origination, _ in voice_calls] == [(SAM, "+13035550199")]
    shop.run_until(start - timedelta(hours=24, minutes=10), step=timedelta(hours=1))
    assert shop.job(job.id).appointments[0].confirmation == "pending"
    shop.run_until(start - timedelta(hours=23, minutes=50), step=timedelta(minutes=10))
    assert shop.job(job.id).appointments[0].confirmation == "unconfirmed"
    (retention,) = shop.repos.queues.list(shop.org.id, "retention", None, 10, None).items
    assert retention.reason == "no response to confirmation" and len(voice_calls) == 1


def test_no_voice_call_to_a_customer_who_texted_stop_after_the_question_though_the_call_task_is_queued(
        shop, noon, voice_calls):
    from dataclasses import replace
    settings = shop.repos.settings.messaging(shop.org.id)
    shop.repos.settings.save_messaging(shop.org.id, replace(settings, voice_origination="+13035550199"))
    shop.sweep()
    start = NOON + timedelta(days=3)
    job, appointment_id = shop.book(start, shop.tech.id)
    assert shop.ledger(job)["booking_confirmation"] == [("sent", None)]
    assert shop.reply("STOP") == "opt_out"
    shop.run_until(start - timedelta(hours=47, minutes=50), step=timedelta(minutes=30))
    (entry,) = shop.repos.queues.list(shop.org.id, "escalation", None, 10, None).items
    assert (entry.job_id, entry.appointment_id) == (job.id, appointment_id)  # a person may still call
    assert voice_calls == []


def test_the_voice_follow_up_waits_for_the_end_of_quiet_hours(shop, clock, voice_calls):
    from dataclasses import replace
    clock.now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # Mon 30 Nov, 8pm in Denver
    settings = shop.repos.settings.messaging(shop.org.id)
    shop.repos.settings.save_messaging(shop.org.id, replace(settings, voice_origination="+13035550199"))
    shop.sweep()
    job, _ = shop.book(datetime(2026, 12, 3, 1, 0, tzinfo=UTC), shop.tech.id)  # Wed 2 Dec, 6-8pm in Denver
    assert shop.ledger(job)["booking_confirmation"] == [("sent", None)]
    shop.run_until(datetime(2026, 12, 1, 14, 59, tzinfo=UTC), step=timedelta(minutes=30))
    assert voice_calls == []
    shop.run_until(datetime(2026, 12, 1, 15, 5, tzinfo=UTC), step=timedelta(minutes=1))
    ((at, _, _, text),) = voice_calls
    assert at == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assert "Wednesday 2 December, between 6 and 8pm" in text and "Thursday" not in text


def test_a_nights_voice_follow_ups_are_spread_over_the_hour_after_quiet_hours_each_once(
        shop, clock, voice_calls, monkeypatch):
    """Not all in the morning's first minute: each waits for its own moment in the release window, as a held
    text does (a voice line has its own per-second limit)."""
    from dataclasses import replace
    monkeypatch.setenv("QUIET_RELEASE_MINUTES", "60")
    clock.now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 8pm in Denver: the follow-ups fall due at 10pm
    settings = shop.repos.settings.messaging(shop.org.id)
    shop.repos.settings.save_messaging(shop.org.id, replace(settings, voice_origination="+13035550199"))
    shop.sweep()
    phones = [f"+1303555{100 + n:04d}" for n in range(20)]
    for n, phone in enumerate(phones):
        shop.book(datetime(2026, 12, 3, 1, 0, tzinfo=UTC), shop.tech.id, customer_id=shop.add_customer(f"c{n}", phone))
    shop.run_until(datetime(2026, 12, 1, 14, 59, tzinfo=UTC), step=timedelta(minutes=30))
    assert voice_calls == []
    shop.run_until(datetime(2026, 12, 1, 16, 0, tzinfo=UTC), step=timedelta(minutes=1))
    assert sorted(to for _, to, _, _ in voice_calls) == phones
    moments = {at for at, _, _, _ in voice_calls}
    assert all(datetime(2026, 12, 1, 15, 0, tzinfo=UTC) <= at <= datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
               for at in moments)  # 16:00: the sweep of the minute after one due at 15:59:xx
    assert len(moments) >= 10, sorted(moments)  # 20 stable hashes over 60 minutes: at 08:00 sharp, one moment


def test_with_a_day_shorter_than_the_release_window_held_texts_still_go_that_morning(shop, clock, monkeypatch):
    """Quiet hours 08:30-08:00 leave a half-hour day: a release spread over the hour would put half the
    night's texts back in quiet hours, to wait for the next morning, and the next."""
    from dataclasses import replace
    from datetime import time

    from chalicelib.domain.scenarios import QuietHours
    monkeypatch.setenv("QUIET_RELEASE_MINUTES", "60")
    clock.now = NIGHT
    settings = shop.repos.settings.messaging(shop.org.id)
    shop.repos.settings.save_messaging(shop.org.id, replace(settings, quiet_hours=QuietHours(time(8, 30), time(8))))
    shop.sweep()
    phones = [f"+1303555{200 + n:04d}" for n in range(20)]
    jobs = [shop.book(NIGHT + timedelta(days=3), customer_id=shop.add_customer(f"q{n}", phone))[0]
            for n, phone in enumerate(phones)]
    assert [shop.ledger(job)["booking_confirmation"][0][0] for job in jobs] == ["held"] * 20
    shop.run_until(NIGHT + timedelta(hours=10, minutes=31), step=timedelta(minutes=1))  # 08:31 in Denver
    assert [len(shop.sender.to(phone)) for phone in phones] == [1] * 20
    assert [shop.scenarios(job) for job in jobs] == [["booking_confirmation"]] * 20


def test_a_run_short_of_time_acts_on_the_late_technician_before_the_reminders_due_earlier(shop, noon, monkeypatch):
    """The 8:00 reminders of a large zone are more than one run has time for (bench/capacity): the
    delayed text of a visit whose window has just ended must not wait behind them (in its shard: one here)."""
    from chalicelib.services import sweep as sweep_service
    monkeypatch.setenv("DUE_SHARDS", "1")
    shop.sweep()
    late_end = NOON + timedelta(days=1, hours=4)  # the late visit's window ends: its delay check falls due
    late, _ = shop.book(late_end - timedelta(hours=2), shop.tech.id)
    reminded = []
    for n in range(3):  # their reminders fall due a minute before the delay check
        customer = shop.add_customer(f"c_{n}", f"+1303555{n:04d}")
        reminded.append(shop.book(late_end - timedelta(minutes=1) + timedelta(hours=24), shop.tech.id,
                                  customer_id=customer)[0])
    shop.run_until(late_end - timedelta(minutes=2), step=timedelta(hours=1))
    assert shop.scenarios(late) == ["booking_confirmation", "reminder"]
    assert all(shop.scenarios(job) == ["booking_confirmation"] for job in reminded)

    ticks = iter(range(10_000))  # each look at the clock a second on: one run has time for one item
    monkeypatch.setattr(sweep_service.time, "monotonic", lambda: float(next(ticks)))
    monkeypatch.setenv("SWEEP_SECONDS", "1")
    monkeypatch.setenv("SWEEP_WORKERS", "1")
    shop.clock.now = late_end
    report = shop.sweep()
    assert (report.acted, report.left) == (1, 6)  # each reminder, and each confirmation's follow-up (48 h out)
    assert shop.scenarios(late)[-1] == "delayed"
    assert all(shop.scenarios(job) == ["booking_confirmation"] for job in reminded)
    for _ in range(6):  # the next runs go on with the routine items, one a run, each once
        shop.clock.now += timedelta(minutes=1)
        assert shop.sweep().acted == 1
    assert all(shop.scenarios(job) == ["booking_confirmation", "reminder"] for job in reminded)
    assert shop.sweep().due == 0


def test_the_time_a_run_has_counts_from_its_start_reading_the_backlog_included(shop, noon, monkeypatch):
    """Lambda stops the function at its timeout (60 s), maybe between an item's claim and its send: a run
    whose read of the backlog took its whole budget acts on nothing and leaves it all to the next."""
    from chalicelib.services import sweep as sweep_service
    monkeypatch.setenv("DUE_SHARDS", "1")
    shop.sweep()
    start = NOON + timedelta(hours=20)
    job, _ = shop.book(start)
    noon.now = start - timedelta(hours=3)  # its still-assigning notice is due
    seconds, reading = [0.0], shop.repos.due.due_between

    def slow_read(*args):
        seconds[0] += 55
        return reading(*args)
    monkeypatch.setattr(sweep_service.time, "monotonic", lambda: seconds[0])
    monkeypatch.setattr(shop.repos.due, "due_between", slow_read)
    report = shop.sweep()
    assert report.acted == 0 and report.left >= 1
    monkeypatch.setattr(shop.repos.due, "due_between", reading)
    noon.now += timedelta(minutes=1)
    assert shop.sweep().kinds.get("still_assigning") == 1
    assert shop.settle() == [] and shop.scenarios(job).count("still_assigning") == 1


def test_one_jobs_due_items_act_one_after_another_in_order_while_jobs_act_at_once(shop, noon, monkeypatch):
    """A visit left unassigned through an outage has its still-assigning notice and its auto-cancel due in
    the same run: the customer hears "still assigning" and then "canceled", never the other way round."""
    monkeypatch.setenv("DUE_SHARDS", "1")
    monkeypatch.setenv("SWEEP_WORKERS", "4")
    shop.sweep()
    start = NOON + timedelta(hours=20)
    jobs = [shop.book(start + timedelta(minutes=10 * i))[0] for i in range(2)]
    noon.now = start - timedelta(minutes=20)  # both timers of both visits are due
    fire, acting, overlaps = sweep_service.timer_service.fire, {}, []

    def slow_fire(repos, senders, timer, now):
        if acting.setdefault(timer.job_id, threading.Lock()).locked():
            overlaps.append(timer.job_id)
        with acting[timer.job_id]:
            time.sleep(0.05)  # long enough for a second worker to reach the same job's next item
            return fire(repos, senders, timer, now)
    monkeypatch.setattr(sweep_service.timer_service, "fire", slow_fire)
    report = shop.sweep()
    assert report.kinds == {"still_assigning": 2, "auto_cancel": 2} and overlaps == []
    assert shop.settle() == []
    for job in jobs:
        assert [s for s in shop.scenarios(job) if s != "booking_confirmation"] == ["still_assigning", "auto_canceled"]
