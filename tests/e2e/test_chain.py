"""The confirmation chain as data: WhatsApp → SMS → voice task → hand back at the configured times, never in
quiet hours; a changed chain applies to appointments booked after the change."""
from datetime import UTC, datetime, timedelta

from .conftest import new_customer, sweep
from .test_channels import PHONE_NUMBER_ID, SAM, WhatsApp, whatsapp_customer
from .test_timers import iso, run_until

EVENING = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 18:00 in Denver
CHAIN = ["whatsapp", "wait 2h", "sms", "wait 2h", "voice_task", "wait 24h", "hand_back"]


def book(api, org, stream, customer_id: str, start: datetime) -> dict:
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Boiler", "appointment": {
        "window_start": iso(start), "window_end": iso(start + timedelta(hours=2))}}).body
    stream.settle()
    return job


def queue(api, org, name: str) -> list[dict]:
    return api.get(f"/queues/{name}", org.dispatcher).body["items"]


def chain_timers(org, job) -> list:
    from chalicelib.bootstrap import store_repositories
    appointment_id = job["appointments"][0]["id"]
    return [t for t in store_repositories().timers.of_appointment(org.id, job["id"], appointment_id)
            if t.kind == "confirmation_followup" and t.status == "pending"]


def test_no_reply_goes_whatsapp_then_sms_then_a_voice_task_in_the_morning_then_back(api, org, stream, clock,
                                                                                      monkeypatch):
    from types import SimpleNamespace

    from chalicelib import bootstrap
    calls = []
    bootstrap.use(voice=SimpleNamespace(place=lambda to, origination, text: calls.append(to)))
    wa = WhatsApp()
    try:
        clock.now = EVENING
        r = api.put("/settings/channels", org.dispatcher, {
            "whatsapp_phone_number_id": PHONE_NUMBER_ID, "confirmation_chain": CHAIN,
            "whatsapp_templates": {"booking_confirmation": {"name": "visit_booked", "parameters": ["window"]}}})
        assert r.body["confirmation_chain"] == CHAIN
        api.put("/settings/scenarios", org.dispatcher, {"voice_origination": "+13035550199"})
        sweep(api)
        wa.expect()
        job = book(api, org, stream, whatsapp_customer(api, org), EVENING + timedelta(days=4))
        assert [m["type"] for m in wa.sent] == ["template"] and stream.texts(SAM) == []

        run_until(api, stream, clock, EVENING + timedelta(hours=1, minutes=50), step=timedelta(minutes=10))
        assert stream.texts(SAM) == []
        run_until(api, stream, clock, EVENING + timedelta(hours=2, minutes=10), step=timedelta(minutes=10))
        (text,) = stream.texts(SAM)  # 20:00 in Denver: the question again, by SMS
        assert "Reply C to confirm" in text[1]
        # The voice task falls due at 22:00, in quiet hours: it waits for its moment in the hour after 08:00
        # (15:00 UTC), as a held text does.
        run_until(api, stream, clock, EVENING + timedelta(hours=4), step=timedelta(minutes=30))
        (morning,) = chain_timers(org, job)
        assert EVENING + timedelta(hours=14) <= morning.due < EVENING + timedelta(hours=15)
        run_until(api, stream, clock, morning.due - timedelta(minutes=1), step=timedelta(minutes=30))
        assert queue(api, org, "escalation") == [] and calls == []
        run_until(api, stream, clock, morning.due, step=timedelta(minutes=1))
        (entry,) = queue(api, org, "escalation")
        assert entry["job_id"] == job["id"] and calls == [SAM]
        # "wait 24h" from the voice task's own moment
        run_until(api, stream, clock, morning.due + timedelta(hours=23, minutes=50), step=timedelta(hours=2))
        assert queue(api, org, "retention") == []
        run_until(api, stream, clock, morning.due + timedelta(hours=24, minutes=1), step=timedelta(minutes=1))
        (back,) = queue(api, org, "retention")
        assert back["job_id"] == job["id"]
        assert api.get(f"/jobs/{job['id']}", org.dispatcher).body["appointments"][0]["confirmation"] == "unconfirmed"
        wa.stub.assert_no_pending_responses()
        assert len(wa.sent) == 1 and len(stream.texts(SAM)) == 1 and calls == [SAM]
    finally:
        wa.stub.deactivate()
        bootstrap.reset()


def test_a_changed_chain_applies_to_appointments_booked_after_the_change(api, org, stream, clock):
    clock.now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 09:00 in Denver
    sweep(api)
    start = clock.now + timedelta(days=5)
    before = book(api, org, stream, new_customer(api, org, "+13035550181"), start)
    r = api.put("/settings/channels", org.dispatcher,
                {"confirmation_chain": ["whatsapp", "sms", "wait 1h", "voice_task", "wait 24h", "hand_back"]})
    assert r.status == 200, r.body
    after = book(api, org, stream, new_customer(api, org, "+13035550182"), start)
    # The SMS customer is not on WhatsApp (skipped) and was asked by SMS already (skipped): one text each.
    assert len(stream.texts("+13035550182")) == 1
    run_until(api, stream, clock, clock.now + timedelta(hours=1, minutes=10), step=timedelta(minutes=10))
    assert [e["job_id"] for e in queue(api, org, "escalation")] == [after["id"]]  # the earlier one waits for 48 h
    assert before["id"] != after["id"]


def test_a_bad_chain_is_refused_and_the_old_one_stays(api, org):
    for chain, field in [(["wait 2h", "sms"], "confirmation_chain.0"), (["sms", "fax"], "confirmation_chain.1"),
                         (["sms", "wait 2h", "wait 1h", "hand_back"], "confirmation_chain")]:
        r = api.put("/settings/channels", org.dispatcher, {"confirmation_chain": chain})
        assert (r.status, r.error) == (400, "validation_error") and r.body["error"]["message"].startswith(field), r.body
    assert api.get("/settings/channels", org.dispatcher).body["confirmation_chain"] == \
        ["sms", "wait", "voice_task", "wait", "hand_back"]


def test_a_question_held_overnight_starts_the_chain_when_it_goes(api, org, stream, clock, monkeypatch):
    monkeypatch.setenv("QUIET_RELEASE_MINUTES", "0")  # released at 08:00 sharp (the spread: test_quiet_hours)
    clock.now = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 22:00 in Denver
    sweep(api)
    job = book(api, org, stream, new_customer(api, org, "+13035550183"), clock.now + timedelta(days=1, hours=16))
    assert stream.texts("+13035550183") == [] and chain_timers(org, job) == []
    run_until(api, stream, clock, datetime(2026, 12, 2, 15, 10, tzinfo=UTC), step=timedelta(hours=1))
    assert len(stream.texts("+13035550183")) == 1
    (timer,) = chain_timers(org, job)
    assert timer.due == datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # 2 h after the 8am text
