"""GET /analytics from the counters the stream handler keeps: a scripted day of ten appointments with
known replies, rejections, feedback, an auto-cancel, escalations and a no-show, equal to the figures
computed by hand, and equal again after every stream record of the day is delivered a second time.
Every record counted is one the store wrote: the feedback from the customer's page, the escalation
resolved in its queue, the rejection's category from the customer's words."""
import copy
import json
from datetime import UTC, datetime

import pytest

from .conftest import add_user, sweep
from .test_customer_pages import fetch, token_in

DAY = "2026-12-01"  # the clock fixture's day in Denver: 10:00 there is 17:00Z


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


def rate(api, stream, phone: str, rating: int) -> None:
    """The customer rates the job on the page behind the feedback request's link."""
    link = [body for to, body in stream.texts(phone) if "/c/" in body][-1]
    assert fetch(api, "POST", f"/c/{token_in(link)}/feedback", body={"rating": rating}).status == 201
    assert stream.settle() == []


@pytest.fixture
def day(api, org, stream, clock):
    """The scripted day. At 10:00 ten visits are booked (A0-A6 Ana's and A7-A8 Ben's at the North
    location, A8 today 11:00-13:00; A9 unassigned today 12:30-14:30; the rest on 3 Dec); J0-J4 came by
    phone, J5-J9 from the web. Then: 10:30 A0-A2 reply C, A3 and A4 reply N, A5 asks a question; 11:00
    A7 replies C; the booking confirmation of A0 is delivered, A1's fails; 11:30 A9 is auto-canceled;
    12:00 A5 and A6 have not confirmed: two escalations; 13:00 A8 has not started: a no-show; J0 and J1
    are completed; their customers rate them 5 and 3 on the feedback page."""
    from chalicelib.bootstrap import store_repositories
    number = store_repositories().organizations.get(org.id).sms_number
    ana, _ = add_user(api, org, "Ana Alvarez", "technician")
    ben, _ = add_user(api, org, "Ben Brooks", "technician")
    north = api.post("/settings/locations", org.dispatcher, {"name": "North", "time_zone": "America/Denver"}).body["id"]
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
        body["channel"] = "phone" if i < 5 else "web"
        jobs.append(api.post("/jobs", org.dispatcher, body).body)
        phones.append(phone)

    def settle():
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
    for i in (0, 1):
        visit = jobs[i]["appointments"][0]["id"]
        assert api.post(f"/appointments/{visit}/status", org.dispatcher, {"action": "complete"}).status == 200
    settle()
    clock.now = at(13, 10)
    rate(api, stream, phones[0], 5)
    clock.now = at(13, 20)
    rate(api, stream, phones[1], 3)
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
# for 2 rejections (auto_reply); the auto-cancel text; the late text; two feedback requests.
TEXTS = {"booking_confirmation": {"sent": 10, "delivered": 1, "failed": 1}, "auto_reply": {"sent": 6},
         "auto_canceled": {"sent": 1}, "delayed": {"sent": 1}, "feedback_request": {"sent": 2}}
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
    assert group["segments"] == sent_segments(api, org, jobs) == 20  # 20 texts, each one segment

    by_tech = {g["key"]: g for g in analytics(api, org, "technician")["groups"]}
    assert set(by_tech) == {ana, ben, "unassigned"}
    assert [by_tech[k]["name"] for k in (ana, ben, "unassigned")] == ["Ana Alvarez", "Ben Brooks", None]
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
                                                                                       aws_calls):
    jobs, ana, ben, north = day
    check_day(api, org, jobs, ana, ben, north)
    assert not [c for c in aws_calls if c[1] == "Scan"]
    # Every record of the day delivered a second time, in batches as Lambda would.
    stream.pump.checkpoints.clear()
    kinds = {r["dynamodb"].get("NewImage", {}).get("kind", {}).get("S") for rs in stream.pump.pending().values()
             for r in rs}
    assert {"message", "appointment", "queue_entry", "feedback"} <= kinds  # what the figures count
    assert stream.settle() == []
    check_day(api, org, jobs, ana, ben, north)


