"""Staff alerts: what a customer writes lands unread in the inbox of the dispatchers and of the assigned
technician, and, where the organization wants it, texts the technician at most once per job per 15 min."""

import pytest

from .conftest import add_user, new_customer, window
from .test_two_way import inbound

SAM = "+13035550177"
ANA_PHONE = "+13035550142"  # add_user gives every user this phone


@pytest.fixture
def job_with_ana(api, org, stream):
    from chalicelib.bootstrap import store_repositories
    number = store_repositories().organizations.get(org.id).sms_number
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    _, bo = add_user(api, org, "Bo Busy", "technician")
    customer_id = new_customer(api, org, SAM)
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "Leak",
                                             "appointment": {**window(days=1), "technician_id": tech_id}}).body
    stream.settle()
    return number, job, tech, bo


def test_a_customer_reply_is_unread_in_the_dispatcher_and_technician_inboxes(api, org, stream, job_with_ana, clock):
    number, job, tech, bo = job_with_ana
    assert inbound(api, number, "Gate code is 4321")["outcome"] == "recorded"
    assert api.get("/inbox", org.dispatcher).body["items"] == []  # the stream has not run yet
    (_, records), = stream.pump.pending().items()
    for _ in range(2):  # the same batch delivered twice: one item each
        assert stream.invoke({"Records": records}) == {"batchItemFailures": []}
    clock.advance(minutes=1)
    inbound(api, number, "Also, the dog is friendly")
    stream.settle()
    for token in (org.dispatcher, tech):
        items = api.get("/inbox", token).body["items"]
        assert [(i["body"], i["read"], i["job_id"]) for i in items] == [
            ("Also, the dog is friendly", False, job["id"]), ("Gate code is 4321", False, job["id"])]
    assert api.get("/inbox", bo).body["items"] == []  # not Bo's job

    first = api.get("/inbox", tech).body["items"][0]
    assert api.post(f"/inbox/{first['id']}/read", tech).body["read"] is True
    assert [(i["body"], i["read"]) for i in api.get("/inbox", tech).body["items"]] == [
        ("Gate code is 4321", False), ("Also, the dog is friendly", True)]  # unread first
    assert all(not i["read"] for i in api.get("/inbox", org.dispatcher).body["items"])  # each reader has their own
    assert api.post("/inbox/inb_nope/read", tech).status == 404
    assert api.post(f"/inbox/{first['id']}/read", bo).status == 404
    assert not [t for t in stream.texts(ANA_PHONE)]  # alert texts are off by default


def test_the_technician_is_texted_at_most_once_per_job_every_15_minutes(api, org, stream, job_with_ana, clock):
    number, job, tech, _ = job_with_ana
    assert api.put("/settings/scenarios", org.dispatcher, {"technician_sms_alerts": True}).body[
        "technician_sms_alerts"] is True
    for words in ("Running late?", "Please call me", "Hello??"):
        inbound(api, number, words)
        stream.settle()
        clock.advance(minutes=5)
    (alert,) = stream.texts(ANA_PHONE)
    assert alert[1] == 'acme Services: Sam wrote: "Running late?" Reply in the app.'
    clock.advance(minutes=1)  # 16 minutes after the first
    inbound(api, number, "Anyone?")
    stream.settle()
    assert [b for _, b in stream.texts(ANA_PHONE)][-1].endswith('wrote: "Anyone?" Reply in the app.')
    assert len(stream.texts(ANA_PHONE)) == 2
    assert len(api.get("/inbox?limit=2", tech).body["items"]) == 2 and api.get("/inbox?limit=2", tech).body["next_token"]
