"""GET /analytics from the counters the stream handler keeps: a scripted day of ten appointments with
known replies, rejections, feedback, an auto-cancel, escalations and a no-show, equal to the figures
computed by hand, and equal again after every stream record of the day is delivered a second time."""
import json
from datetime import UTC, datetime

import boto3
import pytest

from .conftest import add_user, sweep

DAY = "2026-12-01"  # the clock fixture's day in Denver: 10:00 there is 17:00Z
COUNTED_KINDS = ("message", "appointment", "queue_entry", "feedback")
TABLE = "onmyway-test"


def at(hour: int, minute: int = 0) -> datetime:
    """A time of the scripted day, Denver (UTC-7 in December)."""
    return datetime(2026, 12, 1, hour + 7, minute, tzinfo=UTC)


def z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def inbound(api, org_number: str, phone: str, body: str, inbound_id: str) -> dict:
    payload = json.dumps({"originationNumber": phone, "destinationNumber": org_number, "messageBody": body,
                          "inboundMessageId": inbound_id, "messageKeyword": "K", "previousPublishedMessageId": "p"})
    return api.client.lambda_.invoke("inbound_sms", api.client.events.generate_sns_event(message=payload,
                                                                                        subject="")).payload


def receipt(api, provider_id: str, status: str) -> dict:
    event = api.client.events.generate_sns_event(message=json.dumps(
        {"messageId": provider_id, "messageStatus": status, "messageStatusDescription": "x"}), subject="")
    return api.client.lambda_.invoke("delivery_events", event).payload


def stream_record(event_id: str, name: str, new: dict, old: dict | None = None) -> dict:
    """A Lambda-shaped stream record built by hand (for item kinds another branch writes)."""
    serialize = boto3.dynamodb.types.TypeSerializer().serialize
    ddb = {"Keys": {k: serialize(new[k]) for k in ("pk", "sk")}, "NewImage": {k: serialize(v) for k, v in new.items()},
           "SequenceNumber": str(abs(hash(event_id)) % 10**20), "SizeBytes": 200,
           "StreamViewType": "NEW_AND_OLD_IMAGES"}
    if old is not None:
        ddb["OldImage"] = {k: serialize(v) for k, v in old.items()}
    return {"eventID": event_id, "eventName": name, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1", "dynamodb": ddb,
            "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/onmyway-test/stream/x"}


def feedback_record(org_id: str, job_id: str, rating, when: datetime, event_id: str) -> dict:
    """A feedback item's INSERT as the feedback branch (issue 12) writes it: kind `feedback`, `rating`."""
    return stream_record(event_id, "INSERT", {
        "pk": f"ORG#{org_id}#JOB#{job_id}", "sk": "FEEDBACK", "kind": "feedback", "org_id": org_id,
        "job_id": job_id, "rating": rating, "comment": "thanks", "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.%f+0000")})


@pytest.fixture
def recorded(stream):
    """Every record the stream delivers, kept for delivering all of them again."""
    delivered: list[dict] = []
    original = stream.invoke

    def invoke(event):
        delivered.extend(event["Records"])
        return original(event)
    stream.invoke = invoke
    return delivered


