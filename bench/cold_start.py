"""Cold start: time to `import app` in a fresh interpreter, against `import boto3` alone, same run.

    .venv/bin/python bench/cold_start.py [runs]
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECK = ("import sys, botocore.client\n"
         "made = []\n"
         "botocore.client.ClientCreator.create_client = lambda *a, **k: made.append(a)\n"
         "import app\n"
         "sys.exit(1 if made else 0)\n")


def timed(code: str, runs: int) -> float:
    samples = []
    for _ in range(runs):
        begin = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        samples.append(time.perf_counter() - begin)
    return statistics.median(samples)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    baseline = timed("pass", runs)
    boto3 = timed("import boto3", runs) - baseline
    app = timed("import app", runs) - baseline
    created = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT).returncode
    print(f"median of {runs} fresh interpreters, interpreter start ({baseline * 1000:.0f} ms) subtracted")
    print(f"import boto3      {boto3 * 1000:7.0f} ms")
    print(f"import app        {app * 1000:7.0f} ms   ratio app/boto3 = {app / boto3:.2f}")
    print(f"AWS clients created while importing app: {'none' if created == 0 else 'SOME (regression)'}")


if __name__ == "__main__":
    main()
