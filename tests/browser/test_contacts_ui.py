"""A job's people in Chromium against `make run`'s stack (its own): on the console's job screen (1280×800) the
dispatcher adds a contact (a bad email first: the API's message at the field, what was typed kept), ticks them
and saves the recipients (their invitation reaches the outbox), sends a reply to them alone (only their phone gets
it), sees who wrote each message by name, and removes a contact; in the technician's app (390×844) Ana chooses
among the job's recipients, by first name only, for a quick action. Every screen is screenshot and checked by axe;
nothing is loaded from another origin."""
import re

import pytest
from playwright.sync_api import expect

from tests.stack.test_local_stack import call, wait_for

from .conftest import PHONE
from .test_console import announced, demo, dispatcher_token, shoot, sign_in, texts_to

LEE, TIA, OMAR, MAE = "+13035550160", "+13035550161", "+13035550162", "+13035550163"
SHARED: dict = {}  # the console's test leaves the job for the technician's (the module's tests run in order)


def book(base, token, name: str, phone: str, what: str, technician: str) -> dict:
    """A customer and their job today, 2-4pm in Denver, with the technician; its booking confirmation sent."""
    status, customer = call(base, "POST", "/customers", {"name": name, "phone": phone, "time_zone": "America/Denver",
                                                         "address": "40 Pine St, Denver"}, token)
    assert status == 201, customer
    status, job = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": what, "appointment": {
        "window_start": "2026-12-01T21:00:00Z", "window_end": "2026-12-01T23:00:00Z", "technician_id": technician}},
        token)
    assert status == 201, job
    call(base, "POST", "/dev/settle")
    return job


def ana(base) -> dict:
    return next(u for u in demo(base)["users"] if u["name"] == "Ana Alvarez")


