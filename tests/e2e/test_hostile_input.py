"""Input built to break the API, from the fuzzing of issue 14: each answered 500 before. Every one must be
a 4xx in the error format that names what was wrong, and change nothing."""
import base64
import json

import pytest

import app  # noqa: F401 (importing it registers every operation in OPERATIONS)
from chalicelib.api.routing import OPERATIONS
from devstack.tokens import mint

from .conftest import add_user, new_customer, window
from .test_bad_input import job_items

DEEP = b"[" * 50000 + b"]" * 50000
EARLIEST = "0001-01-01T00:00:00+14:00"  # no UTC moment at all: converting it overflows
LATEST = "9999-12-31T23:59:59-14:00"  # its UTC moment is in year 10000


@pytest.fixture
def booked(api, org):
    """A job with an appointment assigned to a technician, the ids to put in every path, and a token
    that may call every route (a dispatcher who is also a technician)."""
    from chalicelib.domain.people import Role
    tech_id, tech = add_user(api, org, "Ana Tech", "technician")
    both_id, _ = add_user(api, org, "Dana Both", "dispatcher", "technician")
    both = mint(both_id, org.id, [Role.DISPATCHER, Role.TECHNICIAN])
    customer_id = new_customer(api, org)
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Leak",
                                             "appointment": {**window(), "technician_id": tech_id}}).body
    location = api.post("/settings/locations", org.dispatcher, {"name": "North", "time_zone": "America/Denver"})
    location_id = location.body["id"]
    contact_id = api.post(f"/customers/{customer_id}/contacts", org.dispatcher, {"name": "Tia Tenant",
                                                                                 "phone": "+13035550181"}).body["id"]
    ids = {"contact_id": contact_id, "job_id": job["id"], "appointment_id": job["appointments"][0]["id"], "customer_id": customer_id,
           "user_id": tech_id, "location_id": location_id, "name": "unassigned", "entry_id": "que_0_0",
           "item_id": "inb_0", "org_slug": "acme"}
    return job, ids, tech, both


def link_token(org, job: dict, path: str) -> str:
    """A real link to the visit, of the purpose the customer page's route takes."""
    from chalicelib import clock
    from chalicelib.domain.links import Link
    from chalicelib.domain.scenarios import LinkPurpose
    from chalicelib.store.messages import _link_item
    purpose = LinkPurpose.FEEDBACK if path.endswith("/feedback") else \
        LinkPurpose.ESTIMATE if path.endswith("/estimate") else \
        LinkPurpose.RESCHEDULE if path.endswith(("/pick", "/none-work", "/frames")) else LinkPurpose.STATUS
    token, link = Link.issue(org.id, job["id"], job["appointments"][0]["id"], purpose, clock.now())
    _link_item(link).save()
    return token


def error(r, status: int, field: str) -> None:
    assert r.status == status and r.body["error"]["code"] == "validation_error", r.body
    assert r.body["error"]["message"].startswith(field), r.body


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.body and not op.path.startswith("/dev")],
                         ids=lambda op: f"{op.method} {op.path}")
def test_a_deeply_nested_body_is_refused_before_it_is_parsed(api, org, booked, op):
    job, ids, _, both = booked
    before = job_items(org, job["id"])
    path = op.path.format(**ids, token=link_token(org, job, op.path) if "{token}" in op.path else "")
    r = api.call(op.method, path, both, raw=DEEP)
    error(r, 400, "body: nests deeper than")
    r = api.call(op.method, path, both, raw=b'{"a": ' * 20 + b"1" + b"}" * 20)
    error(r, 400, "body: nests deeper than")
    assert job_items(org, job["id"]) == before


def test_an_oversized_body_is_refused_and_nothing_is_stored(api, org, booked):
    job, ids, _, _ = booked
    r = api.call("POST", f"/jobs/{job['id']}/notes", org.dispatcher,
                 raw=json.dumps({"text": "x" * 300_000}).encode())
    error(r, 400, "body: is larger than 256 KiB")
    r = api.call("POST", f"/jobs/{job['id']}/notes", org.dispatcher, raw=b'{"text": "ok", "n": NaN}')
    error(r, 400, "body: is not valid JSON")
    assert api.get(f"/jobs/{job['id']}/notes", org.dispatcher).body["items"] == []
    # Brackets inside strings are text, not depth; a body at the limit of size is read.
    r = api.post(f"/jobs/{job['id']}/notes", org.dispatcher, {"text": "[[[[{{{{" * 600})
    assert r.status == 201, r.body


