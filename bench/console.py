"""The dispatcher console's first load and its day board at size: bytes of the shell and of every module the
shell's app.js imports (raw and gzip), then a day of 200 visits over 25 technicians drawn from the API, in
process against moto: the API calls the board makes (board.js: the day and the people), the server time of
each, and the DynamoDB calls behind them. tests/browser/test_console.py checks in Chromium that the board's
first draw makes exactly these calls.

    .venv/bin/python bench/console.py
"""
import gzip
import json
import re
import statistics
import time
import warnings
from datetime import UTC, datetime, timedelta

from chalice.test import Client

from measure import aws

warnings.filterwarnings("ignore")
DRAWS = 10
TECHNICIANS, VISITS = 25, 200
BOARD_CALLS = ["/appointments?date=2026-12-01", "/users?limit=100"]  # board.js and team.js, on first draw
IMPORT = re.compile(r"""(?:from|import)\s*['"]\./([\w.-]+)['"]""")


def first_load() -> list[tuple[str, int, int]]:
    """(name, bytes, gzip bytes) of the shell, the stylesheet and each module reached from app.js."""
    from chalicelib import console
    files = [("console (shell)", console.shell({"mode": "local"}).encode()), ("console.css", console.assets()["console.css"])]
    todo, seen = ["app.js"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        content = console.assets()[name]
        files.append((name, content))
        todo += IMPORT.findall(content.decode())
    return [(n, len(c), len(gzip.compress(c, 9))) for n, c in files]


def main():
    files = first_load()
    scripts = [f for f in files if f[0].endswith(".js")]
    print("First load (HTML + CSS + JS):")
    for name, raw, packed in files:
        print(f"  {name:26} {raw:7,} B  ({packed:6,} B gzip)")
    print(f"  total {sum(f[1] for f in files):,} B ({sum(f[2] for f in files):,} B gzip); "
          f"JavaScript {sum(f[1] for f in scripts):,} B of the 150 KB budget")

    with aws() as calls:
        from chalicelib import clock
        from chalicelib.bootstrap import store_repositories
        from chalicelib.domain.people import Role
        from chalicelib.services import jobs, people
        from chalicelib.services.access import Caller
        from devstack.tokens import mint
        now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 8:00 in Denver
        clock.set_clock(lambda: now)
        repos = store_repositories()
        org, dispatcher = people.create_organization(repos, name="Big Co", slug="bigco", time_zone="America/Denver",
                                                     sms_number="+13035550100", dispatcher_name="Dana Dispatch",
                                                     dispatcher_email="dana@bigco.example")
        d = Caller(dispatcher)
        techs = [people.create_user(repos, d, name=f"Tech {i:02d}", email=f"t{i}@bigco.example", phone="+13035550142",
                                    roles=frozenset({Role.TECHNICIAN})) for i in range(TECHNICIANS)]
        customer = people.create_customer(repos, d, name="Sam Rivera", phone="+13035550177", email=None,
                                          time_zone="America/Denver", address="1420 Larimer St, Denver")
        from chalicelib.domain.values import TimeFrame
        for i in range(VISITS):  # 8 a technician from 7 am to 7 pm Denver, every 10th unassigned
            start = datetime(2026, 12, 1, 14, 0, tzinfo=UTC) + timedelta(hours=(i // TECHNICIANS) * 1.5)
            tech = None if i % 10 == 9 else techs[i % TECHNICIANS].id
            jobs.create_job(repos, d, customer.id, f"Visit {i}",
                            appointment=jobs.NewAppointment(TimeFrame(start, start + timedelta(hours=2)), tech))
        token = mint(dispatcher.id, org.id, [Role.DISPATCHER])
        import app
        with Client(app.app) as client:
            timings: dict[str, list[float]] = {p: [] for p in BOARD_CALLS}
            sizes, dynamo = {}, {}
            for _ in range(DRAWS):
                for path in BOARD_CALLS:
                    calls.reset()
                    began = time.perf_counter()
                    r = client.http.get(path, headers={"Authorization": f"Bearer {token}"})
                    timings[path].append(time.perf_counter() - began)
                    assert r.status_code == 200, r.body
                    sizes[path] = len(r.body)
                    dynamo[path] = f'{calls.detail("dynamodb")}; {calls.seconds * 1000:.0f} ms in moto'
                    body = json.loads(r.body)
            board = json.loads(client.http.get(BOARD_CALLS[0], headers={"Authorization": f"Bearer {token}"}).body)
            assert len(board["items"]) == VISITS, len(board["items"])
            assert len(body["items"]) == TECHNICIANS + 1
    print(f"\nThe board of {VISITS} visits and {TECHNICIANS} technicians: {len(BOARD_CALLS)} API calls "
          f"(goal ≤ 3), median of {DRAWS} draws, in process on moto:")
    for path in BOARD_CALLS:
        print(f"  GET {path:32} {statistics.median(timings[path]) * 1000:6.0f} ms  {sizes[path]:7,} B  "
              f"DynamoDB: {dynamo[path]}")
    print(f"  server time to draw: {sum(statistics.median(t) for t in timings.values()) * 1000:.0f} ms "
          "(the calls go in parallel: the longer one is what the browser waits)")
    print("  then, once drawn, the navigation's counts: GET /queues/{name} for the 5 queues, GET /inbox, "
          "GET /jobs?status=new_offer (7 calls, every 30 s)")


if __name__ == "__main__":
    main()
