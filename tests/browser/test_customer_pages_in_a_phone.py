"""A customer follows the links in their texts on a phone (390x844, Chromium), against `make run`'s stack:
follows the technician, writes to the company, confirms, is refused a cancel inside the cutoff, rates the job."""
import re
import struct
import urllib.request
import zlib
from datetime import UTC, datetime
from pathlib import Path

import icalendar
from playwright.sync_api import expect

from tests.stack.test_local_stack import call, wait_for

from .conftest import PHONE, serious_violations

PAT = "+13035550161"
HOME = {"lat": 39.7392, "lon": -104.9903}


def _png(size: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain square PNG: a photo stand-in the page must load from the bucket."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + bytes(rgb) * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


FACE = _png(8, (217, 119, 6))


def texts(base, scenario: str, to: str = PAT) -> list[dict]:
    return [m for m in call(base, "GET", "/dev/outbox.json")[1]["items"] if m["to"] == to and m["scenario"] == scenario]


def link_of(base, scenario: str, to: str = PAT) -> str:
    """The link of the latest text of `scenario` to `to`, once the stream has sent it."""
    call(base, "POST", "/dev/settle")
    found = wait_for(lambda: texts(base, scenario, to), seconds=30)
    assert found, f"no {scenario} text in the outbox"
    return re.search(r"https?://\S+/c/[A-Za-z0-9_-]{22}", found[-1]["body"]).group(0)


def shoot(page, tmp_path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    assert serious_violations(page) == [], name


def calendar_event(browser, link: str):
    """"Add to calendar" on the page with JavaScript off: the file it downloads, parsed."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.goto(link)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar").click()
    text = Path(download.value.path()).read_text()
    context.close()
    (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    return event


def test_a_customer_follows_writes_confirms_is_refused_a_late_cancel_and_rates(stack, browser, phone, tmp_path):
    base = stack
    _, demo = call(base, "GET", "/dev/demo")
    dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])["token"]
    ana = next(u for u in demo["users"] if u["name"].startswith("Ana"))
    _, customer = call(base, "POST", "/customers", {"name": "Pat Doe", "phone": PAT, "time_zone": "America/Denver",
                                                   "address": "1600 Glenarm Pl, Denver", "coordinates": HOME},
                       dispatcher)
    # Today 12-2pm in Denver; the stack's clock starts at 10:00 there.
    window = {"window_start": "2026-12-01T19:00:00Z", "window_end": "2026-12-01T21:00:00Z", "technician_id": ana["id"]}
    status, job = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "No heat",
                                               "appointment": window}, dispatcher)
    assert status == 201
    appointment = job["appointments"][0]["id"]
    # Ana's photo for the technician card, uploaded through the presigned URL as her app does.
    status, upload = call(base, "POST", f"/users/{ana['id']}/photo", {"content_type": "image/png"}, ana["token"])
    assert status == 201, upload
    put = urllib.request.Request(upload["upload_url"], data=FACE, method="PUT", headers={"Content-Type": "image/png"})
    assert urllib.request.urlopen(put, timeout=10).status == 200
    (today,) = call(base, "GET", "/technicians/me/appointments?date=2026-12-01", token=ana["token"])[1]["items"]

    # The booking confirmation's link: the visit (who is coming, the code for the door), and Confirm.
    phone.goto(link_of(base, "booking_confirmation"))
    expect(phone.get_by_role("heading", name="Your visit")).to_be_visible()
    expect(phone.get_by_text("Tue 1 Dec, 12-2pm", exact=True)).to_be_visible()
    expect(phone.get_by_text("Ana", exact=True)).to_be_visible()
    face = phone.get_by_role("img", name="Photo of Ana, your technician")
    expect(face).to_be_visible()
    assert face.evaluate("img => img.complete && img.naturalWidth") == 8  # loaded from the bucket, not broken
    expect(phone.get_by_text(f"Ask for the code at the door: {today['visit_code']}")).to_be_visible()
    shoot(phone, tmp_path, "1-status")
    event = calendar_event(browser, link_of(base, "booking_confirmation"))
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 19, tzinfo=UTC) and str(event["SUMMARY"]).endswith("No heat")
    assert str(event["LOCATION"]) == "1600 Glenarm Pl, Denver" and event["SEQUENCE"] == 0
    phone.get_by_role("button", name="Confirm visit").click()
    expect(phone.get_by_text("Thank you, your visit is confirmed.")).to_be_visible()
    assert call(base, "GET", f"/jobs/{job['id']}", token=dispatcher)[1]["appointments"][0]["confirmation"] == "confirmed"

    # Cancel, but only once it is 11:15 (inside the hour before the window): refused, with whom to call.
    phone.get_by_text("Cancel this visit").click()
    phone.get_by_label("Why do you cancel?").fill("My neighbour fixed it")
    call(base, "POST", "/dev/clock", {"set": "2026-12-01T18:15:00Z"})
    phone.get_by_role("button", name="Cancel visit").click()
    refusal = phone.get_by_role("alert")
    expect(refusal).to_contain_text("too late to cancel online")
    assert "too late to cancel online" in refusal.inner_text() and demo["org"]["sms_number"] in refusal.inner_text()
    shoot(phone, tmp_path, "2-cancel-refused")
    assert call(base, "GET", f"/jobs/{job['id']}", token=dispatcher)[1]["status"] == "scheduled"

    # On the way: the en-route text's link shows Ana, the ETA and where she is; the page follows her.
    call(base, "PUT", "/technicians/me/location", {"lat": 39.70, "lon": -104.95}, ana["token"])
    assert call(base, "POST", f"/appointments/{appointment}/status",
                {"action": "en_route", "eta": "2026-12-01T19:20:00Z"}, ana["token"])[0] == 200
    call(base, "PUT", "/technicians/me/location", {"lat": 39.71, "lon": -104.96}, ana["token"])
    phone.clock.install()  # the page's own timers, run forward below rather than waited for in real time
    phone.goto(link_of(base, "en_route"))
    expect(phone.get_by_text("On the way", exact=True)).to_be_visible()
    expect(phone.get_by_text("12:20pm", exact=True)).to_be_visible()
    maps = phone.get_by_role("link", name="Open in maps")
    assert "39.71000%2C-104.96000" in maps.get_attribute("href")
    assert "away" in phone.locator("#where").inner_text()
    shoot(phone, tmp_path, "3-en-route")
    call(base, "PUT", "/technicians/me/location", {"lat": 39.73, "lon": -104.98}, ana["token"])
    # No reload: the page's own poll (every 20 s) moves the map link, once its 20 s have gone by.
    phone.clock.run_for(20_000)
    expect(maps).to_have_attribute("href", re.compile("39.73000%2C-104.98000"))

    # Writing to the company: the dispatcher reads it on the job.
    phone.get_by_label("Write to Acme Home Services").fill("The side gate is open, come round the back")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Message sent.")).to_be_visible()
    expect(phone.get_by_text("The side gate is open, come round the back")).to_be_visible()
    _, messages = call(base, "GET", f"/jobs/{job['id']}/messages", token=dispatcher)
    assert [m["body"] for m in messages["items"] if m["direction"] == "inbound"] == [
        "The side gate is open, come round the back"]
    shoot(phone, tmp_path, "4-replied")

    # After the visit, the feedback link: 4 stars, once.
    for action in ("start", "complete"):
        assert call(base, "POST", f"/appointments/{appointment}/status", {"action": action}, ana["token"])[0] == 200
    feedback = link_of(base, "feedback_request")
    phone.goto(feedback)
    shoot(phone, tmp_path, "5-feedback")
    phone.get_by_text("4 stars").click()
    phone.get_by_label("Anything to tell us? (optional)").fill("Warm again, thank you Ana")
    phone.get_by_role("button", name="Send rating").click()
    expect(phone.get_by_text("Thank you for your rating!")).to_be_visible()
    expect(phone.get_by_text("You rated this visit 4 out of 5.")).to_be_visible()
    shoot(phone, tmp_path, "6-rated")
    phone.goto(feedback)
    assert phone.get_by_role("button", name="Send rating").count() == 0  # once per job
    assert call(base, "GET", f"/jobs/{job['id']}", token=dispatcher)[1]["feedback"]["rating"] == 4


def test_broken_and_expired_links_are_pages_a_person_understands(stack, phone, tmp_path):
    response = phone.goto(f"{stack}/c/thisIsNotARealToken123")
    assert response.status == 404 and phone.get_by_role("heading", name="This link does not work").is_visible()
    assert response.headers["cache-control"] == "no-store"
    shoot(phone, tmp_path, "not-found")


def test_the_outbox_refreshes_its_rows_without_losing_what_is_typed_and_remembers_the_sender(
        stack, browser, tmp_path):
    base = stack
    _, demo = call(base, "GET", "/dev/demo")
    dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])["token"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.clock.install()  # the page's 3 s refresh, run forward below rather than waited for in real time
    page.goto(f"{base}/dev/outbox")
    page.evaluate("window.notReloaded = true")
    typed = page.get_by_label("message", exact=True)
    typed.fill("")
    typed.press_sequentially("Is 3pm still")  # halfway through a sentence when the rows refresh
    page.get_by_label("from", exact=True).fill(PAT)
    # A new text while the page is open: it shows without a reload, and the form keeps what was typed.
    _, customer = call(base, "POST", "/customers", {"name": "Quinn Page", "phone": "+13035550163",
                                                   "time_zone": "America/Denver"}, dispatcher)
    call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "Outbox", "appointment": {
        "window_start": "2026-12-03T19:00:00Z", "window_end": "2026-12-03T21:00:00Z"}}, dispatcher)
    assert wait_for(lambda: [m for m in call(base, "GET", "/dev/outbox.json")[1]["items"]
                             if m["to"] == "+13035550163"], seconds=20)  # the stack has sent it
    page.clock.run_for(3_000)  # the page's next refresh
    expect(page.locator("#rows tr", has_text="+13035550163")).to_have_count(1)
    page.evaluate("window.shownRow = document.querySelector('#rows tr')")
    page.clock.run_for(3_000)  # and one more refresh: the rows it showed are replaced by the ones it fetched
    page.wait_for_function("!window.shownRow.isConnected")
    assert page.evaluate("window.notReloaded") is True
    expect(typed).to_have_value("Is 3pm still")
    expect(page.get_by_label("from", exact=True)).to_have_value(PAT)
    # Links in the texts are links.
    link = page.locator("#rows tr").last.get_by_role("link")
    expect(link).to_have_attribute("href", re.compile(r"^https?://\S+/c/[A-Za-z0-9_-]{22}$"))
    typed.press_sequentially(" ok?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#outcome")).not_to_have_text("")
    shoot(page, tmp_path, "outbox")
    # Newest first, remembered with the last sender across a reload. (Whether Pat's text gets an answer
    # depends on what earlier tests left of Pat's visit, so the order is read from the outbox itself.)
    # The stage may still be sending (a text can land between reading the outbox and the page's refresh):
    # compare the page's top row with the outbox's newest text as it is at each look.
    def newest_on_top() -> bool:
        newest = call(base, "GET", "/dev/outbox.json")[1]["items"][-1]
        return f"{newest['sent_at']}{newest['channel']}{newest['to']}" in page.locator("#rows tr").first.inner_text(
        ).replace("\t", "").replace("\n", "")
    page.get_by_label("newest first").check()
    assert wait_for(newest_on_top, seconds=15), "the page's first row is not the outbox's newest text"
    page.reload()
    expect(page.get_by_label("from", exact=True)).to_have_value(PAT)
    expect(page.get_by_label("newest first")).to_be_checked()
    assert wait_for(newest_on_top, seconds=15), "after a reload, the first row is not the newest text"
    context.close()


def test_a_customer_approves_one_line_of_an_estimate_and_declines_the_other_on_a_phone(stack, phone, tmp_path):
    """The page has no script: the answer is sent by its form, each line decided once."""
    base, rob = stack, "+13035550167"
    _, demo = call(base, "GET", "/dev/demo")
    dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])["token"]
    ana = next(u for u in demo["users"] if u["name"].startswith("Ana"))
    _, customer = call(base, "POST", "/customers", {"name": "Rob Lane", "phone": rob, "time_zone": "America/Denver"},
                       dispatcher)
    window = {"window_start": "2026-12-02T16:00:00Z", "window_end": "2026-12-02T18:00:00Z", "technician_id": ana["id"]}
    _, job = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "Water heater leaks",
                                         "appointment": window}, dispatcher)
    status, _ = call(base, "POST", f"/jobs/{job['id']}/estimates", {"currency": "USD", "note": "Parts in stock", "lines": [
        {"description": "Replace the anode rod", "amount_cents": 18500},
        {"description": "Expansion tank", "amount_cents": 26000, "optional": True}]}, ana["token"])
    assert status == 201
    link = link_of(base, "estimate_request", rob)

    page = phone
    page.goto(link)
    expect(page.get_by_role("heading", name="Your estimate")).to_be_visible()
    assert page.locator("script").count() == 0
    rod = page.get_by_role("group", name=re.compile("Replace the anode rod: \\$185.00"))
    tank = page.get_by_role("group", name=re.compile("Expansion tank: \\$260.00 \\(optional\\)"))
    shoot(page, tmp_path, "estimate-1-open")
    rod.get_by_text("Approve").click()
    tank.get_by_text("Decline").click()
    page.get_by_label("A comment for Acme Home Services (optional)").fill("The tank next year")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_have_text("Thank you: we have your answers and will be in touch.")
    expect(page.get_by_text("Replace the anode rod: $185.00 · Approved")).to_be_visible()
    expect(page.get_by_text("Expansion tank: $260.00 · Declined")).to_be_visible()
    expect(page.get_by_text("Total $445.00 · approved $185.00")).to_be_visible()
    expect(page.get_by_role("button", name="Send my answers")).to_have_count(0)  # nothing left to decide
    shoot(page, tmp_path, "estimate-2-decided")
    (shown,) = call(base, "GET", f"/jobs/{job['id']}/estimates", token=dispatcher)[1]["items"]
    assert (shown["status"], shown["approved_cents"], shown["comment"]) == ("partly_approved", 18500,
                                                                            "The tank next year")


def test_a_contact_reads_the_case_and_replies_to_all_on_a_phone(stack, phone, tmp_path):
    """Seed 002's mobile case: a landlord's tenant, invited to the job, reads what came, sees the original message,
    and answers everyone; the landlord's phone gets the words, as the tenant's."""
    base, lee, tia = stack, "+13035550168", "+13035550169"
    _, demo = call(base, "GET", "/dev/demo")
    dispatcher = next(u for u in demo["users"] if u["roles"] == ["dispatcher"])["token"]
    ana = next(u for u in demo["users"] if u["name"].startswith("Ana"))
    _, customer = call(base, "POST", "/customers", {"name": "Lee Landlord", "phone": lee,
                                                   "time_zone": "America/Denver"}, dispatcher)
    status, tenant = call(base, "POST", f"/customers/{customer['id']}/contacts",
                          {"name": "Tia Tenant", "phone": tia, "role": "tenant"}, dispatcher)
    assert status == 201, tenant
    window = {"window_start": "2026-12-02T16:00:00Z", "window_end": "2026-12-02T18:00:00Z", "technician_id": ana["id"]}
    _, job = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "Boiler service, flat 2",
                                         "appointment": window}, dispatcher)
    assert call(base, "POST", f"/jobs/{job['id']}/messages", {"quick_action": "request_approval"}, ana["token"])[0] == 201
    link = link_of(base, "request_approval", tia)

    page = phone
    page.goto(link)
    page.get_by_text("Show the message this link came with").click()
    expect(page.locator(".original .body")).to_contain_text("your OK is needed to go on with Boiler service, flat 2")
    expect(page.locator("#messages")).to_contain_text("Acme Home Services to you")
    send_to = page.get_by_role("group", name="Send to")
    expect(send_to.get_by_label("Lee Landlord")).not_to_be_checked()
    shoot(page, tmp_path, "case-1-open")
    page.get_by_label("Write to Acme Home Services").fill("Fine by me, Lee?")
    page.get_by_role("button", name="Reply all").click()
    expect(page.get_by_text("Message sent.")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("You to Acme Home Services, Lee Landlord")
    shoot(page, tmp_path, "case-2-replied-all")
    page.locator("section[aria-labelledby=conversation-heading]").screenshot(path=str(tmp_path / "case-3-messages.png"))
    relayed = wait_for(lambda: [m for m in call(base, "GET", "/dev/outbox.json")[1]["items"]
                                if m["to"] == lee and "Tia Tenant wrote: Fine by me, Lee?" in m["body"]], seconds=30)
    assert relayed, "the landlord did not get the tenant's words"
    _, messages = call(base, "GET", f"/jobs/{job['id']}/messages", token=dispatcher)
    (said,) = [m for m in messages["items"] if m["direction"] == "inbound"]
    assert (said["body"], said["contact_id"]) == ("Fine by me, Lee?", tenant["id"])
