"""Staff messages (issue 25) on moto: a dispatcher writes to the technician assigned to a job's visits, the
technician answers the dispatchers; each lands in its recipients' inboxes through the stream, with who wrote.
Never a text, never in the customer's conversation or page; bad input, a stranger and an empty job refused."""
from .conftest import add_user, new_org, window
from .test_customer_pages import SAM, fetch
from .test_customer_pages import visit as visit  # noqa: F401 - the booked visit with Ana, 2 days out


def write(api, who, job_id, body="The customer agreed on Thursday 9-11", **more):
    return api.post(f"/jobs/{job_id}/staff-messages", who, {"body": body, **more})


def inbox(api, who) -> list[tuple]:
    return [(i["body"], i["job_id"], i["author"] and (i["author"]["name"], i["author"]["role"]), i["read"])
            for i in api.get("/inbox", who).body["items"]]


def test_the_dispatcher_writes_to_ana_and_her_answer_reaches_the_dispatchers(api, org, visit, stream, clock):
    job_id = visit["job"]["id"]
    _, bo = add_user(api, org, "Bo Busy", "technician")  # not on this job
    _, dee = add_user(api, org, "Dee Desk", "dispatcher")
    texts, talk = stream.texts(), api.get(f"/jobs/{job_id}/messages", org.dispatcher).body["items"]
    r = write(api, org.dispatcher, job_id)
    assert r.status == 201, r.body
    assert r.body["author"] == {"id": org.dispatcher_id, "name": "Dana Dispatch", "role": "dispatcher"}
    assert r.body["to"] == [{"id": visit["tech_id"], "name": "Ana Alvarez", "role": "technician"}]
    assert inbox(api, visit["tech"]) == []  # the stream has not run yet: the request wrote state only
    stream.settle()
    assert inbox(api, visit["tech"]) == [("The customer agreed on Thursday 9-11", job_id,
                                          ("Dana Dispatch", "dispatcher"), False)]
    assert inbox(api, bo) == [] and inbox(api, org.dispatcher) == [] and inbox(api, dee) == []

    clock.advance(minutes=3)
    answer = write(api, visit["tech"], job_id, "Thursday works, I'll bring the part")
    assert answer.status == 201 and {p["name"] for p in answer.body["to"]} == {"Dana Dispatch", "Dee Desk"}
    stream.settle()
    for dispatcher in (org.dispatcher, dee):
        assert inbox(api, dispatcher) == [("Thursday works, I'll bring the part", job_id,
                                           ("Ana Alvarez", "technician"), False)]
    assert len(inbox(api, visit["tech"])) == 1  # not in her own inbox
    for who in (org.dispatcher, visit["tech"]):
        listed = api.get(f"/jobs/{job_id}/staff-messages", who).body
        assert [(m["author"]["name"], sorted(t["name"] for t in m["to"]), m["body"]) for m in listed["items"]] == [
            ("Dana Dispatch", ["Ana Alvarez"], "The customer agreed on Thursday 9-11"),
            ("Ana Alvarez", ["Dana Dispatch", "Dee Desk"], "Thursday works, I'll bring the part")]
        assert listed["next_token"] is None and listed["items"][0]["created_at"] == "2026-12-01T17:00:00Z"

    # Never a text, never the customer's: the conversation and the page are as they were.
    assert stream.texts() == texts
    assert api.get(f"/jobs/{job_id}/messages", org.dispatcher).body["items"] == talk
    page = fetch(api, "GET", f"/c/{visit['token']}/status.json", accept="application/json").json()
    assert "Thursday" not in str(page) and "Thursday" not in fetch(api, "GET", f"/c/{visit['token']}").text
    assert stream.texts(SAM) == [t for t in texts if t[0] == SAM]

    stream.redeliver()  # at least once: nobody's inbox gets it twice
    assert len(inbox(api, visit["tech"])) == 1 and len(inbox(api, dee)) == 1


def test_two_technicians_get_it_unless_one_is_named_and_each_reads_only_their_own(api, org, visit, stream, clock):
    job_id = visit["job"]["id"]
    bo_id, bo = add_user(api, org, "Bo Busy", "technician")
    later = api.post(f"/jobs/{job_id}/appointments", org.dispatcher, {**window(days=4), "technician_id": bo_id})
    assert later.status == 201, later.body
    both = write(api, org.dispatcher, job_id, "Both of you: the gate is on the left")
    assert [t["name"] for t in both.body["to"]] == ["Ana Alvarez", "Bo Busy"]  # soonest visit first
    clock.advance(minutes=1)
    only_bo = write(api, org.dispatcher, job_id, "Bo: bring the long ladder", to=bo_id)
    assert only_bo.status == 201 and [t["name"] for t in only_bo.body["to"]] == ["Bo Busy"]
    stream.settle()
    assert [b for b, *_ in inbox(api, visit["tech"])] == ["Both of you: the gate is on the left"]
    assert [b for b, *_ in inbox(api, bo)] == ["Bo: bring the long ladder", "Both of you: the gate is on the left"]
    mine = api.get(f"/jobs/{job_id}/staff-messages", visit["tech"]).body["items"]
    assert [m["body"] for m in mine] == ["Both of you: the gate is on the left"]  # not what was written to Bo
    assert len(api.get(f"/jobs/{job_id}/staff-messages", org.dispatcher).body["items"]) == 2
    # The technician may name one dispatcher; not a colleague technician.
    _, dee = add_user(api, org, "Dee Desk", "dispatcher")
    assert write(api, visit["tech"], job_id, "Dana only", to=org.dispatcher_id).body["to"][0]["name"] == "Dana Dispatch"
    refused = write(api, visit["tech"], job_id, "to Bo", to=bo_id)
    assert refused.status == 400 and refused.body["error"]["message"].startswith("to: is not an active dispatcher")


