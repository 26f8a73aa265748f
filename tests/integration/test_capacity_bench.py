"""The capacity bench (`python -m bench.capacity`) runs whole, as an operator would run it by hand: the
operations measured through the real handlers, the day's table, and a small simulation compared with the
model, operation by operation. (Its figures are read by people; this only keeps the bench working as the
code under it changes.)"""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_capacity_bench_prints_the_day_and_a_simulation_of_it():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_NAME", "PHOTOS_BUCKET"))}
    run = subprocess.run([sys.executable, "-m", "bench.capacity", "--simulate", "--scale", "0.0005", "--minutes", "3"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    assert "Partitions over 50% of their limit: none" in out
    for operation in ("book (confirmation sent)", "reminder, unconfirmed (sweep)", "escalation (sweep)",
                      "held text released", "en route"):
        assert re.search(rf"^{re.escape(operation)}\s+\d", out, re.M), operation
    assert re.search(r"^whole window\s+\d+\s+\d+\s+-?\d+%$", out, re.M)
    assert re.search(r"^sweep\s+\d*\s+\d+\s+\d+\s+\d+", out, re.M)  # what the sweep did, against the model
