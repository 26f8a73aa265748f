"""`python -m bench.capacity`: the model's table, and with --simulate a fraction of the day on the local stage."""
import argparse
import os
import sys
import time

from bench import capacity, measure  # noqa: F401  (the environment of every bench: moto credentials, table names)

from .day import RELEASE_WINDOW, VISITS
from .model import SHORT_CODE, SMS_LIMITS, model, model_env, per_item
from .recorder import Recorder
from .simulation import simulate
from .stage import measure_operations
from .table import print_table


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.capacity", description=capacity.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
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


main()
