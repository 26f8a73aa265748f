"""The layers of docs/architecture.md, checked: import-linter's contracts in pyproject.toml hold for the code,
and each of them fails on a wrong-way import; the AWS clients are made where their contract says."""
import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path, *contracts: str) -> subprocess.CompletedProcess:
    selected = [arg for contract in contracts for arg in ("--contract", contract)]
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", *selected], cwd=cwd, text=True,
                          capture_output=True, timeout=120)


def test_the_code_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


# A module placed where it does not belong, the import it makes, and the broken link lint-imports must name.
WRONG_WAY = [
    ("pure-domain", "domain/wrong_way.py", "from chalicelib.store import db",
     "chalicelib.domain.wrong_way -> chalicelib.store.db"),
    ("pure-domain", "domain/wrong_way.py", "import boto3", "chalicelib.domain.wrong_way -> boto3"),
    ("pure-domain", "domain/wrong_way.py", "from chalicelib import clock",
     "chalicelib.domain.wrong_way -> chalicelib.clock"),
    ("floors", "store/wrong_way.py", "from chalicelib import services",
     "chalicelib.store.wrong_way -> chalicelib.services"),
    ("floors", "notify/wrong_way.py", "from chalicelib.store import db",
     "chalicelib.notify.wrong_way -> chalicelib.store.db"),
    ("pynamodb-in-store", "services/wrong_way.py", "from pynamodb.models import Model",
     "chalicelib.services.wrong_way -> pynamodb"),
    ("store-internals", "services/wrong_way.py", "from chalicelib.store import models",
     "chalicelib.services.wrong_way -> chalicelib.store.models"),
    ("aws-clients", "handlers/wrong_way.py", "import boto3", "chalicelib.handlers.wrong_way -> boto3"),
    ("aws-clients", "services/wrong_way.py", "from botocore.exceptions import ClientError",
     "chalicelib.services.wrong_way -> botocore"),
    ("store-through-services", "api/wrong_way.py", "from chalicelib.store import db",
     "chalicelib.api.wrong_way -> chalicelib.store.db"),
    ("store-through-services", "handlers/wrong_way.py", "from chalicelib.store import db",
     "chalicelib.handlers.wrong_way -> chalicelib.store.db"),
    ("services-through-ports", "services/wrong_way.py", "from chalicelib.store.jobs import Jobs",
     "chalicelib.services.wrong_way -> chalicelib.store.jobs"),
    ("services-through-ports", "services/wrong_way.py", "from chalicelib.store import tallies",
     "chalicelib.services.wrong_way -> chalicelib.store.tallies"),
    ("no-dev-code", "wrong_way.py", "import devstack", "chalicelib.wrong_way -> devstack"),
    ("no-dev-code", "services/wrong_way.py", "from tests.unit import test_layers",
     "chalicelib.services.wrong_way -> tests"),
]


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory) -> Path:
    """chalicelib and the project's own pyproject.toml, copied; none of the links above is broken in it."""
    copy = tmp_path_factory.mktemp("code")
    shutil.copytree(ROOT / "chalicelib", copy / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy)
    verdict = lint_imports(copy).stdout
    assert "Contracts:" in verdict and not [link for *_, link in WRONG_WAY if link in verdict], verdict
    return copy


@pytest.mark.parametrize(("contract", "where", "statement", "link"), WRONG_WAY,
                         ids=[f"{c}: {w} {s}" for c, w, s, _ in WRONG_WAY])
def test_a_wrong_way_import_breaks_its_contract(copy_of_the_code, tmp_path, contract, where, statement, link):
    shutil.copytree(copy_of_the_code, tmp_path, dirs_exist_ok=True)
    (tmp_path / "chalicelib" / where).write_text(f'"""Imports the wrong way."""\n{statement}\n')
    after = lint_imports(tmp_path, contract)
    assert after.returncode != 0, after.stdout + after.stderr
    assert link in after.stdout, after.stdout


# import-linter sees that boto3 is imported, not which service its client is for: that is read here.
MESSAGING = {"sns", "pinpoint", "pinpoint-sms-voice", "pinpoint-sms-voice-v2", "pinpoint-email", "socialmessaging",
             "ses", "sesv2", "connect"}
DYNAMODB = {"dynamodb", "dynamodbstreams"}


def clients_made(source: str) -> list[tuple[str | None, int]]:
    """The service of every `<x>.client(...)` / `<x>.resource(...)` call: its name, or None when not a literal."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("client", "resource") and (node.args or node.keywords):
            first = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "service_name"), None)
            name = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            found.append((name, node.lineno))
    return found


def misplaced_clients(package: Path) -> list[str]:
    wrong = []
    for path in sorted(package.rglob("*.py")):
        part = path.relative_to(package).parts[0]
        for service, line in clients_made(path.read_text()):
            where = f"{path.relative_to(package.parent)}:{line}"
            if service is None:
                wrong.append(f"{where}: the client's service is not a literal, so this check cannot see it")
            elif service in MESSAGING and part != "notify":
                wrong.append(f"{where}: a {service} client outside chalicelib/notify")
            elif service in DYNAMODB and part != "store":
                wrong.append(f"{where}: a {service} client outside chalicelib/store")
    return wrong


def test_messaging_clients_are_made_in_notify_and_dynamodb_clients_in_store():
    assert clients_made((ROOT / "chalicelib" / "notify" / "sms.py").read_text())  # the check sees real clients
    assert misplaced_clients(ROOT / "chalicelib") == []


def test_a_client_made_in_the_wrong_package_is_named(tmp_path):
    for package in ("store", "notify", "services"):
        (tmp_path / "chalicelib" / package).mkdir(parents=True)
    (tmp_path / "chalicelib" / "store" / "texts.py").write_text('import boto3\nSNS = boto3.client("sns")\n')
    (tmp_path / "chalicelib" / "notify" / "ledger.py").write_text(
        'import boto3\n\n\ndef table():\n    return boto3.resource(service_name="dynamodb")\n')
    (tmp_path / "chalicelib" / "services" / "any.py").write_text('import boto3\nNAME = "sesv2"\nboto3.client(NAME)\n')
    assert misplaced_clients(tmp_path / "chalicelib") == [
        "chalicelib/notify/ledger.py:5: a dynamodb client outside chalicelib/store",
        "chalicelib/services/any.py:3: the client's service is not a literal, so this check cannot see it",
        "chalicelib/store/texts.py:2: a sns client outside chalicelib/notify",
    ]
