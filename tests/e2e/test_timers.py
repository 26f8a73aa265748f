"""Timers through `lambda_.invoke("timer_sweep")` with an injectable clock: each fires at its time and not
before, moves with a reschedule, disappears when it no longer belongs, and acts exactly once."""
import threading
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.services.sweep import MAX_CATCH_UP

from .conftest import add_user, new_customer, sweep

SAM = "+13035550177"
NOON = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # noon in Denver: no quiet hours in the way


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def noon(clock):
    clock.now = NOON
    return clock


def book(api, org, stream, start: datetime, technician_id=None) -> tuple[dict, str]:
    customer_id = new_customer(api, org, SAM)
    appointment = {"window_start": iso(start), "window_end": iso(start + timedelta(hours=2))}
    if technician_id:
        appointment["technician_id"] = technician_id
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Furnace",
                                             "appointment": appointment}).body
    stream.settle()
    return job, job["appointments"][0]["id"]


def run_until(api, stream, clock, until: datetime, step=timedelta(minutes=30)) -> None:
    """Sweep every `step` (the stream drained between), as the schedule would, up to `until`."""
    while clock.now < until:
        clock.now = min(clock.now + step, until)
        sweep(api)
        stream.settle()


def scenarios(api, org, job) -> list[str]:
    return [m["scenario"] for m in api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
            if m["status"] in ("sent", "delivered", "unknown")]  # unknown: no receipt within 72 h


def test_reminder_fires_at_its_time_and_not_before(api, org, stream, noon):
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    start = NOON + timedelta(days=3)  # 12:00 in Denver, three days on
    job, _ = book(api, org, stream, start, tech_id)
    run_until(api, stream, noon, start - timedelta(hours=24, minutes=1))
    assert scenarios(api, org, job) == ["booking_confirmation"]
    run_until(api, stream, noon, start - timedelta(hours=24), step=timedelta(minutes=1))
    assert scenarios(api, org, job) == ["booking_confirmation", "reminder"]
    body = stream.texts(SAM)[-1][1]
    assert "reminder: Ana Alvarez visits" in body and "Reply C=confirm, R=reschedule" in body
    run_until(api, stream, noon, start - timedelta(hours=20))
    assert scenarios(api, org, job).count("reminder") == 1


def test_reschedule_moves_the_reminder_and_the_old_time_sends_nothing(api, org, stream, noon):
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    start = NOON + timedelta(days=3)
    job, appointment_id = book(api, org, stream, start, tech_id)
    later = start + timedelta(days=1)
    api.patch(f"/appointments/{appointment_id}", org.dispatcher,
              {"window_start": iso(later), "window_end": iso(later + timedelta(hours=2))})
    stream.settle()
    # Six-hour steps: each sweep catches up every minute since the last, so a reminder at the old time
    # would show at the first check as surely as with half-hour steps (the reminder's own timing is
    # test_reminder_fires_at_its_time_and_not_before's).
    run_until(api, stream, noon, start - timedelta(hours=23), step=timedelta(hours=6))  # past the old time
    assert "reminder" not in scenarios(api, org, job)
    run_until(api, stream, noon, later - timedelta(hours=23), step=timedelta(hours=6))
    assert scenarios(api, org, job).count("reminder") == 1
    assert scenarios(api, org, job).count("booking_confirmation") == 2


def test_still_assigning_then_auto_cancel_with_the_canceled_text(api, org, stream, noon):
    sweep(api)
    start = NOON + timedelta(hours=20)  # booked inside 24 h: no reminder
    job, appointment_id = book(api, org, stream, start)
    run_until(api, stream, noon, start - timedelta(hours=3, minutes=1))
    assert scenarios(api, org, job) == ["booking_confirmation"]
    unassigned = api.get("/queues/unassigned", org.dispatcher).body["items"]
    assert [e["appointment"]["id"] for e in unassigned] == [appointment_id]
    run_until(api, stream, noon, start - timedelta(hours=3), step=timedelta(minutes=1))
    assert scenarios(api, org, job)[-1] == "still_assigning"
    assert "still assigning a technician" in stream.texts(SAM)[-1][1]
    run_until(api, stream, noon, start - timedelta(hours=1))
    after = api.get(f"/jobs/{job['id']}", org.dispatcher).body
    assert after["status"] == "canceled" and after["appointments"][0]["status"] == "canceled"
    assert after["coupon"]["percent"] == 15
    body = stream.texts(SAM)[-1][1]
    assert "visit canceled" in body and after["coupon"]["code"] in body and "Rebook: http" in body
    assert scenarios(api, org, job) == ["booking_confirmation", "still_assigning", "auto_canceled"]
    assert api.get("/queues/unassigned", org.dispatcher).body["items"] == []


