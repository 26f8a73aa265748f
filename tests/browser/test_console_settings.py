"""The console's settings screens (issue 26, points 2-5) in Chromium at 1280×800 against `make run`'s stack: message
scenarios with the live preview (segments, encoding, the longest branch, the API's refusal at the field before
saving), quiet hours and the confirmation figures; locations with their working hours and direct reply; channels
(WhatsApp number and templates, email sender, the chain's order); the team (invite, roles, deactivate and
reactivate, the technician's photo). Each screen is loaded on demand, screenshot and checked by axe."""
import re

from playwright.sync_api import expect

from chalicelib import console
from tests.stack.test_local_stack import call, wait_for

from .conftest import console_page
from .test_console import (
    MAX_SCRIPT_BYTES,
    TABLET,
    announced,
    demo,
    dispatcher_token,
    first_load_modules,
    shoot,
    sign_in,
    texts_to,
)

# Two segments on the realistic values the preview uses, and on the demo's own (the en-route text it sends).
LONG = ("{{ company }}: {{ technician }} is on the way to you now, {{ customer_first_name }}. Please make sure "
        "someone over 18 is home, pets are put away and the work area is clear. Track: {{ link }}")
PAT = "+13035550195"


def square_png(rgb=(29, 78, 216), size=64) -> bytes:
    """A small opaque PNG of one colour: a photo the screenshot shows."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def scenario(base, name: str) -> dict:
    return next(s for s in call(base, "GET", "/settings/scenarios", token=dispatcher_token(base))[1]["scenarios"]
                if s["name"] == name)


def open_editor(page, name: str):
    page.get_by_role("button", name=re.compile(f"^Edit {name}$")).click()
    return page.get_by_label("Template")


def pause(page) -> None:
    """The preview is asked for once typing pauses (250 ms): that pause, run on the page's clock."""
    page.clock.run_for(250)


def test_the_settings_screens_are_not_in_the_first_load():
    first = first_load_modules()
    assert {"settings.js", "places.js", "people.js"} <= set(console.assets()) and \
        not first & {"settings.js", "places.js", "people.js"}
    assert sum(len(console.assets()[name]) for name in first) <= MAX_SCRIPT_BYTES


def test_a_template_that_needs_two_segments_is_warned_about_before_it_is_saved(stack, desk, tmp_path):
    base, page, token = stack, desk, dispatcher_token(stack)
    before = scenario(base, "en_route")
    page.clock.install()  # the preview's pause after typing, run forward rather than waited for
    sign_in(page, base)
    page.get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", name="Messages", level=1)).to_be_focused()
    template = open_editor(page, "En route")
    pause(page)
    expect(template).to_have_value(before["template"])
    preview = page.get_by_role("group", name="Preview of En route")
    expect(preview).to_contain_text("Acme Home Services: Alexandria Whitfield is on the way, ETA 11:45am.")
    expect(preview).to_contain_text("1 SMS segment · GSM-7")
    expect(preview.locator(".warning")).to_have_count(0)
    template.fill(LONG)
    pause(page)
    expect(preview).to_contain_text("is on the way to you now, Maximiliana. Please make sure someone over 18")
    expect(preview).to_contain_text("2 SMS segments · GSM-7")
    expect(preview.locator(".warning")).to_have_text(re.compile("Needs 2 SMS segments"))
    assert scenario(base, "en_route")["template"] == before["template"]  # warned before anything is saved
    shoot(page, tmp_path, "1-scenarios-two-segments")
    page.locator("#sc-en_route").evaluate("e => e.scrollIntoView()")  # the screen as a dispatcher sees it
    page.screenshot(path=str(tmp_path / "1-scenarios-preview-1280x800.png"))

    # A curly apostrophe makes a one-segment text UCS-2 and two segments, and the preview says which character does.
    template.fill("{{ company }}: {{ technician }} is on the way, we'll text when close. {{ link }}")
    pause(page)
    expect(preview).to_contain_text("1 SMS segment · GSM-7 · ")
    template.fill("{{ company }}: {{ technician }} is on the way, we’ll text when close. {{ link }}")
    pause(page)
    expect(preview).to_contain_text("2 SMS segments · UCS-2 (UCS-2 because of ’) · 128 characters")
    # The delayed text's longest branch (no ETA known) is shown beside the text with one.
    page.get_by_role("button", name="Close").click()
    open_editor(page, "Delayed")
    pause(page)
    delayed = page.get_by_role("group", name="Preview of Delayed")
    expect(delayed).to_contain_text("New ETA 11:45am")
    expect(delayed).to_contain_text(re.compile(r"Longest branch: \d SMS segments? · GSM-7"))
    expect(delayed).to_contain_text("we will text you when they are on the way.")
    page.get_by_role("button", name="Close").click()

    # Saved: the next en-route text says it.
    template = open_editor(page, "En route")
    template.fill(LONG)
    pause(page)
    expect(page.get_by_role("group", name="Preview of En route")).to_contain_text("2 SMS segments")
    page.get_by_role("button", name="Save en route").click()
    announced(page, "En route: saved.")
    assert scenario(base, "en_route")["template"] == LONG and scenario(base, "en_route")["segments"] == 2
    expect(page.get_by_role("button", name="Restore the shipped wording")).to_be_visible()
    users = demo(base)["users"]
    ana = next(u for u in users if u["name"] == "Ana Alvarez")
    _, pat = call(base, "POST", "/customers", {"name": "Pat Quinn", "phone": PAT, "time_zone": "America/Denver"},
                  token)
    now = call(base, "GET", "/dev/clock")[1]["now"]
    day = now[:10]
    _, job = call(base, "POST", "/jobs", {"customer_id": pat["id"], "description": "Leaking tap", "appointment": {
        "window_start": f"{day}T23:00:00Z", "window_end": f"{day}T23:59:00Z", "technician_id": ana["id"]}}, token)
    assert call(base, "POST", f"/appointments/{job['appointments'][0]['id']}/status", {"action": "en_route"},
                ana["token"])[0] == 200
    call(base, "POST", "/dev/settle")
    (text,) = wait_for(lambda: texts_to(base, PAT, "en_route"))
    assert "Ana Alvarez is on the way to you now, Pat. Please make sure someone over 18 is home" in text["body"]
    assert text["segments"] == 2
    page.get_by_role("button", name="Restore the shipped wording").click()
    announced(page, "En route: back to the shipped wording.")
    assert scenario(base, "en_route") == before
    expect(page.get_by_label("Template")).to_have_value(before["template"])


