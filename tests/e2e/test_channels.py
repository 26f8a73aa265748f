"""Channels (seed 003): WhatsApp through End User Messaging Social (stubbed against the real `socialmessaging`
model), email through SES v2 (moto), chosen by the customer's preferred channel."""
import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from .conftest import window

SAM = "+13035550177"
PHONE_NUMBER_ID = "phone-number-id-0123456789abcdef0123456789abcdef"


class WhatsApp:
    """A real socialmessaging client whose calls are answered by a Stubber; what was sent, decoded."""

    def __init__(self):
        from chalicelib import bootstrap
        from chalicelib.notify import whatsapp
        self.client = boto3.client("socialmessaging", region_name="us-east-1")
        self.stub = Stubber(self.client)
        self.sent: list[dict] = []
        self.client.meta.events.register("before-parameter-build.socialmessaging.SendWhatsAppMessage",
                                         lambda params, **_: self.sent.append(json.loads(params["message"])))
        self.count = 0
        bootstrap.use(whatsapp=whatsapp.WhatsAppSender(self.client))
        self.stub.activate()

    def expect(self, n: int = 1) -> list[str]:
        ids = []
        for _ in range(n):
            self.count += 1
            ids.append(f"msg-{self.count:04d}")
            self.stub.add_response("send_whatsapp_message", {"messageId": ids[-1]}, {
                "originationPhoneNumberId": PHONE_NUMBER_ID, "message": ANY, "metaApiVersion": "v20.0"})
        return ids


@pytest.fixture
def wa(api):
    from chalicelib import bootstrap
    w = WhatsApp()
    yield w
    w.stub.deactivate()
    bootstrap.reset()


def event(api, org_number: str, *, messages=(), statuses=()) -> dict:
    entry = {"id": "1234567890", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": org_number.lstrip("+"), "phone_number_id": "1029384756"},
        "messages": list(messages), "statuses": list(statuses)}}]}
    envelope = {"context": {"MetaWabaIds": [], "MetaPhoneNumberIds": []}, "whatsAppWebhookEntry": json.dumps(entry),
                "aws_account_id": "123456789012", "message_timestamp": "2026-12-01T17:00:00Z",
                "messageId": "6d69f07a-c317-4278-9d5c-6a84078419ec"}
    sns = api.client.events.generate_sns_event(message=json.dumps(envelope), subject="")
    return api.client.lambda_.invoke("whatsapp_events", sns).payload


def tap(message_id: str, title: str, sender: str = SAM) -> dict:
    return {"from": sender.lstrip("+"), "id": message_id, "timestamp": "1796144400", "type": "button",
            "button": {"payload": title, "text": title}}


def whatsapp_org(api, org, **extra):
    r = api.put("/settings/channels", org.dispatcher, {
        "whatsapp_phone_number_id": PHONE_NUMBER_ID,
        "whatsapp_templates": {
            "booking_confirmation": {"name": "visit_booked", "language": "en_US",
                                     "parameters": ["customer_first_name", "window", "link"]},
            "free_text": {"name": "message_from_us", "language": "en_US", "parameters": ["body"]}}, **extra})
    assert r.status == 200, r.body
    from chalicelib.bootstrap import store_repositories
    return store_repositories().organizations.get(org.id).sms_number


def whatsapp_customer(api, org) -> str:
    r = api.post("/customers", org.dispatcher, {"name": "Sam Rivera", "phone": SAM, "time_zone": "America/Denver",
                                                "preferred_channel": "whatsapp"})
    assert r.status == 201 and r.body["preferred_channel"] == "whatsapp", r.body
    return r.body["id"]


def test_whatsapp_customer_gets_the_template_taps_confirm_and_is_confirmed(api, org, stream, wa):
    number = whatsapp_org(api, org)
    customer = whatsapp_customer(api, org)
    (confirmation_id,) = wa.expect()
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer, "description": "Leak",
                                             "appointment": window(days=2)}).body
    stream.settle()
    (sent,) = wa.sent
    assert sent["to"] == SAM.lstrip("+") and sent["type"] == "template"
    template = sent["template"]
    assert (template["name"], template["language"]) == ("visit_booked", {"code": "en_US"})
    sam, when, link = [p["text"] for p in template["components"][0]["parameters"]]
    assert sam == "Sam" and when.startswith("Thu 3 Dec") and "/c/" in link
    assert stream.texts(SAM) == []  # nothing by SMS

    wa.expect()  # the thank-you, inside the window now: free-form
    tapped = tap("wamid.HBgLMTMwMzU1NTAxNzcVAgASGBQzQTk", "Confirm")
    assert event(api, number, messages=[tapped])["outcomes"] == ["confirmed"]
    assert event(api, number, messages=[tapped])["outcomes"] == ["confirmed"]  # redelivered: acted on once
    wa.stub.assert_no_pending_responses()
    assert wa.sent[-1]["type"] == "text" and "is confirmed" in wa.sent[-1]["text"]["body"]
    appointment = api.get(f"/jobs/{job['id']}", org.dispatcher).body["appointments"][0]
    assert appointment["confirmation"] == "confirmed"

    assert event(api, number, statuses=[{"id": confirmation_id, "status": "delivered", "recipient_id": "13035550177"},
                                        {"id": confirmation_id, "status": "read", "recipient_id": "13035550177"}]
                 )["outcomes"] == ["delivered", "read"]
    messages = api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
    assert sorted((m["scenario"] or "", m["direction"], m["status"]) for m in messages) == \
        [("", "inbound", "received"), ("auto_reply", "outbound", "sent"), ("booking_confirmation", "outbound", "read")]


