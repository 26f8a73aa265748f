"""What `import app` may cost: every function's cold start pays it before its first request or event. Routes
are registered with their models named, not imported; what a view or handler runs is imported when it first runs."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Modules no registration needs: the services, stores and senders behind the views, template engines,
# validators' data, Powertools (logging, metrics, batch, idempotency, parser), the AWS SDK's clients, Pydantic,
# the request and response models (a route names its models: api/routing.py).
NOT_AT_IMPORT = ("jinja2", "phonenumbers", "email_validator", "dns", "aws_lambda_powertools", "boto3", "pynamodb",
                 "pydantic", "pydantic_core", "annotated_types",
                 "chalicelib.store", "chalicelib.notify", "chalicelib.services.outbox", "chalicelib.services.ports",
                 "chalicelib.services.repositories", "chalicelib.api.schemas",
                 # what a page shows, and the domain's larger modules: a view imports them when it runs
                 "chalicelib.api.page_views", "chalicelib.domain.customer_page", "chalicelib.domain.scenarios",
                 "chalicelib.domain.jobs", "chalicelib.domain.messages")
MODELS = "_schemas"  # chalicelib/api/<module>_schemas.py
# Of the services, only who the caller is (every route authenticates).
SERVICES_AT_IMPORT = {"chalicelib.services", "chalicelib.services.access"}

PROBE = """
import json, sys
import app
print(json.dumps({"modules": sorted(sys.modules), "routes": sorted(app.app.routes)}))
"""
# Pydantic imported first (which `import app` does not), to see whether anything builds a core schema.
BUILT = """
import json
import pydantic._internal._generate_schema as generate
built = []
original = generate.GenerateSchema.generate_schema
generate.GenerateSchema.generate_schema = lambda self, obj, *a, **k: built.append(repr(obj)[:80]) or original(
    self, obj, *a, **k)
import app
print(json.dumps(built))
"""


def imported(probe: str = PROBE):
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def test_import_app_registers_every_route_without_loading_what_only_a_request_or_event_needs():
    seen = imported()
    assert {"/jobs/{job_id}", "/openapi.json", "/c/{token}"} <= set(seen["routes"])
    loaded = [m for m in seen["modules"] if m.split(".")[0] in NOT_AT_IMPORT or m.startswith(NOT_AT_IMPORT)
              or m.endswith(MODELS)]
    assert loaded == [], ("import app loaded these: a route names its models (body=\"jobs_schemas.JobIn\", "
                          "api/routing.py) and imports services and heavy modules inside its view")
    services = {m for m in seen["modules"] if m.startswith("chalicelib.services")}
    assert services <= SERVICES_AT_IMPORT


def test_import_app_builds_no_pydantic_schema():
    assert imported(BUILT) == []


def test_every_model_an_operation_names_is_a_model():
    code = ("import json, app\n"
            "from pydantic import BaseModel\n"
            "from chalicelib.api.routing import OPERATIONS, model\n"
            "named = [(op.method, op.path, n) for op in OPERATIONS for n in (op.body, op.query, op.response) if n]\n"
            "wrong = [f'{m} {p}: {n}' for m, p, n in named\n"
            "         if not (isinstance(model(n), type) and issubclass(model(n), BaseModel))]\n"
            "print(json.dumps([len(named), wrong]))\n")
    count, wrong = imported(code)
    assert count > 50 and wrong == []


def test_a_deferred_model_still_validates_and_describes_itself_on_first_use():
    code = ("import app\n"
            "from chalicelib.api import jobs_schemas as schemas, openapi\n"
            "assert not schemas.CancelIn.__pydantic_complete__\n"
            "assert schemas.CancelIn.model_validate({'reason': ' no one home '}).reason == 'no one home'\n"
            "assert schemas.CancelIn.__pydantic_complete__\n"
            "assert '/jobs/{job_id}' in openapi.document()['paths']\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