@pytest.fixture
def day(api, org, stream, clock, recorded):
    """The scripted day. At 10:00 ten visits are booked (A0-A6 Ana's and A7-A8 Ben's at the North
    location, A8 today 11:00-13:00; A9 unassigned today 12:30-14:30; the rest on 3 Dec); J0-J4 came by
    phone, J5-J9 from the web. Then: 10:30 A0-A2 reply C, A3 and A4 reply N, A5 asks a question; 11:00
    A7 replies C; the booking confirmation of A0 is delivered, A1's fails; 11:30 A9 is auto-canceled;
    12:00 A5 and A6 have not confirmed: two escalations; 13:00 A8 has not started: a no-show; J0 is
    completed; feedback 5 for J0 and 3 for J1."""
    from chalicelib.bootstrap import store_repositories
    number = store_repositories().organizations.get(org.id).sms_number
    ana, _ = add_user(api, org, "Ana Alvarez", "technician")
    ben, _ = add_user(api, org, "Ben Brooks", "technician")
    north = api.post("/settings/locations", org.dispatcher, {"name": "North", "time_zone": "America/Denver"}).body["id"]
    table = boto3.client("dynamodb")
    later = {"window_start": "2026-12-03T17:00:00Z", "window_end": "2026-12-03T19:00:00Z"}
    jobs, phones = [], []
    for i in range(10):
        phone = f"+1303555{300 + i:04d}"
        customer = api.post("/customers", org.dispatcher, {"name": f"Customer {i}", "phone": phone,
                                                           "time_zone": "America/Denver"}).body["id"]
        visit = {**later, "technician_id": ana if i < 7 else ben}
        if i == 8:
            visit = {"window_start": z(at(11)), "window_end": z(at(13)), "technician_id": ben}
        if i == 9:
            visit = {"window_start": z(at(12, 30)), "window_end": z(at(14, 30))}
        body = {"customer_id": customer, "description": f"visit {i}", "appointment": visit}
        if i in (7, 8):
            body["location_id"] = north
        jobs.append(api.post("/jobs", org.dispatcher, body).body)
        phones.append(phone)

    def settle():
        # The job's order channel as the intake branch records it: attribute `channel` of the job item
        # (this branch's JobItem does not declare it yet, so a job write drops it: set it again).
        for i, job in enumerate(jobs):
            table.update_item(TableName=TABLE, Key={"pk": {"S": f"ORG#{org.id}#JOB#{job['id']}"}, "sk": {"S": "JOB"}},
                              UpdateExpression="SET channel = :c",
                              ExpressionAttributeValues={":c": {"S": "phone" if i < 5 else "web"}})
        assert stream.settle() == []
    settle()

    clock.now = at(10, 30)
    for i, word in [(0, "C"), (1, "C"), (2, "yes"), (3, "N"), (4, "no"), (5, "What should I prepare?")]:
        inbound(api, number, phones[i], word, f"in-{i}")
    settle()
    clock.now = at(11)
    inbound(api, number, phones[7], "C", "in-7")
    messages = [api.get(f"/jobs/{jobs[i]['id']}/messages", org.dispatcher).body["items"][0] for i in (0, 1)]
    assert receipt(api, messages[0]["provider_id"], "DELIVERED")["outcome"] == "delivered"
    assert receipt(api, messages[1]["provider_id"], "CARRIER_UNREACHABLE")["outcome"] == "failed"
    settle()
    for hour, minute in [(11, 30), (12, 0), (13, 0)]:
        clock.now = at(hour, minute)
        sweep(api)
        settle()
    a0 = jobs[0]["appointments"][0]["id"]
    assert api.post(f"/appointments/{a0}/status", org.dispatcher, {"action": "complete"}).status == 200
    settle()
    feedback = [feedback_record(org.id, jobs[0]["id"], 5, at(13, 10), "fb-0"),
                feedback_record(org.id, jobs[1]["id"], 3, at(13, 20), "fb-1")]
    assert stream.invoke({"Records": feedback}) == {"batchItemFailures": []}
    return jobs, ana, ben, north


def analytics(api, org, group_by="day", first=DAY, last=DAY):
    r = api.get(f"/analytics?from={first}&to={last}&group_by={group_by}", org.dispatcher)
    assert r.status == 200, r.body
    return r.body


def sent_segments(api, org, jobs) -> int:
    return sum(m["segments"] for j in jobs for m in api.get(f"/jobs/{j['id']}/messages?limit=100", org.dispatcher).body["items"]
               if m["direction"] == "outbound" and m["status"] in ("sent", "delivered", "failed", "unknown")
               and m["provider_id"])


# By hand: 10 booking confirmations (A0 delivered, A1 failed); thanks for 4 confirmations and "sorry"
# for 2 rejections (auto_reply); the auto-cancel text; the late text; the feedback request.
TEXTS = {"booking_confirmation": {"sent": 10, "delivered": 1, "failed": 1}, "auto_reply": {"sent": 6},
         "auto_canceled": {"sent": 1}, "delayed": {"sent": 1}, "feedback_request": {"sent": 1}}
DAY_FIGURES = {
    "appointments": 10, "asked": 10, "replied": 7, "reply_rate": 0.7, "inbound": 7, "confirmed": 4,
    "confirmation_rate": 0.4, "time_to_confirm_minutes": 37.5,  # (30 + 30 + 30 + 60) / 4
    "escalations": 2, "escalation_outcomes": {}, "rejections": {"uncategorized": 2}, "auto_cancels": 1,
    "no_shows": 1, "feedback": {"count": 2, "average": 4.0}, "texts": TEXTS,
}


