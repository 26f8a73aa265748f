"""Queues as work lists (seed 003's loop): entries are claimed, released and resolved with an outcome
that acts on the appointment, close by themselves when what they wait for happens, and page oldest first."""
from datetime import timedelta

import pytest

from .conftest import add_user, sweep
from .test_timers import NOON, book, iso, run_until
from .test_two_way import inbound

SAM = "+13035550177"


@pytest.fixture
def noon(clock):
    clock.now = NOON
    return clock


@pytest.fixture
def escalated(api, org, stream, noon):
    """A visit tomorrow afternoon whose booking confirmation got no reply: an open escalation entry."""
    sweep(api)
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    job, appointment_id = book(api, org, stream, NOON + timedelta(hours=26), tech_id)
    # One sweep catches up the 2 h 10 min (set-up, not a check: tests/e2e/test_timers.py times the follow-up).
    run_until(api, stream, noon, NOON + timedelta(hours=2, minutes=10), step=timedelta(hours=2, minutes=10))
    (entry,) = api.get("/queues/escalation", org.dispatcher).body["items"]
    return job, appointment_id, entry


def appointment_of(api, org, job) -> dict:
    return api.get(f"/jobs/{job['id']}", org.dispatcher).body["appointments"][0]


def test_a_dispatcher_claims_the_call_and_resolves_it_confirmed(api, org, stream, escalated):
    job, appointment_id, entry = escalated
    base = f"/queues/escalation/{entry['id']}"
    claimed = api.post(f"{base}/claim", org.dispatcher).body
    assert (claimed["state"], claimed["claimed_by"]) == ("claimed", org.dispatcher_id)
    assert api.post(f"{base}/claim", org.dispatcher).status == 200  # one's own claim again: nothing changes
    other_id, other = add_user(api, org, "Dee Dispatch", "dispatcher")
    r = api.post(f"{base}/claim", other)
    assert r.status == 409 and r.body["error"]["code"] == "invalid_transition"
    assert api.post(f"{base}/resolve", other, {"outcome": "confirmed"}).status == 409
    assert api.get("/queues/escalation?state=claimed", org.dispatcher).body["items"][0]["id"] == entry["id"]
    assert api.get("/queues/escalation?state=open", org.dispatcher).body["items"] == []

    done = api.post(f"{base}/resolve", org.dispatcher, {"outcome": "confirmed", "note": "called, all good"}).body
    assert (done["state"], done["outcome"], done["closed_by"], done["note"]) == (
        "done", "confirmed", org.dispatcher_id, "called, all good")
    assert appointment_of(api, org, job)["confirmation"] == "confirmed"
    assert api.get("/queues/escalation", org.dispatcher).body["items"] == []
    assert [e["id"] for e in api.get("/queues/escalation?state=done", org.dispatcher).body["items"]] == [entry["id"]]
    assert api.post(f"{base}/resolve", org.dispatcher, {"outcome": "done"}).status == 409  # once
    stream.settle()  # the confirmation on the stream finds the entry closed already: it stays as resolved
    assert api.get("/queues/escalation?state=done", org.dispatcher).body["items"][0]["outcome"] == "confirmed"


@pytest.mark.parametrize("outcome", [{"outcome": "confirmed"}, {"outcome": "rejected", "reason": "too expensive"}])
def test_a_resolution_holds_when_the_stream_reacts_to_the_appointment_at_once(api, org, stream, escalated, monkeypatch,
                                                                              record_operations, outcome):
    """The local stack's stream reads a write within milliseconds: the appointment's change, if written before
    the entry, closed the entry as the customer's doing ("customer confirmed") before the dispatcher's resolution
    was written, which was then refused as a conflict."""
    from chalicelib.store.jobs import Jobs
    job, appointment_id, entry = escalated
    save = Jobs.save

    def and_the_stream_at_once(self, saved):
        save(self, saved)
        record_operations.paused = True  # the stream's reads are the stage's, not the API's (its IAM check)
        try:
            stream.settle()
        finally:
            record_operations.paused = False
    monkeypatch.setattr(Jobs, "save", and_the_stream_at_once)
    done = api.post(f"/queues/escalation/{entry['id']}/resolve", org.dispatcher, outcome)
    assert done.status == 200, done.body
    assert (done.body["outcome"], done.body["closed_by"]) == (outcome["outcome"], org.dispatcher_id)
    assert appointment_of(api, org, job)["confirmation"] == outcome["outcome"]
    (closed,) = api.get("/queues/escalation?state=done", org.dispatcher).body["items"]
    assert (closed["outcome"], closed["closed_by"]) == (outcome["outcome"], org.dispatcher_id)


