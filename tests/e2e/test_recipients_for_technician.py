"""The assigned technician reads a job's recipients on moto, to choose whom a message or a quick action goes to:
the people's names and roles, never their phone or email; another technician and a provider get a 404, and
nobody but a dispatcher may change them."""
from .conftest import add_user
from .test_contacts import OWNER, TENANT
from .test_contacts import people as people  # noqa: F401 - Sam's job with Tia (tenant, notify) and Omar (no notify)
from .test_customer_pages import visit as visit  # noqa: F401 - the booked visit with Ana, 2 days out


def test_the_assigned_technician_reads_the_recipients_by_name_only(api, org, people):
    job_id = people["job"]
    seen = api.get(f"/jobs/{job_id}/recipients", people["tech"])
    assert seen.status == 200, seen.body
    assert seen.body["contact_ids"] == [people["customer"]["id"], people["tenant"]["id"]]  # Omar has no notify
    assert [(c["name"], c["role"], c["primary"]) for c in seen.body["contacts"]] == [
        ("Sam Rivera", "customer", True), ("Tia Tenant", "tenant", False)]
    assert all(c["phone"] is None and c["email"] is None for c in seen.body["contacts"])
    assert TENANT not in str(seen.body) and people["customer"]["phone"] not in str(seen.body)
    # The dispatcher reads the same people with their numbers.
    full = api.get(f"/jobs/{job_id}/recipients", org.dispatcher).body
    assert full["contact_ids"] == seen.body["contact_ids"]
    assert [c["phone"] for c in full["contacts"]] == [people["customer"]["phone"], TENANT]


def test_the_technician_follows_the_dispatchers_choice_and_may_not_change_it(api, org, people, stream):
    job_id, owner = people["job"], people["owner"]["id"]
    assert api.put(f"/jobs/{job_id}/recipients", org.dispatcher, {"contact_ids": [owner]}).status == 200
    seen = api.get(f"/jobs/{job_id}/recipients", people["tech"]).body
    assert [c["name"] for c in seen["contacts"]] == ["Sam Rivera", "Omar Owner"]
    assert OWNER not in str(seen) and "omar@owner.example" not in str(seen)
    assert api.put(f"/jobs/{job_id}/recipients", people["tech"], {"contact_ids": []}).status == 403
    assert api.get(f"/customers/{people['customer']['id']}/contacts", people["tech"]).status == 403
    # What the technician read is what a message to one of them takes: Omar alone gets it.
    stream.settle()
    before = len(stream.texts(people["customer"]["phone"]))
    r = api.post(f"/jobs/{job_id}/messages", people["tech"], {"body": "Omar, the valve is in the garage?",
                                                             "recipients": [seen["contact_ids"][1]]})
    assert r.status == 201 and r.body["contact_id"] == owner and r.body["copies"] == [], r.body
    stream.settle()
    assert [b for _, b in stream.texts(OWNER) if "valve" in b] == ["Omar, the valve is in the garage?"]
    assert len(stream.texts(people["customer"]["phone"])) == before


def test_another_technician_and_a_provider_do_not_see_the_recipients(api, org, people):
    job_id = people["job"]
    _, ben = add_user(api, org, "Ben Okafor", "technician")
    _, provider = add_user(api, org, "Pat Provider", "provider")
    assert api.get(f"/jobs/{job_id}/recipients", ben).status == 404
    assert api.get(f"/jobs/{job_id}/recipients", provider).status == 403
