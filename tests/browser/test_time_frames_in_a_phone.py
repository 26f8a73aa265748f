"""Seed 001's reschedule procedure without a phone call, on a phone (390x844, Chromium) against `make run`'s stack:
R → the link from the outbox → frames soonest first → pick; two customers race for a frame's last place;
"None of these work" → the callback queue; a new customer books on /book/{slug}, within the limits."""
import re
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from tests.stack.test_local_stack import call, wait_for

from .conftest import PHONE, serious_violations

PAT, QUINN, ROBIN, LEE = "+13035550191", "+13035550192", "+13035550193", "+13035550194"
TECH_PHONE = "+13035550199"


@pytest.fixture(scope="module")
def shop(stack):
    """A fresh organization (its own frames and limits), a technician with a phone, and three customers with a visit
    each on Thu 3 Dec, 10am-12pm Denver."""
    base = stack
    status, made = call(base, "POST", "/dev/orgs", {"name": "Fixit Plumbing", "slug": "fixit",
                                                   "time_zone": "America/Denver"})
    assert status == 201, made
    dispatcher, number = made["dispatcher"]["token"], made["org"]["sms_number"]
    status, tech = call(base, "POST", "/users", {"name": "Tess Turner", "email": "tess@fixit.example",
                                                 "roles": ["technician"], "phone": TECH_PHONE}, dispatcher)
    assert status == 201, tech
    tech_token = call(base, "POST", "/dev/token", {"user_id": tech["id"]})[1]["token"]
    jobs = {}
    for name, phone in (("Pat Doe", PAT), ("Quinn Ray", QUINN), ("Robin Vale", ROBIN)):
        _, customer = call(base, "POST", "/customers", {"name": name, "phone": phone, "time_zone": "America/Denver"},
                           dispatcher)
        status, job = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "Dripping tap",
                                                   "appointment": {"window_start": "2026-12-03T17:00:00Z",
                                                                   "window_end": "2026-12-03T19:00:00Z",
                                                                   "technician_id": tech["id"]}}, dispatcher)
        assert status == 201, job
        jobs[phone] = job
    return {"base": base, "dispatcher": dispatcher, "number": number, "tech": tech_token, "jobs": jobs}


def outbox(base, to: str) -> list[dict]:
    return [m for m in call(base, "GET", "/dev/outbox.json")[1]["items"] if m["to"] == to]


def newest_link(base, to: str, after: int = 0) -> str:
    found = wait_for(lambda: [m for m in outbox(base, to)[after:] if "/c/" in m["body"]], seconds=30)
    assert found, f"no link texted to {to}"
    return re.search(r"https?://\S+/c/[A-Za-z0-9_-]{22}", found[-1]["body"]).group(0)


def reply_r(shop, phone: str) -> str:
    before = len(outbox(shop["base"], phone))
    assert call(shop["base"], "POST", "/dev/sms", {"from": phone, "to": shop["number"], "body": "R"})[0] == 200
    return newest_link(shop["base"], phone, before)


def shoot(page, tmp_path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    assert serious_violations(page) == [], name


def frame_labels(page) -> list[str]:
    return [t.strip() for t in page.locator("fieldset.frames label").all_inner_texts()]


def test_r_the_link_frames_soonest_first_pick_the_second(shop, phone, tmp_path):
    base, dispatcher = shop["base"], shop["dispatcher"]
    job = shop["jobs"][PAT]
    newest_link(base, PAT)  # the booking confirmation has gone
    link = reply_r(shop, PAT)
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Pick a new time")).to_be_visible()
    labels = frame_labels(phone)
    assert labels[:4] == ["Tue 1 Dec, 12-2pm", "Tue 1 Dec, 2-4pm", "Tue 1 Dec, 4-6pm", "Wed 2 Dec, 8-10am"]
    assert "Thu 3 Dec, 10am-12pm" not in labels  # the visit's own window
    shoot(phone, tmp_path, "1-frames")

    phone.get_by_text("Tue 1 Dec, 2-4pm", exact=True).click()
    phone.get_by_role("button", name="Book this time").click()
    expect(phone.get_by_text("booked for the time you picked", exact=False)).to_be_visible()
    expect(phone.locator("#current-window")).to_have_text("Tue 1 Dec, 2-4pm")
    shoot(phone, tmp_path, "2-picked")
    with phone.expect_download() as download:  # the booking confirmation on the page: the moved visit's file
        phone.get_by_role("link", name="Add to calendar").click()
    (event,) = icalendar.Calendar.from_ical(Path(download.value.path()).read_text()).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 21, tzinfo=UTC) and event["SEQUENCE"] == 1

    (a,) = call(base, "GET", f"/jobs/{job['id']}", token=dispatcher)[1]["appointments"]
    assert (a["window_start"], a["window_end"]) == ("2026-12-01T21:00:00Z", "2026-12-01T23:00:00Z")
    confirmation = wait_for(lambda: [m for m in outbox(base, PAT) if m["scenario"] == "booking_confirmation"
                                     and "Tue 1 Dec, 2-4pm" in m["body"]], seconds=30)
    assert confirmation, "no booking confirmation for the new window"
    notes = call(base, "GET", f"/jobs/{job['id']}/notes", token=shop["tech"])[1]["items"]
    assert [n["text"] for n in notes] == ["Pat picked Tue 1 Dec, 2-4pm on the time-frame page (was Thu 3 Dec, 10am-12pm)."]
    told = wait_for(lambda: [m for m in outbox(base, TECH_PHONE) if "Pat picked Tue 1 Dec, 2-4pm" in m["body"]], 30)
    assert told and len(told) == 1

    # A new link: the frame behind the chosen one is gone.
    phone.goto(reply_r(shop, PAT))
    labels = frame_labels(phone)
    assert labels[0] == "Tue 1 Dec, 4-6pm" and "Tue 1 Dec, 12-2pm" not in labels