def test_a_day_or_week_split_by_channel_location_or_technician_holds_each_ones_figures(api, org, day, aws_calls):
    """Each group's split equals the whole-range report of that dimension over the group's days, and the
    total's split the whole range's: a day's phone jobs are the channel report's phone row for that day."""
    jobs, ana, ben, north = day
    for split in ("channel", "location", "technician"):
        calls = len(aws_calls)
        r = api.get(f"/analytics?from=2026-11-30&to=2026-12-02&group_by=day&split={split}", org.dispatcher)
        assert r.status == 200 and r.body["split"] == split, r.body
        assert not [c for c in aws_calls[calls:] if c[1] == "Scan"]
        quiet, today, _ = r.body["groups"]
        assert (quiet["key"], quiet["split"], today["key"]) == ("2026-11-30", [], DAY)
        by_value = analytics(api, org, split)["groups"]  # the one day that counted anything
        assert today["split"] == by_value
        assert r.body["total"]["split"] == by_value
        plain = analytics(api, org)["groups"][0]  # and the day's own figures are those of the unsplit report
        assert {k: v for k, v in today.items() if k != "split"} == {k: v for k, v in plain.items() if k != "split"}
    channels = {g["key"]: g for g in analytics(api, org, "channel")["groups"]}
    week = api.get(f"/analytics?from={DAY}&to={DAY}&group_by=week&split=channel", org.dispatcher).body
    (group,) = week["groups"]
    assert group["key"] == "2026-W49" and [p["key"] for p in group["split"]] == ["phone", "web"]
    assert group["split"] == [channels["phone"], channels["web"]]
    names = api.get(f"/analytics?from={DAY}&to={DAY}&split=technician", org.dispatcher).body["groups"][0]["split"]
    assert [(p["key"], p["name"]) for p in names] == sorted([(ana, "Ana Alvarez"), (ben, "Ben Brooks"),
                                                             ("unassigned", None)])


def test_a_split_needs_a_day_or_week_report(api, org):
    for query in ("group_by=channel&split=technician", "split=month", "group_by=technician&split=technician"):
        r = api.get(f"/analytics?from={DAY}&to={DAY}&{query}", org.dispatcher)
        assert (r.status, r.error) == (400, "validation_error") and "split" in r.body["error"]["message"], r.body


