"""The table an operator reads: each operation's measured cost, then the day's peak per partition key pattern,
Lambda, the sweep and SMS, and the partitions over half their limit."""
import math

from .day import SWEPT
from .model import (
    HEADROOM,
    LAMBDA_CONCURRENCY,
    PARTITION_RCU,
    PARTITION_WCU,
    SMS_LIMITS,
    model_env,
    per_partition_values,
    seconds_of,
    texts_of,
)
from .recorder import SEND, SPREAD


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
