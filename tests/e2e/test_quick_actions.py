"""Quick actions (seed 002: Checked-in, Request Approval, Asset Ready, Asset In Service) on moto: a tap stores the
organization's wording queued, naming the job, with a link to its page; the stream sends it, once."""
import re

from .conftest import add_user
from .test_customer_pages import SAM, fetch, token_in
from .test_customer_pages import visit as visit  # noqa: F401 - the booked visit with Ana, 2 days out


def test_a_quick_action_texts_the_organizations_wording_with_the_job_and_its_page(api, org, visit, stream):
    job_id = visit["job"]["id"]
    before = len(stream.texts(SAM))
    r = api.post(f"/jobs/{job_id}/messages", visit["tech"], {"quick_action": "checked_in"})
    assert r.status == 201, r.body
    assert r.body["scenario"] == "checked_in" and r.body["status"] == "queued"
    assert stream.texts(SAM)[before:] == []  # the API only wrote it
    stream.settle()
    (sent,) = [body for _, body in stream.texts(SAM)[before:]]
    assert re.fullmatch(r"acme Services: Ana Alvarez has checked in for Leak under the sink\. Track: \S+/c/\S{22}",
                        sent), sent
    page = fetch(api, "GET", f"/c/{token_in(sent)}", accept="application/json").json()
    assert page["window_start"] == visit["job"]["appointments"][0]["window_start"]  # the link is the visit's page
    stream.settle()
    assert len(stream.texts(SAM)) == before + 1  # once
    (listed,) = [m for m in api.get(f"/jobs/{job_id}/messages", org.dispatcher).body["items"]
                 if m["scenario"] == "checked_in"]
    assert listed["status"] == "sent" and listed["body"] == sent


def test_the_wording_is_the_organizations_and_a_switched_off_one_is_refused(api, org, visit, stream):
    wording = "{{ company }}: your {{ subject }} is ready to collect. {{ link }}"
    r = api.put("/settings/scenarios", org.dispatcher, {"scenarios": {"asset_ready": {"template": wording},
                                                                     "asset_in_service": {"enabled": False}}})
    assert r.status == 200, r.body
    assert next(s for s in r.body["scenarios"] if s["name"] == "asset_ready")["segments"] == 1
    assert api.post(f"/jobs/{visit['job']['id']}/messages", org.dispatcher, {"quick_action": "asset_ready"}).status == 201
    stream.settle()
    assert "your Leak under the sink is ready to collect." in stream.texts(SAM)[-1][1]
    off = api.post(f"/jobs/{visit['job']['id']}/messages", org.dispatcher, {"quick_action": "asset_in_service"})
    assert off.status == 400 and "switched off" in off.body["error"]["message"]


def test_bad_quick_actions_are_refused_and_store_nothing(api, org, visit, stream):
    job_id = visit["job"]["id"]
    count = len(api.get(f"/jobs/{job_id}/messages", org.dispatcher).body["items"])
    for bad in ({"quick_action": "arrived"}, {"quick_action": "checked_in", "body": "hi"}, {},
                {"quick_action": None}, {"quick_action": 3}):
        r = api.post(f"/jobs/{job_id}/messages", org.dispatcher, bad)
        assert r.status == 400, (bad, r.body)
    _, other = add_user(api, org, "Ben Okafor", "technician")
    assert api.post(f"/jobs/{job_id}/messages", other, {"quick_action": "checked_in"}).status == 404  # not his job
    stream.settle()
    assert len(api.get(f"/jobs/{job_id}/messages", org.dispatcher).body["items"]) == count


def test_a_quick_action_needs_a_visit_to_link_to_and_a_job_not_canceled(api, org, visit, stream):
    from .conftest import new_customer
    bare = api.post("/jobs", org.dispatcher, {"customer_id": new_customer(api, org, "+13035550199"),
                                              "description": "Quote a boiler"}).body
    r = api.post(f"/jobs/{bare['id']}/messages", org.dispatcher, {"quick_action": "asset_ready"})
    assert r.status == 400 and r.body["error"]["message"].startswith("quick_action")
    assert api.post(f"/jobs/{visit['job']['id']}/cancel", org.dispatcher, {"reason": "Fixed it myself"}).status == 200
    assert api.post(f"/jobs/{visit['job']['id']}/messages", org.dispatcher, {"quick_action": "asset_ready"}).status == 409
    stream.settle()
    assert [body for to, body in stream.texts() if "(link)" in body or "ready for you" in body] == []
