"""Two-way SMS: End User Messaging inbound payloads on SNS, built with client.events.generate_sns_event."""
import json
import uuid

import pytest

from .conftest import add_user, new_customer, window

SAM = "+13035550177"


def inbound(api, org_number: str, body: str, sender: str = SAM, inbound_id: str | None = None, raw=None) -> dict:
    payload = raw if raw is not None else json.dumps({
        "originationNumber": sender, "destinationNumber": org_number, "messageKeyword": "KEYWORD_123456789012",
        "messageBody": body, "inboundMessageId": inbound_id or str(uuid.uuid4()),
        "previousPublishedMessageId": str(uuid.uuid4())})
    event = api.client.events.generate_sns_event(message=payload, subject="")
    return api.client.lambda_.invoke("inbound_sms", event).payload


@pytest.fixture
def setup(api, org, stream):
    from chalicelib.bootstrap import store_repositories
    number = store_repositories().organizations.get(org.id).sms_number
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    customer_id = new_customer(api, org, SAM)
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Leak",
                                             "appointment": {**window(days=2), "technician_id": tech_id}}).body
    stream.settle()
    return number, job, job["appointments"][0]["id"], tech, customer_id


def conversation(api, org, job):
    return api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]


def test_c_confirms_the_next_appointment_and_clears_the_follow_up(api, org, stream, setup):
    from chalicelib.bootstrap import store_repositories
    number, job, appointment_id, _, _ = setup
    assert [t.kind for t in store_repositories().timers.of_appointment(org.id, job["id"], appointment_id)
            if t.kind == "confirmation_followup"]
    assert inbound(api, number, " yes ")["outcome"] == "confirmed"
    assert api.get(f"/jobs/{job['id']}", org.dispatcher).body["appointments"][0]["confirmation"] == "confirmed"
    assert "is confirmed" in stream.texts(SAM)[-1][1]
    assert not [t for t in store_repositories().timers.of_appointment(org.id, job["id"], appointment_id)
                if t.kind == "confirmation_followup"]
    assert [m["direction"] for m in conversation(api, org, job)].count("inbound") == 1


def test_no_rejects_into_retention_and_asks_why_unless_given(api, org, stream, setup):
    number, job, _, _, _ = setup
    assert inbound(api, number, "N")["outcome"] == "rejected"
    assert "tell us why" in stream.texts(SAM)[-1][1]
    (entry,) = api.get("/queues/retention", org.dispatcher).body["items"]
    assert entry["reason"] == "customer replied NO" and entry["job_id"] == job["id"]
    assert api.get(f"/jobs/{job['id']}", org.dispatcher).body["appointments"][0]["confirmation"] == "rejected"


def test_no_with_a_reason_is_the_retention_reason(api, org, stream, setup):
    number, job, _, _, _ = setup
    texts_before = len(stream.texts(SAM))
    assert inbound(api, number, "No - found someone cheaper")["outcome"] == "rejected"
    assert api.get("/queues/retention", org.dispatcher).body["items"][0]["reason"] == "found someone cheaper"
    assert len(stream.texts(SAM)) == texts_before  # not asked why


def test_r_sends_the_select_time_frame_link(api, org, stream, setup, clock):
    import re

    from chalicelib.store.links import Links
    number, job, appointment_id, _, _ = setup
    assert inbound(api, number, "r")["outcome"] == "reschedule_link"
    token = re.search(r"/c/(\S+)$", stream.texts(SAM)[-1][1]).group(1)
    link = Links().resolve(token, clock.now)
    assert (link.purpose, link.appointment_id) == ("reschedule", appointment_id)


def test_free_text_lands_on_the_job_for_dispatcher_and_technician(api, org, stream, setup):
    number, job, _, tech, _ = setup
    assert inbound(api, number, "Can you come after 3? The dog will be out.")["outcome"] == "recorded"
    for token in (org.dispatcher, tech):
        messages = api.get(f"/jobs/{job['id']}/messages", token).body["items"]
        (m,) = [m for m in messages if m["direction"] == "inbound"]
        assert (m["from"], m["to"], m["body"], m["status"]) == (SAM, number, "Can you come after 3? The dog will be out.",
                                                                "received")
        assert m["created_at"].endswith("Z")


def test_direct_reply_off_records_and_auto_replies_with_the_link(api, org, stream, setup):
    number, job, _, _, customer_id = setup
    location = api.post("/settings/locations", org.dispatcher, {"name": "North", "time_zone": "America/Denver",
                                                                "direct_reply_enabled": False}).body
    job2 = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Second",
                                              "location_id": location["id"], "appointment": window(days=3)}).body
    api.post(f"/jobs/{job['id']}/cancel", org.dispatcher, {"reason": "merged into the second job"})
    stream.settle()  # the second job is now the customer's open one
    assert inbound(api, number, "Is the tech bringing the part?")["outcome"] == "recorded_direct_reply_off"
    assert "replies by text are not enabled for this location" in stream.texts(SAM)[-1][1]
    assert "/c/" in stream.texts(SAM)[-1][1]
    assert [m["body"] for m in conversation(api, org, job2) if m["direction"] == "inbound"] == [
        "Is the tech bringing the part?"]