@pytest.mark.parametrize("moment", [EARLIEST, LATEST, "1999-12-31T23:59:59Z", "2101-01-01T00:00:00Z"])
def test_times_outside_2000_to_2100_are_refused_naming_the_field(api, org, booked, moment):
    job, ids, tech, _ = booked
    before = job_items(org, job["id"])
    customer_id, appointment_id = ids["customer_id"], ids["appointment_id"]
    w = window()
    cases = [
        ("POST", "/jobs", {"customer_id": customer_id, "description": "x",
                           "appointment": {"window_start": moment, "window_end": w["window_end"]}},
         "appointment.window_start"),
        ("POST", "/jobs", {"customer_id": customer_id, "description": "x",
                           "appointment": {"window_start": w["window_start"], "window_end": moment}},
         "appointment.window_end"),
        ("POST", f"/jobs/{job['id']}/appointments", {"window_start": moment, "window_end": w["window_end"]},
         "window_start"),
        ("PATCH", f"/appointments/{appointment_id}", {"window_start": w["window_start"], "window_end": moment},
         "window_end"),
        ("POST", f"/appointments/{appointment_id}/offers", {"frames": [{"start": moment, "end": w["window_end"]}]},
         "frames.0.start"),
        ("POST", f"/appointments/{appointment_id}/offers", {"frames": [
            {"start": w["window_start"], "end": w["window_end"]}, {"start": w["window_start"], "end": moment}]},
         "frames.1.end"),
    ]
    for method, path, body, field in cases:
        error(api.call(method, path, org.dispatcher, body), 400, f"{field}: must be between 2000 and 2100")
    for action in ("en_route", "delay"):
        r = api.post(f"/appointments/{appointment_id}/status", tech, {"action": action, "eta": moment})
        error(r, 400, "eta: must be between 2000 and 2100")
    assert job_items(org, job["id"]) == before
    assert len(api.get("/jobs", org.dispatcher).body["items"]) == 1


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_a_day_outside_2000_to_2100_is_refused_on_every_list(api, org, booked, day):
    _, _, tech, _ = booked
    for token in (org.dispatcher, tech):
        error(api.get(f"/jobs?date={day}", token), 400, "date: must be between 2000 and 2100")
    error(api.get(f"/technicians/me/appointments?date={day}", tech), 400, "date: must be between 2000 and 2100")
    for edge in ("2000-01-01", "2100-12-31"):
        assert api.get(f"/jobs?date={edge}", org.dispatcher).status == 200
        assert api.get(f"/technicians/me/appointments?date={edge}", tech).status == 200


def token(key: dict) -> str:
    """A next_token as the API encodes one, of a key given as plain values (ints become numbers)."""
    as_dynamodb = {k: ({"N": str(v)} if isinstance(v, int) else {"S": v}) for k, v in key.items()}
    return base64.urlsafe_b64encode(json.dumps(as_dynamodb).encode()).decode()


