"""Customer texts from the DynamoDB stream: API change → moto's stream → table_changes (as Lambda
invokes it) → moto's SNS. One test per change-triggered scenario, plus redelivery and failures."""
import pytest

from .conftest import add_user, new_customer, window

SAM = "+13035550177"
LEE = "+13035550178"


def local_window(w: dict) -> str:
    """The window as the Denver customer reads it."""
    from datetime import datetime

    from chalicelib.domain import timefmt
    start, end = (datetime.fromisoformat(w[k].replace("Z", "+00:00")) for k in ("window_start", "window_end"))
    return timefmt.window(start, end, "America/Denver")


@pytest.fixture
def booked(api, org, stream):
    """A scheduled, assigned appointment whose booking confirmation has gone out."""
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    customer_id = new_customer(api, org, SAM)
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "No heat",
                                             "appointment": {**window(days=2), "technician_id": tech_id}}).body
    assert stream.settle() == []
    return job, job["appointments"][0]["id"], tech


def test_booking_confirmation_once_with_window_in_customer_zone_and_a_link(api, org, stream, booked):
    job, _, _ = booked
    (to, body), = stream.texts(SAM)
    assert "visit booked for" in body and "Reply C to confirm, R to reschedule" in body
    assert body.startswith("acme Services:") and "/c/" in body
    messages = api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
    assert [(m["scenario"], m["status"], m["direction"], m["to"], m["segments"]) for m in messages] == [
        ("booking_confirmation", "sent", "outbound", SAM, 1)]
    assert messages[0]["from"] == messages[0]["from"].strip() and messages[0]["body"] == body


def test_en_route_names_the_technician_and_eta(api, org, stream, booked):
    job, appointment_id, tech = booked
    eta = window(days=2)["window_start"]
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "en_route", "eta": eta})
    assert stream.settle() == []
    body = stream.texts(SAM)[-1][1]
    assert "Ana Alvarez is on the way, ETA" in body and "Track: http" in body


def test_arrived_delayed_and_feedback_once(api, org, stream, booked):
    job, appointment_id, tech = booked
    late = window(days=2, hours=5)["window_end"]  # later than the window's end
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "delay", "eta": late})
    stream.settle()
    assert "running late. New ETA" in stream.texts(SAM)[-1][1]
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "start"})
    stream.settle()
    assert stream.texts(SAM)[-1][1].endswith("Ana Alvarez has arrived.")
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "complete"})
    stream.settle()
    assert "Rate your visit: http" in stream.texts(SAM)[-1][1]
    # A second visit completed later: no second feedback request for the same job.
    second = api.post(f"/jobs/{job['id']}/appointments", org.dispatcher, window(days=4)).body["id"]
    api.post(f"/appointments/{second}/status", org.dispatcher, {"action": "complete"})
    stream.settle()
    scenarios = [m["scenario"] for m in api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]]
    assert scenarios.count("feedback_request") == 1 and scenarios.count("booking_confirmation") == 2


def test_company_cancel_gives_reason_link_and_coupon_once(api, org, stream, booked):
    job, _, _ = booked
    r = api.post(f"/jobs/{job['id']}/cancel", org.dispatcher, {"reason": "tech out sick", "offer_coupon": True})
    coupon = r.body["coupon"]["code"]
    stream.settle()
    body = stream.texts(SAM)[-1][1]
    assert "visit canceled: tech out sick" in body and f"15% off: {coupon}" in body and "Rebook: http" in body


def test_reschedule_confirms_the_new_window_never_the_old(api, org, stream):
    customer_id = new_customer(api, org, SAM)
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Leak",
                                             "appointment": window(days=2)}).body
    appointment_id = job["appointments"][0]["id"]
    moved = window(days=3)
    api.patch(f"/appointments/{appointment_id}", org.dispatcher, moved)
    stream.settle()  # both changes arrive in one batch: the first confirmation is already stale
    messages = api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
    by_status = {m["status"]: m for m in messages}
    assert sorted(by_status) == ["sent", "suppressed"] and by_status["suppressed"]["error"] == "superseded by a later change"
    (_, body), = stream.texts(SAM)
    assert body == by_status["sent"]["body"]
    assert local_window(moved) in body and local_window(window(days=2)) not in body


