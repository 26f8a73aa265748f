"""Quiet hours (21:00-08:00 in the customer's zone): non-urgent texts are held, then sent; urgent go now."""
from datetime import UTC, datetime, timedelta

import pytest

from .conftest import NIGHT, add_user, new_customer, sweep

SAM = "+13035550177"


@pytest.fixture(autouse=True)
def night(clock):
    """These tests start at 22:00 in Denver, inside quiet hours."""
    clock.now = NIGHT


def at(clock, hours: int) -> dict:
    start = clock.now + timedelta(hours=hours)
    return {"window_start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "window_end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")}


def test_confirmation_written_at_night_waits_until_8am_then_goes_once(api, org, stream, clock):
    sweep(api)  # the sweep has been running every minute: its watermark is now
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    customer_id = new_customer(api, org, SAM)
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Boiler",
                                             "appointment": {**at(clock, 14), "technician_id": tech_id}}).body
    stream.settle()
    assert stream.texts(SAM) == []
    (held,) = api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
    assert held["status"] == "held"

    # An urgent text is not held: the technician heads out at night (an emergency call).
    api.post(f"/appointments/{job['appointments'][0]['id']}/status", tech, {"action": "en_route"})
    stream.settle()
    assert [b for _, b in stream.texts(SAM)] and "is on the way" in stream.texts(SAM)[0][1]

    while clock.now < datetime(2026, 12, 1, 14, 59, tzinfo=UTC):  # 07:59 in Denver
        clock.advance(hours=1) if clock.now.hour < 14 else clock.advance(minutes=59)
        report = sweep(api)
        assert report["acted"] == 0
    assert len(stream.texts(SAM)) == 1
    acted = 0
    for _ in range(61):  # 08:00-09:00 in Denver: held texts are released over the hour after quiet hours
        clock.advance(minutes=1)  # (one due at 08:59:30 is read by the run at 09:00)
        acted += sweep(api)["acted"]
    assert acted == 1  # released once, and dropped: the technician is already on the way
    assert len(stream.texts(SAM)) == 1
    statuses = {m["scenario"]: (m["status"], m["error"]) for m in
                api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]}
    assert statuses["booking_confirmation"] == ("suppressed", "superseded by a later change")


def test_held_text_is_sent_at_the_end_of_quiet_hours(api, org, stream, clock):
    sweep(api)
    customer_id = new_customer(api, org, SAM)
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Boiler",
                                             "appointment": at(clock, 60)}).body
    stream.settle()
    assert stream.texts(SAM) == []
    for _ in range(11):  # 23:00 ... 09:00 in Denver, a sweep each hour (released within 08:00-09:00)
        clock.advance(hours=1)
        sweep(api)
    (to, body), = stream.texts(SAM)
    assert "visit booked for" in body
    (m,) = api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
    assert m["status"] == "sent" and m["body"] == body
    for _ in range(3):  # later sweeps, and the same minute swept twice, never send it again
        assert sweep(api)["acted"] == 0
    assert len(stream.texts(SAM)) == 1


def test_quiet_hours_are_per_organization(api, org, stream, clock):
    sweep(api)
    api.put("/settings/scenarios", org.dispatcher, {"quiet_hours": {"start": "23:30", "end": "06:00"}})
    customer_id = new_customer(api, org, SAM)
    api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "x", "appointment": at(clock, 30)})
    stream.settle()  # 22:00 in Denver is outside 23:30-06:00
    assert len(stream.texts(SAM)) == 1


def test_a_night_of_held_texts_is_released_over_the_hour_after_quiet_hours_not_at_once(api, org, stream, clock):
    """Issue 18: a zone's whole night of confirmations must not try to go in the first minute of 08:00."""
    sweep(api)
    phones = [f"+1303555{n:04d}" for n in range(300, 330)]
    for phone in phones:
        customer_id = new_customer(api, org, phone)
        api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Boiler",
                                           "appointment": at(clock, 40)})
    stream.settle()
    assert stream.texts() == []
    clock.now = datetime(2026, 12, 1, 14, 59, tzinfo=UTC)  # 07:59 in Denver
    assert sweep(api)["acted"] == 0
    sent_by_minute = []
    for _ in range(61):  # 08:00 ... 09:00, a sweep each minute
        clock.advance(minutes=1)
        sweep(api)
        sent_by_minute.append(len(stream.texts()))
    assert sent_by_minute[-1] == len(phones)  # all went within the window, once each
    assert sorted(to for to, _ in stream.texts()) == phones
    per_minute = [b - a for a, b in zip([0] + sent_by_minute, sent_by_minute, strict=False)]
    assert max(per_minute) <= 5 and sum(1 for n in per_minute if n) >= 15  # spread, not a burst at 08:00
    assert sum(per_minute[30:]) > 0  # over the whole hour, not its start


def test_the_release_window_is_a_setting(api, org, stream, clock, monkeypatch):
    monkeypatch.setenv("QUIET_RELEASE_MINUTES", "0")  # every held text at 08:00 sharp, as before issue 18
    sweep(api)
    for phone in ("+13035550301", "+13035550302", "+13035550303"):
        api.post("/jobs", org.dispatcher, {"customer_id": new_customer(api, org, phone), "description": "x",
                                           "appointment": at(clock, 40)})
    stream.settle()
    clock.now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 08:00 in Denver
    assert sweep(api)["acted"] == 3
