"""The public booking page /book/{org_slug}: a request becomes a new_offer job, within the abuse limits."""
import pytest

from .test_customer_pages import fetch

LEE = "+13035550178"


def form(**overrides) -> dict:
    return {"name": "Lee Chen", "phone": "+1 303 555 0178",
            "address": "40 Pine St, Denver", "description": "Furnace makes a banging noise", **overrides}


@pytest.fixture
def frames(api, org):
    page = fetch(api, "GET", "/book/acme", accept="application/json")
    assert page.status == 200
    return page.json()["frames"]


def jobs_offered(api, org) -> list[dict]:
    return api.get("/jobs?status=new_offer", org.dispatcher).body["items"]


def test_a_request_becomes_a_new_offer_the_dispatcher_accepts(api, org, stream, frames):
    page = fetch(api, "GET", "/book/acme")
    assert page.status == 200 and "Request a visit" in page.text and "acme Services" in page.text
    assert page.headers["cache-control"] == "no-store" and "default-src 'none'" in page.headers["content-security-policy"]
    assert page.text.index(frames[0]["text"]) < page.text.index(frames[1]["text"])  # soonest first
    assert frames[0]["text"] == "Tue 1 Dec, 12-2pm"  # 10:00 in Denver: the morning frames have begun

    r = fetch(api, "POST", "/book/acme", form={**form(), "frame_start": frames[1]["start"], "nonce": "form-key-0001"})
    assert r.status == 303 and r.headers["location"] == "acme?done=received"
    again = fetch(api, "POST", "/book/acme", form={**form(), "frame_start": frames[1]["start"], "nonce": "form-key-0001"})
    assert again.status == 303  # the same form twice: one request
    (job,) = jobs_offered(api, org)
    assert job["status"] == "new_offer" and job["channel"] == "booking_page"
    assert job["description"] == "Furnace makes a banging noise"
    full = api.get(f"/jobs/{job['id']}", org.dispatcher).body
    assert full["offered_window"] == {"start": frames[1]["start"], "end": frames[1]["end"]}
    customer = api.get(f"/customers/{job['customer_id']}", org.dispatcher).body
    assert (customer["name"], customer["phone"]) == ("Lee Chen", LEE)

    stream.settle()
    assert [b for to, b in stream.texts(LEE)] == [
        f"acme Services: we received your service request for {frames[1]['text']}. We will text you once the "
        "visit is booked."]
    assert api.post(f"/jobs/{job['id']}/accept", org.dispatcher).body["status"] == "unscheduled"
    # A second request from the same phone finds the same customer.
    fetch(api, "POST", "/book/acme", form=form(description="And the water heater"))
    assert {j["customer_id"] for j in jobs_offered(api, org)} == {customer["id"]}
    assert fetch(api, "GET", "/book/acme?done=received").text.count("Request received") == 1


def test_the_fourth_request_from_a_phone_that_day_gets_the_limit_page_and_stores_nothing(api, org, monkeypatch):
    from chalicelib.api import booking
    addresses = iter(f"198.51.100.{n}" for n in range(10))
    monkeypatch.setattr(booking, "client_address", lambda: next(addresses))  # other connections: only the phone
    for n in range(3):
        assert fetch(api, "POST", "/book/acme", form=form(description=f"Problem {n}")).status == 303
    refused = fetch(api, "POST", "/book/acme", form=form(description="Problem 3"))
    assert refused.status == 429, refused.text
    assert "Too many requests" in refused.text and "this phone number today" in refused.text, refused.text
    as_json = fetch(api, "POST", "/book/acme", body=form(description="Problem 4"))
    assert as_json.status == 429 and as_json.json()["error"]["code"] == "too_many_requests"
    assert len(jobs_offered(api, org)) == 3
    assert fetch(api, "POST", "/book/acme", form=form(phone="+13035550179", description="Other")).status == 303


def test_one_client_address_is_limited_per_hour(api, org, clock):
    phones = [f"+1303555{n:04d}" for n in range(181, 186)]
    for phone in phones[:3]:
        assert fetch(api, "POST", "/book/acme", form=form(phone=phone)).status == 303
    r = fetch(api, "POST", "/book/acme", form=form(phone=phones[3]))
    assert r.status == 429 and "this connection" in r.text
    clock.advance(hours=1)
    assert fetch(api, "POST", "/book/acme", form=form(phone=phones[3])).status == 303


def test_bad_requests_are_explained_and_store_nothing(api, org, frames):
    cases = [({"name": ""}, "name"), ({"phone": "12"}, "phone"), ({"phone": ""}, "phone"), ({"address": " "}, "address"),
             ({"description": "x" * 2001}, "description"), ({"frame_start": "2026-12-01T15:00:00Z"}, "frame_start"),
             ({"frame_start": "soon"}, "frame_start")]
    for change, field in cases:
        r = fetch(api, "POST", "/book/acme", body=form(**change))
        assert r.status == 400 and r.json()["error"]["message"].startswith(field), (change, r.text)
    page = fetch(api, "POST", "/book/acme", form=form(phone="12"))
    assert page.status == 400 and 'aria-invalid="true"' in page.text and "Lee Chen" in page.text  # what was typed
    trapped = fetch(api, "POST", "/book/acme", form=form(website="http://spam.example"))
    assert trapped.status == 400
    assert fetch(api, "POST", "/book/acme", body=[1]).status == 400
    assert fetch(api, "GET", "/book/nobody").status == 404 and fetch(api, "GET", "/book/..%2F").status == 404
    assert jobs_offered(api, org) == []
    from chalicelib.bootstrap import store_repositories
    assert store_repositories().customers.by_phone(org.id, LEE) is None


def test_an_opted_out_customer_is_not_texted_but_the_request_is_kept(api, org, stream):
    from .test_customer_pages import _org_number
    from .test_two_way import inbound
    api.post("/customers", org.dispatcher, {"name": "Lee Chen", "phone": LEE})
    inbound(api, _org_number(org), "STOP", sender=LEE)
    stream.settle()
    before = stream.texts(LEE)
    assert fetch(api, "POST", "/book/acme", form=form()).status == 303
    stream.settle()
    assert stream.texts(LEE) == before  # nothing more to an opted-out number
    (job,) = jobs_offered(api, org)
    (message,) = api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
    assert (message["scenario"], message["status"]) == ("booking_received", "suppressed")
