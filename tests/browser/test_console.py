"""The dispatcher console (GET /console) in Chromium at 1280×800 and 768 px, against `make run`'s stack: a
dispatcher signs in, sees the day with the demo technicians, books a job (the booking confirmation goes out)
and assigns it from the keyboard, meets a stale write, works an escalation call, answers an inbox reply,
reschedules through the customer's time-frame preview, cancels as ops with the coupon; a deactivated user is
signed out. Every screen is screenshot and checked by axe; no page loads anything from another origin."""
import hashlib
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from chalicelib import console
from tests.e2e.test_visit_day import PNG
from tests.stack.test_local_stack import call, wait_for

from .conftest import console_page, serious_violations

TABLET = {"width": 768, "height": 1024}
KIM = "+13035550190"
EVE = "+13035550191"
# `npm pack htm@3.1.1`, package/preact/standalone.module.js: the file as the registry ships it.
HTM_PREACT_SHA256 = "72284e8e9079c87817145df1110f74e8a2aa040b2fc384922e18dfcb46fc1fd7"
MAX_SCRIPT_BYTES = 150 * 1024
SHARED: dict = {}  # what one test leaves for the next (the module's tests run in order, on one stack)


@pytest.fixture
def tablet(browser, stack):
    yield from console_page(browser, stack, TABLET)




