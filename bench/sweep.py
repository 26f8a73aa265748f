"""One sweep's read cost with many future appointments and few timers due, against a Scan-based sweep
over the same table in the same run.

    .venv/bin/python bench/sweep.py [appointments] [due]      (default 100000 and 100)

The table holds, per future appointment, its appointment item and a pending reminder timer (in the due
index, due days ahead); `due` timers are due now. Items are written in batches straight to moto.
"""
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from measure import aws


def main(appointments: int, due: int) -> None:
    with aws() as calls:
        import boto3

        from chalicelib import bootstrap
        from chalicelib.config import environment
        from chalicelib.domain.jobs import Appointment
        from chalicelib.domain.timers import Timer, TimerKind
        from chalicelib.domain.values import TimeFrame
        from chalicelib.services import sweep
        from chalicelib.store import due as due_index
        from chalicelib.store import keys
        from chalicelib.store.mapping import appointment_item
        from chalicelib.store.timers import _timer_item

        now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
        client, name = boto3.client("dynamodb"), environment().table_name
        began, pending = time.perf_counter(), []

        def put(item: dict) -> None:
            pending.append({"PutRequest": {"Item": item}})
            if len(pending) == 25:
                flush()

        def flush() -> None:
            while pending:
                left = client.batch_write_item(RequestItems={name: pending[:25]}).get("UnprocessedItems", {})
                del pending[:25]
                pending.extend(left.get(name, []))

        for i in range(appointments + due):
            job, appointment = f"job_{i:08x}", f"apt_{i:08x}_a"
            start = now + timedelta(days=2 + i % 30, hours=i % 10)
            put(appointment_item("org_bench", Appointment(appointment, job, TimeFrame(start, start + timedelta(hours=2)),
                                                           now, now, technician_id="usr_bench", version=1)).serialize())
            timer = Timer("org_bench", job, appointment, TimerKind.REMINDER,
                          now - timedelta(seconds=30) if i >= appointments else start - timedelta(hours=24), 1, start)
            put(_timer_item(timer).serialize())
        flush()
        print(f"table: {appointments:,} future appointments with a pending timer each, {due} timers due now "
              f"({2 * (appointments + due):,} items, written in {time.perf_counter() - began:.0f} s)")

        shards = range(due_index.shards())
        for shard in shards:
            due_index.advance_watermark(keys.stamp(now - timedelta(minutes=1)), shard)
        calls.reset()
        items, queries = due_index.due_between(now - timedelta(minutes=1), now)
        index = (calls.of("dynamodb"), calls.scanned, calls.capacity, len(items))
        calls.reset()
        found, start_key = 0, None
        while True:
            page = client.scan(TableName=name, FilterExpression="#k = :t AND #s = :p AND #d <= :now",
                               ExpressionAttributeNames={"#k": "kind", "#s": "status", "#d": "due"},
                               ExpressionAttributeValues={":t": {"S": "timer"}, ":p": {"S": "pending"},
                                                          ":now": {"S": keys.stamp(now).replace("Z", ".000000+0000")}},
                               **({"ExclusiveStartKey": start_key} if start_key else {}))
            found += page["Count"]
            if not (start_key := page.get("LastEvaluatedKey")):
                break
        scan = (calls.of("dynamodb"), calls.scanned, calls.capacity, found)
        # What one run holds: its shard's whole due read, as a list (at 08:00 in New York, about 29,000 items
        # at a million visits a day). Measured here with moto in the same process, so the peak also counts
        # moto's answer being built; what stays held after the read is the run's own.
        tracemalloc.start()
        one, _ = due_index.due_between(now - timedelta(minutes=1), now, 0)
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"one shard's due read in memory: {len(one):,} items, {held / 2**20:.1f} MiB held after it "
              f"({held / max(len(one), 1) / 1024:.1f} KiB an item), {peak / 2**20:.1f} MiB at its peak")
        del one
        calls.reset()
        reports = [sweep.run(bootstrap.repos(), bootstrap.senders(), now, shard) for shard in shards]
        print(f"\n{'':<24}{'calls':>8}{'items read':>14}{'moto capacity':>16}{'due found':>12}")
        print(f"{'due index (this sweep)':<24}{index[0]:>8}{index[1]:>14,}{index[2]:>16,.1f}{index[3]:>12}")
        print(f"{'Scan-based sweep':<24}{scan[0]:>8}{scan[1]:>14,}{scan[2]:>16,.1f}{scan[3]:>12}")
        print(f"\nitems read: {index[1] / due:.2f}× the due count (goal ≤ 2×); the Scan reads "
              f"{scan[1] / max(index[1], 1):,.0f}× more")
        print(f"the sweep's runs (one per shard) acting on them: {calls.of('dynamodb')} DynamoDB calls for "
              f"{sum(r.due for r in reports)} due "
              f"({calls.detail('dynamodb')}); their jobs are not in this table, so each is taken and dropped")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [100000, 100][len(args):]))
