"""docs/product.md §1: who sees which jobs, notes and photos; tenancy; deactivation."""
import pytest

from chalicelib.domain.people import Role
from devstack.tokens import mint

from .conftest import add_user, new_customer, new_org, window


@pytest.fixture
def world(api, org):
    """An assigned technician, an unassigned one, the provider who offered a job, and another org."""
    w = {"api": api, "org": org}
    w["tech_id"], w["tech"] = add_user(api, org, "Ana Tech", "technician")
    _, w["other_tech"] = add_user(api, org, "Bo Tech", "technician")
    w["provider_id"], w["provider"] = add_user(api, org, "Brand Portal", "provider")
    _, w["other_provider"] = add_user(api, org, "Other Brand", "provider")
    customer_id = new_customer(api, org)
    offered = api.post("/jobs", w["provider"], {"customer_id": customer_id, "description": "Brand warranty"}).body
    api.post(f"/jobs/{offered['id']}/accept", org.dispatcher)
    r = api.post(f"/jobs/{offered['id']}/appointments", org.dispatcher, {**window(), "technician_id": w["tech_id"]})
    w["job"] = offered["id"]
    w["own_job"] = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Own job"}).body["id"]
    api.post(f"/jobs/{w['job']}/notes", org.dispatcher, {"text": "gate code 1234", "visibility": "private"})
    api.post(f"/jobs/{w['job']}/notes", org.dispatcher, {"text": "unit replaced", "visibility": "public"})
    api.post(f"/jobs/{w['job']}/photos", org.dispatcher, {"content_type": "image/jpeg", "visibility": "private"})
    api.post(f"/jobs/{w['job']}/photos", w["tech"], {"content_type": "image/png", "visibility": "public"})
    w["foreign"] = new_org("globex")
    w["appointment"] = r.body["id"]
    return w


def texts(r):
    return sorted(n["text"] for n in r.body["items"])


def test_dispatcher_sees_everything_of_their_organization(world):
    api, d = world["api"], world["org"].dispatcher
    assert {world["job"], world["own_job"]} <= {j["id"] for j in api.get("/jobs", d).body["items"]}
    assert texts(api.get(f"/jobs/{world['job']}/notes", d)) == ["gate code 1234", "unit replaced"]
    assert len(api.get(f"/jobs/{world['job']}/photos", d).body["items"]) == 2


def test_technician_sees_only_assigned_jobs_with_all_their_notes(world):
    api = world["api"]
    assert [j["id"] for j in api.get("/jobs", world["tech"]).body["items"]] == [world["job"]]
    assert texts(api.get(f"/jobs/{world['job']}/notes", world["tech"])) == ["gate code 1234", "unit replaced"]
    # The technician's day holds the assigned visit, with its job and where to go.
    visit_day = window()["window_start"][:10]
    day = api.get(f"/technicians/me/appointments?date={visit_day}", world["tech"]).body["items"]
    assert [(a["id"], a["job"]["id"], a["customer"]["name"]) for a in day] == [
        (world["appointment"], world["job"], "Sam Rivera")]
    assert api.get(f"/technicians/me/appointments?date={visit_day}", world["other_tech"]).body["items"] == []
    assert api.get(f"/jobs/{world['own_job']}", world["tech"]).status == 404
    assert api.get(f"/jobs/{world['own_job']}/notes", world["tech"]).status == 404
    # The unassigned technician sees nothing of it and cannot act on it.
    assert api.get("/jobs", world["other_tech"]).body["items"] == []
    for path in (f"/jobs/{world['job']}", f"/jobs/{world['job']}/notes", f"/jobs/{world['job']}/photos"):
        assert api.get(path, world["other_tech"]).status == 404
    r = api.post(f"/appointments/{world['appointment']}/status", world["other_tech"], {"action": "en_route"})
    assert r.status == 404
    assert api.post(f"/jobs/{world['job']}/notes", world["other_tech"], {"text": "x"}).status == 404