def test_a_resolution_whose_visit_changed_meanwhile_is_refused_and_the_entry_waits_again(api, org, stream,
                                                                                          escalated, monkeypatch):
    from chalicelib.domain.errors import VersionConflict
    from chalicelib.store.jobs import Jobs
    job, appointment_id, entry = escalated
    base = f"/queues/escalation/{entry['id']}"
    assert api.post(f"{base}/claim", org.dispatcher).status == 200

    def changed_meanwhile(self, saved):
        raise VersionConflict()
    with monkeypatch.context() as patch:
        patch.setattr(Jobs, "save", changed_meanwhile)
        assert api.post(f"{base}/resolve", org.dispatcher, {"outcome": "confirmed"}).status == 409
    (waiting,) = api.get("/queues/escalation", org.dispatcher).body["items"]
    assert (waiting["id"], waiting["state"], waiting["claimed_by"], waiting["outcome"]) == (
        entry["id"], "claimed", org.dispatcher_id, None)
    assert appointment_of(api, org, job)["confirmation"] == "pending"
    assert api.post(f"{base}/resolve", org.dispatcher, {"outcome": "confirmed"}).status == 200  # tried again


def test_the_customer_confirming_by_text_closes_the_open_call_by_itself(api, org, stream, escalated):
    from chalicelib.bootstrap import store_repositories
    job, _, entry = escalated
    number = store_repositories().organizations.get(org.id).sms_number
    api.post(f"/queues/escalation/{entry['id']}/claim", org.dispatcher)
    assert inbound(api, number, "C")["outcome"] == "confirmed"
    stream.settle()
    (closed,) = api.get("/queues/escalation?state=done", org.dispatcher).body["items"]
    assert (closed["outcome"], closed["closed_by"]) == ("customer_confirmed", "system")


def test_reschedule_moves_the_appointment_and_rejected_keeps_the_reason(api, org, stream, escalated, noon):
    job, appointment_id, entry = escalated
    base = f"/queues/escalation/{entry['id']}"
    before = appointment_of(api, org, job)
    r = api.post(f"{base}/resolve", org.dispatcher, {"outcome": "reschedule"})
    assert r.status == 400 and r.body["error"]["message"].startswith("window_start")
    r = api.post(f"{base}/resolve", org.dispatcher, {"outcome": "rejected"})
    assert r.status == 400 and r.body["error"]["message"].startswith("reason")
    assert appointment_of(api, org, job) == before and api.get(base.rsplit("/", 1)[0], org.dispatcher).status == 200
    later = NOON + timedelta(days=3)
    r = api.post(f"{base}/resolve", org.dispatcher, {"outcome": "reschedule", "window_start": iso(later),
                                                     "window_end": iso(later + timedelta(hours=2))})
    assert r.status == 200 and r.body["outcome"] == "reschedule"
    assert appointment_of(api, org, job)["window_start"] == iso(later)
    stream.settle()
    assert "visit booked for Fri 4 Dec" in stream.texts(SAM)[-1][1]  # the new window is confirmed to the customer

    # The next call: the customer says no, for a reason the retention team can act on.
    run_until(api, stream, noon, later - timedelta(hours=47, minutes=50), step=timedelta(hours=4))
    (again,) = api.get("/queues/escalation", org.dispatcher).body["items"]
    r = api.post(f"/queues/escalation/{again['id']}/resolve", org.dispatcher,
                 {"outcome": "rejected", "reason": "found a cheaper quote"})
    assert r.status == 200
    visit = appointment_of(api, org, job)
    assert (visit["confirmation"], visit["rejection_reason"], visit["rejection_category"]) == (
        "rejected", "found a cheaper quote", "price")
    (retention,) = api.get("/queues/retention", org.dispatcher).body["items"]
    assert (retention["reason"], retention["state"]) == ("found a cheaper quote", "open")
    done = api.post(f"/queues/retention/{retention['id']}/resolve", org.dispatcher, {"outcome": "done"}).body
    assert done["state"] == "done" and api.get("/queues/retention", org.dispatcher).body["items"] == []


