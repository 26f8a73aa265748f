"""Seed 002 on moto: a customer's contacts, a job's recipients, each with their own link and consent; replies as
theirs; a message to chosen recipients reaches only them; reply-all from a contact's page."""
import pytest

from .conftest import add_user
from .test_customer_pages import SAM, fetch, token_in
from .test_customer_pages import visit as visit  # noqa: F401 - the booked visit with Ana, 2 days out
from .test_two_way import inbound

TENANT, OWNER = "+13035550181", "+13035550182"


def add(api, org, customer_id, **fields):
    r = api.post(f"/customers/{customer_id}/contacts", org.dispatcher, fields)
    assert r.status == 201, r.body
    return r.body


def messages(api, org, job_id):
    return api.get(f"/jobs/{job_id}/messages", org.dispatcher).body["items"]


@pytest.fixture
def people(api, org, visit, stream, clock):
    """Sam's job with two more contacts: a tenant (a recipient by default) and an owner (notify off)."""
    customer_id = visit["customer"]["id"]
    tenant = add(api, org, customer_id, name="Tia Tenant", phone=TENANT, role="tenant")
    clock.advance(seconds=1)  # contacts are listed in the order they were added
    owner = add(api, org, customer_id, name="Omar Owner", phone=OWNER, email="omar@owner.example", notify=False)
    stream.settle()
    return {**visit, "tenant": tenant, "owner": owner, "job": visit["job"]["id"], "booked": visit["job"]}


def test_contacts_list_the_customer_first_and_are_checked_field_by_field(api, org, people):
    listed = api.get(f"/customers/{people['customer']['id']}/contacts", org.dispatcher).body["items"]
    assert [(c["name"], c["primary"], c["notify"]) for c in listed] == [
        ("Sam Rivera", True, True), ("Tia Tenant", False, True), ("Omar Owner", False, False)]
    assert listed[0]["id"] == people["customer"]["id"] and listed[1]["role"] == "tenant"
    assert listed[2]["email"] == "omar@owner.example" and listed[1]["opted_out"] is False
    customer_id = people["customer"]["id"]
    for bad, field in (({"name": "Nobody"}, "phone"), ({"name": "X", "phone": "555"}, "phone"),
                       ({"name": " ", "phone": "+13035550183"}, "name"), ({"name": "X", "email": "not-an-email"}, "email"),
                       ({"name": "X", "phone": TENANT}, "phone"), ({"name": "X", "phone": "+13035550183", "pets": 1}, "pets")):
        r = api.post(f"/customers/{customer_id}/contacts", org.dispatcher, bad)
        assert r.status == 400 and field in r.body["error"]["message"], (bad, r.body)
    assert len(api.get(f"/customers/{customer_id}/contacts", org.dispatcher).body["items"]) == 3  # nothing stored
    assert api.delete(f"/contacts/{customer_id}", org.dispatcher).status == 409  # the primary stays
    assert api.patch(f"/contacts/{customer_id}", org.dispatcher, {"name": "Sammy"}).status == 409
    assert api.get("/customers/cus_0000000000000000/contacts", org.dispatcher).status == 404
    assert api.delete("/contacts/con_nope_1234", org.dispatcher).status == 404
    _, tech = add_user(api, org, "Ben Okafor", "technician")
    assert api.get(f"/customers/{customer_id}/contacts", tech).status == 403


def test_a_contact_can_be_changed_and_removed(api, org, people):
    tenant = people["tenant"]["id"]
    r = api.patch(f"/contacts/{tenant}", org.dispatcher, {"email": "tia@tenant.example", "role": None})
    assert r.status == 200 and r.body["email"] == "tia@tenant.example" and r.body["role"] is None, r.body
    assert api.patch(f"/contacts/{tenant}", org.dispatcher, {"phone": None, "email": None}).status == 400
    assert api.patch(f"/contacts/{tenant}", org.dispatcher, {"phone": OWNER}).status == 400  # the owner's number
    assert api.delete(f"/contacts/{tenant}", org.dispatcher).status == 204
    names = [c["name"] for c in api.get(f"/customers/{people['customer']['id']}/contacts", org.dispatcher).body["items"]]
    assert names == ["Sam Rivera", "Omar Owner"]


