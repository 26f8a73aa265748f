"""Estimates (seed 002 "estimate approvals") on moto: the technician gives one, the stream texts its link, the
customer decides line by line on the page (JSON and a form without JavaScript), each line once; the totals are
computed; the decision reaches the inbox of the dispatchers and of the assigned technician."""
import pytest

from .conftest import add_user
from .test_customer_pages import SAM, fetch, token_in
from .test_customer_pages import visit as visit  # noqa: F401 - the booked visit with Ana, 2 days out

LINES = [{"description": "Replace the P-trap", "amount_cents": 12000},
         {"description": "New kitchen faucet", "amount_cents": 34950, "optional": True}]


def give(api, who, job_id, lines=LINES, currency="USD", **more):
    return api.post(f"/jobs/{job_id}/estimates", who, {"lines": lines, "currency": currency, **more})


@pytest.fixture
def sent(api, org, visit, stream):
    r = give(api, visit["tech"], visit["job"]["id"], note="Parts in the van")
    assert r.status == 201, r.body
    stream.settle()
    text = stream.texts(SAM)[-1][1]
    return r.body, token_in(text), text


def test_an_estimate_is_texted_with_its_link_and_its_totals_computed(api, org, visit, sent, stream):
    estimate, token, text = sent
    assert (estimate["status"], estimate["total_cents"], estimate["approved_cents"]) == ("sent", 46950, 0)
    assert [x["decision"] for x in estimate["lines"]] == ["pending", "pending"]
    assert text.startswith("acme Services: an estimate for Leak under the sink is ready. Approve or decline each item:")
    page = fetch(api, "GET", f"/c/{token}", accept="application/json").json()
    (shown,) = page["estimates"]
    assert [(x["description"], x["amount_text"], x["optional"]) for x in shown["lines"]] == [
        ("Replace the P-trap", "$120.00", False), ("New kitchen faucet", "$349.50", True)]
    assert "created_by" not in str(shown) and visit["tech_id"] not in str(page)  # nothing internal
    html = fetch(api, "GET", f"/c/{token}").text
    assert "Replace the P-trap: <strong>$120.00</strong>" in html and 'value="approved"' in html
    stream.settle()
    assert sum("an estimate for" in body for _, body in stream.texts(SAM)) == 1  # once


def test_one_line_approved_and_one_declined_is_partly_approved_and_a_second_decision_is_refused(api, org, visit,
                                                                                               sent, stream):
    estimate, token, _ = sent
    trap, faucet = (x["id"] for x in estimate["lines"])
    r = fetch(api, "POST", f"/c/{token}/estimate", body={"decisions": {trap: "approved"}, "comment": "Tuesday"},
              accept="application/json")
    assert r.status == 200 and r.json()["status"] == "sent" and r.json()["approved_cents"] == 12000
    form = fetch(api, "POST", f"/c/{token}/estimate", form={f"decision.{faucet}": "declined", "comment": "Later"})
    assert form.status == 303 and form.headers["location"] == f"../{token}?done=estimate"
    (shown,) = api.get(f"/jobs/{visit['job']['id']}/estimates", org.dispatcher).body["items"]
    assert (shown["status"], shown["total_cents"], shown["approved_cents"], shown["comment"]) == (
        "partly_approved", 46950, 12000, "Tuesday\nLater")  # each answer's words kept
    assert [(x["decision"], x["decided_by"]) for x in shown["lines"]] == [("approved", "customer"),
                                                                       ("declined", "customer")]
    again = fetch(api, "POST", f"/c/{token}/estimate", body={"decisions": {trap: "declined"}},
                  accept="application/json")
    assert again.status == 409 and again.json()["error"]["code"] == "already_decided"
    assert api.get(f"/jobs/{visit['job']['id']}/estimates", org.dispatcher).body["items"][0]["lines"][0][
        "decision"] == "approved"
    stream.settle()
    for reader in (org.dispatcher, visit["tech"]):
        bodies = [i["body"] for i in api.get("/inbox", reader).body["items"]]
        assert 'Estimate: approved Replace the P-trap ($120.00). Approved $120.00 of $469.50. Comment: "Tuesday"' in bodies
        assert ('Estimate: declined New kitchen faucet ($349.50). Approved $120.00 of $469.50. Comment: "Later"'
                in bodies)


def test_bad_estimates_and_bad_decisions_are_refused_naming_the_field_and_change_nothing(api, org, visit, sent,
                                                                                         stream):
    estimate, token, _ = sent
    job_id = visit["job"]["id"]
    for lines, currency in (([], "USD"), ([{"description": "x", "amount_cents": -1}], "USD"),
                            ([{"description": "x", "amount_cents": 10.5}], "USD"),
                            ([{"description": "", "amount_cents": 10}], "USD"), (LINES, "XYZ"),
                            ([{"description": "x", "amount_cents": "100"}], "USD")):
        r = give(api, org.dispatcher, job_id, lines, currency)
        assert r.status == 400, (lines, currency, r.body)
    _, provider = add_user(api, org, "Brand Portal", "provider")
    _, other = add_user(api, org, "Ben Okafor", "technician")
    assert give(api, other, job_id).status == 404  # not his job
    assert len(api.get(f"/jobs/{job_id}/estimates", org.dispatcher).body["items"]) == 1
    trap = estimate["lines"][0]["id"]
    for bad in ({"decisions": {"ln_forged": "approved"}}, {"decisions": {trap: "maybe"}}, {"decisions": {}},
                {"decisions": {trap: "approved"}, "comment": "x" * 501}):
        r = fetch(api, "POST", f"/c/{token}/estimate", body=bad, accept="application/json")
        assert r.status == 400, (bad, r.text)
    status_link = visit["token"]  # a link of another purpose
    assert fetch(api, "POST", f"/c/{status_link}/estimate", body={"decisions": {trap: "approved"}},
                 accept="application/json").status == 404
    assert all(x["decision"] == "pending" for x in
               api.get(f"/jobs/{job_id}/estimates", org.dispatcher).body["items"][0]["lines"])
    stream.settle()
    assert api.get("/inbox", org.dispatcher).body["items"] == []


def test_a_canceled_job_takes_no_answer_and_an_unreadable_estimate_record_is_reported_not_retried(api, org, visit,
                                                                                                   sent, stream):
    from chalicelib.domain.errors import UnreadableRecord
    from chalicelib.store.changes import events_of
    estimate, token, _ = sent
    assert api.post(f"/jobs/{visit['job']['id']}/cancel", org.dispatcher, {"reason": "Sold the house"}).status == 200
    r = fetch(api, "POST", f"/c/{token}/estimate", body={"decisions": {estimate["lines"][0]["id"]: "approved"}},
              accept="application/json")
    assert r.status == 409 and "canceled" in r.json()["error"]["message"]
    assert "estimate" not in fetch(api, "GET", f"/c/{token}", accept="application/json").json()["actions"]
    image = {"pk": {"S": "ORG#o#JOB#j"}, "sk": {"S": "QUOTE#est_1"}, "kind": {"S": "estimate"},
             "org_id": {"S": "o"}, "job_id": {"S": "j"}, "estimate_id": {"S": "est_1"}}  # no lines, no version
    with pytest.raises(UnreadableRecord):
        events_of({"Keys": {}, "NewImage": image})