def test_an_invalid_template_is_refused_at_the_field_and_the_old_one_stays(stack, desk, tmp_path):
    base, page = stack, desk
    before = scenario(base, "reminder")
    page.clock.install()  # the preview's pause after typing, run forward rather than waited for
    sign_in(page, base)
    page.goto(base + "/console#/settings/scenarios")
    template = open_editor(page, "Reminder")
    bad = "{{ company }} reminder: visit {{ window }}, price {{ price }}. {{ link }}"
    template.fill(bad)
    pause(page)
    error = page.locator("#f-scenarios\\.reminder\\.template-error")
    # The preview's refusal, at the field, before saving: the API's words.
    expect(error).to_contain_text("unknown variable(s) price; use company")
    expect(template).to_have_attribute("aria-invalid", "true")
    expect(template).to_have_attribute("aria-describedby", re.compile("f-scenarios.reminder.template-error"))
    expect(page.get_by_role("group", name="Preview of Reminder")).to_contain_text("No preview: the template is refused.")
    page.get_by_role("button", name="Save reminder").click()
    announced(page, "Not saved: unknown variable(s) price")
    expect(error).to_contain_text("unknown variable(s) price")
    expect(template).to_have_value(bad)  # what was typed stays
    assert scenario(base, "reminder") == before  # and so does the old template
    shoot(page, tmp_path, "2-scenarios-refused")
    template.fill("{{ company }}: {% if technician %}{{ technician }}")
    pause(page)
    expect(error).to_contain_text("template syntax error on line 1")
    page.get_by_role("button", name="Save reminder").click()
    announced(page, "Not saved: template syntax error")
    assert scenario(base, "reminder") == before
    # A lead time the API refuses, named at its own field; a good one saved.
    template.fill(before["template"])
    pause(page)
    expect(error).to_have_count(0)
    lead = page.get_by_label("Lead time (minutes before the window)")
    lead.fill("2")
    page.get_by_role("button", name="Save reminder").click()
    expect(page.locator("#f-scenarios\\.reminder\\.lead_time_minutes-error")).to_contain_text("greater than or equal to 5")
    assert scenario(base, "reminder") == before
    lead.fill("720")
    page.get_by_label("Send this text").uncheck()
    page.get_by_role("button", name="Save reminder").click()
    announced(page, "Reminder: saved.")
    saved = scenario(base, "reminder")
    assert (saved["lead_time_minutes"], saved["enabled"], saved["template"]) == (720, False, before["template"])