def test_the_same_batch_delivered_twice_sends_one_text(api, org, stream, booked):
    job, appointment_id, tech = booked
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "en_route"})
    (shard, records), = stream.pump.pending().items()
    for _ in range(2):
        assert stream.invoke({"Records": records}) == {"batchItemFailures": []}
    assert len(stream.texts(SAM)) == 2  # the confirmation and one en route


def test_opted_out_customer_gets_nothing_and_the_log_says_suppressed(api, org, stream):
    from chalicelib.bootstrap import store_repositories
    customer_id = new_customer(api, org, SAM)
    repos = store_repositories()
    customer = repos.customers.get(org.id, customer_id)
    customer.opted_out = True
    from chalicelib.store.mapping import customer_item
    customer_item(customer).save()
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "x",
                                             "appointment": window()}).body
    stream.settle()
    assert stream.texts(SAM) == []
    (m,) = api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
    assert m["status"] == "suppressed"


def test_malformed_record_is_reported_and_does_not_block_the_batch(api, org, stream, booked):
    job, appointment_id, tech = booked
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "en_route"})
    (_, records), = stream.pump.pending().items()
    broken = [{**records[0], "eventID": "broken-1", "dynamodb": {"Keys": {"pk": {"S": "x"}}, "SequenceNumber": "1",
                                                                 "NewImage": {"pk": {"S": "x"}, "kind": {"S": "??"}}}},
              {"eventID": "broken-2", "dynamodb": "not a record"}]
    result = stream.invoke({"Records": broken + records})
    assert result == {"batchItemFailures": []}
    assert "is on the way" in stream.texts(SAM)[-1][1]


def test_messages_log_is_for_dispatcher_and_assigned_technician_only(api, org, stream, booked):
    job, _, tech = booked
    assert api.get(f"/jobs/{job['id']}/messages", tech).status == 200
    _, provider = add_user(api, org, "Brand", "provider")
    assert api.get(f"/jobs/{job['id']}/messages", provider).status == 404


def test_a_failed_send_fails_only_its_record_and_the_retry_sends_it_once(api, org, stream, monkeypatch):
    from chalicelib.notify.sms import SnsSender
    real_send, refused = SnsSender.send, []

    def flaky(self, to, body, origination):
        if to == LEE and not refused:
            refused.append(body)
            raise ConnectionError("SNS timed out")
        return real_send(self, to, body, origination)

    monkeypatch.setattr(SnsSender, "send", flaky)
    for phone in (SAM, LEE):
        customer_id = new_customer(api, org, phone)
        api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "x", "appointment": window()})
    (_, records), = stream.pump.pending().items()
    result = stream.invoke({"Records": records})
    lee_record = [r["dynamodb"]["SequenceNumber"] for r in records
                  if "APPT#" in r["dynamodb"]["Keys"]["sk"]["S"]][1]
    assert result == {"batchItemFailures": [{"itemIdentifier": lee_record}]}
    assert [to for to, _ in stream.texts()] == [SAM]
    jobs = api.get("/jobs", org.dispatcher).body["items"]
    assert stream.settle() == []  # Lambda redelivers from the failed record on
    assert sorted(to for to, _ in stream.texts()) == [SAM, LEE]
    lee_job = next(j for j in jobs if j["customer_id"] == customer_id)
    (m,) = api.get(f"/jobs/{lee_job['id']}/messages", org.dispatcher).body["items"]
    assert m["status"] == "sent" and m["body"] == refused[0]


