"""A day of a million appointments: what each partition, function and origination identity must carry.

    .venv/bin/python bench/capacity.py                    # the model (about a minute)
    .venv/bin/python bench/capacity.py --simulate --scale 0.01   # and a 1/100 day through the local stack

1. Cost per operation, measured: every operation of an appointment's life (booking, the confirmation
   and its receipt, the reply, the reminder, en route, arrived, complete, a held text released, the
   technician's day view) runs once through the real handlers on moto in-process, with a botocore hook
   (like tests/conftest.py's record_operations) that reads each touched item before and after each call:
   DynamoDB write units on the table and on each index partition an item enters or leaves, read units
   per partition read, both per partition *key pattern* (ids replaced by their kind), and every other
   AWS call.
2. The day's shape (assumptions printed with the table): 1,000,000 visits over 4 US zones, bookings
   through the day, the customers who do not answer escalated 2 h after the question and handed back with
   the reminder, reminders at the lead time (24 h: on the hour of the window), en-route peaks 8-10
   a.m., texts held overnight released after 08:00 local over the release window.
3. Per minute of the UTC day: operations x measured cost → peak units per partition (a shared key:
   one partition for the whole organization, or one per shard), Lambda invocations and concurrency, SMS
   parts per second per identity, the sweep's items per minute, and the shard count that keeps every
   partition under 50% of its limit.
4. --simulate: `--scale` of that day (0.01 = 10,000 visits) through the real handlers on the local stack
   (devstack.Driver: stream, sweep and drainer as `make run` drives them) on a simulated clock; DynamoDB
   write units counted per simulated minute and compared with the model's minute for minute at that scale.
"""
import argparse
import json
import math
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import botocore.client

import measure  # noqa: F401  (the environment of every bench: moto credentials, table names)

# -- AWS limits assumed (checked 2026-11-24, see README "Capacity") --------------------------------------
PARTITION_WCU, PARTITION_RCU = 1000, 3000  # per partition, per second (table and each GSI partition)
HEADROOM = 0.5  # the model keeps every partition under half its limit
LAMBDA_CONCURRENCY = 1000  # default account concurrency per Region
SMS_LIMITS = {"toll_free": 3, "10dlc": 1, "short_code": 100}  # parts per second per identity (US), AWS defaults
CALL_MS = {"dynamodb": 8, "sqs": 10, "sns": 60, "pinpoint-sms-voice-v2": 60}  # latency assumed per call

# -- The day ---------------------------------------------------------------------------------------------
VISITS = 1_000_000
ZONES = {"America/New_York": 0.47, "America/Chicago": 0.29, "America/Denver": 0.07, "America/Los_Angeles": 0.17}
WINDOW_STARTS = {8: 0.25, 10: 0.25, 12: 0.20, 14: 0.15, 16: 0.15}  # local hour → share of visits (2 h windows)
# Bookings by local hour (the day before the visit, on average): office hours, a little in the evening,
# a little at night (those confirmations are held until 08:00).
BOOKING_HOURS = {h: w for h, w in zip(range(24), [
    0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 2, 6, 9, 10, 10, 9, 9, 9, 8, 7, 5, 3, 2, 1.5, 1, 0.7, 0.5], strict=True)}
REPLY_SHARE = 0.6  # customers answering the confirmation ("C"), ~10 minutes after it
ESCALATE_AFTER = 120  # minutes: the others are escalated (confirmation_followup_minutes), handed back 24 h ahead
REMINDER_SHARE = 0.85  # visits booked more than 24 h ahead get the reminder
RELEASE_WINDOW = 60  # minutes over which held texts are released after quiet hours
TECH_VIEWS = 3  # technician's day views per visit
SHORT_CODE = "short_code"
SEND = "|send"  # the part of an operation done by the drainer and the delivery receipt


