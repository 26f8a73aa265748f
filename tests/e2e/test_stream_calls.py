"""What the stream handler asks AWS for, in all, to react to one status change: each read once per change
record, however many of its reactions need it (issue 31: the local stack keeps up with a burst)."""
from datetime import timedelta

from .conftest import DEFAULT_NOW, add_user, new_customer

SAM = "+13035550177"
START = DEFAULT_NOW + timedelta(days=1)

EN_ROUTE = [  # the appointment's change
    ("dynamodb", "Query"),  # the job, for the timers, the text and the arrival window
    ("dynamodb", "BatchGetItem"),  # the organization's items, the customer and the technician, for all of them
    ("dynamodb", "Query"),  # the appointment's timers
    ("dynamodb", "Query"),  # the customer's consent
    ("dynamodb", "TransactWriteItems"),  # the text claimed in the ledger
    ("sns", "Publish"),
    ("dynamodb", "PutItem"),  # recorded sent
    ("dynamodb", "Query"),  # the customer's contacts (nobody else to tell)
]
SENT = [  # the text's change to `sent`, counted
    ("dynamodb", "Query"),  # the job's facts counted so far
    ("dynamodb", "BatchGetItem"),  # the organization's zone, the job and the visit
    ("dynamodb", "TransactWriteItems"),  # the mark and the counters
]


def test_an_en_route_change_is_eleven_aws_calls_each_read_once(api, org, stream, aws_calls):
    tech_id, tech = add_user(api, org, "Ana Alvarez", "technician")
    job = api.post("/jobs", org.dispatcher, {
        "customer_id": new_customer(api, org, SAM), "description": "No heat",
        "appointment": {"window_start": START.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "window_end": (START + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "technician_id": tech_id}}).body
    assert stream.settle() == []
    r = api.post(f"/appointments/{job['appointments'][0]['id']}/status", tech, {"action": "en_route"})
    assert r.status == 200, r.body

    before = len(aws_calls)
    assert stream.settle() == []
    handler = [c for c in aws_calls[before:] if c[0] != "dynamodbstreams"]  # the pump's reads are Lambda's

    assert handler == EN_ROUTE + SENT
    stream.redeliver()  # read once, still sent once and counted once
    assert len([body for _, body in stream.texts(SAM) if "on the way" in body]) == 1
    day = api.get("/analytics?from=2026-12-01&to=2026-12-01&group_by=technician", org.dispatcher).body
    assert day["total"]["texts"]["en_route"] == {"sent": 1}
    assert [g["key"] for g in day["groups"]] == [tech_id]  # counted where the visit is: its technician