def test_unknown_sender_gets_a_polite_text_and_nothing_else(api, org, stream, setup):
    number, job, _, _, _ = setup
    stranger = "+13035550111"
    assert inbound(api, number, "hello?", sender=stranger)["outcome"] == "unknown_sender"
    (to, body), = stream.texts(stranger)
    assert number in body and "could not find" in body
    assert api.get("/queues/retention", org.dispatcher).body["items"] == []


def test_a_redelivered_inbound_text_does_nothing_twice(api, org, stream, setup):
    number, job, _, _, _ = setup
    for _ in range(3):
        inbound(api, number, "N", inbound_id="same-id-1")
    assert len(api.get("/queues/retention", org.dispatcher).body["items"]) == 1
    assert sum("tell us why" in b for _, b in stream.texts(SAM)) == 1
    assert [m["direction"] for m in conversation(api, org, job)].count("inbound") == 1


def test_stop_then_a_status_change_sends_nothing_and_start_resumes(api, org, stream, setup):
    number, job, appointment_id, tech, customer_id = setup
    assert inbound(api, number, "stop")["outcome"] == "opt_out"
    assert api.get(f"/customers/{customer_id}", org.dispatcher).body["opted_out"] is True
    sent = len(stream.texts(SAM))
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "en_route"})
    stream.settle()
    assert len(stream.texts(SAM)) == sent  # and no confirmation of the opt-out from us either
    (en_route,) = [m for m in conversation(api, org, job) if m["scenario"] == "en_route"]
    assert (en_route["status"], en_route["error"]) == ("suppressed", "customer opted out")
    assert inbound(api, number, "START")["outcome"] == "opt_in"
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "start"})
    stream.settle()
    assert stream.texts(SAM)[-1][1].endswith("Ana Alvarez has arrived.")


def test_dispatcher_and_technician_write_to_the_customer_through_the_stream(api, org, stream, setup):
    number, job, _, tech, _ = setup
    r = api.post(f"/jobs/{job['id']}/messages", tech, {"body": "Running 10 min late, sorry!"})
    assert r.status == 201 and r.body["status"] == "queued"
    assert stream.texts(SAM)[-1][1] != "Running 10 min late, sorry!"  # the API sent nothing itself
    stream.settle()
    assert stream.texts(SAM)[-1] == (SAM, "Running 10 min late, sorry!")
    m = [m for m in conversation(api, org, job) if m["id"] == r.body["id"]][0]
    assert m["status"] == "sent" and m["author_id"] and m["scenario"] is None
    _, provider = add_user(api, org, "Brand", "provider")
    assert api.post(f"/jobs/{job['id']}/messages", provider, {"body": "x"}).status == 404
    assert api.post(f"/jobs/{job['id']}/messages", org.dispatcher, {"body": ""}).status == 400


def test_delivery_receipts_move_a_text_to_delivered_or_failed(api, org, stream, setup):
    number, job, _, _, _ = setup
    (first,) = conversation(api, org, job)
    provider_id = first["provider_id"]

    def receipt(status, description="ok"):
        event = api.client.events.generate_sns_event(message=json.dumps({
            "eventType": f"TEXT_{status}", "messageId": provider_id, "messageStatus": status,
            "messageStatusDescription": description, "destinationPhoneNumber": SAM}), subject="")
        return api.client.lambda_.invoke("delivery_events", event).payload

    assert receipt("DELIVERED")["outcome"] == "delivered"
    assert conversation(api, org, job)[0]["status"] == "delivered"
    assert receipt("CARRIER_UNREACHABLE", "handset off")["outcome"] == "failed"
    assert conversation(api, org, job)[0]["status"] == "delivered"  # a final receipt is not overwritten


@pytest.mark.parametrize("raw", ["not json", json.dumps([1]), json.dumps({"inboundMessageId": "x", "messageBody": ""}),
                                 json.dumps({"inboundMessageId": "x", "messageBody": "hi", "originationNumber": "555",
                                             "destinationNumber": "+13035550100"}),
                                 json.dumps({"inboundMessageId": "x", "messageBody": "a" * 1601,
                                             "originationNumber": SAM, "destinationNumber": "+13035550100"})])
def test_bad_inbound_payloads_are_acknowledged_and_change_nothing(api, org, stream, setup, raw, capsys):
    number, job, _, _, _ = setup
    assert inbound(api, number, "", raw=raw)["outcome"] == "ignored"
    assert len(conversation(api, org, job)) == 1
    assert SAM not in capsys.readouterr().out  # never a whole phone number in the log