def check_day(api, org, jobs, ana, ben, north):
    (group,) = analytics(api, org)["groups"]
    assert group["key"] == DAY
    assert {k: group[k] for k in DAY_FIGURES} == DAY_FIGURES
    assert group["segments"] == sent_segments(api, org, jobs) == 19  # 19 texts, each one segment

    by_tech = {g["key"]: g for g in analytics(api, org, "technician")["groups"]}
    assert set(by_tech) == {ana, ben, "unassigned"}
    assert {k: by_tech[ana][k] for k in ("appointments", "asked", "replied", "confirmed", "rejections",
                                         "escalations", "no_shows", "feedback")} == {
        "appointments": 7, "asked": 7, "replied": 6, "confirmed": 3, "rejections": {"uncategorized": 2},
        "escalations": 2, "no_shows": 0, "feedback": {"count": 2, "average": 4.0}}
    assert (by_tech[ben]["asked"], by_tech[ben]["replied"], by_tech[ben]["confirmed"], by_tech[ben]["no_shows"],
            by_tech[ben]["confirmation_rate"]) == (2, 1, 1, 1, 0.5)
    assert (by_tech["unassigned"]["auto_cancels"], by_tech["unassigned"]["asked"]) == (1, 1)

    by_channel = {g["key"]: g for g in analytics(api, org, "channel")["groups"]}
    assert set(by_channel) == {"phone", "web"}
    assert (by_channel["phone"]["rejections"], by_channel["phone"]["confirmed"], by_channel["phone"]["reply_rate"],
            by_channel["phone"]["feedback"]) == ({"uncategorized": 2}, 3, 1.0, {"count": 2, "average": 4.0})
    assert (by_channel["web"]["rejections"], by_channel["web"]["confirmed"], by_channel["web"]["reply_rate"],
            by_channel["web"]["escalations"]) == ({}, 1, 0.4, 2)

    by_location = {g["key"]: g for g in analytics(api, org, "location")["groups"]}
    assert set(by_location) == {north, "none"} and by_location[north]["appointments"] == 2

    (week,) = analytics(api, org, "week", "2026-11-30", "2026-12-06")["groups"]
    assert week["key"] == "2026-W49" and {k: week[k] for k in DAY_FIGURES} == DAY_FIGURES
    days = analytics(api, org, "day", "2026-11-30", "2026-12-02")
    assert [g["key"] for g in days["groups"]] == ["2026-11-30", DAY, "2026-12-02"]
    assert days["groups"][0]["asked"] == 0 and days["groups"][0]["reply_rate"] is None
    assert {k: days["total"][k] for k in DAY_FIGURES} == DAY_FIGURES


def test_a_scripted_day_equals_the_figures_computed_by_hand_and_again_after_redelivery(api, org, stream, day,
                                                                                       recorded, aws_calls):
    jobs, ana, ben, north = day
    check_day(api, org, jobs, ana, ben, north)
    assert not [c for c in aws_calls if c[1] == "Scan"]

    # Every record of the day that counts something, delivered a second time, in batches as Lambda would.
    again = [r for r in recorded if r["dynamodb"].get("NewImage", {}).get("kind", {}).get("S") in COUNTED_KINDS]
    assert {r["dynamodb"]["NewImage"]["kind"]["S"] for r in again} == set(COUNTED_KINDS)
    for start in range(0, len(again), 100):
        assert stream.invoke({"Records": again[start:start + 100]}) == {"batchItemFailures": []}
    check_day(api, org, jobs, ana, ben, north)


def test_an_escalation_is_counted_with_its_outcome_and_a_rejection_with_its_category(api, org, stream):
    """Queue-entry states and rejection categories come from the lead's branch: records of their shape."""
    pk = f"ORG#{org.id}#JOB#j_1"
    opened = {"pk": pk, "sk": "QUEUE#escalation#q1", "kind": "queue_entry", "org_id": org.id, "queue": "escalation",
              "job_id": "j_1", "appointment_id": "j_1-a1", "reason": "no reply", "state": "open",
              "created_at": "2026-12-01T18:00:00.000000+0000"}
    done = {**opened, "state": "done", "outcome": "confirmed", "closed_at": "2026-12-01T19:00:00.000000+0000"}
    appointment = {"pk": pk, "sk": "APPT#j_1-a1", "kind": "appointment", "org_id": org.id, "job_id": "j_1",
                   "appointment_id": "j_1-a1", "status": "scheduled", "confirmation": "pending", "version": 2,
                   "updated_at": "2026-12-01T19:30:00.000000+0000"}
    rejected = {**appointment, "confirmation": "rejected", "rejection_category": "price", "version": 3}
    records = [stream_record("e1", "INSERT", opened), stream_record("e2", "MODIFY", done, opened),
               stream_record("e3", "MODIFY", rejected, appointment),
               feedback_record(org.id, "j_1", 7, at(12), "bad-rating"),  # not 1-5: logged, not counted
               feedback_record(org.id, "j_1", 4, at(12), "fb")]
    for _ in range(2):
        assert stream.invoke({"Records": records}) == {"batchItemFailures": []}
    (group,) = analytics(api, org)["groups"]
    assert (group["escalations"], group["escalation_outcomes"], group["rejections"], group["feedback"]) == (
        1, {"confirmed": 1}, {"price": 1}, {"count": 1, "average": 4.0})
    assert analytics(api, org, "channel")["groups"][0]["key"] == "unknown"  # a job not found: counted all the same