def test_an_escalation_is_counted_with_its_outcome_and_a_rejection_with_its_category(api, org, stream, clock):
    from chalicelib.bootstrap import store_repositories
    number = store_repositories().organizations.get(org.id).sms_number
    sweep(api)
    ana, _ = add_user(api, org, "Ana Alvarez", "technician")
    later = {"window_start": "2026-12-03T17:00:00Z", "window_end": "2026-12-03T19:00:00Z", "technician_id": ana}
    jobs, phones = [], ["+13035550301", "+13035550302", "+13035550303"]
    for n, phone in enumerate(phones):
        customer = api.post("/customers", org.dispatcher, {"name": f"Customer {n}", "phone": phone,
                                                           "time_zone": "America/Denver"}).body["id"]
        jobs.append(api.post("/jobs", org.dispatcher, {"customer_id": customer, "description": "x",
                                                       "appointment": later}).body)
    assert stream.settle() == []
    assert inbound(api, number, phones[1], "NO - too expensive", "in-1")["outcome"] == "rejected"
    assert inbound(api, number, phones[2], "C", "in-2")["outcome"] == "confirmed"
    visit = jobs[2]["appointments"][0]["id"]
    assert api.post(f"/appointments/{visit}/status", org.dispatcher, {"action": "complete"}).status == 200
    assert stream.settle() == []
    clock.now = at(12)  # two hours after the question, no answer from the first customer: the call to make
    sweep(api)
    assert stream.settle() == []
    (entry,) = api.get("/queues/escalation", org.dispatcher).body["items"]
    assert api.post(f"/queues/escalation/{entry['id']}/claim", org.dispatcher).status == 200
    assert api.post(f"/queues/escalation/{entry['id']}/resolve", org.dispatcher, {"outcome": "confirmed"}).status == 200
    assert stream.settle() == []

    # The feedback's record as the store writes it, first seen with a rating no page allows: logged, not counted.
    link = [body for to, body in stream.texts(phones[2]) if "/c/" in body][-1]
    assert fetch(api, "POST", f"/c/{token_in(link)}/feedback", body={"rating": 4}).status == 201
    (written,) = [r for rs in stream.pump.pending().values() for r in rs
                  if r["dynamodb"]["NewImage"].get("kind") == {"S": "feedback"}]
    bad = copy.deepcopy(written)
    bad["eventID"], bad["dynamodb"]["NewImage"]["rating"] = "bad-rating", {"N": "7"}
    assert stream.invoke({"Records": [bad]}) == {"batchItemFailures": []}
    assert stream.settle() == []
    assert stream.redeliver() == []  # and every record of it all, again
    (group,) = analytics(api, org)["groups"]
    assert (group["escalations"], group["escalation_outcomes"], group["rejections"], group["feedback"]) == (
        1, {"confirmed": 1}, {"price": 1}, {"count": 1, "average": 4.0})


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
    """The figures by hand, from the prices of 2025-01-15 (domain/prices.py; Lambda arm64, each function at its
    memory for its modelled milliseconds) and the bench's measured lifecycle (domain/usage.py: 264.6 write and
    94.4 read units, 6.4 segments; 6 API requests, 14.8 stream batches, 1 inbound text, 6.4 receipts)."""
    r = api.get("/analytics/cost?from=2026-12-01&to=2026-12-01", org.dispatcher)
    assert r.status == 200 and r.body["basis"]["appointments"] == 0  # nothing yet: the bench's texts
    assert r.body["breakdown"]["sms"] == {"segments": 6400, "usd": 56.512}  # 6,400 x $0.00883
    customer = api.post("/customers", org.dispatcher, {"name": "Pat", "phone": "+13035550190"}).body["id"]
    for days in (2, 3):
        start = f"2026-12-0{1 + days}T17:00:00Z"
        api.post("/jobs", org.dispatcher, {"customer_id": customer, "description": "x",
                                           "appointment": {"window_start": start, "window_end": start[:11] + "19:00:00Z"}})
    assert stream.settle() == []
    body = api.get("/analytics/cost?from=2026-12-01&to=2026-12-01", org.dispatcher).body
    # Two appointments booked, two one-segment confirmations: 1 segment per appointment, 1,000 per 1,000.
    assert (body["basis"]["appointments"], body["basis"]["segments"]) == (2, 2)
    assert body["breakdown"]["sms"] == {"segments": 1000, "usd": 8.83}  # $0.00581 + a $0.00302 carrier fee
    # 264,600 x $0.625 + 94,400 x $0.125 per million request units = $0.165375 + $0.0118
    assert body["breakdown"]["dynamodb"] == {"write_request_units": 264600, "read_request_units": 94400,
                                             "usd": 0.1772}
    # 28,200 x $0.20 per million requests = $0.00564, and GB-seconds at $0.0000133334 (arm64): the API
    # 6,000 x 0.033 s x 1 GB = 198, the stream 14,800 x 0.129 x 1 = 1,909.2, inbound 1,000 x 0.219 x 0.5 = 109.5,
    # receipts 6,400 x 0.080 x 0.125 = 64; 2,280.7 GB-s = $0.03041
    lambdas = body["breakdown"]["lambda"]
    assert (lambdas["usd"], lambdas["invocations"]) == (0.036, 28200)
    assert lambdas["assumed_ms_per_invocation"] == 101  # (6,000 x 33 + 14,800 x 129 + 1,000 x 219 + 6,400 x 80) / 28,200
    assert body["per_1000_appointments_usd"] == 9.04  # 8.83 + 0.1772 + 0.0360
    assert body["prices_as_of"] == "2025-01-15"
    assert body["breakdown"]["fixed_per_month"]["sweep_invocations"] == 172_800  # a run a minute per due shard (4)


def test_the_auto_cancel_reason_counted_is_the_one_the_timers_write():
    from chalicelib.domain.analytics import AUTO_CANCEL_REASON
    from chalicelib.services.timers import AUTO_CANCEL_REASON as WRITTEN
    assert AUTO_CANCEL_REASON == WRITTEN
