"""Stream records per second through the stream handler in-process (moto), DynamoDB and SNS calls per
text, and the segment count of every default scenario.

    .venv/bin/python bench/notify.py [appointments]
"""
import sys
import time
import warnings
from datetime import timedelta

from chalice.test import Client

from measure import aws

warnings.filterwarnings("ignore")


def main(n: int) -> None:
    with aws() as calls:
        import os

        import app
        from chalicelib import clock
        from chalicelib.bootstrap import store_repositories
        from chalicelib.domain.people import Role
        from chalicelib.domain.scenarios import DEFAULTS
        from chalicelib.domain.values import TimeFrame
        from chalicelib.notify.templates import SAMPLE, check
        from chalicelib.services import jobs, people
        from chalicelib.services.access import Caller
        from devstack.streams import StreamPump
        repos = store_repositories()
        org, dispatcher = people.create_organization(
            repos, name="Acme Home Services", slug="acme", time_zone="America/Denver", sms_number="+13035550100",
            dispatcher_name="Dana", dispatcher_email="dana@acme.example")
        d = Caller(dispatcher)
        tech = people.create_user(repos, d, name="Ana Alvarez", email="a@x.example", roles=frozenset({Role.TECHNICIAN}))
        start = clock.now().replace(minute=0, second=0) + timedelta(days=2)
        # Noon in Denver is outside quiet hours whatever the bench machine's time: texts go at once.
        clock.set_clock(lambda: start.replace(hour=19))
        for i in range(n):
            customer = people.create_customer(repos, d, name=f"Customer {i}", phone=f"+1303555{i % 10000:04d}",
                                              email=None, time_zone="America/Denver", address=None)
            jobs.create_job(repos, d, customer.id, "bench", appointment=jobs.NewAppointment(
                TimeFrame(start, start + timedelta(hours=2)), tech.id))
        pump = StreamPump(os.environ["TABLE_NAME"])
        pending = sum(len(r) for r in pump.pending().values())
        with Client(app.app) as client:
            calls.reset()
            began = time.perf_counter()
            failed = pump.drain(lambda event: client.lambda_.invoke("table_changes", event).payload)
            elapsed = time.perf_counter() - began
        texts = calls.counts[("sns", "Publish")]
        reads = calls.of("dynamodb") - calls.counts[("dynamodb", "TransactWriteItems")] - calls.counts[
            ("dynamodb", "PutItem")] - calls.counts[("dynamodb", "UpdateItem")]
        print(f"{pending} stream records ({n} jobs with an appointment) → {texts} texts, {len(failed)} failed")
        own = elapsed - calls.seconds
        print(f"handler throughput (moto, in-process): {pending / elapsed:,.1f} records/s, {texts / elapsed:,.1f} texts/s;"
              f" {calls.seconds / elapsed:.0%} of the time is inside moto (its transactions deep-copy the table)")
        print(f"handler's own time, AWS calls excluded: {own / pending * 1000:.1f} ms/record, "
              f"{pending / own:,.0f} records/s")
        print(f"per text: {calls.of('dynamodb') / texts:.1f} DynamoDB calls ({reads / texts:.1f} reads), "
              f"{calls.of('sns') / texts:.1f} SNS calls   [{calls.detail('dynamodb')}; stream reads not counted]")
        print("\nsegments of each default scenario on realistic values (20-character technician name, link):")
        for name, scenario in DEFAULTS.items():
            size = check(scenario, scenario.template)
            print(f"  {name:<22} {size.segments} segment  {size.units:>3} {size.encoding} characters")
        print(f"  (sample link: {SAMPLE['link']})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
