"""Bad input gets a 4xx in the house error format, naming the field, and stores nothing."""
import pytest

from chalicelib.store import keys
from chalicelib.store.models import Entity, bind

from .conftest import add_user, new_customer, window


def stored(org, prefix: str) -> int:
    bind()
    return sum(1 for _ in Entity.query(keys.org(org.id), Entity.sk.startswith(prefix)))


def job_items(org, job_id: str) -> list:
    bind()
    return sorted((i.sk, i.attribute_values.get("version")) for i in Entity.query(keys.job(org.id, job_id)))


@pytest.mark.parametrize("body,field", [
    ({"name": "Sam", "phone": "555-0199"}, "phone"),
    ({"name": "Sam", "phone": "+1303"}, "phone"),
    ({"name": "Sam", "phone": "+13035550177", "time_zone": "Mars/Olympus"}, "time_zone"),
    ({"name": "Sam", "phone": "+13035550177", "email": "not-an-email"}, "email"),
    ({"phone": "+13035550177"}, "name"),
    ({"name": "", "phone": "+13035550177"}, "name"),
    ({"name": "Sam", "phone": "+13035550177", "vip": True}, "vip"),
    ({"name": ["Sam"], "phone": "+13035550177"}, "name"),
])
def test_bad_customer_is_refused_naming_the_field(api, org, body, field):
    r = api.post("/customers", org.dispatcher, body)
    assert r.status == 400 and r.body["error"]["code"] == "validation_error", r.body
    assert r.body["error"]["message"].startswith(field), r.body
    assert stored(org, "CUST#") == 0


def test_malformed_json_and_non_object_bodies(api, org):
    for raw in (b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"):
        r = api.call("POST", "/customers", org.dispatcher, raw=raw)
        assert r.status == 400 and r.body["error"]["code"] == "validation_error" and "body" in r.body["error"]["message"]
    r = api.call("POST", "/customers", org.dispatcher, raw=b"name=Sam", headers={"Content-Type": "text/plain"})
    assert r.status == 415 and r.body["error"]["code"] == "unsupported_media_type"
    assert stored(org, "CUST#") == 0


def test_a_phone_is_stored_in_e164(api, org):
    r = api.post("/customers", org.dispatcher, {"name": "Sam", "phone": "+1 (303) 555-0177"})
    assert r.status == 201 and r.body["phone"] == "+13035550177"


@pytest.mark.parametrize("appointment,field", [
    ({"window_start": "2026-12-01T11:00:00Z", "window_end": "2026-12-01T09:00:00Z"}, "appointment"),
    ({"window_start": "2026-12-01T11:00:00", "window_end": "2026-12-01T13:00:00Z"}, "appointment.window_start"),
    ({"window_start": "tomorrow", "window_end": "2026-12-01T13:00:00Z"}, "appointment.window_start"),
    ({"window_start": "2026-12-01T11:00:00Z"}, "appointment.window_end"),
    ({**window(), "technician_id": "usr_nobody"}, "technician_id"),
])
def test_bad_appointment_in_a_new_job_stores_nothing(api, org, appointment, field):
    customer_id = new_customer(api, org)
    r = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "x", "appointment": appointment})
    assert r.status == 400 and r.body["error"]["message"].startswith(field), r.body
    assert api.get("/jobs", org.dispatcher).body["items"] == []


def test_unknown_customer_or_location_for_a_job(api, org):
    r = api.post("/jobs", org.dispatcher, {"customer_id": "cus_nope", "description": "x"})
    assert r.status == 400 and r.body["error"]["message"].startswith("customer_id")
    customer_id = new_customer(api, org)
    r = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "x", "location_id": "loc_x"})
    assert r.status == 400 and r.body["error"]["message"].startswith("location_id")
    assert api.get("/jobs", org.dispatcher).body["items"] == []


@pytest.fixture
def scheduled(api, org):
    tech_id, tech = add_user(api, org, "Ana Tech", "technician")
    customer_id = new_customer(api, org)
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Leak",
                                             "appointment": {**window(), "technician_id": tech_id}}).body
    return job, job["appointments"][0]["id"], tech


def test_unknown_action_or_missing_eta_changes_nothing(api, org, scheduled):
    job, appointment_id, tech = scheduled
    before = job_items(org, job["id"])
    for body, field in [({"action": "teleport"}, "action"), ({"action": "delay"}, "eta"),
                        ({"action": "en_route", "eta": "soon"}, "eta"), ({}, "action"),
                        ({"action": "start", "mood": "happy"}, "mood")]:
        r = api.post(f"/appointments/{appointment_id}/status", tech, body)
        assert r.status == 400 and r.body["error"]["message"].startswith(field), (body, r.body)
    assert job_items(org, job["id"]) == before


def test_refused_transition_is_409_and_changes_nothing(api, org, scheduled):
    job, appointment_id, tech = scheduled
    before = job_items(org, job["id"])
    for path, body in [(f"/appointments/{appointment_id}/status", {"action": "pause"}),
                       (f"/jobs/{job['id']}/accept", {}), (f"/jobs/{job['id']}/decline", {})]:
        r = api.post(path, org.dispatcher, body)
        assert r.status == 409 and r.body["error"]["code"] == "invalid_transition", (path, r.body)
    assert job_items(org, job["id"]) == before


