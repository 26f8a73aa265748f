"""A sweep run holds its shard's whole due read in memory (store/due.due_between). At the busiest minute of a
million-visit day (bench/capacity/day.py) that is ~29,000 items a shard, more than Chalice's default 128 MB can
hold with the runtime: every run would be killed and the shard never swept. The memory the template gives
the sweep must hold both, each measured here on the same code."""
import os
import subprocess
import sys
import tracemalloc
from datetime import timedelta
from pathlib import Path

import yaml

from chalicelib.bootstrap import store_repositories
from chalicelib.config import environment
from chalicelib.store import due

from .test_sharded_keys import NOW, put_timers

ROOT = Path(__file__).resolve().parents[2]
HEADROOM = 2  # the read's pages as they are parsed (peak ~1.2x what stays held) and the run's own copies


def measured(code: str) -> float:
    """A figure printed by `code`, run in a fresh interpreter (the bench sets its own environment)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_NAME", "PHOTOS_BUCKET"))}
    return float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True,
                                text=True, timeout=120).stdout.split()[-1])


def test_the_sweeps_memory_holds_the_runtime_and_its_shards_backlog_at_the_busiest_minute(aws, monkeypatch):
    peak_due = measured("from bench.capacity import day as c; d = c.shape(c.VISITS); "
                        "print(max(sum(d[k][m] for k in c.SWEPT) for m in range(1440)))")
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child of this test would count pytest's
    runtime_mib = measured("import re, app, boto3; from chalicelib.services import sweep; "
                           "[boto3.client(s, region_name='us-east-1') for s in ('dynamodb', 'sqs', 'sns')]; "
                           "print(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]) / 1024)")
    monkeypatch.setenv("DUE_SHARDS", "1")
    put_timers(store_repositories(), 1000, seed=7, prefix="m")
    tracemalloc.start()
    try:
        found, _ = due.due_between(NOW, NOW + timedelta(hours=3), 0)
        held, _ = tracemalloc.get_traced_memory()  # an upper bound: moto answers in this process too
    finally:
        tracemalloc.stop()
    assert len(found) == 1000 and peak_due > 100_000
    monkeypatch.delenv("DUE_SHARDS")
    backlog = peak_due / environment().due_shards
    need_mib = runtime_mib + HEADROOM * held / len(found) * backlog / 2**20
    template = yaml.safe_load((ROOT / "infra/template.yaml").read_text())
    given = template["Resources"]["TimerSweep"]["Properties"].get("MemorySize", 128)  # Chalice's default
    assert need_mib <= given, f"the sweep needs ~{need_mib:.0f} MiB at the peak ({backlog:,.0f} due items, a " \
                              f"{runtime_mib:.0f} MiB runtime), the template gives {given}"