def test_quiet_hours_and_the_confirmation_figures(stack, desk, tmp_path):
    base, page, token = stack, desk, dispatcher_token(stack)
    sign_in(page, base)
    page.goto(base + "/console#/settings/scenarios")
    quiet = page.get_by_role("form", name="Quiet hours")
    quiet.get_by_label("From", exact=True).fill("22:00")
    quiet.get_by_label("Until", exact=True).fill("07:30")
    quiet.get_by_role("button", name="Add a place").click()
    quiet.get_by_label("Place 1 (ISO 3166-2, like US-FL)").fill("US-ZZ")
    quiet.get_by_role("button", name="Save quiet hours").click()
    place = quiet.get_by_label("Place 1 (ISO 3166-2, like US-FL)")
    expect(place).to_have_attribute("aria-invalid", "true")
    assert call(base, "GET", "/settings/scenarios", token=token)[1]["quiet_hours"] == {"start": "21:00", "end": "08:00"}
    place.fill("US-FL")
    quiet.get_by_label("Place 1 from").fill("20:00")
    quiet.get_by_role("button", name="Save quiet hours").click()
    announced(page, "Quiet hours saved.")
    got = call(base, "GET", "/settings/scenarios", token=token)[1]
    assert got["quiet_hours"] == {"start": "22:00", "end": "07:30"}
    assert got["quiet_hours_by_region"] == {"US-FL": {"start": "20:00", "end": "08:00"}}

    figures = page.get_by_role("form", name="The confirmation chain's figures")
    followup = figures.get_by_label(re.compile("^No reply to a confirmation or reminder"))
    followup.fill("5")
    figures.get_by_role("button", name="Save the figures").click()
    expect(followup).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-confirmation_followup_minutes-error")).to_contain_text("greater than or equal to 15")
    assert call(base, "GET", "/settings/scenarios", token=token)[1]["confirmation_followup_minutes"] == 120
    followup.fill("90")
    figures.get_by_label(re.compile("^Escalate no earlier than")).fill("36")
    figures.get_by_label(re.compile("^Voice messages from")).fill("+13035550199")
    figures.get_by_label("Text the assigned technician when the customer writes").check()
    shoot(page, tmp_path, "3-quiet-hours-and-figures")
    figures.get_by_role("button", name="Save the figures").click()
    announced(page, "The confirmation figures are saved.")
    got = call(base, "GET", "/settings/scenarios", token=token)[1]
    assert (got["confirmation_followup_minutes"], got["escalate_before_hours"], got["voice_origination"],
            got["technician_sms_alerts"], got["hand_back_before_hours"]) == (90, 36, "+13035550199", True, 24)


def test_locations_with_their_time_zone_direct_reply_and_working_hours(stack, desk, tmp_path):
    base, page, token = stack, desk, dispatcher_token(stack)
    sign_in(page, base)
    page.get_by_role("link", name="Locations and hours").click()
    expect(page.get_by_role("heading", name="Working hours of the organization")).to_be_visible()
    shoot(page, tmp_path, "4-locations-organization")
    add = page.get_by_role("form", name="Add a location")
    add.get_by_label("New location's name").fill("Boulder")
    add.get_by_label("Its time zone").fill("Mars/Olympus")
    add.get_by_role("button", name="Add the location").click()
    expect(add.get_by_label("Its time zone")).to_have_attribute("aria-invalid", "true")
    expect(add.get_by_label("New location's name")).to_have_value("Boulder")
    assert call(base, "GET", "/settings/locations", token=token)[1]["items"] == []
    add.get_by_label("Its time zone").fill("America/Denver")
    add.get_by_role("button", name="Add the location").click()
    announced(page, "Boulder: added.")
    (boulder,) = call(base, "GET", "/settings/locations", token=token)[1]["items"]
    expect(page.get_by_label("Location", exact=True)).to_have_value(boulder["id"])
    place = page.get_by_role("form", name="The location Boulder")
    place.get_by_label("Direct reply").uncheck()
    place.get_by_label("Time zone").fill("America/Phoenix")
    place.get_by_role("button", name="Save the location").click()
    announced(page, "Boulder: saved.")
    got = call(base, "GET", f"/settings/locations/{boulder['id']}", token=token)[1]
    assert (got["time_zone"], got["direct_reply_enabled"]) == ("America/Phoenix", False)

    hours = page.get_by_role("form", name="Working hours of Boulder")
    hours.get_by_label("Sat").check()
    hours.get_by_label("From", exact=True).fill("16:00")
    hours.get_by_label("Until", exact=True).fill("09:00")
    hours.get_by_role("button", name="Save the working hours").click()
    expect(page.locator("#f-hours\\.end-error")).to_contain_text("must be after the start")
    before = call(base, "GET", f"/settings/time-frames?location_id={boulder['id']}", token=token)[1]
    assert "sat" not in before["days"]
    hours.get_by_label("From", exact=True).fill("07:00")
    hours.get_by_label("Until", exact=True).fill("15:00")
    hours.get_by_label("Frame length (minutes)").fill("120")
    shoot(page, tmp_path, "5-location-hours")
    hours.get_by_role("button", name="Save the working hours").click()
    announced(page, "Working hours of Boulder: saved.")
    got = call(base, "GET", f"/settings/time-frames?location_id={boulder['id']}", token=token)[1]
    assert got["days"] == ["mon", "tue", "wed", "thu", "fri", "sat"] and got["hours"] == {"start": "07:00", "end": "15:00"}
    assert got["frame_minutes"] == 120
    assert call(base, "GET", "/settings/time-frames", token=token)[1]["hours"] != got["hours"]  # the org's stay


