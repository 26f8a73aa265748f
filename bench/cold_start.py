"""Cold start: time to `import app` in a fresh interpreter, against `import boto3` alone, in pairs of one run; then,
if `make package` has run, the deployment package: its zipped size, and `import app` from the unzipped
package in an interpreter that sees nothing else (as Lambda's /var/task), with the bytecode it ships and
with none (compiled from source on every cold start, as a read-only /var/task does).

The pairs run with a bytecode cache of their own (PYTHONPYCACHEPREFIX), so neither the caller's
PYTHONDONTWRITEBYTECODE nor the __pycache__ folders a tree happens to have change what is measured: first
both from bytecode (as deployed: the package ships the project's, the runtime has boto3's), then `import app`
compiled from source against boto3 from bytecode (a fresh clone where bytecode is never written).

    .venv/bin/python bench/cold_start.py [runs] [deployment.zip]     (default 7 out/deployment.zip)
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECK = ("import sys, botocore.client\n"
         "made = []\n"
         "botocore.client.ClientCreator.create_client = lambda *a, **k: made.append(a)\n"
         "import app\n"
         "sys.exit(1 if made else 0)\n")


def timed(code: str, runs: int, *flags: str, cwd: Path = ROOT, env: dict | None = None) -> float:
    samples = []
    for _ in range(runs):
        begin = time.perf_counter()
        # -B: the package's folder is read-only on Lambda, so nothing is cached between cold starts.
        subprocess.run([sys.executable, *flags, "-c", code], cwd=cwd, check=True, env=env)
        samples.append(time.perf_counter() - begin)
    return statistics.median(samples)


def package(runs: int, zipped: Path) -> None:
    print(f"{zipped.relative_to(ROOT) if zipped.is_relative_to(ROOT) else zipped}: "
          f"{zipped.stat().st_size / 1e6:.1f} MB zipped")
    alone = ("-I", "-S", "-B")  # only the package and the standard library; write no bytecode
    code = "import sys; sys.path.insert(0, '.'); import app"
    with tempfile.TemporaryDirectory() as tmp:
        task = Path(tmp)
        with zipfile.ZipFile(zipped) as z:
            z.extractall(task)
        baseline = timed("pass", runs, *alone, cwd=task)
        shipped = list(task.rglob("*.pyc"))
        if shipped:
            print(f"import app from the unzipped package, with its {len(shipped)} .pyc "
                  f"{(timed(code, runs, *alone, cwd=task) - baseline) * 1000:7.0f} ms")
        for cache in list(task.rglob("__pycache__")):
            shutil.rmtree(cache)
        print(f"import app from the unzipped package, no bytecode (compiled each time) "
              f"{(timed(code, runs, *alone, cwd=task) - baseline) * 1000:7.0f} ms")


def cpu(code: str, env: dict) -> float:
    """The CPU seconds (user + system) of one fresh interpreter: what a loaded machine does not stretch."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def paired(runs: int, measure) -> tuple[float, float, float, float]:
    """`pass`, `import boto3` and `import app` one after the other, `runs` times: each round sees the same
    load on the machine, so the ratio (median of the rounds' ratios) holds when the absolute times do not."""
    rounds = [(measure("pass"), measure("import boto3"), measure("import app")) for _ in range(runs)]
    baseline = statistics.median(r[0] for r in rounds)
    boto3 = statistics.median(b - p for p, b, _ in rounds)
    app = statistics.median(a - p for p, _, a in rounds)
    return baseline, boto3, app, statistics.median((a - p) / (b - p) for p, b, a in rounds)


def caches(folder: Path) -> list[tuple[str, dict]]:
    """The two settings of the pairs, each with its own bytecode cache, filled before the first round."""
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    deployed = {**base, "PYTHONPYCACHEPREFIX": str(folder / "deployed")}
    subprocess.run([sys.executable, "-c", "import boto3, app"], cwd=ROOT, check=True, env=deployed)
    fresh = {**base, "PYTHONPYCACHEPREFIX": str(folder / "fresh")}
    subprocess.run([sys.executable, "-c", "import boto3, app"], cwd=ROOT, check=True, env=fresh)
    mirror = folder / "fresh" / ROOT.relative_to(ROOT.anchor)
    for compiled in mirror.iterdir():  # keep the standard library's and the installed packages' (.venv)
        if compiled.is_dir() and compiled.name != ".venv":
            shutil.rmtree(compiled)
        elif compiled.is_file():
            compiled.unlink()
    return [("both from bytecode (as deployed):", deployed),
            ("import app compiled from source, boto3 from bytecode (a clone that writes no bytecode):",
             {**fresh, "PYTHONDONTWRITEBYTECODE": "1"})]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    zipped = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "out" / "deployment.zip"
    print(f"{runs} rounds of fresh interpreters (pass, import boto3, import app), interpreter start subtracted; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as cache:
        for label, env in caches(Path(cache)):
            print(label)
            for clock, measure in (("wall clock", lambda code, env=env: timed(code, 1, env=env)),
                                   ("CPU time  ", lambda code, env=env: cpu(code, env))):
                baseline, boto3, app, ratio = paired(runs, measure)
                print(f"  {clock}: import boto3 {boto3 * 1000:5.0f} ms, import app {app * 1000:5.0f} ms (medians; "
                      f"start {baseline * 1000:.0f} ms)   ratio app/boto3 = {ratio:.2f} (median of the rounds)")
    created = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT).returncode
    print(f"AWS clients created while importing app: {'none' if created == 0 else 'SOME (regression)'}")
    if zipped.exists():
        package(runs, zipped)
    else:
        print(f"no {zipped}: `make package` first for the package figures")


if __name__ == "__main__":
    main()
