"""Quiet hours (21:00-08:00 in the customer's zone): non-urgent texts are held, then sent; urgent go now."""
from datetime import datetime, timedelta, timezone

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

    while clock.now < datetime(2026, 12, 1, 14, 59, tzinfo=timezone.utc):  # 07:59 in Denver
        clock.advance(hours=1) if clock.now.hour < 14 else clock.advance(minutes=59)
        report = sweep(api)
        assert report["acted"] == 0
    assert len(stream.texts(SAM)) == 1
    clock.advance(minutes=1)  # 08:00 in Denver
    assert sweep(api)["acted"] == 1  # released, and dropped: the technician is already on the way
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
    for _ in range(10):  # 23:00 ... 08:00 in Denver, a sweep each hour
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