def test_a_second_contact_is_invited_gets_every_text_with_their_own_link_and_replies_as_themselves(
        api, org, people, stream):
    job_id = people["job"]
    r = api.put(f"/jobs/{job_id}/recipients", org.dispatcher, {"contact_ids": [people["owner"]["id"]]})
    assert r.status == 200 and r.body["contact_ids"] == [people["customer"]["id"], people["owner"]["id"]], r.body
    assert stream.texts(OWNER) == []  # the API only wrote it
    stream.settle()
    (invitation,) = [body for _, body in stream.texts(OWNER)]
    listed = api.get(f"/customers/{people['customer']['id']}/contacts", org.dispatcher).body["items"]
    assert [c["invited_at"] is not None for c in listed] == [False, False, True]
    assert "you'll get updates on Leak under the sink" in invitation and "/c/" in invitation
    page = fetch(api, "GET", f"/c/{token_in(invitation)}", accept="application/json").json()
    assert page["window_start"] == people["booked"]["appointments"][0]["window_start"]  # the visit's page
    # Ana sets off: Sam and Omar each get the text, each with a link of their own; Tia is not chosen.
    sam_before = len(stream.texts(SAM))
    assert api.post(f"/appointments/{people['appointment']}/status", people["tech"], {"action": "en_route"}).status == 200
    stream.settle()
    sam_text, owner_text = stream.texts(SAM)[sam_before:][-1][1], stream.texts(OWNER)[-1][1]
    assert "is on the way" in sam_text and "is on the way" in owner_text
    assert token_in(sam_text) != token_in(owner_text)
    assert stream.texts(TENANT) == []
    # Omar answers by text: the reply is on the job as his; a second invitation never goes.
    assert inbound(api, org_number(org), "Gate code is 1234", sender=OWNER)["outcome"] == "recorded"
    stream.settle()
    (reply,) = [m for m in messages(api, org, job_id) if m["direction"] == "inbound"]
    assert reply["contact_id"] == people["owner"]["id"] and reply["from"] == OWNER
    assert api.put(f"/jobs/{job_id}/recipients", org.dispatcher,
                   {"contact_ids": [people["owner"]["id"], people["tenant"]["id"]]}).status == 200
    stream.settle()
    assert len([b for _, b in stream.texts(OWNER) if "you'll get updates" in b]) == 1
    assert len([b for _, b in stream.texts(TENANT) if "you'll get updates" in b]) == 1


def test_a_message_to_one_chosen_recipient_reaches_only_them(api, org, people, stream):
    job_id, tenant = people["job"], people["tenant"]["id"]
    sam_before, tenant_before = len(stream.texts(SAM)), len(stream.texts(TENANT))
    r = api.post(f"/jobs/{job_id}/messages", org.dispatcher, {"body": "Tia, is the unit empty today?",
                                                             "recipients": [tenant]})
    assert r.status == 201 and r.body["contact_id"] == tenant and r.body["copies"] == [], r.body
    stream.settle()
    assert stream.texts(SAM)[sam_before:] == []
    assert [b for _, b in stream.texts(TENANT)[tenant_before:] if "unit empty" in b] == ["Tia, is the unit empty today?"]
    # A quick action to the job's recipients (Sam and Tia, who has notify): each with their own link.
    r = api.post(f"/jobs/{job_id}/messages", people["tech"], {"quick_action": "checked_in"})
    assert r.status == 201 and [c["contact_id"] for c in r.body["copies"]] == [tenant], r.body
    stream.settle()
    assert "has checked in" in stream.texts(SAM)[-1][1] and "has checked in" in stream.texts(TENANT)[-1][1]
    assert token_in(stream.texts(SAM)[-1][1]) != token_in(stream.texts(TENANT)[-1][1])
    for bad in ({"body": "x", "recipients": ["con_nope_1234"]}, {"body": "x", "recipients": []},
                {"body": "x", "recipients": "all"}):
        assert api.post(f"/jobs/{job_id}/messages", org.dispatcher, bad).status == 400, bad


def test_stop_from_one_contact_leaves_the_others_texts_flowing(api, org, people, stream):
    job_id = people["job"]
    assert inbound(api, org_number(org), "STOP", sender=TENANT)["outcome"] == "opt_out"
    listed = api.get(f"/customers/{people['customer']['id']}/contacts", org.dispatcher).body["items"]
    assert [c["opted_out"] for c in listed] == [False, True, False]
    assert api.get(f"/customers/{people['customer']['id']}", org.dispatcher).body["opted_out"] is False
    sam_before, tenant_before = len(stream.texts(SAM)), len(stream.texts(TENANT))
    assert api.post(f"/jobs/{job_id}/messages", org.dispatcher, {"body": "Running on time"}).status == 201
    stream.settle()
    assert [b for _, b in stream.texts(SAM)[sam_before:]] == ["Running on time"]
    assert stream.texts(TENANT)[tenant_before:] == []
    (dropped,) = [m for m in messages(api, org, job_id) if m["contact_id"] == people["tenant"]["id"]
                  and m["body"] == "Running on time"]
    assert dropped["status"] == "suppressed" and "opted out" in dropped["error"]