def test_channels_whatsapp_templates_email_and_the_chains_order(stack, desk, tmp_path):
    base, page, token = stack, desk, dispatcher_token(stack)
    sign_in(page, base)
    page.get_by_role("link", name="Channels").click()
    expect(page.get_by_label("Step 1")).to_have_value("sms")
    page.get_by_label("WhatsApp phone number id (End User Messaging Social)").fill("phone-number-id-0123")
    page.get_by_label("Email sender").fill("visits@acme.example")
    page.get_by_role("button", name="Add a template").click()
    page.get_by_label("Template 1: for").select_option("reminder")
    page.get_by_label("Template 1: approved name").fill("visit_reminder")
    params = page.get_by_label("Template 1: parameters")
    params.fill("customer_first_name, eta")  # eta is not a reminder's variable
    page.get_by_role("button", name="Add a step").click()
    page.get_by_label("Step 6: how long").fill("5y")
    page.get_by_role("button", name="Save the channels").click()
    expect(params).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-whatsapp_templates\\.reminder-error")).to_contain_text("'eta' is not a variable of reminder")
    before = call(base, "GET", "/settings/channels", token=token)[1]
    assert before["whatsapp_phone_number_id"] is None and before["whatsapp_templates"] == {}
    params.fill("customer_first_name, window")
    expect(page.get_by_text("Filled as: {{1}} = Maximiliana · {{2}} = Wed 10 Dec, 10am-12pm")).to_be_visible()
    page.get_by_role("button", name="Save the channels").click()
    step = page.get_by_label("Step 6", exact=True)
    expect(step).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-confirmation_chain\\.5-error")).to_contain_text("'wait 5y': a step is one of")
    assert call(base, "GET", "/settings/channels", token=token)[1] == before
    page.get_by_label("Step 6: how long").fill("")  # a wait on the visit-relative figures
    page.get_by_label("Step 6", exact=True).select_option("email")
    page.get_by_role("button", name="Move step 6 up").click()  # ... sms, wait, voice_task, wait, email, hand_back
    page.get_by_label("Step 1").select_option("whatsapp")
    shoot(page, tmp_path, "6-channels")
    page.get_by_role("button", name="Save the channels").click()
    announced(page, "The channels are saved.")
    got = call(base, "GET", "/settings/channels", token=token)[1]
    assert got["whatsapp_phone_number_id"] == "phone-number-id-0123" and got["email_from"] == "visits@acme.example"
    assert got["whatsapp_templates"] == {"reminder": {"name": "visit_reminder", "language": "en_US",
                                                      "parameters": ["customer_first_name", "window"]}}
    assert got["confirmation_chain"] == ["whatsapp", "wait", "voice_task", "wait", "email", "hand_back"]