def test_unknown_ids_are_404(api, org, scheduled):
    for r in (api.get("/jobs/job_ffffffffffffffff", org.dispatcher),
              api.post("/appointments/apt_ffff_ffff/status", org.dispatcher, {"action": "start"}),
              api.patch("/appointments/garbage", org.dispatcher, {"technician_id": None}),
              api.get("/customers/cus_nope", org.dispatcher),
              api.get("/users/usr_nope", org.dispatcher)):
        assert r.status == 404 and r.body["error"]["code"] == "not_found"


def test_bad_query_strings(api, org, scheduled):
    for query, field in [("limit=0", "limit"), ("limit=101", "limit"), ("limit=many", "limit"),
                         ("status=lost", "status"), ("date=yesterday", "date"), ("next_token=%%%", "next_token"),
                         ("next_token=eyJwayI6IHsiUyI6ICJPUkcjb3RoZXIifX0=", "next_token"), ("color=red", "color")]:
        r = api.get(f"/jobs?{query}", org.dispatcher)
        assert r.status == 400 and r.body["error"]["message"].startswith(field), (query, r.body)


def test_stale_if_match_is_a_version_conflict(api, org, scheduled):
    job, appointment_id, tech = scheduled
    version = api.get(f"/jobs/{job['id']}", org.dispatcher).body["appointments"][0]["version"]
    r = api.post(f"/appointments/{appointment_id}/status", tech, {"action": "en_route"},
                 headers={"If-Match": str(version)})
    assert r.status == 200 and r.body["version"] == version + 1
    r = api.post(f"/appointments/{appointment_id}/status", tech, {"action": "start"}, headers={"If-Match": str(version)})
    assert r.status == 409 and r.body["error"]["code"] == "version_conflict"
    r = api.post(f"/appointments/{appointment_id}/status", tech, {"action": "start"}, headers={"If-Match": "abc"})
    assert r.status == 400 and r.body["error"]["message"].startswith("If-Match")
    assert api.get(f"/jobs/{job['id']}", org.dispatcher).body["appointments"][0]["status"] == "en_route"


def test_patch_appointment_validation(api, org, scheduled):
    job, appointment_id, _ = scheduled
    before = job_items(org, job["id"])
    for body, field in [({}, "body"), ({"window_start": window()["window_start"]}, "body"),
                        ({"technician_id": "usr_nobody"}, "technician_id")]:
        r = api.patch(f"/appointments/{appointment_id}", org.dispatcher, body)
        assert r.status == 400 and r.body["error"]["message"].startswith(field), (body, r.body)
    assert job_items(org, job["id"]) == before
    assert api.patch(f"/appointments/{appointment_id}", org.dispatcher, {"window_start": window(3)["window_start"],
                                                                        "window_end": window(3)["window_end"]}).status == 200


def test_bad_notes_photos_users_locations(api, org, scheduled):
    job, _, tech = scheduled
    location = api.post("/settings/locations", org.dispatcher, {"name": "North", "time_zone": "America/Denver",
                                                                "direct_reply_enabled": True}).body
    cases = [
        ("POST", f"/jobs/{job['id']}/notes", {"text": ""}, "text"),
        ("POST", f"/jobs/{job['id']}/notes", {"text": "x", "visibility": "secret"}, "visibility"),
        ("POST", f"/jobs/{job['id']}/photos", {"content_type": "application/pdf"}, "content_type"),
        ("POST", "/users", {"name": "X", "email": "x@x.example", "roles": ["admin"]}, "roles"),
        ("POST", "/users", {"name": "X", "email": "x@x.example", "roles": []}, "roles"),
        ("PUT", f"/settings/locations/{location['id']}", {"name": None}, "name"),
        ("PUT", f"/settings/locations/{location['id']}", {"time_zone": "Nowhere/City"}, "time_zone"),
        ("POST", "/settings/locations", {"name": "South", "time_zone": "Nowhere/City"}, "time_zone"),
        ("POST", f"/appointments/{job['appointments'][0]['id']}/offers", {"frames": []}, "frames"),
        ("POST", f"/appointments/{job['appointments'][0]['id']}/offers",
         {"frames": [{"start": "2026-12-01T12:00:00Z", "end": "2026-12-01T10:00:00Z"}]}, "frames.0"),
    ]
    for method, path, body, field in cases:
        r = api.call(method, path, org.dispatcher, body)
        assert r.status == 400 and r.body["error"]["code"] == "validation_error", (path, body, r.body)
        assert r.body["error"]["message"].startswith(field), (path, body, r.body)
    for body, field in [({"lat": 91, "lon": 0}, "lat"), ({"lat": 0, "lon": 181}, "lon"), ({"lat": 0}, "lon")]:
        r = api.put("/technicians/me/location", tech, body)
        assert r.status == 400 and r.body["error"]["message"].startswith(field), (body, r.body)
    assert api.get(f"/jobs/{job['id']}/notes", org.dispatcher).body["items"] == []
    assert api.get(f"/jobs/{job['id']}/photos", org.dispatcher).body["items"] == []
    assert stored(org, "LOC#") == 1 and api.get(f"/settings/locations/{location['id']}", org.dispatcher).body == location