def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(api, org, visit, stream):
    job_id = visit["job"]["id"]
    bo_id, _ = add_user(api, org, "Bo Busy", "technician")
    for body, field in [({}, "body"), ({"body": ""}, "body"), ({"body": "   "}, "body"), ({"body": "x" * 1001}, "body"),
                        ({"body": 7}, "body"), ({"body": None}, "body"), ({"body": "hi", "to": 3}, "to"),
                        ({"body": "hi", "cc": "x"}, "cc"), ({"body": "hi", "to": bo_id}, "to"),
                        ({"body": "hi", "to": "usr_nobody"}, "to")]:
        r = api.post(f"/jobs/{job_id}/staff-messages", org.dispatcher, body)
        assert (r.status, r.error) == (400, "validation_error"), (body, r.body)
        assert field in r.body["error"]["message"], (body, r.body)
    bad_json = api.call("POST", f"/jobs/{job_id}/staff-messages", org.dispatcher, raw=b"{not json")
    assert bad_json.status == 400
    assert write(api, org.dispatcher, job_id, "x" * 1000).status == 201  # the longest a message may be
    stream.settle()
    assert [len(b) for b, *_ in inbox(api, visit["tech"])] == [1000]
    assert len(api.get(f"/jobs/{job_id}/staff-messages", org.dispatcher).body["items"]) == 1


def test_only_the_dispatchers_and_the_assigned_technicians_of_the_organization(api, org, visit, stream):
    job_id = visit["job"]["id"]
    _, bo = add_user(api, org, "Bo Busy", "technician")
    _, pat = add_user(api, org, "Pat Provider", "provider")
    for who in (bo, pat):
        for r in (write(api, who, job_id), api.get(f"/jobs/{job_id}/staff-messages", who)):
            assert (r.status, r.error) == (403, "forbidden"), r.body
    for r in (write(api, org.dispatcher, "job_nothere"), api.get("/jobs/job_nothere/staff-messages", org.dispatcher)):
        assert (r.status, r.error) == (404, "not_found")
    other = new_org("globex")
    for r in (write(api, other.dispatcher, job_id), api.get(f"/jobs/{job_id}/staff-messages", other.dispatcher)):
        assert r.status == 404  # another organization's job is not there at all
    assert api.get(f"/jobs/{job_id}/staff-messages").status == 401
    stream.settle()
    assert api.get(f"/jobs/{job_id}/staff-messages", org.dispatcher).body["items"] == []


def test_a_job_nobody_is_assigned_to_is_a_409_that_says_so(api, org, stream):
    customer = api.post("/customers", org.dispatcher, {"name": "Lee Park", "phone": "+13035550188"}).body
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer["id"], "description": "Fence"}).body
    unassigned = api.post("/jobs", org.dispatcher, {"customer_id": customer["id"], "description": "Gate",
                                                    "appointment": window(days=1)}).body
    for j in (job, unassigned):
        r = write(api, org.dispatcher, j["id"])
        assert (r.status, r.error) == (409, "conflict") and "nobody is assigned" in r.body["error"]["message"]
    assert api.get(f"/jobs/{job['id']}/staff-messages", org.dispatcher).body["items"] == []


def test_a_repeat_with_the_same_idempotency_key_writes_once(api, org, visit, stream):
    job_id, key = visit["job"]["id"], {"Idempotency-Key": "staff-0001-aaaa"}
    first = api.post(f"/jobs/{job_id}/staff-messages", org.dispatcher, {"body": "Call her first"}, headers=key)
    again = api.post(f"/jobs/{job_id}/staff-messages", org.dispatcher, {"body": "Call her first"}, headers=key)
    assert first.status == again.status == 201 and first.body == again.body
    other = api.post(f"/jobs/{job_id}/staff-messages", org.dispatcher, {"body": "Another"}, headers=key)
    assert other.status == 400 and other.body["error"]["message"].startswith("Idempotency-Key: was used before")
    stream.settle()
    assert [b for b, *_ in inbox(api, visit["tech"])] == ["Call her first"]
    assert len(api.get(f"/jobs/{job_id}/staff-messages", org.dispatcher).body["items"]) == 1


def test_the_openapi_document_names_the_route_its_body_and_the_key(api):
    paths = api.get("/openapi.json").body["paths"]["/jobs/{job_id}/staff-messages"]
    assert "Idempotency-Key" in str(paths["post"]["parameters"]) and "StaffMessageIn" in str(paths["post"])
    assert "StaffMessageOut" in str(paths["get"])
