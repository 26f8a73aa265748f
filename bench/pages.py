"""The customer's status page: bytes a phone downloads, server time per view, DynamoDB calls per view and
per status poll, in-process against moto.

    .venv/bin/python bench/pages.py

The visit is en route with a conversation of 12 messages, the technician's position known and the
customer's address geocoded: the page at its fullest. Times include chalice.test.Client's own
overhead; the time spent inside the emulator's calls is shown apart (DynamoDB itself answers a
GetItem or a small Query in a few milliseconds).
"""
import json
import os
import re
import statistics
import time
import warnings
from datetime import UTC, datetime, timedelta

from chalice.test import Client

from measure import aws

warnings.filterwarnings("ignore")
VIEWS = 50


def main():
    with aws() as calls:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.sns.models import sns_backends

        from chalicelib import clock
        from chalicelib.bootstrap import store_repositories
        from devstack import demo
        from devstack.streams import StreamPump
        moment = [datetime(2026, 12, 1, 17, 0, tzinfo=UTC)]  # 10:00 in Denver: texts go at once
        clock.set_clock(lambda: moment[0])
        now = moment[0]
        seeded = demo.seed(store_repositories())
        import app
        dispatcher, tech = seeded["users"][0]["token"], seeded["users"][1]
        with Client(app.app) as client:
            def call(method, path, token=None, body=None, accept="application/json"):
                headers = {"Accept": accept, **({"Content-Type": "application/json"} if body is not None else {}),
                           **({"Authorization": f"Bearer {token}"} if token else {})}
                r = client.http.request(method, path, headers=headers,
                                        body=json.dumps(body).encode() if body is not None else b"")
                assert r.status_code < 400, (path, r.status_code, r.body)
                return r

            pump = StreamPump(os.environ["TABLE_NAME"])

            def settle():
                pump.drain(lambda event: client.lambda_.invoke("table_changes", event).payload, 3)

            customer = json.loads(call("POST", "/customers", dispatcher, {
                "name": "Pat Doe", "phone": "+13035550161", "time_zone": "America/Denver",
                "coordinates": {"lat": 39.7392, "lon": -104.9903}}).body)
            start = now + timedelta(hours=2)
            job = json.loads(call("POST", "/jobs", dispatcher, {
                "customer_id": customer["id"], "description": "No heat",
                "appointment": {"window_start": f"{start:%Y-%m-%dT%H:%M:%SZ}",
                                "window_end": f"{start + timedelta(hours=2):%Y-%m-%dT%H:%M:%SZ}",
                                "technician_id": tech["id"]}}).body)
            settle()
            call("POST", f"/appointments/{job['appointments'][0]['id']}/status", tech["token"],
                 {"action": "en_route", "eta": f"{start + timedelta(minutes=20):%Y-%m-%dT%H:%M:%SZ}"})
            call("PUT", "/technicians/me/location", tech["token"], {"lat": 39.71, "lon": -104.96})
            settle()
            texts = [body for phone, body in sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages.values()
                     if phone == customer["phone"]]
            token = re.search(r"/c/([A-Za-z0-9_-]{22})", texts[-1]).group(1)
            for n in range(10):
                moment[0] += timedelta(minutes=1)
                call("POST", f"/c/{token}/reply", body={"body": f"Message {n}: the side gate is open, come round"})

            from chalicelib.store import links
            links._resolved.clear()  # as in a container that never saw this link
            calls.reset()
            html = call("GET", f"/c/{token}", accept="text/html").body
            if os.environ.get("SHOW"):
                print(html.decode())
            first = (calls.of("dynamodb"), calls.detail("dynamodb"))
            css = call("GET", "/assets/page.css", accept="text/css").body
            js = call("GET", "/assets/page.js", accept="text/javascript").body
            total = len(html) + len(css) + len(js)
            print(f"status page bytes (uncompressed): HTML {len(html):,} + CSS {len(css):,} + JS {len(js):,} = "
                  f"{total:,} B ({total / 1024:.1f} KB; goal <= 30 KB)")

            def timed(path, accept):
                seconds, inside, counts = [], [], []
                for _ in range(VIEWS):
                    calls.reset()
                    began = time.perf_counter()
                    call("GET", path, accept=accept)
                    seconds.append(time.perf_counter() - began)
                    inside.append(calls.seconds)
                    counts.append(calls.of("dynamodb"))
                return seconds, inside, counts

            for label, path, accept in (("page view (HTML)", f"/c/{token}", "text/html"),
                                        ("status poll (status.json)", f"/c/{token}/status.json", "application/json")):
                seconds, inside, counts = timed(path, accept)
                ours = [s - i for s, i in zip(seconds, inside, strict=True)]
                print(f"{label:<27} median {statistics.median(seconds) * 1000:5.1f} ms (p95 "
                      f"{sorted(seconds)[int(VIEWS * .95) - 1] * 1000:5.1f}), outside the emulator "
                      f"{statistics.median(ours) * 1000:4.1f} ms; DynamoDB calls {max(counts)} "
                      f"({calls.detail('dynamodb')})")
            print(f"first view of a link in a container: {first[0]} DynamoDB calls ({first[1]}); after it the "
                  "link is kept (it never changes)")


if __name__ == "__main__":
    main()