def test_a_forged_next_token_is_refused_on_every_list(api, org, other_org, booked):
    job, ids, tech, _ = booked
    o, j = org.id, job["id"]
    lists = {  # path: (the key a real token of that list has, its sort key, the partition of another list)
        "/jobs": ({"pk": f"ORG#{o}#JOB#{j}", "sk": "JOB", "gsi1pk": f"ORG#{o}#JOBS",
                   "gsi1sk": f"2026-12-01T17:00:00Z#{j}"}, "gsi1sk", {"gsi1pk": f"ORG#{o}#TECH#{ids['user_id']}"}),
        "/jobs?status=scheduled": ({"pk": f"ORG#{o}#JOB#{j}", "sk": "JOB", "gsi2pk": f"ORG#{o}#JOBS#scheduled",
                                    "gsi2sk": f"2026-12-01T17:00:00Z#{j}"}, "gsi2sk",
                                   {"gsi2pk": f"ORG#{o}#JOBS#canceled"}),
        "/users": ({"pk": f"ORG#{o}", "sk": f"USER#{ids['user_id']}"}, "sk", {"sk": f"LOC#{ids['location_id']}"}),
        "/settings/locations": ({"pk": f"ORG#{o}", "sk": f"LOC#{ids['location_id']}"}, "sk", {"sk": "PROFILE"}),
        f"/jobs/{j}/notes": ({"pk": f"ORG#{o}#JOB#{j}", "sk": "NOTE#2026-12-01T17:00:00Z#n"}, "sk",
                             {"sk": f"APPT#{ids['appointment_id']}"}),
        "/queues/escalation": ({"pk": f"ORG#{o}#JOB#{j}", "sk": "QUEUE#que_1_2", "gsi2pk": f"ORG#{o}#QUEUE#escalation#active",
                                "gsi2sk": "2026-12-01T17:00:00Z#que_1_2"}, "gsi2sk",
                               {"gsi2pk": f"ORG#{o}#QUEUE#retention#active"}),
        "/inbox": ({"pk": f"ORG#{o}#INBOX#{org.dispatcher_id}", "sk": "INBOX#inb_1",
                    "gsi2pk": f"ORG#{o}#INBOX#{org.dispatcher_id}", "gsi2sk": "0#8235000000#inb_1"}, "gsi2sk",
                   {"gsi2pk": f"ORG#{o}#INBOX#{ids['user_id']}"}),
    }
    for path, (real, sort_key, other_list) in lists.items():
        sep = "&" if "?" in path else "?"
        assert api.get(f"{path}{sep}next_token={token(real)}", org.dispatcher).status == 200, path
        forged = {
            "lacks the sort key": {k: v for k, v in real.items() if k != sort_key},
            "lacks the table's sort key": {k: v for k, v in real.items() if k != "sk"},
            "has an extra key": {**real, "gsi4pk": "x"},
            "is a number": {**real, sort_key: 7},
            "is empty": {**real, sort_key: ""},
            "is another organization's": {k: v.replace(o, other_org.id) for k, v in real.items()},
            "names another organization's item": {**real, "pk": real["pk"].replace(o, other_org.id)},
            "is another list's": {**real, **other_list},
        }
        for why, key in forged.items():
            r = api.get(f"{path}{sep}next_token={token(key)}", org.dispatcher)
            assert r.status == 400 and r.body["error"]["message"].startswith("next_token"), (path, why, r.body)
    # A technician's day pages between the day's bounds only.
    outside = {"pk": f"ORG#{o}#JOB#{j}", "sk": f"APPT#{ids['appointment_id']}",
               "gsi1pk": f"ORG#{o}#TECH#{ids['user_id']}", "gsi1sk": f"2030-01-01T00:00:00Z#{ids['appointment_id']}"}
    error(api.get(f"/jobs?date=2026-12-03&next_token={token(outside)}", tech), 400,
          "next_token: does not belong to this list")
    inside = {**outside, "gsi1sk": f"2026-12-03T17:00:00Z#{ids['appointment_id']}"}
    assert api.get(f"/jobs?date=2026-12-03&next_token={token(inside)}", tech).status == 200


def test_real_next_tokens_still_page_through_each_list(api, org):
    for n in range(3):
        add_user(api, org, f"User{n} Tech", "technician")
        api.post("/settings/locations", org.dispatcher, {"name": f"Branch {n}", "time_zone": "America/Denver"})
        new_customer(api, org, f"+1303555017{n}")
    customer_id = new_customer(api, org, "+13035550179")
    for _ in range(3):
        api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "x"})
    for path, total in [("/users", 4), ("/settings/locations", 3), ("/jobs", 3), ("/jobs?status=unscheduled", 3)]:
        seen, next_token = [], None
        while True:
            sep = "&" if "?" in path else "?"
            r = api.get(f"{path}{sep}limit=2" + (f"&next_token={next_token}" if next_token else ""), org.dispatcher)
            assert r.status == 200, (path, r.body)
            seen += [i["id"] for i in r.body["items"]]
            if not (next_token := r.body["next_token"]):
                break
        assert len(seen) == len(set(seen)) == total, path