def test_assigning_before_three_hours_removes_still_assigning_and_auto_cancel(api, org, stream, noon):
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    start = NOON + timedelta(hours=20)
    job, appointment_id = book(api, org, stream, start)
    run_until(api, stream, noon, start - timedelta(hours=4))
    api.patch(f"/appointments/{appointment_id}", org.dispatcher, {"technician_id": tech_id})
    stream.settle()
    run_until(api, stream, noon, start - timedelta(minutes=30))
    assert api.get(f"/jobs/{job['id']}", org.dispatcher).body["status"] == "scheduled"
    assert scenarios(api, org, job) == ["booking_confirmation"]


def test_delay_check_at_the_window_end_when_not_started(api, org, stream, noon):
    sweep(api)
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    start = NOON + timedelta(hours=20)
    job, appointment_id = book(api, org, stream, start, tech_id)
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "en_route"})
    stream.settle()
    run_until(api, stream, noon, start + timedelta(hours=2, minutes=30), step=timedelta(minutes=15))
    assert scenarios(api, org, job).count("delayed") == 1
    assert "running late" in stream.texts(SAM)[-1][1]


def test_a_three_hour_outage_is_caught_up_exactly_once(api, org, stream, noon):
    sweep(api)
    start = NOON + timedelta(hours=20)
    jobs = [book(api, org, stream, start + timedelta(minutes=10 * i))[0] for i in range(3)]
    noon.now = start - timedelta(hours=3, minutes=20)
    sweep(api)
    noon.now += timedelta(hours=3)  # no sweep ran for three hours: still_assigning for all three came due
    report = sweep(api)
    assert report["kinds"].get("still_assigning") == 3 and report["queries"] <= 4 * 5
    assert sweep(api)["acted"] == 0
    stream.settle()
    assert [scenarios(api, org, j).count("still_assigning") for j in jobs] == [1, 1, 1]


def test_two_sweeps_over_the_same_minute_act_once(api, org, stream, noon, monkeypatch):
    from chalicelib import bootstrap
    from chalicelib.services import sweep as sweep_service
    monkeypatch.setenv("DUE_SHARDS", "1")  # both runs sweep the one shard the job's items are in
    sweep(api)
    start = NOON + timedelta(hours=20)
    job, _ = book(api, org, stream, start)
    noon.now = start - timedelta(hours=3)
    barrier, reports = threading.Barrier(2, timeout=20), []

    def run():
        barrier.wait()
        reports.append(sweep_service.run(bootstrap.repos(), bootstrap.senders(), noon.now, 0))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # Both read the same due items; each item was acted on by exactly one of them. The confirmation
    # follow-up, also due, falls at 5am in Denver: it waits for 8am and acts on nothing yet.
    assert max(r.due for r in reports) == 2
    assert sum(r.kinds.get("still_assigning", 0) for r in reports) == 1
    assert sum(r.acted for r in reports) == 1 and api.get("/queues/escalation", org.dispatcher).body["items"] == []
    assert scenarios(api, org, job).count("still_assigning") == 1


def test_a_timer_whose_appointment_was_canceled_does_nothing(api, org, stream, noon):
    sweep(api)
    start = NOON + timedelta(hours=20)
    job, _ = book(api, org, stream, start)
    api.post(f"/jobs/{job['id']}/cancel", org.dispatcher, {"reason": "customer called"})
    # Not even the stream's recompute has run: the sweep itself re-checks before acting.
    noon.now = start - timedelta(hours=3)
    assert sweep(api)["acted"] == 0
    noon.now = NOON + timedelta(minutes=5)  # the stream catches up (at a daytime hour: no quiet hours)
    stream.settle()
    assert sorted(scenarios(api, org, job)) == ["booking_confirmation", "canceled"]