BAD_QUERIES = [
    ("from=2026-13-01&to=2026-12-02", "from"), ("from=yesterday&to=2026-12-02", "from"),
    ("from=2026-12-03&to=2026-12-02", "to"), ("from=2025-01-01&to=2026-12-02", "to"),
    ("group_by=month", "group_by"), ("from=2026-12-01&bogus=1", "bogus"), ("from=2024-01-01", "from"),
]


def test_a_bad_query_is_refused_naming_the_field(api, org):
    for query, field in BAD_QUERIES:
        for path in ("/analytics", "/analytics/cost"):
            if "group_by" in query and path.endswith("cost"):
                continue
            r = api.get(f"{path}?{query}", org.dispatcher)
            assert (r.status, r.error) == (400, "validation_error") and field in r.body["error"]["message"], r.body


def test_analytics_is_for_dispatchers_and_defaults_to_the_last_30_days(api, org):
    _, tech = add_user(api, org, "Ana Alvarez", "technician")
    assert api.get("/analytics", tech).status == 403
    assert api.get("/analytics/cost", tech).status == 403
    body = analytics_default = api.get("/analytics", org.dispatcher).body
    assert (body["from"], body["to"], len(analytics_default["groups"])) == ("2026-11-02", DAY, 30)


def test_cost_per_1000_appointments_from_the_organizations_counted_segments(api, org, stream):
    from chalicelib.domain import prices, usage
    r = api.get("/analytics/cost?from=2026-12-01&to=2026-12-01", org.dispatcher)
    assert r.status == 200 and r.body["basis"]["appointments"] == 0  # nothing yet: the bench's texts
    assert r.body["breakdown"]["sms"]["segments"] == round(usage.PER_APPOINTMENT["sms_segments"] * 1000)
    customer = api.post("/customers", org.dispatcher, {"name": "Pat", "phone": "+13035550190"}).body["id"]
    for days in (2, 3):
        start = f"2026-12-0{1 + days}T17:00:00Z"
        api.post("/jobs", org.dispatcher, {"customer_id": customer, "description": "x",
                                           "appointment": {"window_start": start, "window_end": start[:11] + "19:00:00Z"}})
    assert stream.settle() == []
    body = api.get("/analytics/cost?from=2026-12-01&to=2026-12-01", org.dispatcher).body
    # Two appointments booked, two one-segment confirmations: 1 segment per appointment, 1,000 per 1,000.
    assert (body["basis"]["appointments"], body["basis"]["segments"]) == (2, 2)
    assert body["breakdown"]["sms"] == {"segments": 1000, "usd": round(1000 * (0.00581 + 0.00302), 4)}
    per = usage.PER_APPOINTMENT
    dynamodb = 1000 * (per["write_request_units"] * 0.625 + per["read_request_units"] * 0.125) / 1_000_000
    lambdas = 1000 * per["lambda_invocations"] * (0.2 / 1_000_000 + 0.150 * 0.125 * 0.0000166667)
    assert body["breakdown"]["dynamodb"]["usd"] == round(dynamodb, 4)
    assert body["per_1000_appointments_usd"] == round(8.83 + dynamodb + lambdas, 2)
    assert body["prices_as_of"] == prices.PRICES_AS_OF
    assert body["breakdown"]["fixed_per_month"]["sweep_invocations"] == 4 * 60 * 24 * 30  # a run per due shard


def test_the_auto_cancel_reason_counted_is_the_one_the_timers_write():
    from chalicelib.domain.analytics import AUTO_CANCEL_REASON
    from chalicelib.services.timers import AUTO_CANCEL_REASON as WRITTEN
    assert AUTO_CANCEL_REASON == WRITTEN
