"""The whole text pipeline under faults, at full size: 1,000 status changes over 100 appointments through
the API and the stream handler, Lambda's redelivery (retry from the first failure, bisect after a
timed-out invocation, batches delivered twice) and an SMS provider refusing 10% of sends, all seeded.
Prints what should have gone, what the ledger and the provider counted, lost and duplicate texts, and
the time. tests/e2e/test_faults.py runs the same harness (devstack/faults.py) at a bounded size.

    .venv/bin/python bench/faults.py [appointments] [seed]      (default 100, 14)
"""
import sys
import time
import warnings
from datetime import UTC, datetime

from measure import aws

warnings.filterwarnings("ignore")


def main(appointments: int, seed: int) -> None:
    with aws() as calls:
        from chalice.test import Client

        import app
        from chalicelib import clock
        from devstack import emulator, faults
        emulator.install()
        # Tue 1 Dec 2026, 10:00 in Denver: outside quiet hours, so every text goes at once.
        clock.set_clock(lambda: datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
        began = time.perf_counter()

        def progress(changes: int) -> None:
            print(f"  {changes:,} status changes handled, {time.perf_counter() - began:,.0f} s", flush=True)

        with Client(app.app) as client:
            figures = faults.run(client, appointments=appointments, seed=seed, progress=progress)
        elapsed = time.perf_counter() - began
    print(figures.report())
    print(f"{elapsed:,.1f} s in all, {calls.seconds / elapsed:.0%} of it inside moto; "
          f"{calls.counts[('dynamodb', 'TransactWriteItems')]:,} transactions")
    for problem in figures.problems[:20]:
        print("  ", problem)
    if figures.lost or figures.duplicates:
        raise SystemExit(1)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100, int(sys.argv[2]) if len(sys.argv) > 2 else 14)
