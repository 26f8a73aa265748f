"""A sweep run holds its shard's whole due read in memory (store/due.due_between). At the 08:00 burst of a
million-visit day that is ~29,000 items a shard (bench/capacity.py), more than Chalice's default 128 MB can
hold: every run would be killed and the shard never swept. The memory the template gives the sweep must
hold the runtime and that backlog, measured per item here on the same code."""
import tracemalloc
from datetime import timedelta
from pathlib import Path

import yaml

from chalicelib.services.repositories import Repositories
from chalicelib.store import due

from .test_sharded_keys import NOW, put_timers

PEAK_SHARD_BACKLOG = 115_227 // 4 + 1  # bench/capacity.py: due at 08:00 in New York, one shard of 4
RUNTIME_MIB = 64  # measured: Python with boto3, PynamoDB, Powertools and the app imported (ru_maxrss)
HEADROOM = 2  # the read's pages as they are parsed (peak 1.2x what stays held) and the run's own copies


def test_the_sweeps_memory_holds_the_runtime_and_its_shards_backlog_at_the_morning_peak(aws, monkeypatch):
    monkeypatch.setenv("DUE_SHARDS", "1")
    put_timers(Repositories(), 1000, seed=7, prefix="m")
    tracemalloc.start()
    try:
        found, _ = due.due_between(NOW, NOW + timedelta(hours=3), 0)
        held, _ = tracemalloc.get_traced_memory()  # an upper bound: moto answers in this process too
    finally:
        tracemalloc.stop()
    assert len(found) == 1000
    need_mib = RUNTIME_MIB + HEADROOM * held / len(found) * PEAK_SHARD_BACKLOG / 2**20
    template = yaml.safe_load((Path(__file__).parents[2] / "infra/template.yaml").read_text())
    given = template["Resources"]["TimerSweep"]["Properties"].get("MemorySize", 128)  # Chalice's default
    assert need_mib <= given, f"the sweep needs ~{need_mib:.0f} MiB at the peak, the template gives {given}"
