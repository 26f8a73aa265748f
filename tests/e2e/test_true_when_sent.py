"""Every text is true when it reaches the customer: after a sweep outage or a clock jump, a held text at
the end of quiet hours, a late technician, an escalation call, an opted-out customer's replies."""
from datetime import UTC, datetime, timedelta

import pytest

from .conftest import NIGHT, add_user, new_customer, sweep
from .test_timers import NOON, book, iso, run_until
from .test_two_way import inbound

SAM = "+13035550177"


@pytest.fixture
def noon(clock):
    clock.now = NOON  # Tue 1 Dec, noon in Denver
    return clock


def ledger(api, org, job) -> dict[str, list[tuple[str, str | None]]]:
    """Each scenario's texts as (status, why), in order."""
    found: dict[str, list] = {}
    for m in api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]:
        found.setdefault(m["scenario"], []).append((m["status"], m["error"]))
    return found


def catch_up(api, stream, clock, to: datetime) -> None:
    """The sweep was down; the clock jumps to `to` and the next runs catch up (24 h per run at most)."""
    clock.now = to
    for _ in range(5):
        sweep(api)
        stream.settle()


def test_after_a_ten_hour_jump_a_still_assigning_notice_for_a_started_window_is_not_sent(api, org, stream, noon):
    sweep(api)
    start = NOON + timedelta(hours=6)  # 6-8pm today, unassigned
    job, _ = book(api, org, stream, start)
    catch_up(api, stream, noon, NOON + timedelta(hours=10))  # 10pm: the timers of 3pm and 5pm are late
    texts = ledger(api, org, job)
    assert texts["still_assigning"] == [("suppressed", "the window has already started")]
    assert not [b for _, b in stream.texts(SAM) if "still assigning" in b]
    # The visit was never assigned: it is canceled, but its window is over, so the customer is not told
    # "canceled, 15% off" the night after; a dispatcher gets the missed visit, with the visit, to call them.
    assert api.get(f"/jobs/{job['id']}", org.dispatcher).body["status"] == "canceled"
    assert texts["auto_canceled"] == [("suppressed", "the window has already started")]
    (review,) = api.get("/queues/no_show", org.dispatcher).body["items"]
    assert review["job_id"] == job["id"] and "the customer was not told" in review["reason"]
    assert review["appointment"]["window_start"] == iso(start)


def test_a_reminder_for_a_visit_already_over_is_never_sent(api, org, stream, noon):
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    start = NOON + timedelta(days=2)
    job, _ = book(api, org, stream, start, tech_id)
    catch_up(api, stream, noon, start + timedelta(hours=2, minutes=30))  # down from before the reminder
    texts = ledger(api, org, job)
    assert texts["reminder"] == [("suppressed", "the window has already started")]
    assert not [b for _, b in stream.texts(SAM) if "reminder" in b]
    # What is true is said: the technician never came, and no ETA is known.
    (delayed,) = [b for _, b in stream.texts(SAM) if "running late" in b]
    assert "we will text you when they are on the way" in delayed and "None" not in delayed


def test_a_delay_check_a_day_late_is_a_no_show_review_with_its_visit_and_the_confirmation_call_closes(
        api, org, stream, noon):
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    start = NOON + timedelta(days=3)
    job, appointment_id = book(api, org, stream, start, tech_id)
    run_until(api, stream, noon, start - timedelta(hours=47), step=timedelta(hours=6))
    (call,) = api.get("/queues/escalation", org.dispatcher).body["items"]
    assert call["appointment"]["id"] == appointment_id  # the list carries the visit on every queue
    catch_up(api, stream, noon, start + timedelta(days=1))  # the sweep was down through the visit
    texts = ledger(api, org, job)
    assert texts["delayed"][0][0] == "suppressed" and "long past its window" in texts["delayed"][0][1]
    assert not [b for _, b in stream.texts(SAM) if "running late" in b]
    (review,) = api.get("/queues/no_show", org.dispatcher).body["items"]
    assert review["appointment"]["id"] == appointment_id and "did anyone go" in review["reason"]
    (closed,) = api.get("/queues/escalation?state=done", org.dispatcher).body["items"]
    assert (closed["outcome"], closed["closed_by"]) == ("window_passed", "system")


def test_a_confirmation_held_overnight_for_a_visit_that_starts_before_8am_is_dropped(api, org, stream, clock):
    clock.now = NIGHT  # 10pm in Denver
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    start = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 7-9am tomorrow morning
    job, _ = book(api, org, stream, start, tech_id)
    assert ledger(api, org, job)["booking_confirmation"][0][0] == "held"
    run_until(api, stream, clock, datetime(2026, 12, 1, 15, 5, tzinfo=UTC), step=timedelta(hours=1))
    assert ledger(api, org, job)["booking_confirmation"] == [("suppressed", "the window has already started")]
    assert stream.texts(SAM) == []


