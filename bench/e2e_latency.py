"""With the local stack running: p50 / p95 time from a status POST returning to its text appearing in
the outbox, over N status changes one at a time; then the status changes per second sustained when
they are fired together, with the stream keeping up. Twice: on a number whose send rate is not the bound
(100 parts/s, a short code's), which measures the stack; and on the demo's kind of number (10DLC, 1 part/s),
which measures the send-rate governor and is labelled rate-bound. The machine's load beside each figure.

    .venv/bin/python bench/e2e_latency.py [N] [BASE_URL]     (default 200; starts its own stack if no URL)
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def call(base, method, path, body=None, token=None, timeout=60):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"null")


def start_stack():
    process = subprocess.Popen([sys.executable, "-m", "devstack", "--port", "0"], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if m := re.search(r"running on (http://127\.0\.0\.1:\d+)", process.stdout.readline()):
            # Keep reading its output, or the pipe fills and the stack blocks on its next print.
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
            return m.group(1), process
    raise SystemExit("the local stack did not start")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} cores"


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(base: str, n: int, label: str, parts_per_second: float | None, pid: int | None = None) -> None:
    """One organization on its own number: n en-route texts one at a time, then n fired together. With the
    stack's process id, also the CPU it spent on each change of the burst (one process: the bound, once it
    reaches a core's second per second)."""
    org = call(base, "POST", "/dev/orgs", {"name": "Bench Co", "slug": f"bench-{time.time_ns() % 10**12}",
                                           "time_zone": "America/Denver", "parts_per_second": parts_per_second})
    dispatcher = org["dispatcher"]["token"]
    tech = call(base, "POST", "/users", {"name": "Bo Bench", "email": "bo@bench.example",
                                         "roles": ["technician"]}, dispatcher)
    tech_token = call(base, "POST", "/dev/token", {"user_id": tech["id"]})["token"]
    now = datetime.fromisoformat(call(base, "GET", "/dev/clock")["now"].replace("Z", "+00:00"))
    start = (now + timedelta(days=3)).replace(minute=0, second=0)
    window = {"window_start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
              "window_end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"), "technician_id": tech["id"]}

    def appointment(i: int) -> tuple[str, str]:
        phone = f"+1720{555 if parts_per_second else 556}{i:04d}"
        customer = call(base, "POST", "/customers", {"name": f"Bench {i}", "phone": phone}, dispatcher)
        job = call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "bench",
                                           "appointment": window}, dispatcher)
        return phone, job["appointments"][0]["id"]

    texted: list[str] = []  # the outbox read so far, after `before`, in order: each poll asks only for what is new

    def en_route_texts() -> set[str]:
        """Answered as soon as a text is sent after those read (a long poll: the bench's looks cost the stack
        nothing while it waits), or after 5 s with none."""
        new = call(base, "GET", f"/dev/outbox.json?since={before + len(texted)}&wait=5")["items"]
        texted.extend(m["to"] if m["scenario"] == "en_route" else "" for m in new)
        return set(texted)

    print(f"{label}: preparing {2 * n} appointments on {org['org']['sms_number']}…", flush=True)
    with ThreadPoolExecutor(4) as pool:
        prepared = list(pool.map(appointment, range(2 * n)))
    call(base, "POST", "/dev/settle", {}, timeout=1800)  # the emulator works through the backlog
    # What was sent before the measuring starts is skipped: the preparation's booking confirmations (whose look-up
    # by the first poll would be counted as the first change's latency), and another run's texts to the same phone
    # numbers, on a stack given by its URL.
    before = len(call(base, "GET", "/dev/outbox.json")["items"])
    latencies = []
    for phone, appointment_id in prepared[:n]:
        call(base, "POST", f"/appointments/{appointment_id}/status", {"action": "en_route"}, tech_token)
        posted = time.perf_counter()
        while phone not in en_route_texts():
            pass
        latencies.append(time.perf_counter() - posted)
    q = statistics.quantiles(latencies, n=20)
    print(f"{label}: status POST → text in the outbox, {n} one at a time: p50 "
          f"{statistics.median(latencies) * 1000:.0f} ms, p95 {q[18] * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
          f"   [{load()}]", flush=True)

    # The burst starts on a settled stack: the receipts of the texts above answered first (in AWS they reach a
    # function of their own; here they would share the burst's core).
    call(base, "POST", "/dev/settle", {}, timeout=1800)
    burst, began, cpu_before = prepared[n:], time.perf_counter(), pid and cpu_seconds(pid)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda p: call(base, "POST", f"/appointments/{p[1]}/status", {"action": "en_route"},
                                     tech_token), burst))
    posted = time.perf_counter() - began
    wanted = {phone for phone, _ in burst}
    while not wanted <= en_route_texts():
        pass
    elapsed = time.perf_counter() - began
    cpu = f"; the stack's CPU {(cpu_seconds(pid) - cpu_before) / n * 1000:.0f} ms a change" if pid else ""
    print(f"{label}: {n} status changes fired together: accepted in {posted:.1f} s ({n / posted:.1f}/s); "
          f"all texted after {elapsed:.1f} s → {n / elapsed:.1f} status changes/s{cpu}   [{load()}]", flush=True)


def main(n: int, base: str | None) -> None:
    process = None
    if base is None:
        base, process = start_stack()
    try:
        # The pipeline's own speed: a number at a short code's 100 parts/s, which n texts never reach.
        pid = process and process.pid
        measure(base, n, "rate not the bound (100 parts/s)", 100.0, pid)
        # The demo's number as it comes: an unraised 10DLC number sends 1 part/s, so a burst takes n seconds.
        measure(base, n, "RATE-BOUND (10DLC, 1 part/s)", None, pid)
        print(f"(stack at {base})")
    finally:
        if process:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, sys.argv[2] if len(sys.argv) > 2 else None)