class Recorder:
    """DynamoDB units per key pattern and every AWS call, for the operation being measured."""

    def __init__(self):
        self.label: str | None = None
        self.sending = False  # inside the drainer or a delivery receipt: the send stage of a text
        self.units: dict[str, Counter] = defaultdict(Counter)  # label → {("W"|"R", where, pattern): units}
        self.calls: dict[str, Counter] = defaultdict(Counter)  # label → {(service, op): n}
        self.original = botocore.client.BaseClient._make_api_call

    @contextmanager
    def measuring(self, label: str):
        self.label = label
        try:
            yield
        finally:
            self.label = None

    @contextmanager
    def in_busy_run(self, label: str, warm_up):
        """A swept operation, measured as one item of a busy run: each sweep run reads the organization's
        own items once (`Contexts.for_run`), so here every run's loader has already read them (`warm_up`,
        not counted) and only what the item itself reads is. The run's first reads (a few units a run) are
        left out of the model."""
        from chalicelib.store.context import Contexts
        original = Contexts.for_run

        def warmed(loader):
            run = original(loader)
            self.label = None
            try:
                warm_up(run)
            finally:
                self.label = label
            return run
        Contexts.for_run = warmed
        try:
            with self.measuring(label):
                yield
        finally:
            Contexts.for_run = original

    def install(self):
        recorder = self

        def hooked(client, operation, params):
            if recorder.label is None:
                return recorder.original(client, operation, params)
            service = client.meta.service_model.service_name
            label = recorder.label + (SEND if recorder.sending else "")
            if service != "dynamodbstreams":  # Lambda's event source mapping reads the stream in AWS
                recorder.calls[label][(service, operation)] += 1
            if service != "dynamodb":
                return recorder.original(client, operation, params)
            return recorder.dynamodb(client, operation, params, label)

        botocore.client.BaseClient._make_api_call = hooked

    def _get(self, client, table, key):
        answer = self.original(client, "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
        return answer.get("Item")

    def dynamodb(self, client, operation, params, label):
        units = self.units[label]
        writes = []  # (table, key, transactional)
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            key = params["Item"] if operation == "PutItem" else params["Key"]
            writes.append((params["TableName"], {"pk": key["pk"], "sk": key["sk"]}, False, operation))
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                (kind, spec), = entry.items()
                key = spec["Item"] if kind == "Put" else spec["Key"]
                writes.append((spec["TableName"], {"pk": key["pk"], "sk": key["sk"]}, True, kind))
        before = [self._get(client, t, k) for t, k, _, _ in writes]
        requests = [params.get("Item")] if operation != "TransactWriteItems" else \
            [next(iter(e.values())).get("Item") for e in params["TransactItems"]]
        requests = requests[:len(writes)]  # a read writes nothing
        try:
            answer = self.original(client, operation, params)
        finally:
            for (table, key, tx, kind), old, request in zip(writes, before, requests, strict=True):
                new = self._get(client, table, key)
                self._charge_write(units, old, new, tx, kind, key["pk"]["S"], request)
        self._charge_read(units, operation, params, answer)
        return answer

    @staticmethod
    def _charge_write(units, old, new, tx, kind, pk, request):
        size = max(item_size(old), item_size(new), item_size(request))  # a refused write is charged too
        units[("W", "table", pattern(pk))] += math.ceil(max(size, 1) / 1024) * (2 if tx else 1)
        if kind == "ConditionCheck" or old == new:
            return
        for n in range(1, 5):
            o, w = (old or {}).get(f"gsi{n}pk"), (new or {}).get(f"gsi{n}pk")
            osk, wsk = (old or {}).get(f"gsi{n}sk"), (new or {}).get(f"gsi{n}sk")
            if w:
                units[("W", f"gsi{n}", pattern(w["S"]))] += math.ceil(item_size(new) / 1024)
            if o and (o != w or osk != wsk):  # the old entry leaves the index: a delete there
                units[("W", f"gsi{n}", pattern(o["S"]))] += math.ceil(item_size(old) / 1024)

    @staticmethod
    def _charge_read(units, operation, params, answer):
        factor = 1.0 if params.get("ConsistentRead") else 0.5
        if operation == "GetItem" and "Item" in answer:
            units[("R", "table", pattern(params["Key"]["pk"]["S"]))] += \
                math.ceil(item_size(answer["Item"]) / 4096) * factor
        elif operation == "Query":
            where = params.get("IndexName", "table")
            names, values = params.get("ExpressionAttributeNames", {}), params.get("ExpressionAttributeValues", {})
            m = re.search(r"([#\w]+) = (:\w+)", params.get("KeyConditionExpression", ""))
            pk = values[m.group(2)]["S"] if m else "?"
            size = sum(item_size(i) for i in answer.get("Items", []))
            units[("R", where, pattern(pk))] += max(math.ceil(size / 4096), 1) * factor
            del names
        elif operation == "BatchGetItem":
            asked = [k["pk"]["S"] for spec in params["RequestItems"].values() for k in spec["Keys"]]
            for items in answer.get("Responses", {}).values():
                for item in items:
                    pk = item["pk"]["S"] if "pk" in item else asked[0]
                    units[("R", "table", pattern(pk))] += math.ceil(item_size(item) / 4096) * 0.5


def item_size(item) -> int:
    """DynamoDB's item size: attribute names plus values (numbers about half their digits)."""
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(v) for name, v in item.items())


def value_size(v) -> int:
    (kind, x), = v.items()
    if kind == "S":
        return len(x.encode())
    if kind == "N":
        return len(x) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(e) + 1 for k, e in x.items())
    if kind == "L":
        return 3 + sum(value_size(e) + 1 for e in x)
    if kind in ("SS", "NS"):
        return sum(len(e) for e in x)
    return len(str(x))


NAMED = {"ORG": "org", "JOB": "job", "DAY": "day", "TECH": "user", "PHONE": "phone", "CUSTOMER": "customer",
         "PROVIDER": "user", "INBOX": "user", "LINK": "hash", "SENT": "provider_id", "DUE": "hour",
         "RATE": "identity", "NUMBER": "number", "SLUG": "slug", "USER": "user"}
SPREAD = {"job", "customer", "phone", "user", "hash", "provider_id"}  # one partition per entity: never hot


def pattern(key: str) -> str:
    """`ORG#o_1#JOB#j_2` → `ORG#{org}#JOB#{job}`: ids become their kind, fixed words stay."""
    parts, out = key.split("#"), []
    for i, part in enumerate(parts):
        prev = parts[i - 1] if i else ""
        if prev in NAMED and (any(c.isdigit() for c in part) or prev in ("ORG", "LINK", "RATE", "USER", "TECH",
                                                                          "SENT", "NUMBER", "SLUG")):
            out.append("{" + NAMED[prev] + "}")
        elif any(c.isdigit() for c in part):
            out.append("{shard}" if part.isdigit() and len(part) <= 3 else "{" + "value" + "}")
        else:
            out.append(part)
    if len(out) == 4 and out[2] == "TALLY":  # shard 0 of the counters keeps the key it had before sharding
        out.append("{shard}")
    return "#".join(out)


# -- 1. Measure each operation once through the real handlers ------------------------------------------------
class Stage:
    """moto in-process with the stack's resources, the app's handlers driven as the local stage does."""

    def __init__(self, start: datetime):
        from moto import mock_aws

        from devstack import emulator
        from devstack.provision import provision
        emulator.install()  # as make run: a transaction copies only what it touches
        self.mock = mock_aws()
        self.mock.start()
        import os
        # One sweep thread, as make run (its outbox is per thread), with no time limit: simulated time stands
        # still while it acts, so a run acts on all that is due (the model's simulation runs say the same).
        os.environ.update(provision(os.environ["TABLE_NAME"], os.environ["PHOTOS_BUCKET"]), TEXT_DRAIN_SECONDS="0",
                          SWEEP_WORKERS="1", SWEEP_SECONDS="86400")
        from chalicelib import clock as app_clock
        self.now = start
        app_clock.set_clock(lambda: self.now)
        from chalice.test import Client

        import app
        from devstack.driver import Driver
        self.app = app.app
        self.client = Client(app.app)
        self.driver = Driver(app.app, os.environ["TABLE_NAME"], lambda: self.now)
        self.recorder: Recorder | None = None
        invoke = self.driver.invoke

        def staged(name, event):
            if self.recorder:
                self.recorder.sending = name in ("text_drainer", "delivery_events")
            try:
                return invoke(name, event)
            finally:
                if self.recorder:
                    self.recorder.sending = False
        self.driver.invoke = staged

    def request(self, method, path, token, body=None):
        r = self.client.http.request(method, path, headers={"Authorization": f"Bearer {token}",
                                                            "Content-Type": "application/json"},
                                     body=json.dumps(body).encode() if body is not None else b"")
        assert r.status_code < 300, (method, path, r.status_code, r.body)
        return json.loads(r.body) if r.body else None

    def settle(self, sweep: bool = False):
        """Stream and drainer until quiet (the sweep only when asked: it runs once a minute whatever
        happens, so its own fixed cost is not any operation's); then every text's delivery receipt."""
        d = self.driver
        for _ in range(1000):  # until nothing more goes: what an operation causes is counted as its own
            if sweep:
                d.sweep()
                sweep = False
            d.drain()
            d.send_queued()  # what the identity's rate lets go now (the rest goes as the clock moves on)
            if d.printed == len(d.outbox):
                break
            while d.printed < len(d.outbox):
                entry = d.outbox[d.printed]
                d.printed += 1
                d.receipt(entry)
        d.drain()