def test_a_confirmation_held_overnight_never_goes_at_8am_to_a_customer_who_texted_stop(api, org, stream, clock):
    from chalicelib.bootstrap import store_repositories
    number = store_repositories().organizations.get(org.id).sms_number
    clock.now = NIGHT  # 10pm in Denver
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    job, _ = book(api, org, stream, NIGHT + timedelta(hours=60), tech_id)
    assert ledger(api, org, job)["booking_confirmation"] == [("held", None)]
    clock.now += timedelta(hours=1)
    assert inbound(api, number, "STOP")["outcome"] == "opt_out"
    stream.settle()
    # Swept each hour, and each minute of the release window 08:00-09:00 in Denver.
    run_until(api, stream, clock, datetime(2026, 12, 1, 15, 0, tzinfo=UTC), step=timedelta(hours=1))
    run_until(api, stream, clock, datetime(2026, 12, 1, 16, 1, tzinfo=UTC), step=timedelta(minutes=1))
    assert stream.texts(SAM) == []
    assert ledger(api, org, job)["booking_confirmation"] == [("suppressed", "customer opted out")]


def test_en_route_with_an_eta_past_the_window_is_one_apology_and_a_passed_eta_is_never_repeated(
        api, org, stream, noon):
    sweep(api)
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    start = NOON + timedelta(hours=4)  # 4-6pm
    job, appointment_id = book(api, org, stream, start, tech_id)
    eta = start + timedelta(hours=3)  # 7pm, past the window's end
    noon.now = start - timedelta(minutes=30)
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "en_route", "eta": iso(eta)})
    stream.settle()
    assert "en_route" not in ledger(api, org, job)
    (apology,) = [b for _, b in stream.texts(SAM) if "running late" in b]
    assert "New ETA 7pm. Track: http" in apology
    run_until(api, stream, noon, eta - timedelta(minutes=1), step=timedelta(minutes=15))
    assert ledger(api, org, job)["delayed"] == [("sent", None)]  # not again at the window's end
    run_until(api, stream, noon, eta + timedelta(minutes=15), step=timedelta(minutes=5))
    last = stream.texts(SAM)[-1][1]  # the ETA itself has passed: said in words, not repeated
    assert "will be with you soon" in last and "7pm" not in last and "None" not in last


def test_the_voice_follow_up_names_the_local_day_and_waits_for_the_end_of_quiet_hours(
        api, org, stream, clock, monkeypatch):
    from types import SimpleNamespace

    from chalicelib import bootstrap
    calls = []
    bootstrap.use(voice=SimpleNamespace(place=lambda to, origination, text: calls.append((clock.now, text))))
    clock.now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # Mon 30 Nov, 8pm in Denver
    api.put("/settings/scenarios", org.dispatcher, {"voice_origination": "+13035550199"})
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    start = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)  # Wed 2 Dec, 6-8pm in Denver (Thursday in UTC)
    job, _ = book(api, org, stream, start, tech_id)
    assert ledger(api, org, job)["booking_confirmation"] == [("sent", None)]
    # No reply by 10pm (2 h on; 48 h before the visit was earlier): the call waits for its moment in the hour
    # after 8am, and so does the call task.
    run_until(api, stream, clock, datetime(2026, 12, 1, 14, 59, tzinfo=UTC), step=timedelta(minutes=30))
    assert calls == [] and api.get("/queues/escalation", org.dispatcher).body["items"] == []
    run_until(api, stream, clock, datetime(2026, 12, 1, 16, 0, tzinfo=UTC), step=timedelta(minutes=1))
    ((at, text),) = calls
    assert datetime(2026, 12, 1, 15, 0, tzinfo=UTC) <= at <= datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 8-9am
    assert "Wednesday 2 December, between 6 and 8pm" in text and "Thursday" not in text
    assert len(api.get("/queues/escalation", org.dispatcher).body["items"]) == 1


