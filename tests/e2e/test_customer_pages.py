"""The customer's pages behind the links in texts (/c/{token}), through chalice.test.Client on moto."""
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from .conftest import add_user, window
from .test_two_way import inbound

SAM = "+13035550177"
DENVER_HOME = {"lat": 39.7392, "lon": -104.9903}


class Page:
    def __init__(self, r):
        self.status, self.headers = r.status_code, {k.lower(): v for k, v in r.headers.items()}
        self.text = r.body.decode() if isinstance(r.body, bytes) else (r.body or "")

    def json(self):
        return json.loads(self.text)


def fetch(api, method: str, path: str, *, form: dict | None = None, body=None, accept: str = "text/html"):
    headers = {"Accept": accept}
    data = b""
    if form is not None:
        headers["Content-Type"], data = "application/x-www-form-urlencoded", urlencode(form).encode()
    elif body is not None:
        headers["Content-Type"], data = "application/json", json.dumps(body).encode()
    return Page(api.client.http.request(method, path, headers=headers, body=data))


class Rows(HTMLParser):
    """The classes of each element of the page's live card, by its first class (eta, where): a hidden row
    is still in the HTML (page.js shows it when status.json says so), with the class `hidden`."""
    def __init__(self, text: str):
        super().__init__()
        self.classes: dict[str, list[set[str]]] = {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if classes:
            self.classes.setdefault(classes[0], []).append(set(classes))

    def shown(self, row: str) -> bool:
        (first, *others) = self.classes[row]
        assert all(c == first for c in others), f"the {row} row is half shown"
        return "hidden" not in first


def token_in(text: str) -> str:
    return re.search(r"/c/([A-Za-z0-9_-]{22})", text).group(1)


def last_token(stream, phone: str = SAM) -> str:
    return token_in([body for to, body in stream.texts(phone) if "/c/" in body][-1])


@pytest.fixture
def visit(api, org, stream):
    """A booked visit with Ana, 2 days out, its booking confirmation (with the status link) sent."""
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    customer = api.post("/customers", org.dispatcher, {
        "name": "Sam Rivera", "phone": SAM, "time_zone": "America/Denver", "address": "12 Elm St, Denver",
        "coordinates": DENVER_HOME}).body
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer["id"], "description": "Leak under the sink",
                                             "appointment": {**window(days=2), "technician_id": tech_id}}).body
    stream.settle()
    return {"job": job, "appointment": job["appointments"][0]["id"], "tech": tech, "tech_id": tech_id,
            "customer": customer, "token": last_token(stream)}


def job_now(api, org, visit):
    return api.get(f"/jobs/{visit['job']['id']}", org.dispatcher).body


def test_status_page_shows_the_visit_safely_and_nothing_internal(api, org, visit):
    api.post(f"/jobs/{visit['job']['id']}/notes", org.dispatcher, {"text": "Gate code 4411", "visibility": "private"})
    api.post(f"/jobs/{visit['job']['id']}/notes", org.dispatcher, {"text": "Bring a ladder", "visibility": "public"})
    page = fetch(api, "GET", f"/c/{visit['token']}")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-robots-tag"] == "noindex"
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "acme Services" in page.text and "Thu 3 Dec, 10am-12pm" in page.text and "Ana" in page.text
    assert "Scheduled" in page.text and "Confirm visit" in page.text and "Cancel visit" in page.text
    assert "acme Services: visit booked for Thu 3 Dec" in page.text  # the conversation
    for secret in (visit["job"]["id"], visit["appointment"], visit["customer"]["id"], visit["tech_id"], "Alvarez",
                   "Gate code", "Bring a ladder", "Leak under the sink", org.id):
        assert secret not in page.text, secret


