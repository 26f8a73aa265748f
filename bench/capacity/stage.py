"""The local stage in-process (moto, the app's handlers driven as `make run` drives them), and each operation
of a visit's life measured once on it."""
import json
import sys
from datetime import UTC, datetime, timedelta

from bench import measure  # noqa: F401  (the environment of every bench: moto credentials, table names)

from .recorder import Recorder


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