def test_the_dispatcher_adds_a_contact_makes_them_a_recipient_and_writes_to_them_alone(stack, desk, tmp_path):
    base, page, token = stack, desk, dispatcher_token(stack)
    job = book(base, token, "Lee Hart", LEE, "Boiler makes a noise", ana(base)["id"])
    SHARED["job"] = job
    # The job names its own recipients (the customer alone): a contact added later is not among them until ticked.
    assert call(base, "PUT", f"/jobs/{job['id']}/recipients", {"contact_ids": []}, token)[0] == 200
    sign_in(page, base)
    page.goto(f"{base}/console#/job/{job['id']}")
    people = page.get_by_role("region", name="People")
    expect(people).to_contain_text("Lee Hart")
    own = people.get_by_label("Gets texts for this job: Lee Hart")
    expect(own).to_be_checked()
    expect(own).to_be_disabled()  # the customer's own number always gets them
    expect(people.get_by_role("button", name="Remove Lee Hart")).to_have_count(0)
    expect(page.get_by_role("group", name="Send to")).to_have_count(0)  # one recipient: nothing to choose
    shoot(page, tmp_path, "1-people")

    # A bad email: the API's message at its field, everything typed kept, nothing stored.
    form = people.get_by_role("form", name="Add a contact")
    form.get_by_label("Name").fill("Tia Tenant")
    form.get_by_label("Role").fill("tenant")
    form.get_by_label("Mobile phone").fill(TIA)
    form.get_by_label("Email").fill("tia@@tenant.example")
    form.get_by_role("button", name="Add contact").click()
    email = form.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-contact_email-error")).to_contain_text("is not an email address")
    expect(email).to_have_attribute("aria-describedby", re.compile("f-contact_email-error"))
    announced(page, "Not saved: is not an email address")
    for label, value in (("Name", "Tia Tenant"), ("Role", "tenant"), ("Mobile phone", TIA),
                         ("Email", "tia@@tenant.example")):
        expect(form.get_by_label(label)).to_have_value(value)
    customer_id = job["customer_id"]
    assert len(call(base, "GET", f"/customers/{customer_id}/contacts", token=token)[1]["items"]) == 1
    shoot(page, tmp_path, "2-add-contact-refused")
    email.fill("tia@tenant.example")
    form.get_by_role("button", name="Add contact").click()
    announced(page, "Tia Tenant is added to Lee Hart's contacts.")
    expect(form.get_by_label("Name")).to_have_value("")
    tia = people.locator(".person", has_text="Tia Tenant")
    expect(tia).to_contain_text("(tenant)")
    expect(tia).to_contain_text(TIA)
    expect(tia).to_contain_text("tia@tenant.example")
    expect(tia).to_contain_text("Not invited yet")
    ticks = people.get_by_label("Gets texts for this job: Tia Tenant")
    expect(ticks).not_to_be_checked()  # the job named its own: she is not among them yet

    # Ticked and saved: she is a recipient and her invitation goes out.
    ticks.check()
    expect(people).to_contain_text("Not saved yet")
    people.get_by_role("button", name="Save recipients").click()
    announced(page, "An invitation is on its way to Tia Tenant.")
    (contact,) = [c for c in call(base, "GET", f"/customers/{customer_id}/contacts", token=token)[1]["items"]
                  if c["name"] == "Tia Tenant"]
    chosen = call(base, "GET", f"/jobs/{job['id']}/recipients", token=token)[1]["contact_ids"]
    assert chosen == [customer_id, contact["id"]]
    call(base, "POST", "/dev/settle")
    (invitation,) = wait_for(lambda: texts_to(base, TIA, "contact_invited"))
    assert "you'll get updates on Boiler makes a noise" in invitation["body"] and "/c/" in invitation["body"]
    assert texts_to(base, LEE, "contact_invited") == []
    page.reload()  # the job opened first, without the board: its times are still the organization's
    expect(tia).to_contain_text("Invited Tue, Dec 1")
    expect(page.get_by_role("region", name="Visits")).to_contain_text("2:00 PM")
    expect(people.get_by_label("Gets texts for this job: Tia Tenant")).to_be_checked()
    shoot(page, tmp_path, "3-recipients-saved")

    # The reply box: Send to both, ticked; a send to nobody is refused at the list; then to Tia alone.
    send_to = page.get_by_role("group", name="Send to")
    expect(send_to.get_by_role("checkbox")).to_have_count(2)
    lee_box, tia_box = send_to.get_by_label("Lee Hart (customer)"), send_to.get_by_label("Tia Tenant (tenant)")
    expect(lee_box).to_be_checked()
    expect(tia_box).to_be_checked()
    lee_box.uncheck()
    tia_box.uncheck()
    page.get_by_label("Reply to the customer").fill("Tia, is the unit empty today?")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#send-to-error")).to_have_text("Choose at least one person to send to.")
    expect(send_to).to_have_attribute("aria-describedby", re.compile("send-to-error"))
    expect(page.get_by_label("Reply to the customer")).to_have_value("Tia, is the unit empty today?")
    tia_box.check()
    expect(page.locator("#send-to-error")).to_have_count(0)
    before = len(texts_to(base, LEE))
    page.get_by_role("button", name="Send reply").click()
    announced(page, "The message is on its way to Tia Tenant (tenant).")
    call(base, "POST", "/dev/settle")
    assert wait_for(lambda: [m for m in texts_to(base, TIA) if m["body"] == "Tia, is the unit empty today?"])
    assert len(texts_to(base, LEE)) == before  # only her phone got it
    mine = page.locator(".conversation li", has_text="Tia, is the unit empty today?")
    expect(mine).to_contain_text("You to Tia Tenant (tenant)")

    # She answers by text: the conversation says it is hers, by name.
    number = demo(base)["org"]["sms_number"]
    call(base, "POST", "/dev/sms", {"from": TIA, "to": number, "body": "Yes, the unit is empty, key under the mat"})
    call(base, "POST", "/dev/settle")
    page.reload()
    theirs = page.locator(".conversation li.inbound", has_text="key under the mat")
    expect(theirs).to_contain_text("From Tia Tenant (tenant)")
    expect(page.locator(".conversation li", has_text="you'll get updates on")).to_contain_text(
        "contact_invited to Tia Tenant (tenant)")
    page.get_by_role("heading", name="Conversation with the customer").scroll_into_view_if_needed()
    shoot(page, tmp_path, "4-conversation-by-name")

    # Another contact, added elsewhere, removed here (asked once more first); their place keeps the focus.
    status, omar = call(base, "POST", f"/customers/{customer_id}/contacts",
                        {"name": "Omar Owner", "phone": OMAR, "notify": False}, token)
    assert status == 201, omar
    page.reload()
    people.get_by_role("button", name="Remove Omar Owner").click()
    expect(people.get_by_role("button", name="Keep")).to_be_focused()  # asked where the focus was
    shoot(page, tmp_path, "5-remove-asked")
    people.get_by_role("button", name="Yes, remove Omar Owner").click()
    announced(page, "Omar Owner is removed from the contacts.")
    expect(people.locator(".person", has_text="Omar Owner")).to_have_count(0)
    expect(page.get_by_role("heading", name="People")).to_be_focused()
    names = [c["name"] for c in call(base, "GET", f"/customers/{customer_id}/contacts", token=token)[1]["items"]]
    assert names == ["Lee Hart", "Tia Tenant"]


