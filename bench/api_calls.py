"""DynamoDB calls and consumed capacity per API operation, in-process against moto.

    .venv/bin/python bench/api_calls.py

Every DynamoDB call is made with ReturnConsumedCapacity=TOTAL and summed per API request. moto's
capacity accounting is approximate (a transaction is charged like plain writes there; in DynamoDB
each transactional write item costs 2 WCU).
"""
import json
import warnings

from chalice.test import Client

from measure import aws

warnings.filterwarnings("ignore")
calls = None


def measure(label, client, method, path, token, body=None):
    calls.reset()
    r = client.http.request(method, path, headers={"Authorization": f"Bearer {token}",
                                                   "Content-Type": "application/json"},
                            body=json.dumps(body).encode() if body is not None else b"")
    assert r.status_code < 300, (label, r.status_code, r.body)
    print(f"{label:<34} {calls.of('dynamodb'):>3} calls  {calls.capacity:>5.1f} capacity units   "
          f"({calls.detail('dynamodb')})")
    return json.loads(r.body) if r.body else None


def main():
    global calls
    with aws() as calls:
        from chalicelib.bootstrap import store_repositories
        from devstack import demo
        seeded = demo.seed(store_repositories())
        import app
        dispatcher = seeded["users"][0]["token"]
        tech_user = seeded["users"][1]
        tech = tech_user["token"]
        customer = seeded["customers"][0].id
        org = seeded["org"]
        with Client(app.app) as client:
            print(f"{'operation':<34} DynamoDB calls and capacity (moto's accounting)\n")
            start, end = "2030-01-07T16:00:00Z", "2030-01-07T18:00:00Z"
            job = measure("create job with appointment", client, "POST", "/jobs", dispatcher,
                          {"customer_id": customer, "description": "bench",
                           "appointment": {"window_start": start, "window_end": end,
                                           "technician_id": tech_user["id"]}})
            appointment = job["appointments"][0]["id"]
            measure("status change (en_route)", client, "POST", f"/appointments/{appointment}/status", tech,
                    {"action": "en_route"})
            measure("status change (start)", client, "POST", f"/appointments/{appointment}/status", tech,
                    {"action": "start"})
            measure("get job", client, "GET", f"/jobs/{job['id']}", dispatcher)
            measure("technician's day", client, "GET", "/technicians/me/appointments?date=2030-01-07", tech)
            measure("list jobs (dispatcher)", client, "GET", "/jobs?limit=50", dispatcher)
            measure("list jobs by status", client, "GET", "/jobs?status=scheduled", dispatcher)
            measure("list jobs (technician)", client, "GET", "/jobs", tech)
            measure("add note", client, "POST", f"/jobs/{job['id']}/notes", tech, {"text": "bench"})
    print(f"\nAuthorization reads on every request: 1 GetItem (the caller's user record); org {org.slug}.")


if __name__ == "__main__":
    main()