def test_two_customers_race_for_the_last_place_and_none_of_these_work(shop, browser, tmp_path):
    base, dispatcher = shop["base"], shop["dispatcher"]
    assert call(base, "PUT", "/settings/time-frames", {"visits_per_frame": 1}, dispatcher)[0] == 200
    pages = []
    for who in (QUINN, ROBIN):
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(newest_link(base, who))  # the booking confirmation's status link
        page.get_by_role("link", name="Pick another time").click()
        expect(page.get_by_role("heading", name="Pick a new time")).to_be_visible()
        pages.append(page)
    quinn, robin = pages
    first = frame_labels(quinn)[0]
    assert frame_labels(robin)[0] == first
    for page in pages:
        page.get_by_text(first, exact=True).click()
    quinn.get_by_role("button", name="Book this time").click()
    robin.get_by_role("button", name="Book this time").click()
    expect(quinn.get_by_text("booked for the time you picked", exact=False)).to_be_visible()
    expect(robin.get_by_role("alert")).to_contain_text("just taken")
    assert first not in frame_labels(robin)
    shoot(robin, tmp_path, "3-just-taken")
    windows = [call(base, "GET", f"/jobs/{shop['jobs'][p]['id']}", token=dispatcher)[1]["appointments"][0]["window_start"]
               for p in (QUINN, ROBIN)]
    assert windows.count(windows[0]) == 1 and windows[1] == "2026-12-03T17:00:00Z"  # exactly one got it

    robin.get_by_label("Which days and times suit you?").fill("Any weekday after 5pm")
    robin.get_by_role("button", name="Ask for a call back").click()
    expect(robin.get_by_text("we will call you back", exact=False)).to_be_visible()
    items = call(base, "GET", "/queues/callback", token=dispatcher)[1]["items"]
    assert [(i["job_id"], "Any weekday after 5pm" in i["reason"]) for i in items] == [(shop["jobs"][ROBIN]["id"], True)]
    for page in pages:
        page.context.close()


def test_a_new_customer_books_and_the_fourth_request_that_day_is_refused(shop, phone, tmp_path):
    base, dispatcher = shop["base"], shop["dispatcher"]

    def request(description: str, pick: str | None = None):
        phone.goto(f"{base}/book/fixit")
        phone.get_by_label("Your name").fill("Lee Chen")
        phone.get_by_label("Mobile number").fill("+1 303 555 0194")
        phone.get_by_label("Address of the visit").fill("40 Pine St, Denver")
        phone.get_by_label("What is wrong?").fill(description)
        if pick:
            phone.get_by_text(pick, exact=True).click()
        phone.get_by_role("button", name="Send request").click()

    phone.goto(f"{base}/book/fixit")
    expect(phone.get_by_role("heading", name="Request a visit")).to_be_visible()
    labels = frame_labels(phone)
    # One visit per frame since the race above: Pat's and Quinn's frames are full, so not offered.
    assert labels[:3] == ["Any time that suits you", "Tue 1 Dec, 4-6pm", "Wed 2 Dec, 8-10am"]
    shoot(phone, tmp_path, "4-booking")
    request("Water heater leaks", "Wed 2 Dec, 8-10am")
    expect(phone.get_by_role("heading", name="Request received")).to_be_visible()
    shoot(phone, tmp_path, "5-received")
    (job,) = call(base, "GET", "/jobs?status=new_offer", token=dispatcher)[1]["items"]
    assert job["description"] == "Water heater leaks"
    assert call(base, "GET", f"/jobs/{job['id']}", token=dispatcher)[1]["offered_window"]["start"] == \
        "2026-12-02T15:00:00Z"
    status, accepted = call(base, "POST", f"/jobs/{job['id']}/accept", token=dispatcher)
    assert status == 200 and accepted["status"] == "unscheduled"
    assert wait_for(lambda: [m for m in outbox(base, LEE) if "we received your service request" in m["body"]], 30)

    for n in (2, 3):
        request(f"Request {n}")
        expect(phone.get_by_role("heading", name="Request received")).to_be_visible()
    request("Request 4")
    expect(phone.get_by_role("heading", name="Too many requests")).to_be_visible()
    expect(phone.get_by_text("this phone number today", exact=False)).to_be_visible()
    shoot(phone, tmp_path, "6-limit")
    assert len(call(base, "GET", "/jobs?status=new_offer", token=dispatcher)[1]["items"]) == 2  # nothing stored
