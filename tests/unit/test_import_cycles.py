"""No module of chalicelib is in an import cycle: in its import graph (read by grimp, import-linter's own
reader, imports inside functions included) every strongly connected component is a single module. A cycle
is named with the imports that close it. The check proves itself on a copy with one wrong-way import."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The cycles left, each with whoever breaks it. The list only shrinks: the test fails when one of them is
# gone (take it off here) as when a new one appears.
KNOWN: list[set[str]] = []

# In a fresh interpreter with `root` first on the path: the copy's chalicelib, not the one this test imported.
GRAPH = """
import json, grimp
graph = grimp.build_graph("chalicelib", cache_dir=None)
print(json.dumps({m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}))
"""


def import_graph(root: Path) -> dict[str, list[str]]:
    """Each module of root/chalicelib and the modules of chalicelib it imports."""
    done = subprocess.run([sys.executable, "-c", GRAPH], cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def reachable(graph: dict[str, list[str]], start: str) -> set[str]:
    seen, todo = set(), list(graph[start])
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += graph.get(module, [])
    return seen


def cycles(graph: dict[str, list[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module: modules that each reach the others."""
    reach = {m: reachable(graph, m) for m in graph}
    found = {frozenset(n for n in reach[m] if m in reach[n]) for m in graph}
    return sorted((set(c) for c in found if len(c) > 1), key=sorted)


def named(graph: dict[str, list[str]], cycle: set[str]) -> str:
    return "{" + ", ".join(sorted(cycle)) + "}: " + "; ".join(
        f"{m} -> {n}" for m in sorted(cycle) for n in graph[m] if n in cycle)


def verdict(graph: dict[str, list[str]], known: list[set[str]]) -> list[str]:
    """What is wrong: every cycle not known, and every known cycle that is gone."""
    found = cycles(graph)
    return [f"a new import cycle {named(graph, c)}" for c in found if c not in known] + \
        [f"a known cycle is gone, take it off KNOWN: {sorted(c)}" for c in known if c not in found]


@pytest.fixture(scope="module")
def code_graph() -> dict[str, list[str]]:
    return import_graph(ROOT)


def test_no_module_of_chalicelib_is_in_an_import_cycle_but_the_known_ones(code_graph):
    assert "chalicelib.store.mapping" in code_graph["chalicelib.store.due"]  # the graph is read, imports and all
    assert verdict(code_graph, KNOWN) == []


def test_a_wrong_way_import_makes_a_cycle_that_is_named(tmp_path):
    shutil.copytree(ROOT / "chalicelib", tmp_path / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    graph = import_graph(tmp_path)
    assert verdict(graph, KNOWN) == []  # the copy is the code
    mapping = tmp_path / "chalicelib" / "store" / "mapping.py"
    mapping.write_text(mapping.read_text() + "\nfrom .due import due_keys  # the wrong way: due reads through mapping\n")
    assert verdict(import_graph(tmp_path), KNOWN) == [
        "a new import cycle {chalicelib.store.due, chalicelib.store.mapping}: "
        "chalicelib.store.due -> chalicelib.store.mapping; chalicelib.store.mapping -> chalicelib.store.due"]


def test_a_known_cycle_that_is_gone_must_leave_the_list(code_graph):
    broken = {"chalicelib.store.due", "chalicelib.store.messages", "chalicelib.store.timers"}  # until store/mapping
    assert verdict(code_graph, [*KNOWN, broken]) == [f"a known cycle is gone, take it off KNOWN: {sorted(broken)}"]