def test_reply_all_from_a_contacts_page_reaches_the_others_and_the_company(api, org, people, stream):
    job_id, tenant = people["job"], people["tenant"]["id"]
    assert api.post(f"/jobs/{job_id}/messages", people["tech"], {"quick_action": "asset_ready"}).status == 201
    stream.settle()
    token = token_in(stream.texts(TENANT)[-1][1])
    page = fetch(api, "GET", f"/c/{token}")
    assert page.status == 200 and "Reply all" in page.text and "Sam Rivera" in page.text
    assert "Show the message this link came with" in page.text and "Cancel visit" not in page.text
    refused = fetch(api, "POST", f"/c/{token}/cancel", body={"reason": "Not home"}, accept="application/json")
    assert refused.status == 409 and "only the customer" in refused.text  # the customer alone cancels
    sam_before = len(stream.texts(SAM))
    posted = fetch(api, "POST", f"/c/{token}/reply", form={"body": "Thanks, I will be home", "send": "all"})
    assert posted.status == 303
    stream.settle()
    (relayed,) = [b for _, b in stream.texts(SAM)[sam_before:]]
    assert relayed.startswith("acme Services: Tia Tenant wrote: Thanks, I will be home")
    (theirs,) = [m for m in messages(api, org, job_id) if m["direction"] == "inbound"]
    assert theirs["contact_id"] == tenant
    # Sam's page shows the words sent on to him, and never Tia's texts (their links are hers).
    sam_page = fetch(api, "GET", f"/c/{people['token']}", accept="application/json").json()
    assert any("Tia Tenant wrote" in m["body"] for m in sam_page["messages"])
    assert token not in str(sam_page)
    # Only the job's other recipients may be named.
    bad = fetch(api, "POST", f"/c/{token}/reply", body={"body": "hi", "recipients": [people["owner"]["id"]]},
                accept="application/json")
    assert bad.status == 400 and "recipients" in bad.text


def org_number(org) -> str:
    from chalicelib.bootstrap import store_repositories
    return store_repositories().organizations.get(org.id).sms_number


def test_a_contacts_words_are_named_in_the_inbox_and_their_estimate_answer_is_theirs(api, org, people, stream):
    job_id, tenant = people["job"], people["tenant"]["id"]
    assert inbound(api, org_number(org), "Is it the kitchen sink?", sender=TENANT)["outcome"] == "recorded"
    stream.settle()
    (item,) = api.get("/inbox", org.dispatcher).body["items"]
    assert (item["customer_name"], item["contact_id"]) == ("Tia Tenant", tenant)
    assert item["customer_phone_masked"].endswith("0181")
    r = api.post(f"/jobs/{job_id}/estimates", org.dispatcher, {"currency": "USD", "lines": [
        {"description": "Replace the P-trap", "amount_cents": 12000}, {"description": "New faucet", "amount_cents": 9000}]})
    assert r.status == 201, r.body
    stream.settle()
    sams, tias = token_in(stream.texts(SAM)[-1][1]), token_in(stream.texts(TENANT)[-1][1])
    assert sams != tias and "estimate" in stream.texts(TENANT)[-1][1]
    first, second = (x["id"] for x in r.body["lines"])
    answer = fetch(api, "POST", f"/c/{tias}/estimate", body={"decisions": {first: "approved", second: "declined"}},
                   accept="application/json")
    assert answer.status == 200 and answer.json()["status"] == "partly_approved", answer.text
    assert fetch(api, "POST", f"/c/{sams}/estimate", body={"decisions": {first: "declined"}},
                 accept="application/json").status == 409  # decided once, by whoever answered first
    (estimate,) = api.get(f"/jobs/{job_id}/estimates", org.dispatcher).body["items"]
    assert [x["decided_by"] for x in estimate["lines"]] == [tenant, tenant]
    assert (estimate["total_cents"], estimate["approved_cents"]) == (21000, 12000)


def test_a_contact_gives_their_email_on_their_page_and_may_choose_it(api, org, people, stream):
    tenant = people["tenant"]["id"]
    assert api.post(f"/jobs/{people['job']}/messages", org.dispatcher, {"body": "Hello all"}).status == 201
    stream.settle()
    invitation, hello = (body for _, body in stream.texts(TENANT))  # the invitation goes before her first text
    assert "you'll get updates on Leak under the sink" in invitation and hello == "Hello all"
    token = token_in(invitation)
    page = fetch(api, "GET", f"/c/{token}")
    assert "Your email address" in page.text
    bad = fetch(api, "POST", f"/c/{token}/email", form={"email": "tia at home"})
    assert bad.status == 400 and "tia at home" in bad.text and 'aria-invalid="true"' in bad.text
    assert api.get(f"/customers/{people['customer']['id']}/contacts", org.dispatcher).body["items"][1]["email"] is None
    ok = fetch(api, "POST", f"/c/{token}/email", form={"email": "Tia@Tenant.example", "by_email": "on"})
    assert ok.status == 303
    listed = api.get(f"/customers/{people['customer']['id']}/contacts", org.dispatcher).body["items"][1]
    assert (listed["id"], listed["email"], listed["prefers_email"]) == (tenant, "Tia@tenant.example", True)
    consent = api.get(f"/customers/{people['customer']['id']}/consent", org.dispatcher)
    assert consent.status == 200
    # The customer's own link keeps the company's record of their address.
    assert "Your email address" not in fetch(api, "GET", f"/c/{people['token']}").text
    own = fetch(api, "POST", f"/c/{people['token']}/email", body={"email": "sam@x.example"}, accept="application/json")
    assert own.status == 409