def test_the_team_invite_roles_photo_and_a_deactivated_technician_is_refused_at_once(stack, desk, tmp_path):
    base, page, token = stack, desk, dispatcher_token(stack)
    ben = next(u for u in demo(base)["users"] if u["name"] == "Ben Okafor")
    bens_visits = [a for a in call(base, "GET", "/appointments", token=token)[1]["items"]
                   if a["technician_id"] == ben["id"]]
    assert bens_visits and call(base, "GET", "/technicians/me/appointments", token=ben["token"])[0] == 200
    sign_in(page, base)
    page.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Ben Okafor", level=2)).to_be_visible()
    invite = page.get_by_role("form", name="Invite someone")
    invite.get_by_label("Name").fill("Cara Lopez")
    invite.get_by_label("Email").fill("cara@")
    invite.get_by_label("Role").select_option(label="Dispatcher and technician")
    invite.get_by_role("button", name="Invite").click()
    expect(invite.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(invite.get_by_label("Name")).to_have_value("Cara Lopez")
    invite.get_by_label("Email").fill("cara@acme.example")
    invite.get_by_role("button", name="Invite").click()
    announced(page, "Cara Lopez is invited.")
    cara = next(u for u in call(base, "GET", "/users", token=token)[1]["items"] if u["name"] == "Cara Lopez")
    assert sorted(cara["roles"]) == ["dispatcher", "technician"] and cara["active"]
    page.get_by_label("Role of Cara Lopez").select_option(label="Technician")
    page.locator("li.entry", has_text="Cara Lopez").get_by_role("button", name="Save the role").click()
    announced(page, "Cara Lopez: roles saved.")
    assert call(base, "GET", f"/users/{cara['id']}", token=token)[1]["roles"] == ["technician"]

    # The technician's photo, from a file: PUT by the browser to the bucket, shown back from it.
    page.get_by_label("Add a photo of Ben Okafor").set_input_files(
        files=[{"name": "ben.png", "mimeType": "image/png", "buffer": square_png()}])
    announced(page, "The photo of Ben Okafor is saved.")
    face = page.get_by_role("img", name="Photo of Ben Okafor")
    expect(face).to_be_visible()
    page.wait_for_function("() => document.querySelector('img.face').naturalWidth === 64")  # from the bucket
    assert call(base, "GET", f"/users/{ben['id']}", token=token)[1]["photo_url"]
    page.get_by_label("Replace the photo of Ben Okafor").set_input_files(
        files=[{"name": "ben.gif", "mimeType": "image/gif", "buffer": b"GIF89a"}])
    expect(page.locator(f"#f-photo-{ben['id']}-error")).to_contain_text("must be one of image/jpeg")
    shoot(page, tmp_path, "7-team")

    # Deactivated: Ben's next call is refused; his visits stay his; reactivated, he may work again.
    page.get_by_role("button", name="Deactivate Ben Okafor").click()
    announced(page, "Ben Okafor is deactivated: they cannot sign in; their history stays.")
    status, body = call(base, "GET", "/technicians/me/appointments", token=ben["token"])
    assert (status, body["error"]["message"]) == (401, "this user is deactivated")
    after = {a["id"]: a["technician_id"] for a in call(base, "GET", "/appointments", token=token)[1]["items"]}
    assert all(after[a["id"]] == ben["id"] for a in bens_visits)
    expect(page.locator("li.entry", has_text="Ben Okafor")).to_contain_text("Deactivated")
    shoot(page, tmp_path, "8-team-deactivated")
    page.get_by_role("button", name="Reactivate Ben Okafor").click()
    announced(page, "Ben Okafor is active again.")
    assert call(base, "GET", "/technicians/me/appointments", token=ben["token"])[0] == 200
    # Dana cannot demote herself (nor deactivate herself: no such button): the API's words, nothing changed.
    expect(page.get_by_role("button", name="Deactivate Dana Dispatch")).to_have_count(0)
    page.get_by_label("Role of Dana Dispatch").select_option(label="Technician")
    page.locator("li.entry", has_text="Dana Dispatch").get_by_role("button", name="Save the role").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot deactivate or demote themselves")
    expect(page.get_by_label("Role of Dana Dispatch")).to_have_value("technician")  # as chosen
    assert all(u["active"] for u in call(base, "GET", "/users", token=token)[1]["items"])
    dana = next(u for u in call(base, "GET", "/users", token=token)[1]["items"] if u["name"] == "Dana Dispatch")
    assert dana["roles"] == ["dispatcher"]


def test_the_settings_fit_a_tablet(browser, stack, tmp_path):
    for page in console_page(browser, stack, TABLET):
        sign_in(page, stack)
        for link, loaded in (("Messages", page.get_by_role("button", name="Edit Booking confirmation")),
                             ("Locations and hours", page.get_by_role("heading", name="Working hours of the organization")),
                             ("Channels", page.get_by_label("Step 1", exact=True)),
                             ("Team", page.get_by_role("heading", name="Ben Okafor"))):
            page.get_by_role("link", name=link, exact=True).click()
            expect(loaded).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"], link  # no sideways scroll
            shoot(page, tmp_path, f"tablet-{link.split()[0].lower()}")
