"""The visit's calendar file (GET /c/{token}/calendar.ics) through chalice.test.Client on moto, read back with the
`icalendar` parser: the same UID after a reschedule with SEQUENCE + 1 and the new times, CANCELLED after a
cancel, and the links' rules for a bad token."""
from datetime import UTC, datetime

import icalendar

from . import test_customer_pages
from .conftest import window
from .test_customer_pages import complete, fetch, job_now, last_token

visit = test_customer_pages.visit  # the booked visit with Ana, its booking confirmation sent


def _event(api, token: str):
    page = fetch(api, "GET", f"/c/{token}/calendar.ics")
    assert page.status == 200, page.text
    assert page.headers["content-type"] == "text/calendar; charset=utf-8"
    assert page.headers["cache-control"] == "no-store" and "visit.ics" in page.headers["content-disposition"]
    (event,) = icalendar.Calendar.from_ical(page.text).walk("VEVENT")
    return event


def _moment(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_the_calendar_file_follows_a_reschedule_and_a_cancel(api, org, stream, visit, clock):
    token, booked = visit["token"], window(days=2)
    first = _event(api, token)
    uid = str(first["UID"])
    assert uid.endswith("@onmyway") and token not in uid and visit["appointment"] not in uid
    assert first["SEQUENCE"] == 0 and str(first["STATUS"]) == "CONFIRMED"
    assert first.decoded("DTSTART") == _moment(booked["window_start"])
    assert first.decoded("DTEND") == _moment(booked["window_end"])
    assert str(first["SUMMARY"]) == "acme Services: Leak under the sink" and str(first["LOCATION"]) == "12 Elm St, Denver"
    shown = fetch(api, "GET", f"/c/{token}/status.json").json()
    assert shown["calendar_url"].endswith(f"/c/{token}/calendar.ics")
    assert f'href="../c/{token}/calendar.ics">Add to calendar</a>' in fetch(api, "GET", f"/c/{token}").text

    clock.advance(hours=1)
    moved = window(days=3)
    assert api.patch(f"/appointments/{visit['appointment']}", org.dispatcher, moved).status == 200
    stream.settle()
    again = _event(api, token)
    assert str(again["UID"]) == uid and again["SEQUENCE"] == 1
    assert again.decoded("DTSTART") == _moment(moved["window_start"])
    assert again.decoded("DTEND") == _moment(moved["window_end"])
    assert again.decoded("DTSTAMP") > first.decoded("DTSTAMP")
    assert api.patch(f"/appointments/{visit['appointment']}", org.dispatcher,
                     {"technician_id": visit["tech_id"]}).status == 200  # the same times: no new sequence
    assert _event(api, token)["SEQUENCE"] == 1

    assert fetch(api, "POST", f"/c/{token}/cancel", form={"reason": "Away that week"}).status == 303
    canceled = _event(api, token)
    assert str(canceled["UID"]) == uid and canceled["SEQUENCE"] == 2 and str(canceled["STATUS"]) == "CANCELLED"
    assert 'Add to calendar' not in fetch(api, "GET", f"/c/{token}").text


def test_a_visit_rebooked_through_its_link_joins_the_canceled_one(api, org, stream, visit):
    api.post(f"/jobs/{visit['job']['id']}/cancel", org.dispatcher, {"reason": "technician out sick"})
    stream.settle()
    rebook = last_token(stream)  # the canceled text's "Rebook" link: the time-frame picker
    picker = fetch(api, "GET", f"/c/{rebook}/frames", accept="application/json").json()
    assert 'Add to calendar' not in fetch(api, "GET", f"/c/{rebook}").text  # nothing booked yet
    start = picker["frames"][0]["start"]
    assert fetch(api, "POST", f"/c/{rebook}/pick", form={"start": start}).status == 303
    page = fetch(api, "GET", f"/c/{rebook}?done=picked").text
    assert f'href="../c/{rebook}/calendar.ics">Add to calendar</a>' in page
    text = fetch(api, "GET", f"/c/{rebook}/calendar.ics").text
    old, new = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(old["STATUS"]) == "CANCELLED" and str(new["STATUS"]) == "CONFIRMED" and old["UID"] != new["UID"]
    assert new.decoded("DTSTART") == _moment(start)


def test_a_bad_expired_or_feedback_token_gets_the_pages_error_and_changes_nothing(api, org, stream, visit, clock):
    token = visit["token"]
    before = job_now(api, org, visit)
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[:-3], "x" * 22):
        page = fetch(api, "GET", f"/c/{bad}/calendar.ics")
        assert page.status == 404 and "This link does not work" in page.text
        assert page.headers["cache-control"] == "no-store" and page.headers["content-type"].startswith("text/html")
        answer = fetch(api, "GET", f"/c/{bad}/calendar.ics", accept="application/json")
        assert answer.status == 404 and answer.json()["error"]["code"] == "not_found"
    assert job_now(api, org, visit) == before

    feedback = complete(api, stream, visit)
    assert fetch(api, "GET", f"/c/{feedback}/calendar.ics").status == 404  # a feedback link has no calendar
    assert fetch(api, "GET", f"/c/{feedback}", accept="application/json").json()["calendar_url"] is None
    done = job_now(api, org, visit)
    clock.advance(days=31)
    page = fetch(api, "GET", f"/c/{token}/calendar.ics")
    assert page.status == 410 and "This link has expired" in page.text and page.headers["cache-control"] == "no-store"
    assert job_now(api, org, visit) == done


def test_the_openapi_document_lists_the_calendar_file_and_its_url(api):
    doc = api.get("/openapi.json").body
    ok = doc["paths"]["/c/{token}/calendar.ics"]["get"]["responses"]["200"]
    assert list(ok["content"]) == ["text/calendar"]
    assert "calendar_url" in doc["components"]["schemas"]["CustomerStatusOut"]["properties"]
