"""End to end through chalice.test.Client, on moto, with every AWS call recorded (and no Scan allowed)."""
import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import botocore.client
import pytest
from chalice.test import Client

from chalicelib.bootstrap import store_repositories
from chalicelib.config import environment
from chalicelib.domain.people import Role
from chalicelib.services.people import create_organization
from devstack.driver import summed
from devstack.tokens import mint
from tests.fakes import FakeClock


@pytest.fixture
def aws_calls(monkeypatch):
    """Every AWS operation the code makes during the test, by (service, operation)."""
    calls: list[tuple[str, str]] = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation, params):
        calls.append((self.meta.service_model.service_name, operation))
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    yield calls
    scans = [c for c in calls if c[1] == "Scan"]
    assert not scans, f"a request path used Scan: {scans}"


@dataclass
class Response:
    status: int
    body: dict | list | None
    headers: dict

    @property
    def error(self) -> str | None:
        return (self.body or {}).get("error", {}).get("code") if isinstance(self.body, dict) else None


class Api:
    def __init__(self, client: Client):
        self.client = client

    def call(self, method: str, path: str, token: str | None = None, body=None, headers=None, raw: bytes | None = None):
        h = {"Content-Type": "application/json", **(headers or {})}
        if token:
            h["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        r = self.client.http.request(method, path, headers=h, body=data)
        parsed = json.loads(r.body) if r.body else None
        return Response(r.status_code, parsed, dict(r.headers))

    def get(self, path, token=None, **kw):
        return self.call("GET", path, token, **kw)

    def post(self, path, token=None, body=None, **kw):
        return self.call("POST", path, token, body if body is not None else {}, **kw)

    def patch(self, path, token=None, body=None, **kw):
        return self.call("PATCH", path, token, body, **kw)

    def put(self, path, token=None, body=None, **kw):
        return self.call("PUT", path, token, body, **kw)

    def delete(self, path, token=None, **kw):
        return self.call("DELETE", path, token, **kw)


@dataclass
class Org:
    id: str
    dispatcher: str  # token
    dispatcher_id: str


_numbers = itertools.count(100)  # an SMS number per organization a test creates


def new_org(slug: str) -> Org:
    org, dispatcher = create_organization(
        store_repositories(), name=f"{slug} Services", slug=slug, time_zone="America/Denver",
        sms_number=f"+1303555{next(_numbers) % 10000:04d}", dispatcher_name="Dana Dispatch",
        dispatcher_email=f"dana@{slug}.example")
    return Org(org.id, mint(dispatcher.id, org.id, [Role.DISPATCHER]), dispatcher.id)


@pytest.fixture
def api(aws, aws_calls):
    import app
    from devstack.gateway import StageGateway
    with Client(app.app) as client:
        client.http._local_gateway = StageGateway(app.app, client.http._config)  # as `make run` serves it
        yield Api(client)


class Stream:
    """The table's stream delivered to the `table_changes` handler as Lambda would, and the texts sent."""

    def __init__(self, client: Client):
        import os

        from devstack.streams import StreamPump
        self.client = client
        self.pump = StreamPump(os.environ["TABLE_NAME"])
        self.results: list[dict] = []

    def invoke(self, event: dict) -> dict:
        result = self.client.lambda_.invoke("table_changes", event).payload
        self.results.append(result)
        return result

    def settle(self, attempts: int = 3) -> list[str]:
        return self.pump.drain(self.invoke, attempts)

    def redeliver(self) -> list[str]:
        """Lambda delivers at least once: every record still in the stream, handled or not, offered again
        from the stream's start."""
        self.pump.checkpoints.clear()
        assert self.pump.pending(), "nothing in the stream to redeliver"
        return self.settle()

    @staticmethod
    def texts(to: str | None = None) -> list[tuple[str, str]]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.sns.models import sns_backends
        sent = sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages.values()
        return [(phone, body) for phone, body in sent if to is None or phone == to]


# Every end-to-end test runs on this instant unless it sets another: Tue 1 Dec 2026, 10:00 in Denver,
# outside quiet hours. The wall clock never decides what a text says or whether it is held.
DEFAULT_NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
NIGHT = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 22:00 in Denver the evening before: quiet hours


@pytest.fixture(autouse=True)
def clock():
    """The handlers' clock, fixed for every test (restored afterwards); tests move it themselves."""
    from chalicelib import bootstrap
    fake = FakeClock(DEFAULT_NOW)
    bootstrap.use(clock=fake)
    yield fake
    bootstrap.reset()


def sweep(api) -> dict:
    """One minute's sweep: every shard's run, as each shard's schedule invokes it; the reports summed."""
    return summed([api.client.lambda_.invoke("timer_sweep", {"shard": shard}).payload
                   for shard in range(environment().due_shards)])


@pytest.fixture
def stream(api) -> Stream:
    return Stream(api.client)


@pytest.fixture
def org(api) -> Org:
    return new_org("acme")


@pytest.fixture
def other_org(api) -> Org:
    return new_org("globex")


def add_user(api: Api, org: Org, name: str, *roles: str) -> tuple[str, str]:
    """A user created through the API, and their token."""
    r = api.post("/users", org.dispatcher, {"name": name, "email": f"{name.split()[0].lower()}@x.example",
                                            "roles": list(roles), "phone": "+13035550142"})
    assert r.status == 201, r.body
    return r.body["id"], mint(r.body["id"], org.id, roles)


def window(days: int = 2, hours: int = 2) -> dict:
    """A window `days` from the handlers' clock (the test's), on the hour."""
    from chalicelib import clock as app_clock
    start = (app_clock.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return {"window_start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "window_end": (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")}


def new_customer(api: Api, org: Org, phone: str = "+13035550177") -> str:
    r = api.post("/customers", org.dispatcher, {"name": "Sam Rivera", "phone": phone, "time_zone": "America/Denver",
                                                "address": "12 Elm St, Denver"})
    assert r.status == 201, r.body
    return r.body["id"]