def test_scenario_settings_validate_templates_and_take_effect_on_the_next_text(api, org, stream, booked):
    job, appointment_id, tech = booked
    r = api.get("/settings/scenarios", org.dispatcher)
    assert r.status == 200 and all(s["segments"] == 1 for s in r.body["scenarios"])
    assert r.body["quiet_hours"] == {"start": "21:00", "end": "08:00"}
    assert api.get("/settings/scenarios", tech).status == 403

    for template, why in [("{{ company }} {{ secret_key }}", "secret_key"), ("{% if %}", "syntax"),
                          ("{{ company.__class__ }}x{{ link", "syntax"),
                          ("{{ company.__class__.__mro__ }}", "unsafe"), ("{{ 10 ** 100000 }}", "not available")]:
        r = api.put("/settings/scenarios", org.dispatcher, {"scenarios": {"en_route": {"template": template}}})
        assert r.status == 400 and r.body["error"]["message"].startswith("scenarios.en_route.template"), r.body
        assert why in r.body["error"]["message"]
    r = api.put("/settings/scenarios", org.dispatcher, {"scenarios": {"arrived": {"lead_time_minutes": 30}}})
    assert r.status == 400 and "lead_time_minutes" in r.body["error"]["message"]
    assert not any(s["customized"] for s in api.get("/settings/scenarios", org.dispatcher).body["scenarios"])

    custom = "{{ company }}: {{ technician }} rolls out now, see you at {{ eta }}. {{ link }}"
    r = api.put("/settings/scenarios", org.dispatcher, {"scenarios": {"en_route": {"template": custom}}})
    en_route = next(s for s in r.body["scenarios"] if s["name"] == "en_route")
    assert r.status == 200 and en_route["template"] == custom and en_route["customized"]
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "en_route", "eta": window(days=2)["window_start"]})
    stream.settle()
    assert "Ana Alvarez rolls out now, see you at" in stream.texts(SAM)[-1][1]

    # Turned off: recorded as suppressed, nothing sent; null brings the default back.
    api.put("/settings/scenarios", org.dispatcher, {"scenarios": {"arrived": {"enabled": False}}})
    api.post(f"/appointments/{appointment_id}/status", tech, {"action": "start"})
    stream.settle()
    assert "arrived" not in stream.texts(SAM)[-1][1]
    messages = api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
    assert next(m for m in messages if m["scenario"] == "arrived")["status"] == "suppressed"
    r = api.put("/settings/scenarios", org.dispatcher, {"scenarios": {"en_route": {"template": None}}})
    assert next(s for s in r.body["scenarios"] if s["name"] == "en_route")["template"].endswith("Track: {{ link }}")


def test_the_link_in_a_text_is_a_hashed_scoped_expiring_token(api, org, stream, booked, clock):
    import re
    from datetime import timedelta

    from chalicelib.domain.errors import LinkExpired, NotFound
    from chalicelib.store.links import Links
    from chalicelib.store.models import LinkItem
    job, appointment_id, _ = booked
    token = re.search(r"/c/([A-Za-z0-9_-]+)$", stream.texts(SAM)[-1][1]).group(1)
    assert len(token) >= 22  # 128 bits
    now = clock.now
    link = Links().resolve(token, now)
    assert (link.appointment_id, link.job_id, link.purpose, link.org_id) == (appointment_id, job["id"], "status", org.id)
    assert link.expires_at > now + timedelta(days=7)
    with pytest.raises(LinkExpired):
        Links().resolve(token, link.expires_at)
    with pytest.raises(NotFound):
        Links().resolve(token[:-1] + ("A" if token[-1] != "A" else "B"), now)
    assert not [i for i in LinkItem.query(f"LINK#{token}")]  # only the hash is a key


def test_a_text_the_carrier_failed_is_not_sent_again_when_its_record_comes_back(api, org, stream):
    import json
    customer_id = new_customer(api, org, SAM)
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "x",
                                             "appointment": window()}).body
    (_, records), = stream.pump.pending().items()
    assert stream.invoke({"Records": records}) == {"batchItemFailures": []}
    (m,) = api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
    event = api.client.events.generate_sns_event(message=json.dumps({
        "eventType": "TEXT_CARRIER_UNREACHABLE", "messageId": m["provider_id"], "messageStatus": "CARRIER_UNREACHABLE",
        "messageStatusDescription": "handset off", "destinationPhoneNumber": SAM}), subject="")
    assert api.client.lambda_.invoke("delivery_events", event).payload["outcome"] == "failed"
    assert stream.invoke({"Records": records}) == {"batchItemFailures": []}  # the same batch, redelivered
    assert len(stream.texts(SAM)) == 1
    (m,) = api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
    assert m["status"] == "failed"