def test_provider_sees_only_its_offers_and_their_public_notes_and_photos(world):
    api, provider = world["api"], world["provider"]
    assert [j["id"] for j in api.get("/jobs", provider).body["items"]] == [world["job"]]
    assert api.get(f"/jobs/{world['own_job']}", provider).status == 404
    assert texts(api.get(f"/jobs/{world['job']}/notes", provider)) == ["unit replaced"]
    photos = api.get(f"/jobs/{world['job']}/photos", provider).body["items"]
    assert [p["visibility"] for p in photos] == ["public"] and photos[0]["download_url"]
    r = api.post(f"/jobs/{world['job']}/notes", provider, {"text": "internal?", "visibility": "private"})
    assert r.status == 400 and r.body["error"]["code"] == "validation_error"
    assert api.post(f"/jobs/{world['job']}/notes", provider, {"text": "parts shipped", "visibility": "public"}).status == 201
    assert api.get(f"/jobs/{world['job']}", world["other_provider"]).status == 404
    assert api.get("/jobs", world["other_provider"]).body["items"] == []
    # Dispatcher-only operations are refused outright.
    assert api.post(f"/jobs/{world['job']}/cancel", provider, {"reason": "x"}).status == 403
    assert api.get("/users", provider).status == 403


def test_dispatcher_who_is_also_technician_sees_the_union(world):
    api, org = world["api"], world["org"]
    both_id, both = add_user(api, org, "Max Both", "dispatcher", "technician")
    assert {world["job"], world["own_job"]} <= {j["id"] for j in api.get("/jobs", both).body["items"]}
    assert api.get("/technicians/me/appointments", both).status == 200


def test_another_organization_gets_404_exactly_like_a_missing_id(world):
    api, foreign = world["api"], world["foreign"].dispatcher
    missing = api.get("/jobs/job_0000000000000000", foreign)
    for path in (f"/jobs/{world['job']}", f"/jobs/{world['job']}/notes", f"/jobs/{world['job']}/photos"):
        r = api.get(path, foreign)
        assert (r.status, r.body) == (missing.status, missing.body)
    assert api.post(f"/jobs/{world['job']}/cancel", foreign, {"reason": "x"}).status == 404
    assert api.patch(f"/appointments/{world['appointment']}", foreign, {"technician_id": None}).status == 404
    assert api.get(f"/users/{world['tech_id']}", foreign).status == 404
    assert api.get("/jobs", foreign).body["items"] == []
    # A foreign technician cannot be assigned either.
    foreign_tech, _ = add_user(api, world["foreign"], "Zed Tech", "technician")
    r = api.patch(f"/appointments/{world['appointment']}", world["org"].dispatcher, {"technician_id": foreign_tech})
    assert r.status == 400 and "technician_id" in r.body["error"]["message"]


def test_deactivated_user_is_refused_on_the_next_request_and_reactivation_restores(world):
    api, d = world["api"], world["org"].dispatcher
    assert api.get(f"/jobs/{world['job']}", world["tech"]).status == 200
    assert api.patch(f"/users/{world['tech_id']}", d, {"active": False}).body["active"] is False
    r = api.get(f"/jobs/{world['job']}", world["tech"])  # the token is still "valid"
    assert r.status == 401 and r.body["error"] == {"code": "unauthorized", "message": "this user is deactivated"}
    assert api.get(f"/jobs/{world['job']}", d).body["appointments"][0]["technician_id"] == world["tech_id"]
    api.patch(f"/users/{world['tech_id']}", d, {"active": True})
    assert api.get(f"/jobs/{world['job']}", world["tech"]).status == 200


def test_no_token_or_unknown_user_is_401(world):
    api = world["api"]
    r = api.get("/jobs")
    assert r.status == 401 and r.body["error"]["code"] == "unauthorized"
    ghost = mint("usr_ghost", world["org"].id, [Role.DISPATCHER])
    assert api.get("/jobs", ghost).status == 401


def test_roles_come_from_the_stored_user_not_the_token(world):
    api, org = world["api"], world["org"]
    forged = mint(world["tech_id"], org.id, [Role.DISPATCHER])  # the token claims dispatcher
    assert api.get("/users", forged).status == 403
    assert api.get(f"/jobs/{world['own_job']}", forged).status == 404