def measure_operations(rec: Recorder) -> dict[str, dict]:
    """Each operation of a visit's life, once; returns label → {units, calls}."""
    start = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 10:00 in Denver
    stage = Stage(start)
    stage.recorder = rec
    from chalicelib.bootstrap import store_repositories
    from chalicelib.domain.people import Role
    from chalicelib.services import people
    from chalicelib.services.access import Caller
    from devstack import demo
    from devstack.tokens import mint
    repos = store_repositories()
    org, boss = demo.create_org(repos, "Acme Home Services", "acme", "America/Denver")
    from chalicelib.store.rates import SendRates
    SendRates().set_rate(org.sms_number, 100)  # a short code's rate: one operation's texts go at once
    ana = people.create_user(repos, Caller(boss), name="Ana Alvarez", email="ana@acme.example", phone="+13035550142",
                             roles=frozenset({Role.TECHNICIAN}))
    customer = people.create_customer(repos, Caller(boss), name="Sam Rivera", phone="+13035550177", email=None,
                                      time_zone="America/Denver", address="1420 Larimer St, Denver, CO")
    stage.settle(sweep=True)
    dispatcher = mint(boss.id, org.id, [Role.DISPATCHER])
    tech = {"id": ana.id, "token": mint(ana.id, org.id, [Role.TECHNICIAN])}
    other = people.create_customer(repos, Caller(boss), name="Kim Park", phone="+13035550166", email=None,
                                   time_zone="America/Denver", address="1600 Glenarm Pl, Denver, CO")

    def warm_up(run):  # the run has acted on another customer's visit with the same technician
        run.load(org.id, other.id, ana.id, None)

    def book(label, hours_ahead):
        with rec.measuring(label):
            w0 = (stage.now + timedelta(hours=hours_ahead)).replace(minute=0, second=0)
            job = stage.request("POST", "/jobs", dispatcher, {
                "customer_id": customer.id, "description": "No heat",
                "appointment": {"window_start": w0.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                "window_end": (w0 + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                "technician_id": tech["id"]}})
            stage.settle()
        return job

    # a visit tomorrow at 10:00, booked at 10:00 today: confirmation now, reminder at 10:00 tomorrow
    job = book("book (confirmation sent)", 26)
    appt = job["appointments"][0]["id"]
    with rec.measuring("customer replies C"):
        stage.driver.text_in(customer.phone, org.sms_number, "C")
        stage.settle()
    stage.now += timedelta(minutes=5)
    stage.settle(sweep=True)
    with rec.measuring("empty sweep"):
        stage.now += timedelta(minutes=1)
        stage.settle(sweep=True)
    # a second visit whose customer never answers: the chain escalates it 2 h after the question, and
    # hands it back when its reminder goes, 24 h before the window
    silent = people.create_customer(repos, Caller(boss), name="Lee Chen", phone="+13035550188", email=None,
                                    time_zone="America/Denver", address="900 Blake St, Denver, CO")
    w2 = (stage.now + timedelta(hours=30)).replace(minute=0, second=0)
    unanswered = stage.request("POST", "/jobs", dispatcher, {
        "customer_id": silent.id, "description": "Noisy furnace", "appointment": {
            "window_start": w2.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "window_end": (w2 + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"), "technician_id": tech["id"]}})
    stage.settle()
    appt2 = unanswered["appointments"][0]["id"]
    window1 = datetime.fromisoformat(job["appointments"][0]["window_start"].replace("Z", "+00:00"))
    stage.now = window1 - timedelta(hours=24, minutes=1)
    stage.settle(sweep=True)
    with rec.in_busy_run("reminder (sweep)", warm_up):
        stage.now += timedelta(minutes=1)
        stage.settle(sweep=True)
    followup = next(t for t in repos.timers.of_appointment(org.id, unanswered["id"], appt2)
                    if t.kind.value == "confirmation_followup" and t.status == "pending")
    stage.now = followup.due - timedelta(minutes=1)
    stage.settle(sweep=True)
    with rec.in_busy_run("escalation (sweep)", warm_up):
        stage.now = followup.due
        stage.settle(sweep=True)
    stage.now = w2 - timedelta(hours=24, minutes=1)
    stage.settle(sweep=True)
    with rec.in_busy_run("reminder, unconfirmed (sweep)", warm_up):
        stage.now += timedelta(minutes=1)
        stage.settle(sweep=True)
    stage.now = window1 - timedelta(minutes=10)
    stage.settle(sweep=True)
    tech_token = tech["token"]
    with rec.measuring("en route"):
        stage.request("POST", f"/appointments/{appt}/status", tech_token,
                      {"action": "en_route", "eta": (stage.now + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")})
        stage.settle()
    with rec.measuring("start (arrived)"):
        stage.request("POST", f"/appointments/{appt}/status", tech_token, {"action": "start"})
        stage.settle()
    with rec.measuring("complete (feedback request)"):
        stage.request("POST", f"/appointments/{appt}/status", tech_token, {"action": "complete"})
        stage.settle()
    with rec.measuring("technician's day view"):
        stage.request("GET", f"/technicians/me/appointments?date={stage.now:%Y-%m-%d}", tech_token)
    # a booking at 22:00 in Denver: its confirmation is held, then released in the morning
    stage.now = stage.now.replace(hour=5, minute=0) + timedelta(days=1)
    stage.settle(sweep=True)
    book("book at night (held)", 40)
    from chalicelib.bootstrap import store_repositories
    held = [m for m in store_repositories().messages.held_between(stage.now, stage.now + timedelta(hours=12))]
    assert len(held) == 1, held
    stage.now = held[0].release_at - timedelta(minutes=1)
    stage.settle(sweep=True)
    with rec.in_busy_run("held text released", warm_up):
        stage.now += timedelta(minutes=1)
        stage.settle(sweep=True)
    sent = [e.body[:50] for e in stage.driver.outbox]
    print("texts of the measured visit:", sent, file=sys.stderr)
    rec.label = None
    out = {label: {"units": rec.units[label], "calls": rec.calls[label]} for label in rec.units | rec.calls}
    stage.mock.stop()
    return out


# -- 2. The day's shape, per UTC minute ------------------------------------------------------------------------
DAY = datetime(2026, 12, 2, tzinfo=UTC)  # a Wednesday


def minute_of(local: datetime) -> int:
    m = int((local.astimezone(UTC) - DAY).total_seconds() // 60)
    return m % 1440


def after_quiet_hours(local: datetime, release_window: int) -> list[tuple[datetime, float]]:
    """When a step of the confirmation chain due at `local` runs, as (moment, share): then, or, in quiet
    hours, spread over the release window after 08:00 local (services/timers._waits_for_morning)."""
    if 8 <= local.hour < 21:
        return [(local, 1.0)]
    eight = (local + timedelta(days=1) if local.hour >= 21 else local).replace(hour=8, minute=0)
    spread = max(release_window, 1)
    return [(eight + timedelta(minutes=k), 1 / spread) for k in range(spread)]


def shape(visits: int, release_window: int = RELEASE_WINDOW) -> dict[str, list[float]]:
    """Operations per UTC minute of one day, for `visits` visits (steady state: as many booked as done)."""
    ops = defaultdict(lambda: [0.0] * 1440)
    hours_total = sum(BOOKING_HOURS.values())
    for tz, zone_share in ZONES.items():
        z = ZoneInfo(tz)
        day = datetime(2026, 12, 2, tzinfo=z)
        n_zone = visits * zone_share
        for hour, weight in BOOKING_HOURS.items():  # bookings, spread evenly over each hour
            n = n_zone * weight / hours_total
            quiet = hour >= 21 or hour < 8
            for minute in range(60):
                m = minute_of(day.replace(hour=hour, minute=minute))
                ops["book at night (held)" if quiet else "book (confirmation sent)"][m] += n / 60
                if not quiet:
                    ops["customer replies C"][(m + 10) % 1440] += REPLY_SHARE * n / 60
                    due = day.replace(hour=hour, minute=minute) + timedelta(minutes=ESCALATE_AFTER)
                    for at, share in after_quiet_hours(due, release_window):
                        ops["escalation (sweep)"][minute_of(at)] += share * (1 - REPLY_SHARE) * n / 60
        held = n_zone * sum(w for h, w in BOOKING_HOURS.items() if h >= 21 or h < 8) / hours_total
        for k in range(max(release_window, 1)):  # released over the window after 08:00 local
            m = minute_of(day.replace(hour=8) + timedelta(minutes=k))
            ops["held text released"][m] += held / max(release_window, 1)
            ops["customer replies C"][(m + 10) % 1440] += REPLY_SHARE * held / max(release_window, 1)
            ops["escalation (sweep)"][(m + ESCALATE_AFTER) % 1440] += (1 - REPLY_SHARE) * held / max(release_window, 1)
        for start, share in WINDOW_STARTS.items():
            n = n_zone * share
            # on the hour; the customers who never answered are handed back by the same sweep
            ops["reminder (sweep)"][minute_of(day.replace(hour=start))] += REPLY_SHARE * REMINDER_SHARE * n
            ops["reminder, unconfirmed (sweep)"][minute_of(day.replace(hour=start))] += \
                (1 - REPLY_SHARE) * REMINDER_SHARE * n
            # technicians set off from 30 min before the window to 90 min into it, arrive 30 min later,
            # finish 75 min after arriving
            for k in range(120):
                en_route = day.replace(hour=start) + timedelta(minutes=k - 30)
                ops["en route"][minute_of(en_route)] += n / 120
                ops["start (arrived)"][minute_of(en_route + timedelta(minutes=30))] += n / 120
                ops["complete (feedback request)"][minute_of(en_route + timedelta(minutes=105))] += n / 120
        for hour in range(7, 18):  # the technicians' day views
            for minute in range(60):
                ops["technician's day view"][minute_of(day.replace(hour=hour, minute=minute))] += \
                    TECH_VIEWS * n_zone / (11 * 60)
    return ops


# -- 3. The table --------------------------------------------------------------------------------------------
def per_partition_values(pat: str, due_shards: int) -> int:
    """How many partitions a shared key pattern's load spreads over at one moment."""
    if "{shard}" not in pat:
        return 1
    return model_env().tally_shards if "#TALLY#" in pat else due_shards


FIXED = ("SWEEP", "RATE#{identity}")  # written once per sweep / drainer run, not per item
SWEPT = ("reminder (sweep)", "reminder, unconfirmed (sweep)", "escalation (sweep)",  # operations the sweep performs
         "held text released")


def per_item(measured: dict) -> dict:
    """Each operation's own cost, in two stages: acting (API, stream, sweep) and sending (drainer and
    delivery receipt, `|send`). The local stage runs the sweep and the drainer once per operation; in AWS
    each runs once a minute whatever the load, so the watermark and the send-rate items are per-minute
    costs ('sweep run', 'drainer run') as are the due index's Queries of an empty sweep; the drainer's
    ReceiveMessage calls are one per 10 texts."""
    empty = measured["empty sweep"]
    out = {}
    for label, cost in measured.items():
        if label.startswith("empty sweep"):
            continue
        units = Counter({k: u for k, u in cost["units"].items() if not k[2].startswith(FIXED)})
        calls = Counter(cost["calls"])
        if label in SWEPT:
            for k, u in empty["units"].items():
                units[k] = max(units[k] - u, 0)
            for k, n in empty["calls"].items():
                calls[k] = max(calls[k] - n, 0)
        calls[("sqs", "ReceiveMessage")] = 0.1 * (calls[("sqs", "DeleteMessage")])
        out[label] = {"units": units, "calls": calls}
    out["sweep run"] = {"units": Counter(empty["units"]),
                        "calls": Counter({k: n for k, n in empty["calls"].items() if k[0] == "dynamodb"})}
    out["drainer run"] = {"units": Counter({("W", "table", "RATE#{identity}"): 1, ("R", "table", "RATE#{identity}"): 0.5}),
                          "calls": Counter({("sqs", "ReceiveMessage"): 2, ("dynamodb", "GetItem"): 1,
                                            ("dynamodb", "UpdateItem"): 1})}
    return out


def texts_of(cost) -> float:
    return sum(n for (s, op), n in cost["calls"].items() if op in ("Publish", "SendTextMessage"))


def seconds_of(cost) -> float:
    return sum(n * CALL_MS.get(s, 10) for (s, _), n in cost["calls"].items()) / 1000


MODEL_ENV = []  # the settings the model is run for: the environment as the bench started


def model_env():
    if not MODEL_ENV:
        from chalicelib.config import environment
        MODEL_ENV.append(environment())
    return MODEL_ENV[0]


def model(measured: dict, visits: int, due_shards: int, release_window: int, identities: int, rate: float,
          sweep_items: float | None = None) -> dict:
    """Per UTC minute: what arrives (the day's shape), what the sweep can act on (due_shards runs a minute,
    one per shard, each with SWEEP_WORKERS threads for SWEEP_SECONDS, the due items spread evenly over the
    shards), what the identities may send; the units each stage writes and reads."""
    demand = shape(visits, release_window)
    acting = {k: v for k, v in measured.items() if not k.endswith(SEND)}
    sending = {k[:-len(SEND)]: v for k, v in measured.items() if k.endswith(SEND)}
    per_swept = {label: seconds_of(acting[label]) for label in SWEPT}
    env = model_env()
    sweep_capacity = due_shards * env.sweep_workers * env.sweep_seconds  # seconds of sweep work a minute
    if sweep_items is not None:
        sweep_capacity = sweep_items * max(per_swept.values())
    send_capacity = identities * rate * 60  # parts per minute
    done = defaultdict(lambda: [0.0] * 1440)
    sweep_backlog, sweep_lag = Counter(), [0.0] * 1440
    sent, sms_lag = [0.0] * 1440, [0.0] * 1440
    send_mix = Counter()  # texts waiting, by the operation that queued them
    for m in range(1440):
        for label, per_minute in demand.items():
            if label in SWEPT:
                sweep_backlog[label] += per_minute[m]
            else:
                done[label][m] += per_minute[m]
        budget = sweep_capacity  # the sweep acts in due order: shares of the backlog
        work = sum(sweep_backlog[label] * per_swept[label] for label in SWEPT)
        share = min(1.0, budget / work) if work else 1.0
        for label in SWEPT:
            done[label][m] += sweep_backlog[label] * share
            sweep_backlog[label] *= 1 - share
        sweep_lag[m] = work / sweep_capacity if work else 0
        for label in acting:
            if label in sending:
                send_mix[label] += done[label][m] * texts_of(sending[label])
        waiting = sum(send_mix.values())
        out = min(waiting, send_capacity)
        sent[m] = out
        for label in list(send_mix):
            taken = send_mix[label] * (out / waiting if waiting else 0)
            send_mix[label] -= taken
            done[label + SEND][m] += taken / max(texts_of(sending[label]), 1)
        sms_lag[m] = (waiting - out) / send_capacity
    done["sweep run"] = [1.0] * 1440
    done["drainer run"] = [1.0] * 1440
    load = defaultdict(lambda: [0.0] * 1440)
    calls = defaultdict(lambda: [0.0] * 1440)
    for label, per_minute in done.items():
        cost = measured.get(label) or {"units": {}, "calls": {}}
        for k, units in cost["units"].items():
            for m in range(1440):
                load[k][m] += units * per_minute[m]
        for k, n in cost["calls"].items():
            for m in range(1440):
                calls[k][m] += n * per_minute[m]
    return {"demand": demand, "done": done, "load": load, "calls": calls, "sent": sent, "sms_lag": sms_lag,
            "sweep_lag": sweep_lag, "sweep_capacity_items": sweep_capacity / max(per_swept.values())}


def print_table(measured: dict, result: dict, due_shards: int, identity_kind: str, identities: int) -> dict:
    demand, done, load = result["demand"], result["done"], result["load"]
    print("\n== Measured per operation (one run through the real handlers on moto in-process)")
    print(f"{'operation':<38} {'WCU':>6} {'RCU':>6}  other AWS calls")
    for label, cost in sorted(measured.items()):
        w = sum(u for (kind, _, _), u in cost["units"].items() if kind == "W")
        r = sum(u for (kind, _, _), u in cost["units"].items() if kind == "R")
        detail = ", ".join(f"{op} {n:g}" for (sv, op), n in sorted(cost["calls"].items()) if sv != "dynamodb" and n)
        ddb = sum(n for (sv, _), n in cost["calls"].items() if sv == "dynamodb")
        print(f"{label:<38} {w:>6.1f} {r:>6.1f}  dynamodb {ddb:g}; {detail}")
    visits = sum(demand["en route"])
    texts = sum(result["sent"])
    env = model_env()
    print(f"\n== The day: {visits:,.0f} visits, {texts:,.0f} texts; DUE_SHARDS {due_shards}, TALLY_SHARDS "
          f"{env.tally_shards}, SWEEP_WORKERS {env.sweep_workers}; SMS: {identities} {identity_kind} "
          f"identit{'y' if identities == 1 else 'ies'}")
    print(f"\n{'partition key pattern (where)':<48} {'peak/s':>8} {'limit':>6} {'% of one':>8} {'partitions':>10} "
          f"{'for <50%':>9}")
    hot = []
    for (kind, where, pat), per_minute in sorted(load.items(), key=lambda kv: -max(kv[1])):
        peak = max(per_minute) / 60
        if peak < 1:
            continue
        limit = PARTITION_WCU if kind == "W" else PARTITION_RCU
        spread = any("{" + x + "}" in pat for x in SPREAD)
        values = per_partition_values(pat, due_shards)
        pct = 100 * peak / values / limit
        need = math.ceil(peak / (HEADROOM * limit))
        if not spread and pct > 100 * HEADROOM:
            hot.append((pat, where, pct, need))
        print(f"{kind} {pat + ' (' + where + ')':<46} {peak:>8.1f} {limit:>6} "
              f"{('-' if spread else f'{pct:.0f}%'):>8} {('per entity' if spread else values):>10} "
              f"{('-' if spread else need):>9}")
    busy = [sum(done[label][m] * seconds_of(measured[label]) for label in done if label in measured) / 60
            for m in range(1440)]
    invocations = [sum(done[label][m] for label in done) for m in range(1440)]
    print(f"\nLambda: peak {max(invocations):,.0f} operations a minute; busy function-seconds per second at the "
          f"peak {max(busy):.0f} (= concurrent executions at the assumed call latencies; account default "
          f"{LAMBDA_CONCURRENCY})")
    swept = [sum(done[label][m] for label in SWEPT) for m in range(1440)]
    arriving = [sum(demand[label][m] for label in SWEPT) for m in range(1440)]
    print(f"Sweep: peak {max(arriving):,.0f} items due in one minute; it acts on up to "
          f"{result['sweep_capacity_items']:,.0f} a minute ({due_shards} runs, one per shard, each "
          f"{model_env().sweep_workers} workers x {model_env().sweep_seconds:.0f} s); "
          f"peak {max(swept):,.0f} acted in a minute; longest wait {max(result['sweep_lag']):.0f} min")
    limit = SMS_LIMITS[identity_kind]
    want = [sum(done[label][m] * texts_of(measured[label + SEND]) for label in done if label + SEND in measured)
            for m in range(1440)]
    print(f"SMS: demand at the peak minute {max(want) / 60:,.0f} parts/s; sent at most "
          f"{max(result['sent']) / 60 / identities:.0f} parts/s per identity (limit {limit}); longest wait in "
          f"the queue {max(result['sms_lag']):.0f} min")
    print("\nPartitions over 50% of their limit:", "none" if not hot else
          "; ".join(f"{p} ({w}) {pct:.0f}% -> {n} shards" for p, w, pct, n in hot))
    return {"hot": hot}


# -- 4. The simulation ---------------------------------------------------------------------------------------
def counts(per_minute: list[float], scale: float, minutes: range) -> dict[int, int]:
    """Whole operations per minute whose running total follows the model's scaled figure."""
    out, carried = {}, 0.0
    for m in minutes:
        carried += per_minute[m] * scale
        out[m] = int(carried)
        carried -= out[m]
    return out


def simulate(scale: float, first_minute: int, minutes: int, measured: dict, rec: Recorder, due_shards: int,
             identities: int, rate: float) -> None:
    """`scale` of the day's operations in the minutes [first_minute, first_minute + minutes) of the UTC day,
    through the real handlers (API, stream, sweep, drainer, receipts) on the local stage, the simulated
    clock moving a second per operation within each minute; write units counted per minute."""
    window = range(first_minute, first_minute + minutes)
    demand = shape(VISITS)
    plan = {label: counts(per_minute, scale, window) for label, per_minute in demand.items()}
    day = DAY - timedelta(days=1)  # the simulated day: a Tuesday (its visits were booked the day before)
    stage = Stage(day + timedelta(minutes=first_minute) - timedelta(hours=30))
    stage.recorder = rec
    from chalicelib.bootstrap import store_repositories
    from chalicelib.domain.people import Role
    from chalicelib.services import people
    from chalicelib.services.access import Caller
    from devstack import demo
    from devstack.tokens import mint
    repos = store_repositories()
    org, boss = demo.create_org(repos, "Acme Home Services", "acme", "America/New_York")
    from chalicelib.store.rates import SendRates
    SendRates().set_rate(org.sms_number, SMS_LIMITS[SHORT_CODE])  # the model's identity: a short code
    dispatcher = mint(boss.id, org.id, [Role.DISPATCHER])
    techs, made = [], Counter()
    n_visits = sum(plan["en route"].values()) + 1
    for i in range(max(n_visits // 4, 2)):
        user = people.create_user(repos, Caller(boss), name=f"Tech {i:04d}", email=f"t{i}@acme.example",
                                  phone=f"+1212555{i:04d}", roles=frozenset({Role.TECHNICIAN}))
        techs.append({"id": user.id, "token": mint(user.id, org.id, [Role.TECHNICIAN])})

    def daytime(zone: str, at: datetime) -> bool:
        return 8 <= at.astimezone(ZoneInfo(zone)).hour < 21

    def customer(at: datetime, quiet: bool = False, zone: str | None = None) -> tuple[str, str]:
        """A new customer in `zone`, or in a zone where `at` is in the day (or in quiet hours), made outside
        any operation."""
        fitting = [zone] if zone else [z for z in ZONES if daytime(z, at) != quiet] or list(ZONES)
        n = made["customers"]
        made["customers"] += 1
        label, rec.label = rec.label, None
        try:
            phone = f"+1718{200 + n // 10_000}{n % 10_000:04d}"  # valid numbers: a reply from one is read
            c = people.create_customer(repos, Caller(boss), name=f"Customer {n}", phone=phone, email=None,
                                       time_zone=fitting[n % len(fitting)], address="1 Main St")
        finally:
            rec.label = label
        return c.id, c.phone

    def book(who: tuple[str, str], start: datetime) -> tuple[dict, dict]:
        tech = techs[made["visits"] % len(techs)]
        made["visits"] += 1
        return stage.request("POST", "/jobs", dispatcher, {
            "customer_id": who[0], "description": "No heat", "appointment": {
                "window_start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "window_end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "technician_id": tech["id"]}}), tech

    def on_the_hour(t: datetime) -> datetime:
        return t.replace(minute=0, second=0, microsecond=0)

    began = time.perf_counter()
    # Before the window (not counted), each visit in the state its operation in the window needs, its
    # questions asked and answered (or not) at the times the model assumes, in time order:
    moving, started, finishing = [], [], []
    setup: list[tuple[datetime, object]] = []  # (when, what)
    base = day - timedelta(hours=5)  # 19:00 UTC the day before: daytime in every zone
    opening = day + timedelta(minutes=first_minute)

    def under_way(state: str):
        def act():
            who = customer(base)
            job, tech = book(who, opening + timedelta(minutes=30))
            stage.settle()
            stage.driver.text_in(who[1], org.sms_number, "C")  # confirmed, as the measured visit was
            for action in ("en_route", "start")[:("booked", "en_route", "start").index(state)]:
                stage.request("POST", f"/appointments/{job['appointments'][0]['id']}/status", tech["token"],
                              {"action": action})
            (moving if state == "booked" else started if state == "en_route" else finishing).append((job, tech))
        return act

    for state, label in (("booked", "en route"), ("en_route", "start (arrived)"),
                         ("start", "complete (feedback request)")):
        setup += [(base, under_way(state))] * sum(plan[label].values())

    def reminded(m: int, answers: bool):
        def act():  # the reminder (and, unanswered, the hand-back) falls due at minute m, in the day there
            who = customer(day + timedelta(minutes=m))
            book(who, day + timedelta(days=1, minutes=m))
            stage.settle()
            if answers:
                stage.driver.text_in(who[1], org.sms_number, "C")
        return act

    for m in window:
        setup += [(base, reminded(m, True))] * plan["reminder (sweep)"][m]
        setup += [(base, reminded(m, False))] * plan["reminder, unconfirmed (sweep)"][m]

    def escalated(at: datetime, zone: str):
        def act():  # asked now, never answered: the chain escalates it in the window (a visit 2 days on)
            book(customer(stage.now, zone=zone), on_the_hour(at + timedelta(hours=47)))
        return act

    def local_hour(zone: str, at: datetime) -> int:
        return at.astimezone(ZoneInfo(zone)).hour

    mornings = set()
    for m in window:
        due = day + timedelta(minutes=m)
        asked = due - timedelta(minutes=ESCALATE_AFTER)
        zone = next((z for z in ZONES if daytime(z, asked) and daytime(z, due)), None)
        if zone is None:  # in the hour after 08:00 somewhere: steps put off from the night before
            mornings |= {(z, due.astimezone(ZoneInfo(z)).replace(hour=8, minute=0).astimezone(UTC))
                         for z in ZONES if local_hour(z, due) == 8}
            continue
        setup += [(asked, escalated(asked, zone))] * plan["escalation (sweep)"][m]
    for zone, eight in mornings:  # the whole release window's, asked the evening before: each step's own
        # moment in it is a hash of its appointment, so the model's share of them falls in the simulated minutes
        first = int((eight - day).total_seconds() // 60)
        n = sum(counts(demand["escalation (sweep)"], scale, range(first, first + max(RELEASE_WINDOW, 1))).values())
        asked = eight - timedelta(hours=12, minutes=30)
        setup += [(asked, escalated(asked, zone))] * n

    def held(zone: str):
        def act():  # booked in quiet hours: its confirmation is released in the window
            book(customer(stage.now, zone=zone), on_the_hour(opening + timedelta(days=2)))
        return act

    morning = next((z for z in ZONES if local_hour(z, opening) == 8), "America/New_York")  # releasing now
    night = opening - timedelta(hours=10)  # 22:00 there
    setup += [(night, held(morning))] * sum(plan["held text released"].values())
    for when, act in sorted(setup, key=lambda s: s[0]):
        if when > stage.now:
            stage.now = when
            stage.settle(sweep=True)
        else:
            stage.now += timedelta(seconds=1)  # a visit a second: its texts never wait for the send rate
        act()
    stage.now = opening - timedelta(minutes=1)
    stage.settle(sweep=True)
    seen = len(stage.driver.outbox)
    print(f"(set-up: {made['customers']} customers, {len(setup)} visits, in {time.perf_counter() - began:.0f} s)",
          file=sys.stderr)

    # The window, minute by minute.
    began = time.perf_counter()
    written, ops_done, performed = {}, 0, Counter()
    asked = []  # customers asked to confirm in the window, oldest first: they are the ones who answer "C"

    def note_asked(seen: int) -> int:
        asked.extend(e.to for e in stage.driver.outbox[seen:] if "visit booked" in e.body)
        return len(stage.driver.outbox)

    en_route = list(moving)
    for m in window:
        minute_start = day + timedelta(minutes=m)
        stage.now = minute_start
        rec.label = f"sim {m}|sweep"
        stage.settle(sweep=True)  # the minute's sweep run: reminders, held texts
        seen = note_asked(seen)
        todo = []
        for label in ("book (confirmation sent)", "book at night (held)"):
            todo += [label] * plan[label][m]
        todo += ["customer replies C"] * plan["customer replies C"][m]
        todo += ["en route"] * plan["en route"][m] + ["start (arrived)"] * plan["start (arrived)"][m]
        todo += ["complete (feedback request)"] * plan["complete (feedback request)"][m]
        todo += ["technician's day view"] * plan["technician's day view"][m]
        random.Random(m).shuffle(todo)
        for k, label in enumerate(todo):
            rec.label = f"sim {m}|{label}"
            stage.now = minute_start + timedelta(seconds=60 * k / max(len(todo), 1))
            if label.startswith("book"):
                book(customer(stage.now, quiet=label == "book at night (held)"), minute_start + timedelta(days=2))
            elif label == "customer replies C" and asked:
                stage.driver.text_in(asked.pop(0), org.sms_number, "C")
            elif label == "en route" and en_route:
                job, tech = en_route.pop()
                stage.request("POST", f"/appointments/{job['appointments'][0]['id']}/status", tech["token"],
                              {"action": "en_route", "eta": (stage.now + timedelta(minutes=30)).strftime(
                                  "%Y-%m-%dT%H:%M:%SZ")})
                started.append((job, tech))
            elif label == "start (arrived)" and started:
                job, tech = started.pop(0)
                stage.request("POST", f"/appointments/{job['appointments'][0]['id']}/status", tech["token"],
                              {"action": "start"})
                finishing.append((job, tech))
            elif label == "complete (feedback request)" and finishing:
                job, tech = finishing.pop(0)
                stage.request("POST", f"/appointments/{job['appointments'][0]['id']}/status", tech["token"],
                              {"action": "complete"})
            elif label == "technician's day view":
                tech = techs[ops_done % len(techs)]
                stage.request("GET", f"/technicians/me/appointments?date={minute_start:%Y-%m-%d}", tech["token"])
            else:
                continue  # nothing in the state this operation needs: not done, not counted
            performed[label] += 1
            ops_done += 1
            stage.settle()
            seen = note_asked(seen)
        written[m] = sum(u for name, units in rec.units.items() if name.startswith(f"sim {m}|")
                         for (kind, _, _), u in units.items() if kind == "W")
    rec.label = None
    seconds = time.perf_counter() - began
    stage.mock.stop()

    # The local stage's sweep acts on all that is due each minute (see Stage) and its texts leave from one
    # number at that number's own rate.
    result = model(measured, int(VISITS * scale), due_shards, RELEASE_WINDOW, 1, SMS_LIMITS[SHORT_CODE],
                   sweep_items=1e12)
    modelled = {m: sum(per_minute[m] for (kind, _, _), per_minute in result["load"].items() if kind == "W")
                for m in window}
    print(f"\n== Simulation: {scale:g} of the day ({int(VISITS * scale):,} visits), UTC minutes "
          f"{first_minute // 60:02d}:{first_minute % 60:02d}+{minutes}, through the real handlers on the local stage")
    print(f"{ops_done:,} operations in {seconds:.0f} s ({ops_done / seconds:.1f} a second; a whole day at this scale "
          f"would take {sum(sum(counts(v, scale, range(1440)).values()) for v in demand.values()) / (ops_done / seconds) / 60:.0f} min)")
    print(f"{'minutes':<14} {'simulated WCU':>14} {'model WCU':>10} {'difference':>10}")
    step = 10 if minutes >= 30 else 5 if minutes >= 10 else 1
    for b in range(first_minute, first_minute + minutes, step):
        sim = sum(written[m] for m in range(b, min(b + step, first_minute + minutes)))
        mod = sum(modelled[m] for m in range(b, min(b + step, first_minute + minutes)))
        print(f"{b // 60:02d}:{b % 60:02d}+{step:<8} {sim:>14.0f} {mod:>10.0f} {100 * (sim - mod) / mod if mod else 0:>9.0f}%")
    total_sim, total_mod = sum(written.values()), sum(modelled.values())
    print(f"{'whole window':<14} {total_sim:>14.0f} {total_mod:>10.0f} {100 * (total_sim - total_mod) / total_mod:>9.0f}%")
    off = {m: 100 * (written[m] - modelled[m]) / modelled[m] for m in window if modelled[m]}
    worst = max(off, key=lambda m: abs(off[m]))
    print(f"minute by minute: {sum(abs(d) <= 20 for d in off.values())} of {len(off)} within 20% of the model; "
          f"the furthest {worst // 60:02d}:{worst % 60:02d}, {off[worst]:+.0f}%")
    compare_operations(rec, result, measured, window, performed)


SENDING = "texts sent (drainer, receipts)"


def compare_operations(rec: Recorder, result: dict, measured: dict, window: range, performed: Counter) -> None:
    """Where simulation and model differ: each operation's write units over the window, the sweep's run with
    what it acted on, the texts' sending (whenever the rate let each go), and the once-a-run items
    (the sweep's watermark, the send rates: once a minute in AWS, once a beat on the local stage)."""
    def group(label: str) -> str:
        return "sweep" if label in SWEPT or label == "sweep run" else label

    simulated, modelled, done = Counter(), Counter(), Counter()
    for name, units in rec.units.items():
        if name.startswith("sim ") and int(name[4:name.index("|")]) in window:
            for (kind, _, pat), u in units.items():
                if kind == "W":
                    label = name.split("|", 1)[1]
                    label = SENDING if label.endswith(SEND) else label  # sent when the rate let it go
                    simulated["runs (watermark, rates)" if pat.startswith(FIXED) else label] += u
    for label, per_minute in result["done"].items():
        cost = measured.get(label) or {"units": {}}
        w = sum(u for (kind, _, _), u in cost["units"].items() if kind == "W")
        n = sum(per_minute[m] for m in window)
        modelled["runs (watermark, rates)" if label == "drainer run" else
                 SENDING if label.endswith(SEND) else group(label)] += w * n
        if not label.endswith(SEND) and label != "drainer run":
            done[group(label)] += n
    print(f"\n{'operation':<30} {'done':>6} {'modelled':>9} {'simulated WCU':>14} {'model WCU':>10} {'difference':>10}")
    for label in sorted(set(simulated) | set(modelled), key=lambda x: -modelled[x]):
        sim, mod = simulated[label], modelled[label]
        print(f"{label:<30} {performed.get(label, ''):>6} {done[label]:>9.0f} {sim:>14.0f} {mod:>10.0f} "
              f"{100 * (sim - mod) / mod if mod else 0:>9.0f}%")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visits", type=int, default=VISITS)
    parser.add_argument("--due-shards", type=int, default=None, help="default: the code's DUE_SHARDS")
    parser.add_argument("--release-window", type=int, default=RELEASE_WINDOW, help="minutes")
    parser.add_argument("--identity", choices=sorted(SMS_LIMITS), default=SHORT_CODE)
    parser.add_argument("--identities", type=int, default=2, help="origination identities sharing the day")
    parser.add_argument("--simulate", action="store_true")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--first-minute", type=int, default=13 * 60, help="of the UTC day (13:00: 8 a.m. in New York)")
    parser.add_argument("--minutes", type=int, default=30)
    args = parser.parse_args()
    if args.due_shards:  # measured too: the sweep runs (one per shard) and where the items are filed
        os.environ["DUE_SHARDS"] = str(args.due_shards)
    model_env()  # before the local stage sets its own (one sweep thread)
    rec = Recorder()
    rec.install()
    began = time.perf_counter()
    measured = measure_operations(rec)
    print(f"(measured in {time.perf_counter() - began:.0f} s)", file=sys.stderr)
    from chalicelib.config import environment
    shards = args.due_shards or environment().due_shards
    measured = per_item(measured)
    result = model(measured, args.visits, shards, args.release_window, args.identities, SMS_LIMITS[args.identity])
    print_table(measured, result, shards, args.identity, args.identities)
    if args.simulate:
        simulate(args.scale, args.first_minute, args.minutes, measured, rec, shards, args.identities,
                 SMS_LIMITS[args.identity])


if __name__ == "__main__":
    main()
