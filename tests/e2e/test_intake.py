"""Order intake (seed 003): sales channels post orders; rules held as data classify and check them."""
from .conftest import add_user, window

ALEX = "+13035550190"


def order(reference: str, **fields) -> dict:
    w = window(days=3)
    return {"channel": "telesales", "reference": reference,
            "customer": {"name": "Alex Moreno", "phone": ALEX}, "service_type": "boiler_repair",
            "description": "Boiler makes a noise", "address": "1 Main St", "region": "A",
            "windows": [{"start": w["window_start"], "end": w["window_end"]}], **fields}


def location(api, org, name: str) -> str:
    r = api.post("/settings/locations", org.dispatcher, {"name": name, "time_zone": "America/Denver",
                                                         "direct_reply_enabled": True})
    assert r.status == 201, r.body
    return r.body["id"]


def rules(api, org) -> tuple[str, str]:
    north, south = location(api, org, "North"), location(api, org, "South")
    r = api.put("/settings/classification", org.dispatcher, {
        "rules": [
            {"match": {"customer_type": "commercial", "region": "A", "words": ["urgent", "asap"]},
             "priority": "emergency", "location_id": north, "queue": "unassigned"},
            {"match": {"service_type": "boiler_repair", "customer_type": "residential", "region": "B"},
             "priority": "normal", "location_id": south},
            {"match": {"service_type": "boiler_repair"}, "priority": "low", "location_id": north},
        ],
        "eligibility": {"regions": ["A", "B"], "required": ["customer_type"]}})
    assert r.status == 200, r.body
    assert api.get("/settings/classification", org.dispatcher).body == r.body
    return north, south


def test_a_resent_order_creates_one_job(api, org, stream):
    _, token = add_user(api, org, "Crm Bridge", "intake")
    first = api.post("/orders", token, order("T-1001", customer_type="residential"))
    assert first.status == 201 and first.body["status"] == "intake" and first.body["job_id"]
    again = api.post("/orders", token, order("T-1001", customer_type="residential", description="changed"))
    assert again.status == 200 and again.body == first.body
    other_channel = api.post("/orders", token, {**order("T-1001", customer_type="residential"), "channel": "portal"})
    assert other_channel.status == 201 and other_channel.body["job_id"] != first.body["job_id"]
    jobs = api.get("/jobs", org.dispatcher).body["items"]
    assert sorted(j["id"] for j in jobs) == sorted([first.body["job_id"], other_channel.body["job_id"]])
    assert {j["channel"] for j in jobs} == {"telesales", "portal"}
    assert api.get("/jobs", token).status == 403  # an integration posts orders, nothing else


def test_rules_route_three_orders_and_an_ineligible_one_waits_in_intake_untexted(api, org, stream):
    north, south = rules(api, org)
    urgent = api.post("/orders", org.dispatcher, order("A-1", customer_type="commercial",
                                                       description="URGENT: no heat in the shop"))
    residential = api.post("/orders", org.dispatcher, order("B-1", customer_type="residential", region="B",
                                                            customer={"name": "Bo Li", "phone": "+13035550191"}))
    unknown = api.post("/orders", org.dispatcher, order("C-1", customer_type="residential", service_type="roofing",
                                                        customer={"name": "Cy Ode", "phone": "+13035550192"}))
    outside = api.post("/orders", org.dispatcher, order("D-1", region="Z",
                                                        customer={"name": "Di Ng", "phone": "+13035550193"}))
    assert (urgent.status, urgent.body["status"], urgent.body["priority"], urgent.body["location_id"],
            urgent.body["queue"]) == (201, "accepted", "emergency", north, "unassigned")
    assert (residential.body["status"], residential.body["priority"], residential.body["location_id"]) == \
        ("accepted", "normal", south)
    assert (unknown.body["status"], unknown.body["queue"], unknown.body["reasons"]) == \
        ("intake", "intake", ["no classification rule matched: assign priority and location"])
    assert outside.body == {"id": outside.body["id"], "job_id": None, "status": "intake", "priority": "normal",
                            "location_id": None, "queue": "intake",
                            "reasons": ["missing customer_type", "region Z is not served"]}
    job = api.get(f"/jobs/{urgent.body['job_id']}", org.dispatcher).body
    assert (job["priority"], job["location_id"], job["status"], job["channel"]) == \
        ("emergency", north, "scheduled", "telesales")
    stream.settle()
    texted = {phone for phone, _ in stream.texts()}
    assert texted == {ALEX, "+13035550191", "+13035550192"}  # eligible orders are confirmed; Di is not texted
    assert any("visit booked" in body for phone, body in stream.texts(ALEX))
    entries = api.get("/queues/intake", org.dispatcher).body["items"]
    by_order = {e["order_id"]: e for e in entries}
    assert set(by_order) == {unknown.body["id"], outside.body["id"]}
    assert by_order[outside.body["id"]]["job_id"] is None
    assert by_order[outside.body["id"]]["reason"] == "missing customer_type; region Z is not served"
    assert by_order[unknown.body["id"]]["job_id"] == unknown.body["job_id"]


def test_bad_orders_and_rules_are_refused_and_change_nothing(api, org, stream):
    rules(api, org)
    before = api.get("/settings/classification", org.dispatcher).body
    for body, field in [({"rules": [{"match": {}, "location_id": "loc_nope"}]}, "rules.0.location_id"),
                        ({"rules": [{"match": {}, "queue": "nowhere"}]}, "rules.0.queue"),
                        ({"eligibility": {"required": ["shoe_size"]}}, "eligibility.required.0")]:
        r = api.put("/settings/classification", org.dispatcher, body)
        assert (r.status, r.error) == (400, "validation_error") and r.body["error"]["message"].startswith(field), \
            r.body
    assert api.get("/settings/classification", org.dispatcher).body == before
    bad = order("E-1", customer={"name": "No Contact"})
    r = api.post("/orders", org.dispatcher, bad)
    assert (r.status, r.error) == (400, "validation_error") and "phone or an email" in r.body["error"]["message"]
    assert api.get("/jobs", org.dispatcher).body["items"] == []
    assert api.get("/queues/intake", org.dispatcher).body["items"] == []