def test_inside_the_window_quick_replies_reschedule_and_stop_opts_out(api, org, stream, wa, clock):
    number = whatsapp_org(api, org)
    customer = whatsapp_customer(api, org)
    wa.expect()  # the answer to "hi"
    assert event(api, number, messages=[{"from": "13035550177", "id": "wamid.1", "type": "text",
                                         "text": {"body": "hi"}}])["outcomes"] == ["no_job"]
    clock.advance(hours=1)
    wa.expect()
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer, "description": "Leak",
                                             "appointment": window(days=2)}).body
    stream.settle()
    buttons = wa.sent[-1]["interactive"]["action"]["buttons"]
    assert [(b["reply"]["id"], b["reply"]["title"]) for b in buttons] == \
        [("C", "Confirm"), ("R", "Reschedule"), ("N", "Reject")]
    wa.expect()
    reply = {"from": "13035550177", "id": "wamid.2", "type": "interactive",
             "interactive": {"type": "button_reply", "button_reply": {"id": "R", "title": "Reschedule"}}}
    assert event(api, number, messages=[reply])["outcomes"] == ["reschedule_link"]
    assert "pick a new time" in wa.sent[-1]["text"]["body"]
    assert event(api, number, messages=[{"from": "13035550177", "id": "wamid.3", "type": "text",
                                         "text": {"body": "STOP"}}])["outcomes"] == ["opt_out"]
    api.post(f"/jobs/{job['id']}/messages", org.dispatcher, {"body": "Are you there?"})
    stream.settle()
    wa.stub.assert_no_pending_responses()  # nothing more went, on any channel
    assert len(wa.sent) == 3 and stream.texts(SAM) == []


def test_free_form_text_outside_the_24_hour_window_goes_as_the_template(api, org, stream, wa, clock):
    from chalicelib.domain.channels import OutsideServiceWindow, whatsapp_message
    with pytest.raises(OutsideServiceWindow):
        whatsapp_message("13035550177", "Running late", window_is_open=False)
    number = whatsapp_org(api, org)
    customer = whatsapp_customer(api, org)
    wa.expect()
    event(api, number, messages=[{"from": "13035550177", "id": "wamid.9", "type": "text", "text": {"body": "hello"}}])
    wa.expect()
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer, "description": "Leak"}).body
    clock.advance(hours=23)
    api.post(f"/jobs/{job['id']}/messages", org.dispatcher, {"body": "We can come tomorrow"})
    stream.settle()
    assert wa.sent[-1]["type"] == "text" and wa.sent[-1]["text"]["body"] == "We can come tomorrow"
    clock.advance(hours=2)  # 25 h after the customer's message: the window is closed
    wa.expect()
    api.post(f"/jobs/{job['id']}/messages", org.dispatcher, {"body": "Still there?"})
    stream.settle()
    assert wa.sent[-1]["type"] == "template" and wa.sent[-1]["template"]["name"] == "message_from_us"
    assert wa.sent[-1]["template"]["components"][0]["parameters"] == [{"type": "text", "text": "Still there?"}]
    wa.stub.assert_no_pending_responses()


def test_without_a_template_a_closed_window_falls_back_to_sms(api, org, stream, wa):
    api.put("/settings/channels", org.dispatcher, {"whatsapp_phone_number_id": PHONE_NUMBER_ID})
    customer = whatsapp_customer(api, org)
    api.post("/jobs", org.dispatcher, {"customer_id": customer, "description": "Leak", "appointment": window(days=2)})
    stream.settle()
    assert wa.sent == [] and "visit booked" in stream.texts(SAM)[-1][1]


def test_an_email_only_customer_gets_the_confirmation_through_ses(api, org, stream):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends
    boto3.client("sesv2", region_name="us-east-1").create_email_identity(EmailIdentity="visits@acme.example")
    assert api.put("/settings/channels", org.dispatcher, {"email_from": "visits@acme.example"}).status == 200
    w = window(days=2)
    r = api.post("/orders", org.dispatcher, {
        "channel": "portal", "reference": "P-7", "customer": {"name": "Eve Mail", "email": "eve@home.example"},
        "service_type": "boiler_repair", "description": "Annual service", "address": "2 Oak Ave",
        "windows": [{"start": w["window_start"], "end": w["window_end"]}]})
    assert r.status == 201 and r.body["job_id"], r.body
    stream.settle()
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    (mail,) = [m for m in sent if "eve@home.example" in m.destinations["ToAddresses"]]
    assert mail.source == "visits@acme.example" and "visit booked" in mail.body and "your visit is booked" in mail.subject
    assert stream.texts() == []
    (message,) = api.get(f"/jobs/{r.body['job_id']}/messages", org.dispatcher).body["items"]
    assert (message["to"], message["status"], message["channel"]) == ("eve@home.example", "sent", "email")


