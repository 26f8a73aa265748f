"""The narrowed arrival window on moto: Ana's two visits of the day; the first completes through the API, the
stream (as Lambda invokes it) stores the next stop's expected window and texts its customer once through SNS;
setting off re-judges it (a 10-minute move: no text; an hour: one more); a canceled next visit hears nothing.
status.json, the customer's page and the technician's day show the window told."""
from datetime import timedelta

import pytest

from .conftest import DEFAULT_NOW, add_user, new_customer
from .test_customer_pages import fetch, token_in

SAM, LEE = "+13035550177", "+13035550178"
HOUR = timedelta(hours=1)


def z(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def day(api, org, stream):
    """Ana's Tuesday: Sam at 10am-12pm, then Lee at 11am-3pm (Denver); the clock at 10am."""
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    ids = []
    for phone, start, hours in ((SAM, DEFAULT_NOW, 2), (LEE, DEFAULT_NOW + HOUR, 4)):
        job = api.post("/jobs", org.dispatcher, {
            "customer_id": new_customer(api, org, phone), "description": "No heat",
            "appointment": {"window_start": z(start), "window_end": z(start + hours * HOUR),
                            "technician_id": tech_id}}).body
        ids.append((job["id"], job["appointments"][0]["id"]))
    assert stream.settle() == []
    return tech, ids


def act(api, stream, tech, appointment_id, action, **body):
    r = api.post(f"/appointments/{appointment_id}/status", tech, {"action": action, **body})
    assert r.status == 200, r.body
    assert stream.settle() == []


def narrowed(stream, phone=LEE) -> list[str]:
    return [body for _, body in stream.texts(phone) if "should now arrive" in body]


def complete_the_first(api, stream, clock, tech, first):
    act(api, stream, tech, first, "en_route")
    act(api, stream, tech, first, "start")
    clock.now = DEFAULT_NOW + HOUR  # done at 11am
    act(api, stream, tech, first, "complete")


def test_the_first_visit_done_texts_the_next_customer_once_and_every_view_shows_it(api, org, stream, clock, day):
    tech, [(_, first), (lee_job, second)] = day
    complete_the_first(api, stream, clock, tech, first)
    (body,) = narrowed(stream)
    assert body.startswith("acme Services: Ana should now arrive between 11am and 12pm. http")
    assert narrowed(stream, SAM) == []
    expected = {"start": z(DEFAULT_NOW + HOUR), "end": z(DEFAULT_NOW + 2 * HOUR)}

    token = token_in(body)
    status = fetch(api, "GET", f"/c/{token}/status.json", accept="application/json").json()
    assert (status["expected"], status["expected_text"]) == (expected, "between 11am and 12pm")
    page = fetch(api, "GET", f"/c/{token}").text
    assert '<p class="expected">Expected <span data-field="expected_text">between 11am and 12pm</span></p>' in page
    items = api.get("/technicians/me/appointments?date=2026-12-01", tech).body["items"]
    assert [(i["id"], i["expected"]) for i in items] == [(first, None), (second, expected)]
    messages = api.get(f"/jobs/{lee_job}/messages", org.dispatcher).body["items"]
    assert [(m["scenario"], m["status"], m["segments"]) for m in messages if m["scenario"] == "window_narrowed"] == [
        ("window_narrowed", "sent", 1)]

    stream.redeliver()  # Lambda delivers at least once: still one text
    clock.now += timedelta(minutes=10)  # on the way at 11:10 with no ETA: there at 11:40, 10 minutes off
    act(api, stream, tech, second, "en_route")
    assert len(narrowed(stream)) == 1
    assert fetch(api, "GET", f"/c/{token}/status.json", accept="application/json").json()["expected"] == expected

    act(api, stream, tech, second, "start")  # arrived: the page no longer speaks of it
    status = fetch(api, "GET", f"/c/{token}/status.json", accept="application/json").json()
    assert (status["expected"], status["expected_text"]) == (None, None)
    assert '<p class="expected hidden">' in fetch(api, "GET", f"/c/{token}").text


def test_setting_off_an_hour_later_than_told_texts_the_new_window(api, stream, clock, day):
    tech, [(_, first), (_, second)] = day
    complete_the_first(api, stream, clock, tech, first)
    act(api, stream, tech, second, "en_route", eta=z(DEFAULT_NOW + 2.5 * HOUR))  # 12:30
    assert [b.split(". http")[0] for b in narrowed(stream)] == [
        "acme Services: Ana should now arrive between 11am and 12pm",
        "acme Services: Ana should now arrive between 12pm and 1pm"]


def test_a_canceled_next_visit_hears_nothing(api, org, stream, clock, day):
    tech, [(_, first), (lee_job, second)] = day
    r = api.post(f"/jobs/{lee_job}/cancel", org.dispatcher, {"reason": "Customer fixed it", "offer_coupon": False})
    assert r.status == 200
    assert stream.settle() == []
    complete_the_first(api, stream, clock, tech, first)
    assert narrowed(stream) == []
    assert api.get(f"/jobs/{lee_job}", org.dispatcher).body["appointments"][0]["expected"] is None


def test_the_travel_allowance_is_a_setting_and_the_scenario_is_listed(api, org, stream, clock, day):
    tech, [(_, first), (lee_job, _)] = day
    r = api.put("/settings/scenarios", org.dispatcher, {"travel_minutes": 90})
    assert r.status == 200 and r.body["travel_minutes"] == 90
    (scenario,) = [s for s in r.body["scenarios"] if s["name"] == "window_narrowed"]
    assert (scenario["enabled"], scenario["urgent"], scenario["segments"]) == (True, False, 1)
    assert {"technician_first_name", "expected_start", "expected_end"} <= set(scenario["variables"])
    assert api.put("/settings/scenarios", org.dispatcher, {"travel_minutes": 0}).error == "validation_error"
    complete_the_first(api, stream, clock, tech, first)  # done at 11am, 90 minutes' drive: there at 12:30
    assert [b.split(". http")[0] for b in narrowed(stream)] == [
        "acme Services: Ana should now arrive between 12pm and 1pm"]
