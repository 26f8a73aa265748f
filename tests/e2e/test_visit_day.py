"""The visit day on moto: the code the customer asks for at the door (status.json and the page from the visit's
day, the technician's day always, a provider never)."""
import json
import re
from datetime import UTC, datetime

from .conftest import add_user, new_customer
from .test_customer_pages import fetch, last_token
from .test_customer_pages import visit as visit  # noqa: F401 - the booked visit with Ana, 2 days out

VISIT_DAY = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)  # midnight in Denver on Thu 3 Dec, the visit's day


def status(api, token: str) -> dict:
    r = fetch(api, "GET", f"/c/{token}/status.json", accept="application/json")
    assert r.status == 200, r.text
    return r.json()


def test_the_code_is_null_the_day_before_and_on_the_page_on_the_day(api, visit, clock):
    assert status(api, visit["token"])["visit_code"] is None
    clock.now = datetime(2026, 12, 3, 6, 59, tzinfo=UTC)  # 23:59 on Wed in Denver
    assert status(api, visit["token"])["visit_code"] is None
    assert '<p class="code hidden">Ask for the code at the door: <strong data-field="visit_code"></strong>' in \
        fetch(api, "GET", f"/c/{visit['token']}").text  # the row page.js shows when the day comes
    clock.now = VISIT_DAY
    code = status(api, visit["token"])["visit_code"]
    assert re.fullmatch(r"\d{4}", code)
    page = fetch(api, "GET", f"/c/{visit['token']}").text
    assert re.search(rf'<p class="code">Ask for the code at the door: <strong data-field="visit_code">{code}</strong>',
                     page)
    day = api.get("/technicians/me/appointments?date=2026-12-03", visit["tech"]).body["items"]
    assert [(a["id"], a["visit_code"]) for a in day] == [(visit["appointment"], code)]


def a_providers_offer_booked(api, org, stream):
    """A provider's offer, accepted and booked with Ana on the visit day: (job, Ana's token, provider's, booking)."""
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    _, provider = add_user(api, org, "Brand Portal", "provider")
    offered = api.post("/jobs", provider, {"customer_id": new_customer(api, org), "description": "Warranty"}).body
    assert api.post(f"/jobs/{offered['id']}/accept", org.dispatcher).status == 200
    r = api.post(f"/jobs/{offered['id']}/appointments", org.dispatcher,
                 {"window_start": "2026-12-03T17:00:00Z", "window_end": "2026-12-03T19:00:00Z", "technician_id": tech_id})
    assert r.status == 201, r.body
    stream.settle()
    return offered, tech, provider, r


def test_a_provider_never_sees_the_code(api, org, stream, clock):
    offered, tech, provider, r = a_providers_offer_booked(api, org, stream)
    clock.now = VISIT_DAY
    code = status(api, last_token(stream))["visit_code"]
    (mine,) = api.get("/technicians/me/appointments?date=2026-12-03", tech).body["items"]
    assert mine["visit_code"] == code
    seen = [api.get(f"/jobs/{offered['id']}", provider), api.get("/jobs", provider),
            api.get(f"/jobs/{offered['id']}", org.dispatcher), r]
    assert all(s.status == 200 for s in seen[:3])
    assert not [s for s in seen if "visit_code" in json.dumps(s.body) or f'"{code}"' in json.dumps(s.body)]


# -- the technician card ---------------------------------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2b2f0a40000000049454e44ae426082")


def test_the_technician_uploads_a_photo_and_the_page_shows_it_by_a_working_url(api, visit):
    import requests
    assert status(api, visit["token"])["technician"] == {"first_name": "Ana", "photo_url": None}
    r = api.post(f"/users/{visit['tech_id']}/photo", visit["tech"], {"content_type": "image/png"})
    assert r.status == 201, r.body
    assert (r.body["user_id"], r.body["content_type"]) == (visit["tech_id"], "image/png")
    put = requests.put(r.body["upload_url"], data=PNG, headers={"Content-Type": "image/png"}, timeout=10)
    assert put.status_code == 200, put.text
    shown = status(api, visit["token"])["technician"]
    assert shown["first_name"] == "Ana" and "Alvarez" not in json.dumps(shown)
    got = requests.get(shown["photo_url"], timeout=10)
    assert (got.status_code, got.content, got.headers["Content-Type"]) == (200, PNG, "image/png")
    assert "X-Amz-Expires=900" in shown["photo_url"]  # a URL of minutes: the bucket stays private
    page = fetch(api, "GET", f"/c/{visit['token']}")
    src = shown["photo_url"].split("?")[0]
    assert f'<img class="face" src="{src}' in page.text and 'alt="Photo of Ana, your technician"' in page.text
    origin = "/".join(src.split("/")[:3])
    assert f"img-src 'self' {origin};" in page.headers["content-security-policy"]


def test_a_dispatcher_sets_the_photo_a_bad_type_or_another_technician_is_refused(api, org, visit):
    r = api.post(f"/users/{visit['tech_id']}/photo", org.dispatcher, {"content_type": "image/jpeg"})
    assert r.status == 201 and ".jpg?" in r.body["upload_url"]
    r = api.post(f"/users/{visit['tech_id']}/photo", visit["tech"], {"content_type": "image/gif"})
    assert (r.status, r.error) == (400, "validation_error") and "content_type" in json.dumps(r.body)
    _, bo = add_user(api, org, "Bo Berg", "technician")
    assert api.post(f"/users/{visit['tech_id']}/photo", bo, {"content_type": "image/png"}).status == 403
    assert api.post("/users/usr_0000000000000000/photo", org.dispatcher, {"content_type": "image/png"}).status == 404
    assert api.post(f"/users/{visit['tech_id']}/photo", visit["tech"], {}).status == 400


