"""The dispatcher's day in one call (GET /appointments?date=): every visit whose window starts that day in
the organization's zone, with its job, customer (masked phone), the status actions the status machine allows
now and a late mark; read by key and query only. A job's visits with their actions (GET /jobs/{id}/appointments);
who wrote each inbox message; the visit on every queue's items."""
from datetime import UTC, datetime, timedelta

import pytest

from .conftest import add_user, new_customer
from .test_queues import escalated, noon  # noqa: F401 (fixtures)
from .test_two_way import inbound

SAM, LEE = "+13035550177", "+13035550178"


def at(start: str, hours: int = 2) -> dict:
    begin = datetime.fromisoformat(start)
    return {"window_start": start, "window_end": (begin + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")}


@pytest.fixture
def day(api, org):
    """Tue 1 Dec in Denver (the clock: 10:00 there): Ana's visit at noon, an unassigned one at 3 pm, one at 10 pm
    (Wednesday 05:00 UTC: still Tuesday in Denver), and one on Wednesday."""
    ana, ana_token = add_user(api, org, "Ana Alvarez", "technician")
    sam, lee = new_customer(api, org, SAM), new_customer(api, org, LEE)

    def book(customer, window, technician=None):
        r = api.post("/jobs", org.dispatcher, {"customer_id": customer, "description": "No heat",
                                               "appointment": {**window, "technician_id": technician}})
        assert r.status == 201, r.body
        return r.body["id"], r.body["appointments"][0]["id"]

    return {"ana": ana, "ana_token": ana_token,
            "noon": book(sam, at("2026-12-01T19:00:00Z"), ana), "three": book(lee, at("2026-12-01T22:00:00Z")),
            "late_evening": book(sam, at("2026-12-02T05:00:00Z")), "wednesday": book(lee, at("2026-12-02T19:00:00Z"))}


def test_the_day_is_one_call_in_window_order_in_the_organizations_zone(api, org, day, aws_calls):
    del aws_calls[:]
    r = api.get("/appointments?date=2026-12-01", org.dispatcher)
    assert r.status == 200, r.body
    assert (r.body["date"], r.body["time_zone"], r.body["now"]) == ("2026-12-01", "America/Denver", "2026-12-01T17:00:00Z")
    assert [v["id"] for v in r.body["items"]] == [day["noon"][1], day["three"][1], day["late_evening"][1]]
    first = r.body["items"][0]
    assert first["job"]["id"] == day["noon"][0] and first["job"]["status"] == "scheduled" and first["job"]["version"] >= 1
    assert first["customer"]["name"] == "Sam Rivera" and first["customer"]["phone_masked"] == "+1******0177"
    assert SAM not in str(r.body)  # the board never carries a whole number
    assert (first["technician_id"], first["status"], first["confirmation"]) == (day["ana"], "scheduled", "pending")
    assert first["actions"] == ["en_route", "start", "complete", "delay"] and first["editable"] is True
    assert first["late"] is False
    assert r.body["items"][1]["technician_id"] is None and r.body["next_token"] is None
    # by key and query only: the day index, one batch of jobs and one of customers (and the caller, the org)
    assert {op for _, op in aws_calls} <= {"GetItem", "Query", "BatchGetItem"}
    assert sum(op == "BatchGetItem" for _, op in aws_calls) == 2
    assert api.get("/appointments", org.dispatcher).body == r.body  # today by default
    wednesday = api.get("/appointments?date=2026-12-02", org.dispatcher).body["items"]
    assert [v["id"] for v in wednesday] == [day["wednesday"][1]]
    assert api.get("/appointments?date=2026-12-03", org.dispatcher).body["items"] == []


def test_the_actions_are_those_the_status_machine_allows_now_and_each_is_taken(api, org, day):
    job_id, appointment_id = day["noon"]

    def visit():
        (found,) = [v for v in api.get("/appointments", org.dispatcher).body["items"] if v["id"] == appointment_id]
        (same,) = api.get(f"/jobs/{job_id}/appointments", org.dispatcher).body["items"]
        assert {k: same[k] for k in ("id", "status", "actions", "editable", "late", "version")} == \
            {k: found[k] for k in ("id", "status", "actions", "editable", "late", "version")}
        return found

    for action, then in [("en_route", ["start", "pause", "complete", "delay"]), ("start", ["pause", "complete"]),
                         ("pause", [])]:
        r = api.post(f"/appointments/{appointment_id}/status", day["ana_token"], {"action": action})
        assert r.status == 200, r.body
        now = visit()
        assert (now["actions"], now["editable"]) == (then, False)
    refused = api.post(f"/appointments/{appointment_id}/status", org.dispatcher, {"action": "start"})
    assert refused.status == 409 and refused.error == "invalid_transition"  # absent from the list: refused too


def test_a_visit_is_late_once_its_window_ends_unstarted_or_its_eta_is_after_it(api, org, day, clock):
    _, appointment_id = day["noon"]
    r = api.post(f"/appointments/{appointment_id}/status", day["ana_token"],
                 {"action": "en_route", "eta": "2026-12-01T21:30:00Z"})  # expected at 2:30, the window ends at 2
    assert r.status == 200, r.body
    late = {v["id"]: v["late"] for v in api.get("/appointments", org.dispatcher).body["items"]}
    assert late == {appointment_id: True, day["three"][1]: False, day["late_evening"][1]: False}
    clock.now = datetime(2026, 12, 2, 0, 30, tzinfo=UTC)  # 5:30 pm: the 3-5 pm visit never started
    late = {v["id"]: v["late"] for v in api.get("/appointments?date=2026-12-01", org.dispatcher).body["items"]}
    assert late == {appointment_id: True, day["three"][1]: True, day["late_evening"][1]: False}


def test_only_a_dispatcher_reads_the_day_and_bad_input_is_a_400(api, org, day):
    assert api.get("/appointments", day["ana_token"]).status == 403
    assert api.get("/appointments").status == 401
    for query in ("date=2026-13-01", "date=tuesday", "day=2026-12-01", "date=1999-12-31"):
        r = api.get(f"/appointments?{query}", org.dispatcher)
        assert r.status == 400 and r.error == "validation_error", query
    assert api.get("/jobs/job_nope/appointments", org.dispatcher).status == 404
    assert api.get(f"/jobs/{day['noon'][0]}/appointments?limit=5", org.dispatcher).status == 400


def test_another_organizations_day_is_not_seen(api, org, other_org, day):
    assert api.get("/appointments?date=2026-12-01", other_org.dispatcher).body["items"] == []
    assert api.get(f"/jobs/{day['noon'][0]}/appointments", other_org.dispatcher).status == 404


def test_inbox_items_say_who_wrote_with_the_number_masked(api, org, stream, day):
    from chalicelib.bootstrap import store_repositories
    number = store_repositories().organizations.get(org.id).sms_number
    stream.settle()
    assert inbound(api, number, "Gate code is 4321", sender=SAM)["outcome"] == "recorded"
    stream.settle()
    (item,) = api.get("/inbox", org.dispatcher).body["items"]
    assert (item["body"], item["customer_name"], item["customer_phone_masked"]) == \
        ("Gate code is 4321", "Sam Rivera", "+1******0177")


def test_an_escalation_entry_carries_its_visit(api, org, escalated):  # noqa: F811
    job, appointment_id, _ = escalated
    (entry,) = api.get("/queues/escalation", org.dispatcher).body["items"]
    assert entry["appointment"]["id"] == appointment_id and entry["appointment"]["window_start"]


def test_the_openapi_document_describes_the_day_and_the_visits(api):
    doc = api.get("/openapi.json").body
    board = doc["paths"]["/appointments"]["get"]
    schema = board["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/BoardOut"}
    assert {p["name"] for p in board["parameters"]} == {"date"}
    visit = doc["components"]["schemas"]["BoardVisitOut"]["properties"]
    assert {"actions", "editable", "late", "job", "customer"} <= set(visit)
    assert "/jobs/{job_id}/appointments" in doc["paths"] and "get" in doc["paths"]["/jobs/{job_id}/appointments"]
    inbox = doc["components"]["schemas"]["InboxEntryOut"]["properties"]
    assert {"customer_name", "customer_phone_masked"} <= set(inbox)


def test_the_organization_says_its_zone_to_a_dispatcher_alone(api, org):
    from .conftest import add_user
    r = api.get("/organization", org.dispatcher)
    assert r.status == 200 and (r.body["id"], r.body["time_zone"], r.body["slug"]) == (org.id, "America/Denver", "acme")
    _, tech = add_user(api, org, "Ana Alvarez", "technician")
    assert api.get("/organization", tech).status == 403
    assert api.get("/organization").status == 401
