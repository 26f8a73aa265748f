"""`Idempotency-Key` on the technician's POSTs: a repeat (the app's queue resending after a lost answer) gets
the first answer and applies nothing twice; the same key with another body, or a malformed key, is refused."""
from .test_day_of_work import add_user, new_customer, window


def test_a_repeated_status_change_note_and_message_apply_once_and_answer_as_the_first_time(api, org):
    tech_id, tech = add_user(api, org, "Ana Tech", "technician")
    job = api.post("/jobs", org.dispatcher, {"customer_id": new_customer(api, org), "description": "No heat",
                                             "appointment": {**window(days=1), "technician_id": tech_id}}).body
    visit = job["appointments"][0]["id"]
    key = {"Idempotency-Key": "6f1c2b9e-3c1d-4a57-9d0e-1a2b3c4d5e6f"}
    first = api.post(f"/appointments/{visit}/status", tech, {"action": "start"}, headers=key)
    again = api.post(f"/appointments/{visit}/status", tech, {"action": "start"}, headers=key)
    assert first.status == again.status == 200 and again.body == first.body  # not "cannot start … started"
    assert api.get(f"/jobs/{job['id']}", org.dispatcher).body["appointments"][0]["version"] == first.body["version"]
    # Without the key, the machine answers as ever.
    assert api.post(f"/appointments/{visit}/status", tech, {"action": "start"}).status == 409

    note = {"Idempotency-Key": "note-0001-aaaa"}
    one = api.post(f"/jobs/{job['id']}/notes", tech, {"text": "Vent cleared"}, headers=note)
    two = api.post(f"/jobs/{job['id']}/notes", tech, {"text": "Vent cleared"}, headers=note)
    assert one.status == two.status == 201 and one.body == two.body
    assert [n["text"] for n in api.get(f"/jobs/{job['id']}/notes", org.dispatcher).body["items"]] == ["Vent cleared"]
    # The same key on another route is another request; another body with the same key is refused.
    message = api.post(f"/jobs/{job['id']}/messages", tech, {"body": "On site"}, headers=note)
    assert message.status == 201
    assert api.post(f"/jobs/{job['id']}/messages", tech, {"body": "On site"}, headers=note).body == message.body
    assert len([m for m in api.get(f"/jobs/{job['id']}/messages", org.dispatcher).body["items"]
                if m["body"] == "On site"]) == 1
    refused = api.post(f"/jobs/{job['id']}/notes", tech, {"text": "Something else"}, headers=note)
    assert refused.status == 400 and refused.body["error"]["message"].startswith("Idempotency-Key: was used before")
    bad = api.post(f"/jobs/{job['id']}/notes", tech, {"text": "x"}, headers={"Idempotency-Key": "no spaces here"})
    assert bad.status == 400 and bad.body["error"]["message"].startswith("Idempotency-Key: must be")
    assert len(api.get(f"/jobs/{job['id']}/notes", org.dispatcher).body["items"]) == 1