@pytest.mark.parametrize("days_out", [3, 21])
def test_no_reply_escalates_48h_before_then_hands_back_24h_before(api, org, stream, noon, monkeypatch, days_out):
    from types import SimpleNamespace

    from chalicelib import bootstrap
    calls = []
    bootstrap.use(voice=SimpleNamespace(place=lambda to, origination, text: calls.append((to, origination))))
    api.put("/settings/scenarios", org.dispatcher, {"voice_origination": "+13035550199",
                                                    "confirmation_followup_minutes": 120})
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    start = NOON + timedelta(days=days_out)
    job, appointment_id = book(api, org, stream, start, tech_id)
    # Not chased two hours after booking: the call waits until 48 h before the visit. A sweep a day (what one
    # run catches up, MAX_CATCH_UP) acts on every timer of the idle days before it, as 6-hourly ones would.
    run_until(api, stream, noon, start - timedelta(hours=48, minutes=10), step=MAX_CATCH_UP)
    run_until(api, stream, noon, start - timedelta(hours=48, minutes=1), step=timedelta(minutes=10))
    assert api.get("/queues/escalation", org.dispatcher).body["items"] == [] and calls == []
    run_until(api, stream, noon, start - timedelta(hours=47, minutes=50), step=timedelta(minutes=10))
    (entry,) = api.get("/queues/escalation", org.dispatcher).body["items"]
    assert (entry["job_id"], entry["appointment_id"], entry["state"]) == (job["id"], appointment_id, "open")
    assert calls == [(SAM, "+13035550199")]
    run_until(api, stream, noon, start - timedelta(hours=24, minutes=10), step=timedelta(hours=1))
    assert api.get(f"/jobs/{job['id']}", org.dispatcher).body["appointments"][0]["confirmation"] == "pending"
    run_until(api, stream, noon, start - timedelta(hours=23, minutes=50), step=timedelta(minutes=10))
    appointment = api.get(f"/jobs/{job['id']}", org.dispatcher).body["appointments"][0]
    assert appointment["confirmation"] == "unconfirmed"
    (retention,) = api.get("/queues/retention", org.dispatcher).body["items"]
    assert retention["job_id"] == job["id"] and retention["reason"] == "no response to confirmation"
    assert len(calls) == 1 and len(api.get("/queues/escalation", org.dispatcher).body["items"]) == 1
    assert api.get("/queues/nope", org.dispatcher).status == 404


def test_a_visit_booked_for_tomorrow_escalates_two_hours_after_the_question(api, org, stream, noon):
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    start = NOON + timedelta(hours=26)  # tomorrow 2pm
    job, _ = book(api, org, stream, start, tech_id)
    run_until(api, stream, noon, NOON + timedelta(hours=1, minutes=50), step=timedelta(minutes=10))
    assert api.get("/queues/escalation", org.dispatcher).body["items"] == []
    run_until(api, stream, noon, NOON + timedelta(hours=2, minutes=10), step=timedelta(minutes=10))
    assert len(api.get("/queues/escalation", org.dispatcher).body["items"]) == 1


def test_a_window_after_the_clocks_go_back_is_reminded_at_9am_local_the_day_before(api, org, stream, clock):
    clock.now = datetime(2026, 10, 28, 18, 0, tzinfo=UTC)  # noon MDT
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    start = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)  # Sunday 9am MST, after the change at 2am
    job, _ = book(api, org, stream, start, tech_id)
    run_until(api, stream, clock, datetime(2026, 10, 31, 14, 59, tzinfo=UTC), step=timedelta(hours=6))
    assert "reminder" not in scenarios(api, org, job)
    run_until(api, stream, clock, datetime(2026, 10, 31, 15, 0, tzinfo=UTC), step=timedelta(minutes=1))
    assert scenarios(api, org, job)[-1] == "reminder"  # Saturday 9am MDT, 25 hours before
    assert "Sun 1 Nov, 9-11am" in stream.texts(SAM)[-1][1]