def test_an_unassigned_visit_waits_in_its_queue_until_assigned(api, org, stream, noon):
    tech_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    late, _ = book(api, org, stream, NOON + timedelta(days=3))
    soon, soon_appointment = book(api, org, stream, NOON + timedelta(days=1))
    items = api.get("/queues/unassigned", org.dispatcher).body["items"]
    assert [(e["job_id"], e["state"]) for e in items] == [(soon["id"], "open"), (late["id"], "open")]  # by window
    assert items[0]["appointment"]["id"] == soon_appointment and items[0]["reason"] == "no technician assigned yet"
    api.patch(f"/appointments/{soon_appointment}", org.dispatcher, {"technician_id": tech_id})
    stream.settle()
    assert [e["job_id"] for e in api.get("/queues/unassigned", org.dispatcher).body["items"]] == [late["id"]]
    (closed,) = api.get("/queues/unassigned?state=done", org.dispatcher).body["items"]
    assert (closed["job_id"], closed["outcome"], closed["closed_by"]) == (soon["id"], "assigned", "system")
    # Unassigned again: back in the queue, as a new entry.
    api.patch(f"/appointments/{soon_appointment}", org.dispatcher, {"technician_id": None})
    stream.settle()
    assert [e["job_id"] for e in api.get("/queues/unassigned", org.dispatcher).body["items"]] == [
        soon["id"], late["id"]]


def test_a_no_in_words_is_a_rejection_with_its_category(api, org, stream, escalated):
    from chalicelib.bootstrap import store_repositories
    job, _, _ = escalated
    number = store_repositories().organizations.get(org.id).sms_number
    assert inbound(api, number, "No - we sold the house")["outcome"] == "rejected"
    visit = appointment_of(api, org, job)
    assert (visit["rejection_reason"], visit["rejection_category"]) == ("we sold the house", "no_longer_needed")


def test_paging_a_250_entry_queue_returns_every_entry_once_oldest_first(api, org, noon):
    from chalicelib.bootstrap import store_repositories
    from chalicelib.domain.queues import QueueEntry, QueueName
    repos = store_repositories()
    for i in range(250):  # added in a shuffled order of waiting time
        created = NOON - timedelta(minutes=(i * 7919) % 250)
        repos.queues.add(QueueEntry(org.id, QueueName.CALLBACK, f"job_{i:016x}", None, f"call back #{i}", created),
                         f"callback:{i}")
    seen, token = [], None
    while True:
        page = api.get(f"/queues/callback?limit=37{'&next_token=' + token if token else ''}", org.dispatcher).body
        seen += page["items"]
        token = page["next_token"]
        if not token:
            break
    assert len(seen) == 250 and len({e["id"] for e in seen}) == 250
    assert [e["created_at"] for e in seen] == sorted(e["created_at"] for e in seen)
    r = api.get("/queues/callback?state=lost", org.dispatcher)
    assert r.status == 400 and r.body["error"]["message"].startswith("state")


def test_only_dispatchers_work_queues_and_unknown_entries_are_404(api, org, escalated):
    _, _, entry = escalated
    _, tech = add_user(api, org, "Bo Tech", "technician")
    assert api.post(f"/queues/escalation/{entry['id']}/claim", tech).status == 403
    for path in ("/queues/escalation/que_ffff_ffffffffffff/claim", "/queues/escalation/garbage/claim",
                 f"/queues/retention/{entry['id']}/claim", f"/queues/nope/{entry['id']}/claim"):
        r = api.post(path, org.dispatcher)
        assert r.status == 404 and r.body["error"]["code"] == "not_found", path
    r = api.post(f"/queues/escalation/{entry['id']}/resolve", org.dispatcher, {"outcome": "maybe"})
    assert r.status == 400 and r.body["error"]["message"].startswith("outcome")


def test_a_job_records_the_channel_it_came_from(api, org):
    from .conftest import new_customer
    customer_id = new_customer(api, org)
    assert api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "x"}).body["channel"] == "phone"
    _, provider = add_user(api, org, "Brand Portal", "provider")
    assert api.post("/jobs", provider, {"customer_id": customer_id, "description": "x"}).body["channel"] == "provider"
    web = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "x", "channel": "web"}).body
    assert api.get(f"/jobs/{web['id']}", org.dispatcher).body["channel"] == "web"
    r = api.post("/jobs", org.dispatcher, {"customer_id": customer_id, "description": "x", "channel": "Web Shop!"})
    assert r.status == 400 and r.body["error"]["message"].startswith("channel")
