"""Consent is data (GET /customers/{id}/consent): the opt-in a customer came with, each STOP, START and HELP,
per channel and address; and quiet hours by the place the customer lives (domain/quiet_hours.py)."""
from datetime import UTC, datetime

from .conftest import sweep, window
from .test_two_way import inbound

SAM = "+13035550177"


def org_number(org) -> str:
    from chalicelib.bootstrap import store_repositories
    return store_repositories().organizations.get(org.id).sms_number


def test_the_ledger_of_consent_keeps_every_opt_in_opt_out_and_help_in_order(api, org, stream, clock):
    customer = api.post("/customers", org.dispatcher, {"name": "Sam Rivera", "phone": SAM, "email": "sam@x.example",
                                                       "time_zone": "America/Denver"}).body
    number = org_number(org)
    for word in ("HELP", "STOP", "START", "STOP"):
        clock.advance(minutes=1)
        inbound(api, number, word)
    items = api.get(f"/customers/{customer['id']}/consent", org.dispatcher).body["items"]
    assert [(i["channel"], i["address"], i["event"]) for i in items] == [
        ("sms", SAM, "opt_in"), ("email", "sam@x.example", "opt_in"), ("sms", SAM, "help"), ("sms", SAM, "opt_out"),
        ("sms", SAM, "opt_in"), ("sms", SAM, "opt_out")]
    assert [i["source"] for i in items][:2] == ["dispatcher", "dispatcher"]
    assert items[4]["source"] == "start" and items[3]["source"].startswith("sms:")
    assert [i["at"] for i in items] == sorted(i["at"] for i in items)
    assert api.get(f"/customers/{customer['id']}", org.dispatcher).body["opted_out"] is True


def test_consent_is_the_dispatchers_only_and_never_crosses_organizations(api, org, other_org):
    customer = api.post("/customers", org.dispatcher, {"name": "Sam", "phone": SAM}).body
    assert api.get(f"/customers/{customer['id']}/consent", other_org.dispatcher).status == 404
    assert api.get("/customers/cus_nobody/consent", org.dispatcher).status == 404


def test_a_region_must_be_a_place(api, org):
    for bad in ("Florida", "US-ZZ", "US_FL", "X-1"):
        r = api.post("/customers", org.dispatcher, {"name": "Sam", "phone": SAM, "region": bad})
        assert r.status == 400 and r.body["error"]["message"].startswith("region"), (bad, r.body)
    ok = api.post("/customers", org.dispatcher, {"name": "Sam", "phone": SAM, "region": "us-fl"})
    assert ok.status == 201 and ok.body["region"] == "US-FL"


def test_a_florida_customers_confirmation_waits_from_8pm_a_colorado_ones_goes(api, org, stream, clock):
    """20:30 in the customer's zone: inside Florida's hours for texts (8am-8pm), outside the federal 9pm."""
    clock.now = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)  # 20:30 in New York, 18:30 in Denver
    sweep(api)  # the sweep is running: it goes on from here
    florida = api.post("/customers", org.dispatcher, {"name": "Lee", "phone": "+13055550123", "region": "US-FL",
                                                      "time_zone": "America/New_York"}).body
    ohio = api.post("/customers", org.dispatcher, {"name": "Kim", "phone": "+16145550123", "region": "US-OH",
                                                   "time_zone": "America/New_York"}).body
    for who in (florida, ohio):
        api.post("/jobs", org.dispatcher, {"customer_id": who["id"], "description": "Leak", "appointment": window(days=3)})
    stream.settle()
    assert [b for _, b in stream.texts("+16145550123")]  # Ohio: the federal window, 8pm is still day
    assert stream.texts("+13055550123") == []  # Florida: held until 8am
    (held,) = [m for m in api.get(f"/jobs/{_job_of(api, org, florida)}/messages", org.dispatcher).body["items"]]
    assert held["status"] == "held"
    clock.now = datetime(2026, 12, 2, 12, 59, tzinfo=UTC)  # 07:59 in New York
    sweep(api)
    stream.settle()
    assert stream.texts("+13055550123") == []
    clock.now = datetime(2026, 12, 2, 14, 1, tzinfo=UTC)  # 09:01: the hour after 8am has gone by
    sweep(api)
    stream.settle()
    assert len(stream.texts("+13055550123")) == 1


def _job_of(api, org, customer) -> str:
    jobs = api.get("/jobs", org.dispatcher).body["items"]
    return next(j["id"] for j in jobs if j["customer_id"] == customer["id"])


def test_an_organization_sets_its_own_hours_for_a_place(api, org, stream, clock):
    clock.now = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)  # 20:30 in New York
    bad = api.put("/settings/scenarios", org.dispatcher, {"quiet_hours_by_region": {"US-ZZ": {"start": "21:00",
                                                                                            "end": "08:00"}}})
    assert bad.status == 400 and "quiet_hours_by_region" in bad.body["error"]["message"]
    r = api.put("/settings/scenarios", org.dispatcher, {"quiet_hours_by_region": {"us-fl": {"start": "21:00",
                                                                                          "end": "08:00"}}})
    assert r.status == 200 and r.body["quiet_hours_by_region"] == {"US-FL": {"start": "21:00", "end": "08:00"}}
    assert api.get("/settings/scenarios", org.dispatcher).body["quiet_hours_by_region"] == r.body["quiet_hours_by_region"]
    florida = api.post("/customers", org.dispatcher, {"name": "Lee", "phone": "+13055550123", "region": "US-FL",
                                                      "time_zone": "America/New_York"}).body
    api.post("/jobs", org.dispatcher, {"customer_id": florida["id"], "description": "Leak", "appointment": window(days=3)})
    stream.settle()
    assert len(stream.texts("+13055550123")) == 1  # its counsel's hours, not the shipped rule's 8pm


def test_the_customers_page_shows_a_held_text_and_when_it_will_go(api, org, stream, clock):
    from .test_customer_pages import fetch, last_token
    customer = api.post("/customers", org.dispatcher, {"name": "Sam Rivera", "phone": SAM,
                                                       "time_zone": "America/Denver"}).body
    job = api.post("/jobs", org.dispatcher, {"customer_id": customer["id"], "description": "Leak",
                                             "appointment": window(days=2)}).body
    stream.settle()
    token = last_token(stream)
    clock.now = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 22:00 in Denver
    appointment = job["appointments"][0]
    moved = {"window_start": appointment["window_start"].replace(":00:00Z", ":30:00Z"),
             "window_end": appointment["window_end"].replace(":00:00Z", ":30:00Z")}
    assert api.patch(f"/appointments/{appointment['id']}", org.dispatcher, moved).status == 200
    stream.settle()
    status = fetch(api, "GET", f"/c/{token}/status.json", accept="application/json").json()
    held = [m for m in status["messages"] if m["goes_at"]]
    assert len(held) == 1 and "after quiet hours" in held[0]["when"] and held[0]["when"].startswith("to be sent Wed 2 Dec, 8")
    assert "2026-12-02T15:" in held[0]["goes_at"] or "2026-12-02T14:" in held[0]["goes_at"]
    page = fetch(api, "GET", f"/c/{token}").text
    assert 'class="outbound held"' in page and held[0]["when"] in page
