"""The score of `mutmut run` per module ([tool.mutmut] only_mutate in pyproject.toml) and its surviving mutants.

Run by `make mutate` after mutmut, from the project's root. A mutant is killed when a test failed on it (or it
timed out: an endless loop is caught); survived or "no tests" are not. Exits 1 when a module scores below
--fail-under, so the target fails. docs/mutation-testing.md lists the survivors that are equivalent mutants.
"""
import argparse
import json
import sys
import tomllib
from pathlib import Path

from mutmut.mutation.diff_apply import get_diff_for_mutant

KILLED = {1, 3, 36, 24, -24, 152, 255}  # mutmut's exit codes for killed and timeout (mutmut/stats.py)
SURVIVED = {0, 5, 33}  # survived, and no test reached it


def modules() -> list[str]:
    return tomllib.loads(Path("pyproject.toml").read_text())["tool"]["mutmut"]["only_mutate"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fail-under", type=float, default=90.0, help="the least score per module, in percent")
    parser.add_argument("--no-diffs", action="store_true", help="name the survivors without their diffs")
    args = parser.parse_args()
    low, survivors = [], []
    print(f"{'module':<40} {'mutants':>7} {'killed':>7} {'survived':>8} {'score':>7}")
    for path in modules():
        meta = Path("mutants") / f"{path}.meta"
        results = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        killed = sum(code in KILLED for code in results.values())
        lost = sorted(name for name, code in results.items() if code in SURVIVED)
        unchecked = len(results) - killed - len(lost)
        score = 100.0 * killed / len(results) if results else 0.0
        note = f"  ({unchecked} not checked)" if unchecked else ""
        print(f"{path:<40} {len(results):>7} {killed:>7} {len(lost):>8} {score:>6.1f}%{note}")
        survivors += [(path, name) for name in lost]
        if score < args.fail_under:
            low.append(path)
    for path, name in survivors:
        print(f"\n== survived: {name}")
        if not args.no_diffs:
            print(get_diff_for_mutant(name, path=path))
    if low:
        print(f"\nbelow {args.fail_under:g}%: {', '.join(low)}", file=sys.stderr)
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
