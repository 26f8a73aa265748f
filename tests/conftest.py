"""Shared fixtures: fake AWS credentials, moto, and the resources built from infra/template.yaml."""
import json
import os
from pathlib import Path

import pytest

os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "TABLE_NAME": "onmyway-test", "PHOTOS_BUCKET": "onmyway-photos-test",
    "POWERTOOLS_METRICS_DISABLED": "true",  # no EMF lines in the tests' output; tests/e2e/test_metrics turns it on
})
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)


def _share_botocore_data() -> None:
    """moto gives every test a new boto3 session, and each new botocore session would parse botocore's
    JSON (service models, endpoints, rule sets) again for every client: most of a test's set-up. The
    sessions share one loader instead; what it loads is read-only and the same for every test."""
    import functools

    import botocore.session
    botocore.session.create_loader = functools.cache(botocore.session.create_loader)


_share_botocore_data()


def _skip_what_moto_never_reads() -> None:
    """Requests to the in-process moto (mock_aws, which takes every request to an AWS host) go unsigned and keep
    their first User-Agent (devstack/loopback.py says why). A request to any other host (a moto server on
    loopback, which finds the service from the signature) is signed as before."""
    from devstack import loopback
    loopback.sent_unsigned(lambda url: (url.hostname or "").endswith(".amazonaws.com"))


_skip_what_moto_never_reads()


# The modules that take longest (`make test`'s own timeline, 2 cores, 2026-12-07), longest first. xdist hands a
# worker a whole module at a time (loadscope), so one of these started last keeps its worker busy while the other
# idles: started first, the short ones fill in around them. Only the order matters; a module missing here runs
# after them, in collection order.
LONGEST_FIRST = ["e2e/test_fuzz.py", "integration/test_send_rate.py", "stack/test_local_stack.py",
                 "stack/test_urgent_first.py", "browser/test_console.py", "browser/test_customer_pages_in_a_phone.py",
                 "browser/test_console_settings.py", "browser/test_tech_app.py", "e2e/test_timers.py",
                 "integration/test_capacity_bench.py", "browser/test_console_analytics.py",
                 "browser/test_contacts_ui.py", "browser/test_time_frames_in_a_phone.py", "e2e/test_true_when_sent.py",
                 "package/test_package.py", "e2e/test_quiet_hours.py", "e2e/test_hostile_input.py",
                 "stack/test_settle.py"]


def pytest_collection_modifyitems(items):
    """The longest modules first (make test runs xdist with --no-loadscope-reorder, which keeps this order)."""
    if gone := [m for m in LONGEST_FIRST if not (Path(__file__).parent / m).is_file()]:
        raise pytest.UsageError(f"tests/conftest.py LONGEST_FIRST names modules that are gone: {gone}")
    rank = {f"tests/{module}": i for i, module in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


class Operations:
    """Every AWS operation chalicelib itself performs during the session (not the tests' own set-up and
    checks, nor the local stand-ins for Lambda), so the packaged IAM policies can be checked against
    what the code really calls (tests/package)."""
    seen: set[tuple[str, str]] = set()
    paused = False

    @staticmethod
    def made_by_the_code() -> bool:
        import sys
        frame = sys._getframe(2)
        while frame is not None:
            if "/chalicelib/" in frame.f_code.co_filename:
                return True
            frame = frame.f_back
        return False


@pytest.fixture(scope="session", autouse=True)
def record_operations():
    import botocore.client
    # (where every call's parameters are read: the local stack's item calls skip the rest of _make_api_call)
    original = botocore.client.BaseClient._emit_api_params

    def recording(self, api_params, operation_model, context):
        if not Operations.paused and Operations.made_by_the_code():
            Operations.seen.add((self.meta.service_model.service_name, operation_model.name))
        return original(self, api_params, operation_model, context)

    botocore.client.BaseClient._emit_api_params = recording
    yield Operations
    botocore.client.BaseClient._emit_api_params = original


def pytest_sessionfinish(session):
    """`make test`'s first step leaves the record for its second, the packaged-IAM check. Under
    pytest-xdist each worker hands its part to the controller, which writes the union once."""
    if hasattr(session.config, "workeroutput"):  # an xdist worker
        session.config.workeroutput["aws_operations"] = sorted(Operations.seen)
    elif (path := os.environ.get("ONMYWAY_OPERATIONS_FILE")) and Operations.seen:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(sorted(Operations.seen)))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """An xdist worker finished: its operations join the controller's record."""
    Operations.seen.update(tuple(op) for op in getattr(node, "workeroutput", {}).get("aws_operations", []))


@pytest.fixture
def aws():
    """A fresh moto account with the table and bucket of infra/template.yaml."""
    from moto import mock_aws

    from devstack import emulator
    from devstack.provision import provision
    emulator.install()
    with mock_aws():
        Operations.paused = True  # provisioning is set-up, not the code's own calls
        try:
            provision(os.environ["TABLE_NAME"], os.environ["PHOTOS_BUCKET"])
        finally:
            Operations.paused = False
        yield



# A few suites print their figures past the capture (`with capsys.disabled(): print(...)`). An xdist
# worker's own output never reaches the terminal, so there it is kept with the test's report instead,
# and the controller prints it as the one process would have.
_figures: list[str] = []


def pytest_configure(config):
    if not hasattr(config, "workeroutput"):
        return
    import contextlib
    import io

    from _pytest.capture import CaptureFixture

    @contextlib.contextmanager
    def disabled(self):
        with contextlib.redirect_stdout(io.StringIO()) as out:
            yield
        _figures.append(out.getvalue())

    CaptureFixture.disabled = disabled


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if _figures and call.when == "teardown":
        outcome.get_result().figures = "".join(_figures)
        _figures.clear()


def pytest_runtest_logreport(report):
    if figures := getattr(report, "figures", None):
        import sys
        sys.stdout.write(figures)
