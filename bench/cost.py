"""The AWS cost per 1,000 appointment lifecycles, from what the code is counted doing, in-process on moto.

    .venv/bin/python bench/cost.py [appointments] [--write]

Each lifecycle: a dispatcher creates the customer and books a visit with a technician; the booking
confirmation goes; the customer replies C (End User Messaging → SNS → inbound_sms) and gets the thanks;
the reminder goes 24 h before (the minute sweep); the technician goes en route, arrives and completes;
the feedback request goes; every text gets its delivery receipt (delivery_events); the dispatcher opens
the job once. The stream is drained after each step, as Lambda does when traffic is light.

Counted: every DynamoDB call the code makes, in request units computed from the items' sizes as
DynamoDB bills them on demand (writes: 1 WRU per KB of item written, twice in a transaction; reads:
per 4 KB read, half for an eventually consistent read; an Update or Delete counts 1 WRU, our items
being under 1 KB), Lambda invocations (API requests, stream batches, SNS deliveries; the minute
sweep runs whatever is due and is reported as a fixed monthly cost), and the SMS segments of every
text sent. Lambda duration cannot be measured here: each function's invocation is priced at its memory
(prices.MEMORY_MB) for the milliseconds bench/rightsize.py models for it (prices.MODELLED_MS).
`--write` stores the per-lifecycle figures in chalicelib/domain/usage.py, which GET /analytics/cost reads.
"""
import json
import math
import sys
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from measure import aws

warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parent.parent