# -- access notes ------------------------------------------------------------------------------------

NOTES = {"gate_code": "4411#", "pets": "a friendly dog, Rex", "parking": "in the driveway", "other": "side door"}


def visit_date(visit) -> str:
    from zoneinfo import ZoneInfo
    start = datetime.fromisoformat(visit["job"]["appointments"][0]["window_start"].replace("Z", "+00:00"))
    return start.astimezone(ZoneInfo("America/Denver")).date().isoformat()


def test_the_customer_leaves_access_notes_on_the_page_and_the_technician_and_dispatcher_read_them(api, org, visit,
                                                                                                   stream):
    texts = len(stream.texts("+13035550177"))
    page = fetch(api, "GET", f"/c/{visit['token']}").text
    assert 'action="../c/' + visit["token"] + '/access-notes"' in page and 'id="gate_code"' in page
    posted = fetch(api, "POST", f"/c/{visit['token']}/access-notes", form=NOTES)
    assert posted.status == 303 and posted.headers["location"] == f"../{visit['token']}?done=access"
    assert "your technician will see your notes" in fetch(api, "GET", f"/c/{visit['token']}?done=access").text
    page = fetch(api, "GET", f"/c/{visit['token']}").text
    assert 'value="4411#"' in page and ">side door</textarea>" in page  # kept in the form, to edit
    assert status(api, visit["token"])["access_notes"] == NOTES
    (mine,) = api.get(f"/technicians/me/appointments?date={visit_date(visit)}", visit["tech"]).body["items"]
    assert mine["access_notes"] == NOTES
    assert mine["customer"]["coordinates"] == {"lat": 39.7392, "lon": -104.9903}  # the app estimates the drive
    assert api.get(f"/jobs/{visit['job']['id']}", visit["tech"]).body["appointments"][0]["access_notes"] == NOTES
    assert api.get(f"/jobs/{visit['job']['id']}", org.dispatcher).body["appointments"][0]["access_notes"] == NOTES
    stream.settle()
    assert len(stream.texts("+13035550177")) == texts  # notes for the technician: no text to anyone


def test_a_put_keeps_the_fields_left_out_and_clears_the_empty_ones(api, visit):
    r = fetch(api, "PUT", f"/c/{visit['token']}/access-notes", body=NOTES, accept="application/json")
    assert r.status == 200 and r.json()["access_notes"] == NOTES
    r = fetch(api, "PUT", f"/c/{visit['token']}/access-notes", body={"pets": "", "gate_code": " 9911 "},
              accept="application/json")
    assert r.status == 200, r.text
    assert r.json()["access_notes"] == {**NOTES, "pets": None, "gate_code": "9911"}


def test_bad_access_notes_are_refused_at_the_field_and_change_nothing(api, visit):
    assert fetch(api, "PUT", f"/c/{visit['token']}/access-notes", body=NOTES, accept="application/json").status == 200
    for bad, field in (({"gate_code": "9" * 201}, "gate_code"), ({"gate": "1234"}, "gate"), ({"pets": 3}, "pets"),
                       ({**NOTES, "other": "x" * 201}, "other")):
        r = fetch(api, "PUT", f"/c/{visit['token']}/access-notes", body=bad, accept="application/json")
        assert r.status == 400 and r.json()["error"]["message"].startswith(f"{field}: "), (bad, r.text)
    assert fetch(api, "PUT", f"/c/{visit['token']}/access-notes", body=[1], accept="application/json").status == 400
    assert status(api, visit["token"])["access_notes"] == NOTES
    typed = {**NOTES, "parking": "p" * 201}
    again = fetch(api, "POST", f"/c/{visit['token']}/access-notes", form=typed)
    assert again.status == 400 and "Keep it under 200 characters (it has 201)" in again.text
    assert f'value="{"p" * 201}" aria-invalid="true" aria-describedby="parking-error"' in again.text  # what was typed
    assert status(api, visit["token"])["access_notes"] == NOTES


def test_once_the_visit_has_started_the_notes_are_shown_and_no_longer_changed(api, visit):
    assert fetch(api, "PUT", f"/c/{visit['token']}/access-notes", body=NOTES, accept="application/json").status == 200
    r = api.post(f"/appointments/{visit['appointment']}/status", visit["tech"], {"action": "start"})
    assert r.status == 200, r.body
    late = fetch(api, "PUT", f"/c/{visit['token']}/access-notes", body={"gate_code": "0000"},
                 accept="application/json")
    assert late.status == 409 and "write to us in the messages" in late.json()["error"]["message"]
    assert status(api, visit["token"])["access_notes"] == NOTES
    assert "access_notes" not in status(api, visit["token"])["actions"]
    page = fetch(api, "GET", f"/c/{visit['token']}").text
    assert "<dt>Gate or door code</dt><dd>4411#</dd>" in page and 'id="gate_code"' not in page


def test_a_provider_never_sees_the_access_notes(api, org, stream):
    offered, _, provider, _ = a_providers_offer_booked(api, org, stream)
    token = last_token(stream)
    assert fetch(api, "PUT", f"/c/{token}/access-notes", body=NOTES, accept="application/json").status == 200
    assert api.get(f"/jobs/{offered['id']}", org.dispatcher).body["appointments"][0]["access_notes"] == NOTES
    seen = [api.get(f"/jobs/{offered['id']}", provider), api.get("/jobs", provider)]
    assert all(s.status == 200 for s in seen)
    assert not [s for s in seen if "4411" in json.dumps(s.body) or "Rex" in json.dumps(s.body)]