@pytest.fixture
def phone(browser, stack):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="en-US", timezone_id="America/Denver")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    foreign: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((stack + "/", "data:")) else foreign.append(r.url))
    yield page
    context.close()
    assert errors == [] and foreign == [], (errors, foreign)


def test_the_technician_chooses_among_the_jobs_recipients_by_first_name(stack, phone, tmp_path):
    base, page, token = stack, phone, dispatcher_token(stack)
    job = SHARED["job"]
    alone = book(base, token, "Mae Lund", MAE, "Fridge is warm", ana(base)["id"])  # the customer her only recipient
    page.goto(base + "/tech")
    page.get_by_role("button", name="Sign in as Ana Alvarez").click()
    page.get_by_role("link", name=re.compile("Mae")).click()
    expect(page.get_by_role("heading", name=re.compile("^Mae Fridge is warm"))).to_be_visible()
    expect(page.get_by_role("button", name="Checked in")).to_be_visible()
    expect(page.get_by_role("group", name="Send to")).to_have_count(0)  # nobody to choose among
    assert alone["id"] != job["id"]

    page.get_by_role("link", name="← My day").click()
    page.get_by_role("link", name=re.compile("Lee")).click()
    expect(page.get_by_role("heading", name=re.compile("^Lee Boiler makes a noise"))).to_be_visible()
    send_to = page.get_by_role("group", name="Send to")
    expect(send_to.get_by_role("checkbox")).to_have_count(2)
    expect(send_to).to_contain_text("Lee (customer)")
    expect(send_to).to_contain_text("Tia (tenant)")
    expect(send_to).not_to_contain_text("Hart")  # first names, as the app shows the customer
    expect(send_to).not_to_contain_text(TIA)
    talk = page.locator(".talk")
    expect(talk.locator("li", has_text="key under the mat")).to_contain_text("From Tia (tenant)")
    send_to.get_by_label("Lee (customer)").uncheck()
    before = len(texts_to(base, LEE))
    page.get_by_role("button", name="Asset ready").click()
    announced(page, "Asset ready: Tia (tenant) is told.")
    call(base, "POST", "/dev/settle")
    (ready,) = wait_for(lambda: texts_to(base, TIA, "asset_ready"))
    assert "Boiler makes a noise" in ready["body"]
    assert len(texts_to(base, LEE)) == before and texts_to(base, LEE, "asset_ready") == []
    expect(talk.locator("li").last).to_contain_text("To Tia (tenant)")
    page.get_by_role("heading", name="Conversation").scroll_into_view_if_needed()
    shoot(page, tmp_path, "6-tech-send-to")