def size(value: dict) -> int:
    """Bytes of one attribute value as DynamoDB counts them (approximately, for numbers)."""
    (kind, v), = value.items()
    if kind in ("S", "B"):
        return len(v.encode() if isinstance(v, str) else v)
    if kind == "N":
        return len(str(v).lstrip("-").replace(".", "")) // 2 + 2
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "BS"):
        return sum(len(x.encode() if isinstance(x, str) else x) for x in v)
    if kind == "NS":
        return sum(len(str(x)) // 2 + 2 for x in v)
    if kind == "M":
        return 3 + sum(len(k.encode()) + size(x) + 1 for k, x in v.items())
    if kind == "L":
        return 3 + sum(size(x) + 1 for x in v)
    return 0


def item_size(item: dict | None) -> int:
    return sum(len(k.encode()) + size(v) for k, v in (item or {}).items())


class Units:
    def __init__(self):
        self.wru = self.rru = 0.0
        self.segments = 0
        self.texts = 0

    def write(self, item: dict | None, transactional: bool = False) -> None:
        self.wru += max(1, math.ceil(item_size(item) / 1024)) * (2 if transactional else 1)

    def read(self, items: list[dict], consistent: bool, transactional: bool = False) -> None:
        factor = 2 if transactional else (1 if consistent else 0.5)
        self.rru += max(1, math.ceil(sum(item_size(i) for i in items) / 4096)) * factor

    def count(self, operation: str, params: dict, response: dict) -> None:
        consistent = bool(params.get("ConsistentRead"))
        if operation == "PutItem":
            self.write(params["Item"])
        elif operation in ("UpdateItem", "DeleteItem"):
            self.write(None)
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                (kind, body), = entry.items()
                self.write(body.get("Item") if kind == "Put" else None, transactional=True)
        elif operation == "GetItem":
            self.read([response.get("Item") or {}], consistent)
        elif operation == "Query":
            self.read(response.get("Items", []), consistent)
        elif operation == "BatchGetItem":
            for items in response.get("Responses", {}).values():
                for item in items:
                    self.read([item], False)
        elif operation == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for r in requests:
                    self.write(r.get("PutRequest", {}).get("Item"))
        elif operation == "TransactGetItems":
            for item in response.get("Responses", []):
                self.read([item.get("Item") or {}], True, transactional=True)


def main(n: int, write: bool) -> None:
    import botocore.client
    with aws():
        import os

        from chalice.test import Client

        import app
        from chalicelib import clock
        from chalicelib.bootstrap import store_repositories
        from chalicelib.config import environment
        from chalicelib.domain import prices
        from chalicelib.domain.people import Role
        from chalicelib.domain.segments import count
        from chalicelib.services import people
        from devstack.streams import StreamPump
        from devstack.tokens import mint

        repos = store_repositories()
        org, dispatcher = people.create_organization(
            repos, name="Acme Home Services", slug="acme", time_zone="America/Denver", sms_number="+13035550100",
            dispatcher_name="Dana", dispatcher_email="dana@acme.example")
        from chalicelib.services.access import Caller
        tech = people.create_user(repos, Caller(dispatcher), name="Ana Alvarez", email="a@x.example",
                                  roles=frozenset({Role.TECHNICIAN}))
        d_token, t_token = mint(dispatcher.id, org.id, [Role.DISPATCHER]), mint(tech.id, org.id, [Role.TECHNICIAN])
        now = [datetime(2030, 1, 7, 17, 0, tzinfo=UTC)]  # 10:00 in Denver: no quiet hours
        clock.set_clock(lambda: now[0])
        start = now[0] + timedelta(days=2)
        # By the template's name of the function invoked: each is priced at its own memory.
        units, sweeps = Units(), 0
        invocations = {"APIHandler": 0, "TableChanges": 0, "InboundSms": 0, "DeliveryEvents": 0}
        pump = StreamPump(os.environ["TABLE_NAME"])
        pump.drain(lambda e: {})  # set-up's records are not the lifecycles'
        original = botocore.client.BaseClient._make_api_call

        def counted(self, operation, params):
            response = original(self, operation, params)
            service = self.meta.service_model.service_name
            if service == "dynamodb":
                units.count(operation, params, response)
            elif (service, operation) in (("sns", "Publish"), ("pinpoint-sms-voice-v2", "SendTextMessage")):
                units.texts += 1
                units.segments += count(params.get("Message") or params.get("MessageBody") or "").segments
                provider_ids.append(response.get("MessageId"))
            return response

        provider_ids: list[str] = []
        with Client(app.app) as client:
            def call(method, path, token, body=None):
                invocations["APIHandler"] += 1
                r = client.http.request(method, path, headers={"Authorization": f"Bearer {token}",
                                                               "Content-Type": "application/json"},
                                        body=json.dumps(body).encode() if body is not None else b"")
                assert r.status_code < 300, (path, r.status_code, r.body)
                return json.loads(r.body) if r.body else None

            def stream(event):
                invocations["TableChanges"] += 1
                return client.lambda_.invoke("table_changes", event).payload

            def sns(handler, message):
                invocations[{"inbound_sms": "InboundSms", "delivery_events": "DeliveryEvents"}[handler]] += 1
                return client.lambda_.invoke(handler, client.events.generate_sns_event(message=json.dumps(message),
                                                                                       subject="")).payload

            def settle():
                assert pump.drain(stream) == []
                while provider_ids:  # each text's delivery receipt
                    sns("delivery_events", {"messageId": provider_ids.pop(), "messageStatus": "DELIVERED"})

            def sweep():
                nonlocal sweeps
                sweeps += 1
                for shard in range(environment().due_shards):  # each shard's schedule
                    client.lambda_.invoke("timer_sweep", {"shard": shard})

            botocore.client.BaseClient._make_api_call = counted
            try:
                appointments = []
                for i in range(n):
                    phone = f"+1303555{2000 + i:04d}"
                    customer = call("POST", "/customers", d_token, {"name": f"Customer {i}", "phone": phone,
                                                                    "time_zone": "America/Denver"})
                    job = call("POST", "/jobs", d_token, {"customer_id": customer["id"], "description": "No heat",
                                                          "appointment": {"window_start": f"{start:%Y-%m-%dT%H:%M:%SZ}",
                                                                          "window_end": f"{start + timedelta(hours=2):%Y-%m-%dT%H:%M:%SZ}",
                                                                          "technician_id": tech.id}})
                    settle()
                    sns("inbound_sms", {"originationNumber": phone, "destinationNumber": org.sms_number,
                                        "messageBody": "C", "inboundMessageId": f"in-{i}"})
                    settle()
                    appointments.append((job["id"], job["appointments"][0]["id"]))
                now[0] = start - timedelta(days=1)  # the reminders are due
                sweep()
                settle()
                for job_id, appointment_id in appointments:
                    for minutes, action in ((-15, "en_route"), (15, "start"), (60, "complete")):
                        now[0] = start + timedelta(minutes=minutes)
                        body = {"action": action}
                        if action == "en_route":
                            body["eta"] = f"{start + timedelta(minutes=15):%Y-%m-%dT%H:%M:%SZ}"
                        call("POST", f"/appointments/{appointment_id}/status", t_token, body)
                        settle()
                    call("GET", f"/jobs/{job_id}", d_token)
            finally:
                botocore.client.BaseClient._make_api_call = original

        per = {"write_request_units": units.wru / n, "read_request_units": units.rru / n,
               "sms_segments": units.segments / n}
        by_function = {function: count / n for function, count in invocations.items()}
        total, breakdown = prices.per_1000(per, by_function, environment().due_shards)
        print(f"{n} appointment lifecycles on moto; prices as of {prices.PRICES_AS_OF} ({prices.REGION})\n")
        print(f"per lifecycle: {units.texts / n:.1f} texts, {per['sms_segments']:.1f} SMS segments, "
              f"{per['write_request_units']:.1f} WRU, {per['read_request_units']:.1f} RRU, "
              f"{sum(by_function.values()):.1f} Lambda invocations on {prices.ARCHITECTURE} ("
              + ", ".join(f"{count:.1f} {function} at {prices.MEMORY_MB[function]} MB x "
                          f"{prices.MODELLED_MS[function]} ms" for function, count in by_function.items()) + ")")
        print(f"\nper 1,000 appointments: ${total:,.2f}")
        for name in ("sms", "dynamodb", "lambda"):
            print(f"  {name:<9} ${breakdown[name]['usd']:>8,.2f}   "
                  + ", ".join(f"{k} {v:,}" for k, v in breakdown[name].items() if k != "usd"))
        fixed = breakdown["fixed_per_month"]
        print(f"  plus, whatever the volume: the minute sweep (a run per due shard), {fixed['sweep_invocations']:,} invocations a month "
              f"≈ ${fixed['usd']:.2f} (its DynamoDB reads for due items are in the figures above)")
        if write:
            path = ROOT / "chalicelib" / "domain" / "usage.py"
            text = path.read_text()
            head = text[:text.index("MEASURED_ON")]
            path.write_text(head + f'MEASURED_ON = "{date.today().isoformat()}"\n'
                            'LIFECYCLE = ("book with a technician, confirmation text, reply C, reminder, en route, '
                            'arrived, complete, "\n'
                            f'             "feedback request, a delivery receipt per text ({n} lifecycles)")\n'
                            "PER_APPOINTMENT = {\n" + "".join(f'    "{k}": {v:.2f},\n' for k, v in per.items()) + "}\n"
                            "LAMBDA_INVOCATIONS = {  # by function, as infra/template.yaml names them\n"
                            + "".join(f'    "{k}": {v:.2f},\n' for k, v in by_function.items()) + "}\n")
            print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 5, "--write" in sys.argv)