def test_null_is_refused_where_a_value_is_required(api, org, booked):
    job, ids, _, _ = booked
    before = api.get("/settings/scenarios", org.dispatcher).body
    for body, field in [({"confirmation_followup_minutes": None}, "confirmation_followup_minutes"),
                        ({"quiet_hours": None}, "quiet_hours"), ({"scenarios": None}, "scenarios"),
                        ({"escalate_before_hours": None}, "escalate_before_hours"),
                        ({"hand_back_before_hours": None}, "hand_back_before_hours"),
                        ({"technician_sms_alerts": None}, "technician_sms_alerts"),
                        ({"travel_minutes": None}, "travel_minutes")]:
        error(api.put("/settings/scenarios", org.dispatcher, body), 400, f"{field}: cannot be null")
    assert api.get("/settings/scenarios", org.dispatcher).body == before
    appointment_before = job_items(org, job["id"])
    error(api.patch(f"/appointments/{ids['appointment_id']}", org.dispatcher,
                    {"window_start": None, "window_end": None}), 400, "window_start: cannot be null")
    assert job_items(org, job["id"]) == appointment_before
    error(api.patch(f"/users/{ids['user_id']}", org.dispatcher, {"roles": None}), 400, "roles: cannot be null")
    error(api.put(f"/settings/locations/{ids['location_id']}", org.dispatcher, {"time_zone": None}), 400,
          "time_zone: cannot be null")
    # Where null means something, it is taken: no voice messages, no phone, a default template, unassigned.
    r = api.put("/settings/scenarios", org.dispatcher, {"voice_origination": None,
                                                        "scenarios": {"en_route": {"template": None}}})
    assert r.status == 200 and r.body["voice_origination"] is None
    assert api.patch(f"/users/{ids['user_id']}", org.dispatcher, {"phone": None}).body["phone"] is None
    assert api.patch(f"/appointments/{ids['appointment_id']}", org.dispatcher,
                     {"technician_id": None}).body["technician_id"] is None


def test_a_position_too_small_for_dynamodb_is_kept_to_a_centimetre(api, org, booked):
    _, _, tech, _ = booked
    r = api.put("/technicians/me/location", tech, {"lat": 39.7392358123456789, "lon": 4.2e-203, "heading": 1e-200,
                                                   "speed": 3.14159})
    assert r.status == 200, r.body
    assert (r.body["lat"], r.body["lon"], r.body["heading"], r.body["speed"]) == (39.7392358, 0.0, 0.0, 3.14)
    tech_id = next(u["id"] for u in api.get("/users", org.dispatcher).body["items"] if u["name"] == "Ana Tech")
    assert api.get(f"/users/{tech_id}", org.dispatcher).body["last_position"]["lon"] == 0.0


def test_an_unknown_path_is_a_404_in_the_error_format(api, org, booked):
    job, ids, _, _ = booked
    for method, path in [("GET", "/nothing"), ("GET", f"/jobs/{job['id']}/invoices"), ("POST", "/jobs/x/y/z"),
                         ("GET", f"/appointments/{ids['appointment_id']}/status/extra"), ("DELETE", "/")]:
        for token in (org.dispatcher, None):
            r = api.call(method, path, token)
            assert (r.status, r.body) == (404, {"error": {"code": "not_found", "message": "no such path"}}), \
                (method, path, r.status, r.body)
    # A known path with a method it does not have is Chalice's 405, in the same format.
    r = api.call("DELETE", "/jobs", org.dispatcher)
    assert r.status == 405 and r.body["error"]["code"] == "method_not_allowed"


def test_an_id_longer_than_any_issued_is_not_found_without_asking_dynamodb(api, org, booked, aws_calls):
    """DynamoDB refuses a key over 2 KB with an error (moto does not): such an id never reaches it."""
    long = "x" * 3000
    for method, path, body, what in [("GET", f"/jobs/{long}", None, "job"),
                                     ("GET", f"/jobs/job_{long}/notes", None, "job"),
                                     ("POST", f"/appointments/apt_{long}/status", {"action": "start"}, "appointment"),
                                     ("GET", f"/customers/{long}", None, "customer"),
                                     ("PATCH", f"/users/{long}", {"active": False}, "user"),
                                     ("GET", f"/settings/locations/{long}", None, "location"),
                                     ("GET", f"/queues/{long}", None, "queue")]:
        before = len(aws_calls)
        r = api.call(method, path, org.dispatcher, body)
        assert (r.status, r.body["error"]["message"]) == (404, f"{what} not found"), (path, r.body)
        assert aws_calls[before:] == [("dynamodb", "GetItem")], path  # the caller's own record, nothing else


def test_an_if_match_that_is_not_a_plain_version_is_a_400(api, org, booked):
    job, ids, tech, _ = booked
    before = job_items(org, job["id"])
    for value in ("²", "١", "9" * 5000, "-1", ""):
        r = api.post(f"/appointments/{ids['appointment_id']}/status", tech, {"action": "en_route"},
                     headers={"If-Match": value})
        error(r, 400, "If-Match: must be the version number")
    assert job_items(org, job["id"]) == before