def test_the_survey_goes_on_whatsapp_with_the_rating_as_choices(api, org, stream, wa):
    from .conftest import add_user
    number = whatsapp_org(api, org)
    customer = whatsapp_customer(api, org)
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    wa.expect()
    event(api, number, messages=[{"from": "13035550177", "id": "wamid.20", "type": "text", "text": {"body": "hi"}}])
    wa.expect()  # the booking confirmation
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer, "description": "Leak",
                                             "appointment": {"window_start": "2026-12-01T18:00:00Z",
                                                             "window_end": "2026-12-01T20:00:00Z",
                                                             "technician_id": tech_id}}).body
    stream.settle()
    appointment_id = job["appointments"][0]["id"]
    wa.expect(3)  # en route, arrived, feedback request
    for action in ("en_route", "start", "complete"):
        r = api.post(f"/appointments/{appointment_id}/status", tech, {"action": action})
        assert r.status == 200, r.body
        stream.settle()
    survey = wa.sent[-1]
    assert survey["type"] == "interactive" and survey["interactive"]["type"] == "list"
    rows = survey["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == ["RATE 5", "RATE 4", "RATE 3", "RATE 2", "RATE 1"]
    rated = {"from": "13035550177", "id": "wamid.21", "type": "interactive",
             "interactive": {"type": "list_reply", "list_reply": {"id": "RATE 5", "title": "★★★★★"}}}
    wa.expect()  # the thanks, on WhatsApp
    assert event(api, number, messages=[rated])["outcomes"] == ["rated"]
    assert api.get(f"/jobs/{job['id']}", org.dispatcher).body["feedback"]["rating"] == 5
    assert [f["rating"] for f in api.get("/feedback?from=2026-12-01&to=2026-12-01", org.dispatcher).body["items"]] == [5]
    again = {**rated, "id": "wamid.22", "interactive": {"type": "list_reply", "list_reply": {"id": "RATE 1"}}}
    assert event(api, number, messages=[again])["outcomes"] == ["already_rated"]  # once per job
    assert api.get(f"/jobs/{job['id']}", org.dispatcher).body["feedback"]["rating"] == 5
    inbound = [m for m in api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
               if m["direction"] == "inbound"]
    # "hi" came before there was a job. Both ratings share a second, and messages of one second are listed
    # in id order (store/messages), so compare them sorted.
    assert sorted(m["body"] for m in inbound) == ["RATE 1", "RATE 5"]
    wa.stub.assert_no_pending_responses()
    assert "thank you for rating your visit 5 of 5" in str(wa.sent[-1])
    assert len(wa.sent) == 6 and stream.texts(SAM) == []


def test_email_events_update_the_message(api, org, stream):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends
    boto3.client("sesv2", region_name="us-east-1").create_email_identity(EmailIdentity="visits@acme.example")
    api.put("/settings/channels", org.dispatcher, {"email_from": "visits@acme.example"})
    r = api.post("/orders", org.dispatcher, {
        "channel": "portal", "reference": "P-8", "customer": {"name": "Eve Mail", "email": "eve@home.example"},
        "service_type": "boiler_repair", "description": "Annual service", "address": "2 Oak Ave",
        "windows": [{"start": window(days=2)["window_start"], "end": window(days=2)["window_end"]}]})
    stream.settle()
    (mail,) = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages

    def ses(kind: str) -> dict:
        payload = json.dumps({"eventType": kind, "mail": {"messageId": mail.id, "destination": ["eve@home.example"]}})
        return api.client.lambda_.invoke("delivery_events", api.client.events.generate_sns_event(
            message=payload, subject="")).payload

    assert ses("Send") == {"outcome": "not_final"}
    assert ses("Open") == {"outcome": "read"}
    assert ses("Delivery") == {"outcome": "out_of_order"}  # read already says more
    (message,) = api.get(f"/jobs/{r.body['job_id']}/messages", org.dispatcher).body["items"]
    assert message["status"] == "read"


def test_bad_whatsapp_events_are_acknowledged_and_change_nothing(api, org, stream, wa):
    number = whatsapp_org(api, org)
    whatsapp_customer(api, org)
    for raw in ("not json", "[]", json.dumps({"whatsAppWebhookEntry": "{"}),
                json.dumps({"whatsAppWebhookEntry": {"changes": "x"}})):
        r = api.client.lambda_.invoke("whatsapp_events", api.client.events.generate_sns_event(message=raw, subject=""))
        assert r.payload["outcome"] == "ignored", raw
    bad_number = {"from": "not-a-number", "id": "wamid.x", "type": "text", "text": {"body": "C"}}
    assert event(api, number, messages=[bad_number])["outcome"] == "ignored"
    media = {"from": "13035550177", "id": "wamid.m", "type": "image", "image": {"id": "1"}}
    assert event(api, number, messages=[media])["outcomes"] == []
    assert event(api, number, statuses=[{"id": "nobody", "status": "read"}])["outcomes"] == ["unknown_message"]
    assert wa.sent == []