def test_status_json_is_the_contract_and_shows_the_position_only_while_en_route(api, org, visit, clock):
    token, tech = visit["token"], visit["tech"]
    api.put("/technicians/me/location", tech, {"lat": 39.70, "lon": -104.95})
    before = fetch(api, "GET", f"/c/{token}/status.json").json()
    assert {"company", "window_start", "window_end", "status", "technician_first_name", "eta", "position",
            "messages", "actions"} <= set(before)
    assert before["position"] is None and before["technician_first_name"] == "Ana"
    assert before["window_start"] == visit["job"]["appointments"][0]["window_start"]
    assert set(before["actions"]) == {"reply", "confirm", "cancel", "reschedule", "access_notes"} and before["live"] is True
    assert before["messages"][0]["direction"] == "outbound" and before["messages"][0]["from"] == "acme Services"

    eta = (clock.now + timedelta(days=2, minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    clock.advance(days=2)
    assert api.post(f"/appointments/{visit['appointment']}/status", tech, {"action": "en_route", "eta": eta}).status == 200
    assert fetch(api, "GET", f"/c/{token}/status.json").json()["position"] is None  # where Ana was before setting off
    clock.advance(minutes=3)
    api.put("/technicians/me/location", tech, {"lat": 39.72, "lon": -104.97})
    clock.advance(minutes=2)
    moving = fetch(api, "GET", f"/c/{token}/status.json").json()
    assert moving["status"] == "en_route" and moving["status_text"] == "On the way"
    assert moving["eta"] == eta and moving["eta_text"] == "10:20am"
    assert moving["position"]["lat"] == 39.72 and moving["position"]["updated"] == "2 min ago"
    assert moving["distance_text"].endswith("km) away") and "39.72000%2C-104.97000" in moving["maps_url"]
    html = fetch(api, "GET", f"/c/{token}").text
    assert "Position updated 2 min ago" in html and "Open in maps" in html and "10:20am" in html
    assert Rows(html).shown("eta") and Rows(html).shown("where")

    assert api.post(f"/appointments/{visit['appointment']}/status", tech, {"action": "start"}).status == 200
    started = fetch(api, "GET", f"/c/{token}/status.json").json()
    assert started["position"] is None and started["maps_url"] is None and started["live"] is False
    html = fetch(api, "GET", f"/c/{token}").text
    assert not Rows(html).shown("eta") and not Rows(html).shown("where")  # arrived: no ETA, no position
    assert "10:20am" not in html and "Position updated" not in html


def test_a_page_reply_lands_on_the_job_like_a_text_even_where_direct_reply_is_off(api, org, stream, visit, clock):
    clock.advance(minutes=1)  # the newer job is the one a text reply goes to
    location = api.post("/settings/locations", org.dispatcher, {"name": "Boulder", "time_zone": "America/Denver",
                                                                "direct_reply_enabled": False}).body
    job = api.post("/jobs", org.dispatcher, {"customer_id": visit["customer"]["id"], "description": "Boiler",
                                             "location_id": location["id"],
                                             "appointment": {**window(days=3), "technician_id": visit["tech_id"]}}).body
    stream.settle()
    token = last_token(stream)
    texts_before = len(stream.texts(SAM))
    first = fetch(api, "POST", f"/c/{token}/reply", form={"body": "  Please ring twice  ", "nonce": "form-key-1"})
    assert first.status == 303 and first.headers["location"] == f"../{token}?done=replied"
    again = fetch(api, "POST", f"/c/{token}/reply", form={"body": "  Please ring twice  ", "nonce": "form-key-1"})
    assert again.status == 303  # the same form twice: one message
    clock.advance(minutes=1)
    assert fetch(api, "POST", f"/c/{token}/reply", body={"body": "Dog is friendly"}).status == 201

    for reader in (org.dispatcher, visit["tech"]):
        inbound_messages = [m for m in api.get(f"/jobs/{job['id']}/messages", reader).body["items"]
                            if m["direction"] == "inbound"]
        assert [m["body"] for m in inbound_messages] == ["Please ring twice", "Dog is friendly"]
    # The same shape as a text reply on the first job
    assert inbound(api, _org_number(org), "See you then")["outcome"] == "recorded_direct_reply_off"
    by_text = [m for m in api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
               if m["direction"] == "inbound"][-1]
    assert {k: by_text[k] for k in ("from", "to", "status")} == {
        k: inbound_messages[0][k] for k in ("from", "to", "status")} == {
        "from": SAM, "to": _org_number(org), "status": "received"}
    assert len(stream.texts(SAM)) == texts_before + 1  # the page sent nothing; the text got the "not enabled" answer
    page = fetch(api, "GET", f"/c/{token}?done=replied").text
    assert "Message sent" in page and "Please ring twice" in page and "You to acme Services ·" in page


def _org_number(org) -> str:
    from chalicelib.bootstrap import store_repositories
    return store_repositories().organizations.get(org.id).sms_number


def test_confirm_has_the_effect_of_replying_c_and_a_double_submit_does_one_thing(api, org, visit):
    from chalicelib.bootstrap import store_repositories
    job_id, appointment_id = visit["job"]["id"], visit["appointment"]
    assert [t for t in store_repositories().timers.of_appointment(org.id, job_id, appointment_id) if t.kind == "confirmation_followup"]
    assert fetch(api, "POST", f"/c/{visit['token']}/confirm", form={"nonce": "abcdefgh1"}).status == 303
    after = job_now(api, org, visit)
    assert after["appointments"][0]["confirmation"] == "confirmed"
    assert not [t for t in store_repositories().timers.of_appointment(org.id, job_id, appointment_id)
                if t.kind == "confirmation_followup"]
    again = fetch(api, "POST", f"/c/{visit['token']}/confirm", body={})
    assert again.status == 200 and again.json()["status_text"] == "Confirmed" and "confirm" not in again.json()["actions"]
    assert job_now(api, org, visit)["appointments"][0]["version"] == after["appointments"][0]["version"]
    page = fetch(api, "GET", f"/c/{visit['token']}?done=confirmed").text
    assert "your visit is confirmed" in page and "Confirm visit" not in page


def test_cancel_is_by_the_customer_without_coupon_and_refused_inside_the_cutoff(api, org, stream, visit, clock):
    token = visit["token"]
    job = job_now(api, org, visit)
    clock.now = clock.now + timedelta(days=2, minutes=1) - timedelta(hours=1)  # 59 min before the window
    refused = fetch(api, "POST", f"/c/{token}/cancel", form={"reason": "Found someone else"})
    assert refused.status == 409 and _org_number(org) in refused.text and "too late to cancel online" in refused.text
    assert "To cancel now, please call" in refused.text
    assert fetch(api, "POST", f"/c/{token}/cancel", body={"reason": "x"}).json()["error"]["code"] == "cancel_cutoff"
    assert job_now(api, org, visit)["version"] == job["version"]
    assert "To cancel now, please call" in fetch(api, "GET", f"/c/{token}").text

    clock.now = clock.now - timedelta(hours=2)  # back before the cutoff (a fresh test clock)
    assert fetch(api, "POST", f"/c/{token}/cancel", form={"reason": "Found someone else"}).status == 303
    assert fetch(api, "POST", f"/c/{token}/cancel", form={"reason": "Found someone else"}).status == 303
    canceled = job_now(api, org, visit)
    assert canceled["status"] == "canceled" and canceled["coupon"] is None and canceled["version"] == job["version"] + 1
    assert canceled["cancel_reason"] == "Found someone else" and canceled["canceled_by"] == "customer"


def test_reschedule_request_lands_in_retention_once(api, org, visit):
    assert fetch(api, "POST", f"/c/{visit['token']}/reschedule", form={}).status == 303
    assert fetch(api, "POST", f"/c/{visit['token']}/reschedule", body={}).status == 201
    (entry,) = api.get("/queues/retention", org.dispatcher).body["items"]
    assert entry["job_id"] == visit["job"]["id"] and "reschedule" in entry["reason"]


def complete(api, stream, visit):
    for action in ("en_route", "start", "complete"):
        assert api.post(f"/appointments/{visit['appointment']}/status", visit["tech"], {"action": action}).status == 200
    stream.settle()
    return last_token(stream)


def test_feedback_once_per_job_visible_to_the_dispatcher(api, org, stream, visit, clock):
    token = complete(api, stream, visit)
    page = fetch(api, "GET", f"/c/{token}")
    assert page.status == 200 and "How did we do?" in page.text and 'name="rating"' in page.text
    given = fetch(api, "POST", f"/c/{token}/feedback", body={"rating": 4, "comment": "Quick and tidy"})
    assert given.status == 201 and given.json()["rating"] == 4
    second = fetch(api, "POST", f"/c/{token}/feedback", form={"rating": "1", "comment": "changed my mind"})
    assert second.status == 409 and "You rated this visit 4 out of 5" in second.text
    assert fetch(api, "POST", f"/c/{token}/feedback", body={"rating": 2}).status == 409
    assert job_now(api, org, visit)["feedback"]["rating"] == 4
    listed = api.get("/feedback?from=2026-12-01&to=2026-12-01", org.dispatcher).body["items"]
    assert listed == [{"job_id": visit["job"]["id"], "rating": 4, "comment": "Quick and tidy",
                       "created_at": "2026-12-01T17:00:00Z"}]
    assert api.get("/feedback?from=2026-12-02&to=2026-12-03", org.dispatcher).body["items"] == []
    assert api.get("/feedback?from=2026-12-03&to=2026-12-01", org.dispatcher).error == "validation_error"
    assert api.get("/feedback", visit["tech"]).status == 403


@pytest.mark.parametrize("form, field, says", [
    ({}, "rating", "Choose a rating"),
    ({"rating": "9"}, "rating", "from 1 to 5"),
    ({"rating": "4", "comment": "x" * 5000}, "comment", "under 2000 characters"),
    ({"rating": "four"}, "rating", "whole number"),
])
def test_bad_feedback_is_explained_on_the_page_and_changes_nothing(api, org, stream, visit, form, field, says):
    token = complete(api, stream, visit)
    page = fetch(api, "POST", f"/c/{token}/feedback", form=form)
    assert page.status == 400 and says in page.text and f'id="{field}-error"' in page.text
    if "comment" in form:
        assert form["comment"] in page.text  # what was typed is kept
    assert fetch(api, "POST", f"/c/{token}/feedback", body=form).json()["error"]["code"] == "validation_error"
    assert job_now(api, org, visit)["feedback"] is None


def test_bad_replies_and_forged_actions_change_nothing(api, org, stream, visit):
    token = visit["token"]
    before = api.get(f"/jobs/{visit['job']['id']}/messages", org.dispatcher).body["items"]
    blank = fetch(api, "POST", f"/c/{token}/reply", form={"body": "   \n  "})
    assert blank.status == 400 and "Write a message before sending" in blank.text
    long = fetch(api, "POST", f"/c/{token}/reply", form={"body": "y" * 1601})
    assert long.status == 400 and "under 1600 characters" in long.text and "y" * 1601 in long.text
    assert fetch(api, "POST", f"/c/{token}/reply", body=["not", "an", "object"]).status == 400
    assert fetch(api, "POST", f"/c/{token}/reply", form={"body": "hi", "nonce": "<script>"}).status == 400
    assert fetch(api, "POST", f"/c/{token}/cancel", form={"reason": " "}).status == 400
    assert fetch(api, "POST", f"/c/{token}/feedback", body={"rating": 5}).status == 404  # a status link
    feedback_token = complete(api, stream, visit)
    for action in ("confirm", "cancel", "reply", "reschedule"):  # a feedback link opens no other action
        assert fetch(api, "POST", f"/c/{feedback_token}/{action}", body={"reason": "x", "body": "x"}).status == 404
    late = fetch(api, "POST", f"/c/{token}/confirm", form={})  # the visit is complete: not offered any more
    assert late.status == 409 and "cannot be confirmed" in late.text
    after = api.get(f"/jobs/{visit['job']['id']}/messages", org.dispatcher).body["items"]
    assert [m for m in after if m["direction"] == "inbound"] == [m for m in before if m["direction"] == "inbound"]
    assert job_now(api, org, visit)["appointments"][0]["confirmation"] == "pending"


def test_tampered_truncated_random_other_purpose_and_expired_tokens(api, org, stream, visit, clock, aws_calls):
    token = visit["token"]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, token[:-3], "x" * 22, "not a token at all"):
        page = fetch(api, "GET", f"/c/{bad}")
        assert page.status == 404 and "This link does not work" in page.text and page.headers["cache-control"] == "no-store"
        assert fetch(api, "POST", f"/c/{bad}/confirm", body={}).json()["error"]["code"] == "not_found"
        assert fetch(api, "GET", f"/c/{bad}/status.json").status == 404
    calls = len(aws_calls)
    fetch(api, "GET", f"/c/{token[:-3]}")
    assert len(aws_calls) == calls  # not even looked up

    feedback_token = complete(api, stream, visit)
    assert fetch(api, "GET", f"/c/{feedback_token}/status.json").status == 404
    version = job_now(api, org, visit)["version"]
    clock.advance(days=31)
    for expired in (token, feedback_token):
        page = fetch(api, "GET", f"/c/{expired}")
        assert page.status == 410 and "This link has expired" in page.text and _org_number(org) in page.text
        assert fetch(api, "POST", f"/c/{expired}/reply", body={"body": "hello"}).json()["error"]["code"] == "gone"
    assert fetch(api, "POST", f"/c/{feedback_token}/feedback", body={"rating": 5}).status == 410
    assert job_now(api, org, visit)["version"] == version and job_now(api, org, visit)["feedback"] is None


def test_a_poll_reads_by_key_only_and_two_calls_once_the_page_is_open(api, org, visit, aws_calls):
    del aws_calls[:]
    assert fetch(api, "GET", f"/c/{visit['token']}").status == 200
    # The link, the job's partition, its context; and the customer's contacts (whom a reply may also go to).
    assert [op for service, op in aws_calls if service == "dynamodb"] == ["GetItem", "Query", "BatchGetItem", "Query"]
    del aws_calls[:]
    assert fetch(api, "GET", f"/c/{visit['token']}/status.json").status == 200
    assert [op for service, op in aws_calls if service == "dynamodb"] == ["Query", "BatchGetItem"]


def test_branding_colour_and_logo_show_under_the_csp(api, org, visit):
    assert api.put("/settings/branding", org.dispatcher, {"brand_color": "red"}).error == "validation_error"
    assert api.put("/settings/branding", org.dispatcher, {"logo_url": "javascript:alert(1)"}).error == "validation_error"
    r = api.put("/settings/branding", org.dispatcher, {"brand_color": "#0a7d5a", "logo_url": "https://cdn.acme.example/logo.png"})
    assert r.status == 200 and r.body == {"brand_color": "#0a7d5a", "logo_url": "https://cdn.acme.example/logo.png"}
    page = fetch(api, "GET", f"/c/{visit['token']}")
    nonce = re.search(r'<style nonce="([^"]+)">:root\{--brand:#0a7d5a\}', page.text).group(1)
    csp = page.headers["content-security-policy"]
    assert f"'nonce-{nonce}'" in csp and "img-src 'self' https://cdn.acme.example;" in csp
    assert 'src="https://cdn.acme.example/logo.png"' in page.text


def test_assets_are_served_from_the_package(api):
    css = fetch(api, "GET", "/assets/page.css")
    js = fetch(api, "GET", "/assets/page.js")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css") and "--brand" in css.text
    assert js.status == 200 and js.headers["content-type"].startswith("text/javascript")
    assert fetch(api, "GET", "/assets/app.py").status == 404


def test_the_openapi_document_lists_the_customer_pages_and_feedback(api):
    paths = api.get("/openapi.json").body["paths"]
    for method, path in [("get", "/c/{token}"), ("get", "/c/{token}/status.json"), ("post", "/c/{token}/reply"),
                         ("post", "/c/{token}/confirm"), ("post", "/c/{token}/cancel"),
                         ("post", "/c/{token}/reschedule"), ("post", "/c/{token}/feedback"), ("get", "/feedback"),
                         ("get", "/settings/branding"), ("put", "/settings/branding")]:
        assert method in paths.get(path, {}), (method, path)
    assert "security" not in paths["/c/{token}"]["get"]
    assert {p["name"] for p in paths["/feedback"]["get"]["parameters"]} >= {"from", "to"}


def test_the_rebook_link_of_a_canceled_visit_opens_the_time_frame_picker(api, org, stream, visit):
    assert api.post(f"/jobs/{visit['job']['id']}/cancel", org.dispatcher, {"reason": "technician out sick"}).status == 200
    stream.settle()
    text = [body for to, body in stream.texts(SAM) if "canceled" in body][-1]
    token = token_in(text)
    page = fetch(api, "GET", f"/c/{token}")
    assert page.status == 200 and "Canceled" in page.text and "Book a new visit" in page.text
    assert "None of these work?" in page.text
    assert "Confirm visit" not in page.text and "Write to" not in page.text  # a rebook link, not the status page
    assert fetch(api, "POST", f"/c/{token}/reply", body={"body": "hi"}).status == 404
    assert fetch(api, "POST", f"/c/{token}/reschedule", form={}).status == 303
    (entry,) = api.get("/queues/retention", org.dispatcher).body["items"]
    assert entry["job_id"] == visit["job"]["id"]


def test_the_still_assigning_link_shows_a_visit_without_a_technician(api, org, stream, clock):
    customer = api.post("/customers", org.dispatcher, {"name": "Lee Chen", "phone": "+13035550178"}).body
    api.post("/jobs", org.dispatcher, {"customer_id": customer["id"], "description": "AC tune-up",
                                       "appointment": window(days=1)})
    stream.settle()
    page = fetch(api, "GET", f"/c/{last_token(stream, '+13035550178')}")
    assert page.status == 200 and "assigning a technician" in page.text and "Being assigned" in page.text