def test_no_voice_call_to_a_customer_who_texted_stop_though_the_call_task_is_queued(api, org, stream, noon):
    from types import SimpleNamespace

    from chalicelib import bootstrap
    from chalicelib.bootstrap import store_repositories
    calls = []
    bootstrap.use(voice=SimpleNamespace(place=lambda to, origination, text: calls.append(to)))
    number = store_repositories().organizations.get(org.id).sms_number
    api.put("/settings/scenarios", org.dispatcher, {"voice_origination": "+13035550199"})
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    start = NOON + timedelta(days=3)
    job, appointment_id = book(api, org, stream, start, tech_id)
    assert ledger(api, org, job)["booking_confirmation"] == [("sent", None)]
    assert inbound(api, number, "STOP")["outcome"] == "opt_out"
    stream.settle()
    run_until(api, stream, clock=noon, until=start - timedelta(hours=47, minutes=50), step=timedelta(hours=1))
    (entry,) = api.get("/queues/escalation", org.dispatcher).body["items"]
    assert entry["appointment_id"] == appointment_id  # a person may still call
    assert calls == []


def test_a_paused_jobs_second_visit_takes_no_delay_and_the_customer_hears_nothing(api, org, stream):
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    job, first = book(api, org, stream, NOON + timedelta(days=1), tech_id)
    later = NOON + timedelta(days=8)
    second = api.post(f"/jobs/{job['id']}/appointments", org.dispatcher,
                      {"window_start": iso(later), "window_end": iso(later + timedelta(hours=2)),
                       "technician_id": tech_id}).body["id"]
    for action in ("start", "pause"):
        assert api.post(f"/appointments/{first}/status", tech, {"action": action}).status == 200
    stream.settle()
    sent = len(stream.texts(SAM))
    refused = api.post(f"/appointments/{second}/status", tech, {"action": "delay", "eta": iso(later + timedelta(hours=3))})
    assert (refused.status, refused.error) == (409, "invalid_transition")
    stream.settle()
    after = api.get(f"/jobs/{job['id']}", org.dispatcher).body
    assert after["status"] == "paused"
    assert [(a["status"], a["eta"]) for a in after["appointments"] if a["id"] == second] == [("scheduled", None)]
    assert len(stream.texts(SAM)) == sent


@pytest.mark.parametrize("body,outcome", [("C", "confirmed"), ("N", "rejected"), ("R", "reschedule_link"),
                                          ("HELP", "help"), ("Is 3pm still ok?", "recorded")])
def test_an_opted_out_customer_is_heard_and_acted_on_but_gets_no_text_until_start(api, org, stream, body, outcome):
    from chalicelib.bootstrap import store_repositories
    number = store_repositories().organizations.get(org.id).sms_number
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    customer_id = new_customer(api, org, SAM)
    location = api.post("/settings/locations", org.dispatcher, {"name": "North", "time_zone": "America/Denver",
                                                                "direct_reply_enabled": False}).body
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Leak",
                                             "location_id": location["id"], "appointment": {
                                                 **{k: iso(v) for k, v in (("window_start", NOON + timedelta(days=2)),
                                                                           ("window_end", NOON + timedelta(days=2, hours=2)))},
                                                 "technician_id": tech_id}}).body
    stream.settle()
    assert inbound(api, number, "STOP")["outcome"] == "opt_out"
    sent = len(stream.texts(SAM))
    assert inbound(api, number, body)["outcome"] in (outcome, "recorded_direct_reply_off")
    stream.settle()
    assert len(stream.texts(SAM)) == sent
    messages = api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
    assert [m["body"] for m in messages if m["direction"] == "inbound"] == [body]  # recorded
    answers = [m for m in messages if m["scenario"] == "auto_reply"]
    assert answers and all((m["status"], m["error"]) == ("suppressed", "customer opted out") for m in answers)
    confirmation = api.get(f"/jobs/{job['id']}", org.dispatcher).body["appointments"][0]["confirmation"]
    assert confirmation == {"C": "confirmed", "N": "rejected"}.get(body, "pending")  # acted on
    assert inbound(api, number, "START")["outcome"] == "opt_in"
    assert inbound(api, number, "HELP")["outcome"] == "help"
    assert len(stream.texts(SAM)) == sent + 1


def test_canceling_a_paused_job_closes_its_paused_appointment(api, org, stream):
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    customer_id = new_customer(api, org, SAM)
    start = NOON + timedelta(days=1)
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Part needed",
                                             "appointment": {"window_start": iso(start),
                                                             "window_end": iso(start + timedelta(hours=2)),
                                                             "technician_id": tech_id}}).body
    appointment_id = job["appointments"][0]["id"]
    for action in ("start", "pause"):
        assert api.post(f"/appointments/{appointment_id}/status", tech, {"action": action}).status == 200
    assert api.post(f"/jobs/{job['id']}/cancel", org.dispatcher, {"reason": "part discontinued"}).status == 200
    after = api.get(f"/jobs/{job['id']}", org.dispatcher).body
    assert after["status"] == "canceled" and after["appointments"][0]["status"] == "canceled"