def shoot(page, tmp_path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    assert serious_violations(page) == [], name


def demo(base) -> dict:
    return call(base, "GET", "/dev/demo")[1]


def dispatcher_token(base) -> str:
    return next(u for u in demo(base)["users"] if u["roles"] == ["dispatcher"])["token"]


def texts_to(base, phone: str, scenario: str | None = None) -> list[dict]:
    return [m for m in call(base, "GET", "/dev/outbox.json")[1]["items"]
            if m["to"] == phone and (scenario is None or m["scenario"] == scenario)]


def sign_in(page, base, name: str = "Dana Dispatch") -> None:
    page.goto(base + "/console")
    page.get_by_role("button", name=f"Sign in as {name}").click()


def announced(page, text: str) -> None:
    expect(page.locator("#announce")).to_have_text(re.compile(re.escape(text)), timeout=10_000)


def first_load_modules() -> set[str]:
    """The modules app.js imports statically, and theirs: what the browser loads before the first screen
    (a dynamic `import()` is left out: it loads when its screen is opened)."""
    found, todo = set(), ["app.js"]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += re.findall(r"^(?:import|export) [^;]*?from '\./([\w.-]+\.js)'", console.assets()[name].decode(), re.M)
    return found


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, dict(r.headers), r.read()


def test_the_shell_and_assets_have_a_strict_policy_the_right_caching_and_the_vendored_file_as_published(stack):
    status, headers, body = fetch(stack + "/console")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy
    html = body.decode()
    assert "<script>" not in html and "style=" not in html and "onclick" not in html.lower()  # nothing inline
    assert '<meta name="onmyway-config" content="{&quot;mode&quot;: &quot;local&quot;, &quot;app&quot;: &quot;console&quot;}">' in html
    scripts = re.findall(r'src="(console/[0-9a-f]{16}/[\w.-]+\.js)"', html)
    assert scripts == [f"console/{console.version()}/app.js"]
    for name in sorted(console.assets()):
        status, headers, content = fetch(f"{stack}/console/{console.version()}/{name}")
        assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable", name
        assert headers["X-Content-Type-Options"] == "nosniff"
    first_load = first_load_modules()
    assert "analytics.js" not in first_load and "chart.js" not in first_load  # imported when the screen opens
    total = sum(len(console.assets()[name]) for name in first_load)
    assert total <= MAX_SCRIPT_BYTES, f"{total} bytes of JavaScript in the first load"
    vendored = console.STATIC / "htm-preact-3.1.1.js"
    assert hashlib.sha256(vendored.read_bytes()).hexdigest() == HTM_PREACT_SHA256 == console.VENDORED[vendored.name]
    for licence in ("htm-3.1.1.LICENSE", "preact.LICENSE"):
        assert (console.HERE / "vendor" / licence).stat().st_size > 500
    try:
        fetch(f"{stack}/console/0000000000000000/app.js")
        raise AssertionError("an old version's asset was served")
    except urllib.error.HTTPError as e:
        assert e.code == 404


def test_a_dispatcher_signs_in_books_a_job_and_assigns_it_from_the_keyboard(stack, desk, tmp_path):
    base, page = stack, desk
    page.goto(base + "/console")
    expect(page.get_by_role("heading", name="OnMyWay dispatcher console")).to_be_visible()
    shoot(page, tmp_path, "1-sign-in")
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.method + " " + r.url.removeprefix(base)))
    page.get_by_role("button", name="Sign in as Dana Dispatch").click()
    expect(page.get_by_role("heading", name=re.compile("Day board Tuesday, December 1, 2026"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^New offers")).locator(".count")).to_have_text("0 waiting")
    # The board's first draw: the day and the people, once each (bench/console.py measures these two); the
    # organization's time zone, once for every screen; then the navigation's counts. Nothing else.
    api = sorted(r for r in requested if not r.startswith("GET /console"))
    assert api == sorted(["GET /appointments", "GET /users?limit=100", "GET /organization", "GET /inbox?limit=100",
                          "GET /jobs?status=new_offer&limit=100",
                          *(f"GET /queues/{q}?limit=100" for q in ("unassigned", "escalation", "retention", "callback",
                                                                  "intake"))]), api
    for lane in ("Ana Alvarez", "Ben Okafor", "Unassigned"):
        expect(page.get_by_role("region", name=lane)).to_be_visible()
    ben = page.get_by_role("region", name="Ben Okafor")
    expect(ben.get_by_text("En route")).to_be_visible()  # the demo's heater install: status written
    expect(ben.get_by_text("ETA 12:30 PM")).to_be_visible()
    expect(page.get_by_role("link", name="Dana Dispatch")).to_have_count(0)
    expect(page.get_by_text("Signed in as Dana Dispatch")).to_be_visible()
    shoot(page, tmp_path, "2-board")

    # A new customer and job: the API's message at the field, what was typed kept.
    page.get_by_role("link", name="New job").click()
    page.get_by_label("Name").fill("Kim Park")
    page.get_by_label("Mobile phone").fill("303 555")
    page.get_by_label("What needs doing").fill("Dryer does not heat")
    page.get_by_label("Day").fill("2026-12-01")
    page.get_by_label("From").fill("13:00")
    page.get_by_label("To").fill("15:00")
    page.get_by_role("button", name="Create job").click()
    phone = page.get_by_label("Mobile phone")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-phone-error")).to_contain_text("must be a phone number in E.164 form")
    expect(phone).to_have_attribute("aria-describedby", re.compile("f-phone-error"))
    expect(page.get_by_label("Name")).to_have_value("Kim Park")
    expect(page.get_by_label("What needs doing")).to_have_value("Dryer does not heat")
    shoot(page, tmp_path, "3-new-job-refused")
    phone.fill(KIM)
    page.get_by_role("button", name="Create job").click()
    expect(page.get_by_role("heading", name="Dryer does not heat")).to_be_visible()
    job_id = page.url.rsplit("/", 1)[-1]
    SHARED["job"] = job_id
    call(base, "POST", "/dev/settle")
    (confirmation,) = texts_to(base, KIM, "booking_confirmation")
    assert "Tue 1 Dec, 1-3pm" in confirmation["body"]

    # On the board, from the keyboard: focus the block's menu button, open it, choose Ben.
    page.get_by_role("link", name="Day board").click()
    unassigned = page.get_by_role("region", name="Unassigned")
    assign = unassigned.get_by_role("button", name="Assign Kim Park, 1:00 PM")
    assign.focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu", name="Assign Kim Park to")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Ana Alvarez")).to_be_focused()
    shoot(page, tmp_path, "4-assign-menu")
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem", name="Ben Okafor")).to_be_focused()
    page.keyboard.press("Enter")
    announced(page, "Kim Park is assigned to Ben Okafor.")
    expect(ben.get_by_role("link", name="Kim Park")).to_be_visible()
    token = dispatcher_token(base)
    visit = call(base, "GET", f"/jobs/{job_id}", token=token)[1]["appointments"][0]
    ben_id = next(u["id"] for u in demo(base)["users"] if u["name"] == "Ben Okafor")
    assert visit["technician_id"] == ben_id
    assert texts_to(base, KIM, "booking_confirmation") == [confirmation]  # assigning sends nothing more

    # A stale write: someone else gives the visit to Ana meanwhile; the console says so and reloads.
    ana_id = next(u["id"] for u in demo(base)["users"] if u["name"] == "Ana Alvarez")
    assert call(base, "PATCH", f"/appointments/{visit['id']}", {"technician_id": ana_id}, token)[0] == 200
    ben.get_by_role("button", name="Reassign Kim Park, 1:00 PM").click()
    page.get_by_role("menuitem", name="Unassign").click()
    expect(page.get_by_role("alert")).to_contain_text("changed by someone else")
    expect(page.get_by_role("region", name="Ana Alvarez").get_by_role("link", name="Kim Park")).to_be_visible()
    assert call(base, "GET", f"/jobs/{job_id}", token=token)[1]["appointments"][0]["technician_id"] == ana_id
    shoot(page, tmp_path, "5-stale-write")


def test_the_board_fits_a_tablet(stack, tablet, tmp_path):
    sign_in(tablet, stack)
    expect(tablet.get_by_role("region", name="Ana Alvarez")).to_be_visible()
    expect(tablet.get_by_role("link", name="Day board")).to_be_visible()
    tablet.get_by_role("link", name="Next day →").click()
    expect(tablet.get_by_role("heading", name=re.compile("Wednesday, December 2, 2026"))).to_be_visible()
    shoot(tablet, tmp_path, "tablet-board")


def test_a_dispatcher_claims_an_escalation_call_and_resolves_it_confirmed(stack, desk, tmp_path):
    base, page, token = stack, desk, dispatcher_token(stack)
    _, eve = call(base, "POST", "/customers", {"name": "Eve Moreno", "phone": EVE, "time_zone": "America/Denver"},
                  token)
    _, job = call(base, "POST", "/jobs", {"customer_id": eve["id"], "description": "Water softener service",
                                          "appointment": {"window_start": "2026-12-02T22:00:00Z",
                                                          "window_end": "2026-12-03T00:00:00Z"}}, token)
    for _ in range(14):  # no reply to the booking confirmation for two hours and more: a call to make
        call(base, "POST", "/dev/clock", {"advance": "PT10M"})
        call(base, "POST", "/dev/settle")
    entries = call(base, "GET", "/queues/escalation", token=token)[1]["items"]
    (entry,) = [e for e in entries if e["job_id"] == job["id"]]
    sign_in(page, base)
    page.get_by_role("link", name=re.compile("^Escalation queue")).click()
    expect(page.get_by_role("link", name=re.compile("^Escalation queue")).locator(".count")).to_contain_text(
        str(len(entries)))
    item = page.locator("li.entry", has_text="Wed, Dec 2, 3:00 PM")
    expect(item).to_contain_text("no reply to the confirmation request")
    item.get_by_role("button", name="Claim").click()
    announced(page, "Claimed")
    expect(item).to_contain_text("Claimed by you")
    assert call(base, "GET", "/queues/escalation?state=claimed", token=token)[1]["items"][0]["id"] == entry["id"]
    item.get_by_role("button", name="Resolve…").click()
    item.get_by_label("Confirmed").check()
    item.get_by_label("Note (optional)").fill("Confirmed by phone, gate code 1234")
    shoot(page, tmp_path, "6-escalation")
    item.get_by_role("button", name="Resolve", exact=True).click()
    announced(page, "Resolved: confirmed.")
    done = call(base, "GET", "/queues/escalation?state=done", token=token)[1]["items"]
    assert [(e["id"], e["outcome"]) for e in done if e["id"] == entry["id"]] == [(entry["id"], "confirmed")]
    assert call(base, "GET", f"/jobs/{job['id']}", token=token)[1]["appointments"][0]["confirmation"] == "confirmed"
    expect(page.locator("li.entry", has_text="Wed, Dec 2, 3:00 PM")).to_have_count(0)


def test_a_dispatcher_reads_an_inbox_reply_and_answers_it(stack, desk, tmp_path):
    base, page = stack, desk
    number = demo(base)["org"]["sms_number"]
    call(base, "POST", "/dev/sms", {"from": KIM, "to": number, "body": "Can the technician call before coming?"})
    call(base, "POST", "/dev/settle")
    sign_in(page, base)
    page.get_by_role("link", name=re.compile("^Inbox")).click()
    item = page.locator("li.entry", has_text="Can the technician call before coming?")
    expect(item).to_contain_text("Kim Park")
    expect(item).to_contain_text("+1******0190")
    expect(item).to_contain_text("Unread")
    shoot(page, tmp_path, "7-inbox")
    item.get_by_role("button", name="Mark read").click()
    announced(page, "Marked read.")
    expect(item).not_to_contain_text("Unread")
    item.get_by_role("link", name="Open job to answer").click()
    expect(page.get_by_role("heading", name="Dryer does not heat")).to_be_visible()
    expect(page.locator(".conversation .inbound")).to_contain_text("Can the technician call before coming?")
    page.get_by_label("Reply to the customer").fill("Yes: Ana calls you 15 minutes before she arrives.")
    page.get_by_role("button", name="Send reply").click()
    announced(page, "The message is on its way to the customer.")
    call(base, "POST", "/dev/settle")
    assert wait_for(lambda: [m for m in texts_to(base, KIM) if "Ana calls you 15 minutes" in m["body"]])
    page.get_by_role("button", name="Request approval").click()  # a quick action, in the company's words
    announced(page, "Request approval: the customer is told.")
    call(base, "POST", "/dev/settle")
    (asked,) = wait_for(lambda: texts_to(base, KIM, "request_approval"))
    assert "your OK is needed to go on with Dryer does not heat" in asked["body"]
    shoot(page, tmp_path, "8-job")


def test_a_dispatcher_reschedules_through_the_customers_time_frames_and_sends_the_link(stack, desk, tmp_path):
    base, page, token = stack, desk, dispatcher_token(stack)
    job_id = SHARED["job"]
    visit = call(base, "GET", f"/jobs/{job_id}", token=token)[1]["appointments"][0]
    frames = call(base, "GET", f"/appointments/{visit['id']}/offers", token=token)[1]["frames"]
    sign_in(page, base)
    page.goto(f"{base}/console#/job/{job_id}")
    expect(page.get_by_role("heading", name="Dryer does not heat")).to_be_visible()
    page.get_by_role("button", name="Reschedule (time-frame preview)").click()
    group = page.get_by_role("group", name=re.compile("The customer's time frames"))
    radios = group.get_by_role("radio")
    expect(radios).to_have_count(len(frames))
    shoot(page, tmp_path, "9-reschedule")
    radios.nth(1).check()  # the second soonest: the time the customer agreed on
    page.get_by_role("button", name="Book this time for the customer").click()
    announced(page, "Rescheduled to")
    moved = call(base, "GET", f"/jobs/{job_id}", token=token)[1]["appointments"][0]
    assert (moved["window_start"], moved["window_end"]) == (frames[1]["start"], frames[1]["end"])
    call(base, "POST", "/dev/settle")
    assert len(texts_to(base, KIM, "booking_confirmation")) == 2  # the new window, texted
    page.get_by_role("button", name="Send time-frame link").click()
    announced(page, "The time-frame link is on its way to the customer.")
    call(base, "POST", "/dev/settle")
    assert wait_for(lambda: [m for m in texts_to(base, KIM) if "please pick a time" in m["body"]])


def test_a_dispatcher_cancels_as_ops_with_the_coupon(stack, desk, tmp_path):
    base, page, token = stack, desk, dispatcher_token(stack)
    job_id = SHARED["job"]
    link = re.search(r"/c/[A-Za-z0-9_-]{22}", texts_to(base, KIM, "booking_confirmation")[-1]["body"]).group(0)
    assert call(base, "PUT", link + "/access-notes", {"gate_code": "4411#", "pets": "Rex"})[0] == 200
    ana = next(u for u in call(base, "GET", "/dev/demo")[1]["users"] if u["name"] == "Ana Alvarez")["token"]
    _, photo = call(base, "POST", f"/jobs/{job_id}/photos", {"content_type": "image/png"}, ana)
    urllib.request.urlopen(urllib.request.Request(photo["upload_url"], data=PNG, method="PUT",
                                                  headers={"Content-Type": "image/png"}), timeout=10).close()
    status, _ = call(base, "POST", f"/jobs/{job_id}/estimates", {"currency": "USD", "lines": [
        {"description": "New heating element", "amount_cents": 18900}]}, ana)
    assert status == 201
    sign_in(page, base)
    page.goto(f"{base}/console#/job/{job_id}")
    expect(page.get_by_text("offer 15% off a future visit")).to_be_visible()
    expect(page.get_by_text("The customer's access notes: Gate code: 4411# · Pets: Rex")).to_be_visible()
    expect(page.get_by_role("region", name="Estimates")).to_contain_text("New heating element: 189.00 USD · pending")
    expect(page.get_by_role("region", name="Estimates")).to_contain_text("approved 0.00 USD of 189.00 USD")
    photo_shown = page.get_by_role("region", name="Photos").get_by_role("img")
    expect(photo_shown).to_have_count(1)
    page.wait_for_function("() => document.querySelector('.photos img').naturalWidth > 0")  # shown from the bucket
    coupon = page.get_by_label("Offer the 15% coupon")
    expect(coupon).to_be_checked()
    page.get_by_role("button", name="Cancel the job").click()  # no reason: the API's word at the field
    expect(page.get_by_label("Why is it canceled?")).to_have_attribute("aria-invalid", "true")
    assert call(base, "GET", f"/jobs/{job_id}", token=token)[1]["status"] == "scheduled"
    page.get_by_label("Why is it canceled?").fill("Customer bought a new dryer")
    shoot(page, tmp_path, "10-cancel")
    page.get_by_role("button", name="Cancel the job").click()
    announced(page, "The job is canceled; the customer gets the coupon code.")
    job = call(base, "GET", f"/jobs/{job_id}", token=token)[1]
    assert job["status"] == "canceled" and job["coupon"]["percent"] == 15
    expect(page.get_by_text(f"Coupon {job['coupon']['code']} (15% off)")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel the job")).to_have_count(0)
    call(base, "POST", "/dev/settle")
    (text,) = wait_for(lambda: texts_to(base, KIM, "canceled"))
    assert job["coupon"]["code"] in text["body"]
    shoot(page, tmp_path, "11-canceled")


def test_a_user_deactivated_in_another_session_is_signed_out_on_their_next_call(stack, desk, tmp_path):
    base, page, token = stack, desk, dispatcher_token(stack)
    ben = next(u for u in demo(base)["users"] if u["name"] == "Ben Okafor")
    sign_in(page, base, "Ben Okafor")
    expect(page.get_by_role("alert")).to_contain_text("only a dispatcher may do this")  # a technician's console
    # Every call of the first screen answered first: one still on its way when the account goes would sign the
    # console out before the click (the race a loaded machine showed), and the click is to be the next call.
    page.wait_for_load_state("networkidle")
    assert call(base, "PATCH", f"/users/{ben['id']}", {"active": False}, token)[0] == 200
    try:
        page.get_by_role("link", name=re.compile("^Inbox")).click()
        expect(page.locator(".notice")).to_have_text("Your account has been deactivated: you are signed out.")
        expect(page.get_by_role("button", name="Sign in as Dana Dispatch")).to_be_visible()
        assert page.evaluate("sessionStorage.length") == 0
        shoot(page, tmp_path, "12-signed-out")
    finally:
        call(base, "PATCH", f"/users/{ben['id']}", {"active": True}, token)


def test_sign_out_forgets_the_token(stack, desk):
    sign_in(desk, stack)
    expect(desk.get_by_text("Signed in as Dana Dispatch")).to_be_visible()
    assert desk.evaluate("sessionStorage.length") == 1
    desk.get_by_role("button", name="Sign out").click()
    expect(desk.locator(".notice")).to_have_text("You are signed out.")
    assert desk.evaluate("sessionStorage.length") == 0
    desk.reload()
    expect(desk.get_by_role("button", name="Sign in as Dana Dispatch")).to_be_visible()
