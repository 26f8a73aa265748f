"""`make package` (`chalice package --merge-template infra/template.yaml`, then infra/package.py): the
deployable template, checked offline by cfn-lint and by reading it (event source settings, wiring,
least-privilege IAM, no /dev routes), and the code package, each function run from it unzipped.
`make test` runs this folder with the other suites, but for the two checks marked after_suites, which compare the
package with the AWS operations the suites performed (recorded in ONMYWAY_OPERATIONS_FILE): its second step."""
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from . import elf

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
FUNCTIONS = ["APIHandler", "TableChanges", "TimerSweep", "InboundSms", "DeliveryEvents", "WhatsappEvents",
             "TextDrainer"]


@pytest.fixture(scope="module")
def packaged(tmp_path_factory) -> tuple[Path, dict]:
    """The package, built once per `make test` (its ONMYWAY_PACKAGE_DIR, emptied by it), else once per run."""
    out = Path(os.environ["ONMYWAY_PACKAGE_DIR"]) if os.environ.get("ONMYWAY_PACKAGE_DIR") else \
        tmp_path_factory.mktemp("package") / "out"
    if not (out / "sam.yaml").exists():
        build(out)
    return out / "sam.yaml", yaml.safe_load((out / "sam.yaml").read_text())


def build(out: Path) -> None:
    """Into a folder beside `out`, renamed when done: a build that failed halfway is never reused."""
    env, partial = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}, out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run([str(BIN / "chalice"), "package", "--stage", "dev", "--merge-template", "infra/template.yaml",
                    str(partial)], cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    subprocess.run([sys.executable, "infra/package.py", str(partial / "deployment.zip"), str(partial / "sam.yaml")],
                   cwd=ROOT, check=True, capture_output=True, timeout=600)
    partial.rename(out)


def test_cfn_lint_finds_no_error(packaged):
    path, _ = packaged
    result = subprocess.run([str(BIN / "cfn-lint"), str(path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_stream_reports_partial_failures_retries_boundedly_and_parks_what_fails(packaged):
    _, t = packaged
    source = t["Resources"]["TableChanges"]["Properties"]["Events"]["TableChangesDynamodbEventSource"]["Properties"]
    assert source["Stream"] == {"Fn::GetAtt": ["OnMyWayTable", "StreamArn"]}
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["BisectBatchOnFunctionError"] is True and 0 < source["MaximumRetryAttempts"] <= 10
    assert source["MaximumRecordAgeInSeconds"] > 0
    assert source["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["StreamFailureQueue", "Arn"]}
    assert t["Resources"]["OnMyWayTable"]["Properties"]["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"


def test_each_shard_of_the_due_index_is_swept_every_minute_by_a_schedule_naming_it(packaged):
    """A shard no schedule names would never be swept: its reminders and held texts would wait forever."""
    from chalicelib.config import Environment
    _, t = packaged
    shards = Environment.__dataclass_fields__["due_shards"].default
    sweep = t["Resources"]["TimerSweep"]["Properties"]
    assert all("DUE_SHARDS" not in t["Resources"][name]["Properties"]["Environment"]["Variables"]
               for name in FUNCTIONS)  # every function files with the default: the schedules below cover it
    schedules = [e["Properties"] for e in sweep["Events"].values()]
    assert {e["Schedule"] for e in schedules} == {"rate(1 minute)"}
    assert sorted(json.loads(e["Input"])["shard"] for e in schedules) == list(range(shards))
    assert sweep["EventInvokeConfig"] == {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60}
    assert sweep["Timeout"] == 60
    from chalicelib.domain.prices import MEMORY_MB
    assert sweep["MemorySize"] == MEMORY_MB["TimerSweep"]  # what the cost figure prices is what is deployed


def test_an_urgent_text_starts_the_one_drainer_at_once_and_the_minute_still_does(packaged):
    """docs/latency.md: the bell's event source starts the drainer when an urgent text is queued (p95 <= 5 s
    instead of a minute's wait); reserved concurrency keeps it to one run, the one that paces each identity."""
    _, t = packaged
    drainer = t["Resources"]["TextDrainer"]["Properties"]
    assert drainer["ReservedConcurrentExecutions"] == 1
    events = {e["Type"]: e["Properties"] for e in drainer["Events"].values()}
    assert events["Schedule"]["Schedule"] == "rate(1 minute)"
    bell = events["SQS"]
    assert bell["Queue"] == {"Fn::GetAtt": ["TextBellQueue", "Arn"]}
    assert bell["MaximumBatchingWindowInSeconds"] == 0 and bell["ScalingConfig"] == {"MaximumConcurrency": 2}
    assert t["Resources"]["TextBellQueue"]["Properties"]["VisibilityTimeout"] >= drainer["Timeout"]
    ringing = {name for name in FUNCTIONS
               if "URGENT_TEXTS_QUEUE_URL" in t["Resources"][name]["Properties"]["Environment"]["Variables"]}
    assert ringing - {"TextDrainer"}  # whoever queues a text can ring
    for name in ringing - {"TextDrainer"}:
        assert t["Resources"][name]["Properties"]["Environment"]["Variables"]["TEXT_BELL_QUEUE_URL"] == {
            "Ref": "TextBellQueue"}


def test_every_function_finds_the_table_and_the_topics_the_code_names_exist(packaged):
    from chalicelib.handlers.inbound import EVENTS_TOPIC, INBOUND_TOPIC
    from chalicelib.handlers.whatsapp import WHATSAPP_TOPIC
    _, t = packaged
    for name in FUNCTIONS:
        variables = t["Resources"][name]["Properties"]["Environment"]["Variables"]
        assert variables["TABLE_NAME"] == {"Ref": "OnMyWayTable"}, name
    topics = {r["Properties"]["TopicName"] for r in t["Resources"].values() if r["Type"] == "AWS::SNS::Topic"}
    assert {INBOUND_TOPIC, EVENTS_TOPIC, WHATSAPP_TOPIC} <= topics
    authorizer = t["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["securityDefinitions"]["onmyway-users"]
    assert authorizer["x-amazon-apigateway-authorizer"]["providerARNs"] == [{"Fn::GetAtt": ["UserPool", "Arn"]}]


def test_iam_is_explicit_and_narrow(packaged):
    _, t = packaged
    for name in FUNCTIONS:
        role = t["Resources"][t["Resources"][name]["Properties"]["Role"]["Fn::GetAtt"][0]]
        (policy,) = role["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not [a for a in actions if a == "*" or a.endswith(":*")], (name, actions)
            if statement["Resource"] == "*":
                assert actions == ["sns:Publish"], (name, actions)  # SMS to a number: AWS allows no narrower


def test_the_packaged_api_has_no_dev_routes(packaged):
    _, t = packaged
    paths = t["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    assert "/jobs/{job_id}" in paths and not [p for p in paths if p.startswith("/dev")]


def test_api_gateway_answers_in_the_error_format_and_an_unknown_path_is_a_404(packaged):
    _, t = packaged
    responses = {r["Properties"]["ResponseType"]: r["Properties"] for r in t["Resources"].values()
                 if r["Type"] == "AWS::ApiGateway::GatewayResponse"}
    assert {"MISSING_AUTHENTICATION_TOKEN", "UNAUTHORIZED", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    assert all(r["RestApiId"] == {"Ref": "RestAPI"} for r in responses.values())
    unknown = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert unknown["StatusCode"] == "404"
    assert json.loads(unknown["ResponseTemplates"]["application/json"]) == {
        "error": {"code": "not_found", "message": "no such path"}}
    for r in responses.values():  # valid JSON once API Gateway puts its quoted message in
        body = r["ResponseTemplates"]["application/json"].replace("$context.error.messageString", '"a message"')
        assert set(json.loads(body)["error"]) == {"code", "message"}


# Operations the code makes that IAM names differently, or that belong to the local stand-in for Lambda.
IAM_OF = {("dynamodb", "TransactWriteItems"): ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
          ("pinpoint-sms-voice-v2", "SendTextMessage"): ["sms-voice:SendTextMessage"],
          ("pinpoint-sms-voice-v2", "SendVoiceMessage"): ["sms-voice:SendVoiceMessage"],
          ("socialmessaging", "SendWhatsAppMessage"): ["social-messaging:SendWhatsAppMessage"],
          ("sesv2", "SendEmail"): ["ses:SendEmail"],
          ("sqs", "ChangeMessageVisibilityBatch"): ["sqs:ChangeMessageVisibility"]}
# Granted though the code does not call them itself: Lambda's event source mappings read the stream
# (parking failed batches in the queue) and the drainer's bell queue, the app's S3 access goes through presigned URLs it signs,
# and the runtime writes the logs.
GRANTED_FOR_OTHERS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                      "dynamodb:ListStreams", "sqs:SendMessage", "sqs:GetQueueAttributes", "s3:PutObject", "s3:GetObject",
                      "logs:CreateLogStream", "logs:PutLogEvents"}


def performed_by_the_suite(record_operations) -> set[tuple[str, str]]:
    path = Path(os.environ.get("ONMYWAY_OPERATIONS_FILE", ROOT / "out" / "aws-operations.json"))
    recorded = {tuple(op) for op in json.loads(path.read_text())} if path.exists() else set()
    performed = recorded | set(record_operations.seen)
    if not {("dynamodb", "TransactWriteItems"), ("sns", "Publish")} <= performed:
        pytest.fail(f"no record of the suite's AWS operations in {path}: `make test` runs the suites first "
                    "(recording them), then this folder")
    return performed


@pytest.mark.after_suites
def test_iam_grants_what_the_suite_performed_and_nothing_beyond(packaged, record_operations):
    _, t = packaged
    performed = performed_by_the_suite(record_operations)
    needed = {a for op in performed for a in IAM_OF.get(op, [f"{op[0]}:{op[1]}"])}
    granted = set()
    for name in FUNCTIONS:
        role = t["Resources"][t["Resources"][name]["Properties"]["Role"]["Fn::GetAtt"][0]]
        for statement in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]:
            granted |= set(statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    assert needed - granted == set(), "performed but not granted"
    assert granted - needed - GRANTED_FOR_OTHERS == set(), "granted but never performed"


def test_alarms_watch_errors_iterator_age_the_failure_queue_and_sms_spend(packaged):
    _, t = packaged
    alarms = [r["Properties"] for r in t["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    errors = {a["Dimensions"][0]["Value"]["Ref"] for a in alarms if a["MetricName"] == "Errors"}
    assert errors == set(FUNCTIONS)
    assert {a["MetricName"] for a in alarms} >= {"IteratorAge", "ApproximateNumberOfMessagesVisible",
                                                 "SMSMonthToDateSpentUSD"}
    retention = {r["Properties"]["RetentionInDays"] for r in t["Resources"].values() if r["Type"] == "AWS::Logs::LogGroup"}
    assert retention == {30}


# ---- the code package: what a cold start loads, and each function run from it ----

def test_the_package_ships_valid_unchecked_bytecode_and_leaves_out_what_no_function_loads(packaged, monkeypatch):
    path, _ = packaged
    monkeypatch.setattr(sys, "pycache_prefix", None)  # where the runtime reads it, not where this process keeps its own
    with zipfile.ZipFile(path.parent / "deployment.zip") as z:
        names = set(z.namelist())
        for source in ("app.py", "chalicelib/api/jobs.py", "botocore/client.py", "jinja2/sandbox.py"):
            cached = importlib.util.cache_from_source(source)
            header = z.read(cached)[:16]
            assert header[:4] == importlib.util.MAGIC_NUMBER, source
            assert int.from_bytes(header[4:8], "little") == 0b01, source  # hash-based, never checked
            assert header[8:16] == importlib.util.source_hash(z.read(source)), source
    services = {n.split("/")[2] for n in names if n.startswith("botocore/data/") and n.count("/") > 2}
    assert services == {"dynamodb", "sns", "pinpoint-sms-voice-v2", "socialmessaging", "sesv2", "s3", "cognito-idp",
                        "sts", "sqs"}
    assert not [n for n in names if n.startswith(("phonenumbers/geodata/", "phonenumbers/carrierdata/"))]
    assert "phonenumbers/data/region_US.py" in names and "botocore/data/endpoints.json" in names
    assert (path.parent / "deployment.zip").stat().st_size <= 10_000_000


@pytest.mark.after_suites
def test_the_package_keeps_the_service_data_of_every_service_the_code_called(packaged, record_operations):
    from infra.package import SERVICES
    assert {service for service, _ in performed_by_the_suite(record_operations)} <= SERVICES


def configured_architecture() -> str:
    """What `make package` builds for: the deployed stage's lambda_architecture (Chalice's default x86_64)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return config["stages"]["dev"].get("lambda_architecture", config.get("lambda_architecture", "x86_64"))


def test_every_compiled_extension_and_every_function_is_for_the_configured_architecture(packaged):
    """Chalice fetches the wheels for the configured architecture: a .so of another machine would fail the
    import of its package on every cold start (pydantic's core: every route with a body, every handler)."""
    path, t = packaged
    architecture = configured_architecture()
    built = elf.extensions(path.parent / "deployment.zip")
    assert {"pydantic_core", "markupsafe"} <= {name.split("/")[0] for name in built}
    assert {name: a for name, a in built.items() if a != architecture} == {}, architecture
    for name in FUNCTIONS:
        assert t["Resources"][name]["Properties"]["Architectures"] == [architecture], name
    from chalicelib.domain.prices import ARCHITECTURE
    assert ARCHITECTURE == architecture  # the GB-second price the cost figures use is this architecture's


LOCAL = {"x86_64": "x86_64", "aarch64": "arm64"}[platform.machine()]  # this machine, in Lambda's words


def test_the_elf_check_tells_the_two_architectures_apart():
    installed = Path(importlib.util.find_spec("pydantic_core").origin).parent
    (core,) = installed.glob("_pydantic_core.*.so")
    header = core.read_bytes()[:20]
    assert elf.architecture(header) == LOCAL
    for machine, name in ((62, "x86_64"), (183, "arm64")):
        assert elf.architecture(header[:18] + machine.to_bytes(2, "little")) == name
    with pytest.raises(ValueError):
        elf.architecture(header[:18] + (40).to_bytes(2, "little"))  # 32-bit ARM: no Lambda runs it
    with pytest.raises(ValueError):
        elf.architecture(b"#!/bin/sh\n" + bytes(10))


def test_each_function_has_the_memory_the_cost_figures_price(packaged):
    """bench/rightsize.py chose each size; infra/template.yaml sets it; domain/prices.py prices it."""
    _, t = packaged
    from chalicelib.domain.prices import MEMORY_MB
    assert set(MEMORY_MB) == set(FUNCTIONS)
    assert {name: t["Resources"][name]["Properties"]["MemorySize"] for name in FUNCTIONS} == MEMORY_MB


def runnable_here(task: Path) -> list[str]:
    """Lambda runs the package on its architecture, which may not be this machine's: each compiled extension
    built for another machine is swapped for this machine's build of the same version, as installed here
    (every .py and .pyc around it stays the package's). The extensions swapped."""
    swapped = []
    for so in sorted(task.rglob("*.so")):
        if elf.architecture(so.read_bytes()[:20]) == LOCAL:
            continue
        top = so.relative_to(task).parts[0]
        (info,) = task.glob(f"{top}-*.dist-info")
        assert importlib.metadata.version(top) == info.name[len(top) + 1:-len(".dist-info")], top
        installed = Path(importlib.util.find_spec(top).origin).parent / so.parent.relative_to(task / top)
        (local,) = installed.glob(so.name.split(".")[0] + ".*.so")
        shutil.copy(local, so.parent / local.name)
        so.unlink()
        swapped.append(so.relative_to(task).as_posix())
    return swapped


@pytest.fixture(scope="module")
def task(packaged, tmp_path_factory) -> Path:
    path, _ = packaged
    task = tmp_path_factory.mktemp("var-task")
    with zipfile.ZipFile(path.parent / "deployment.zip") as z:
        z.extractall(task)
    swapped = runnable_here(task)
    assert bool(swapped) == (configured_architecture() != LOCAL), swapped
    return task


@pytest.fixture(scope="module")
def emulated_aws():
    """moto on loopback with the table and bucket of infra/, and one organization with its dispatcher."""
    from moto.server import ThreadedMotoServer

    from chalicelib.bootstrap import store_repositories
    from chalicelib.services.people import create_organization
    from devstack import emulator
    from devstack.provision import provision
    from tests.conftest import Operations
    emulator.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{server._server.server_port}"
    # A table of its own: PynamoDB keeps a model's connection (its client, its endpoint) until the model's
    # table changes, and this process's may have been made by an earlier test for its in-process moto.
    table, saved = "onmyway-smoke", {name: os.environ.get(name) for name in ("AWS_ENDPOINT_URL", "TABLE_NAME")}
    os.environ.update(AWS_ENDPOINT_URL=endpoint, TABLE_NAME=table)
    Operations.paused = True  # set-up, not the code's own calls
    try:
        queues = provision(table, os.environ["PHOTOS_BUCKET"])
        org, dispatcher = create_organization(store_repositories(), name="Smoke Services", slug="smoke", time_zone="America/Denver",
                                              sms_number="+13035550100", dispatcher_name="Dana Dispatch",
                                              dispatcher_email="dana@smoke.example")
    finally:
        Operations.paused = False
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.update({name: value})
    env = {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "smoke", "AWS_SECRET_ACCESS_KEY": "smoke",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
           "TABLE_NAME": table, "PHOTOS_BUCKET": os.environ["PHOTOS_BUCKET"],
           "POWERTOOLS_SERVICE_NAME": "onmyway", "POWERTOOLS_LOG_LEVEL": "WARNING", "TEXT_DRAIN_SECONDS": "0",
           **queues}
    yield env, {"sub": dispatcher.id, "custom:org_id": org.id, "cognito:groups": "dispatcher"}
    server.stop()


def run_from_package(task: Path, env: dict, handler: str, argument) -> dict:
    result = subprocess.run([sys.executable, "-I", "-S", "-B", str(Path(__file__).parent / "smoke.py"), str(task),
                             handler, json.dumps(argument)], cwd=task, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["from_site_packages"] == []
    return answer["result"]


def api_event(path: str, claims: dict | None = None) -> dict:
    context = {"resourcePath": path, "httpMethod": "GET", "path": f"/api{path}", "stage": "api",
               "requestId": "smoke", "identity": {"sourceIp": "127.0.0.1"}}
    if claims:
        context["authorizer"] = {"claims": claims}
    return {"resource": path, "path": path, "httpMethod": "GET", "headers": {"Host": "api.example"},
            "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "pathParameters": None, "stageVariables": None, "requestContext": context, "body": None,
            "isBase64Encoded": False}


def sns_event(topic: str, message: dict) -> dict:
    arn = f"arn:aws:sns:us-east-1:123456789012:{topic}"
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": f"{arn}:smoke",
                         "Sns": {"Type": "Notification", "MessageId": "smoke-1", "TopicArn": arn, "Subject": None,
                                 "Message": json.dumps(message), "Timestamp": "2026-12-01T17:00:00.000Z",
                                 "SignatureVersion": "1", "Signature": "", "SigningCertUrl": "",
                                 "UnsubscribeUrl": "", "MessageAttributes": {}}}]}


def stream_event(env: dict) -> dict:
    """The table's first stream records (the organization just created), as Lambda delivers them."""
    import boto3

    from devstack.streams import lambda_record
    ddb = boto3.client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL"])
    streams = boto3.client("dynamodbstreams", endpoint_url=env["AWS_ENDPOINT_URL"])
    arn = ddb.describe_table(TableName=env["TABLE_NAME"])["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=10)["Records"]
    assert records
    return {"Records": [lambda_record(r, arn) for r in records]}


def test_each_function_imports_and_runs_from_the_unzipped_package(packaged, task, emulated_aws):
    _, t = packaged
    env, claims = emulated_aws
    from chalicelib.handlers.inbound import EVENTS_TOPIC, INBOUND_TOPIC
    from chalicelib.handlers.whatsapp import WHATSAPP_TOPIC
    smoke = {
        "APIHandler": (api_event("/jobs", claims), lambda r: r["statusCode"] == 200
                       and json.loads(r["body"])["items"] == []),
        "TableChanges": (stream_event(env), lambda r: r == {"batchItemFailures": []}),
        "TimerSweep": (json.loads(t["Resources"]["TimerSweep"]["Properties"]["Events"]["DueShard3"]["Properties"]
                                  ["Input"]), lambda r: r["shard"] == 3 and r["due"] == 0),
        "InboundSms": (sns_event(INBOUND_TOPIC, {"originationNumber": "+13035550142",
                                                 "destinationNumber": "+13035550100", "messageBody": "C",
                                                 "inboundMessageId": "smoke-in-1"}),
                       lambda r: r == {"outcome": "unknown_sender"}),
        "DeliveryEvents": (sns_event(EVENTS_TOPIC, {"messageId": "nobody-sent-this", "messageStatus": "DELIVERED"}),
                           lambda r: r == {"outcome": "unknown_message"}),
        "WhatsappEvents": (sns_event(WHATSAPP_TOPIC, {"whatsAppWebhookEntry": json.dumps({"id": "1", "changes": [{
            "field": "messages", "value": {"messaging_product": "whatsapp", "metadata": {
                "display_phone_number": "13035550100", "phone_number_id": "1"},
                "messages": [{"from": "13035550142", "id": "wamid.smoke", "type": "text", "text": {"body": "C"}}],
                "statuses": []}}]}), "messageId": "smoke-wa-1"}),
                           lambda r: r == {"outcomes": ["unknown_sender"]}),
        "TextDrainer": ({"version": "0", "detail-type": "Scheduled Event", "source": "aws.events",
                         "time": "2026-12-01T17:00:00Z", "detail": {}, "resources": [], "id": "smoke",
                         "region": "us-east-1", "account": "123456789012"},
                        lambda r: r["sent"] == 0 and r["given_back"] == 0),
    }
    assert set(smoke) == set(FUNCTIONS)
    for name, (event, expected) in smoke.items():
        handler = t["Resources"][name]["Properties"]["Handler"]
        result = run_from_package(task, env, handler, event)
        assert expected(result), (name, handler, result)


def test_what_the_functions_load_lazily_works_from_the_unzipped_package(task, emulated_aws):
    from infra.package import SERVICES
    env, _ = emulated_aws
    result = run_from_package(task, env, "libraries", sorted(SERVICES))
    assert result["text"] == "Acme: Ana is on the way"
    assert result["phones"] == ["+13035550142", "+447911123456"]
    assert set(result["clients"]) == SERVICES and "X-Amz-Signature=" in result["upload"]


def test_the_console_ships_in_the_package_and_signs_in_with_the_hosted_sign_in_and_pkce(packaged):
    """GET /console serves files of chalicelib/console: they must be in the zip. Deployed, the console signs in
    by Cognito's hosted sign-in (code flow, a public client: PKCE) and learns where from the API's environment."""
    path, t = packaged
    from chalicelib import console
    with zipfile.ZipFile(path.parent / "deployment.zip") as z:
        names = set(z.namelist())
    from chalicelib import tech
    shipped = {f"chalicelib/console/static/{name}" for name in console.assets()} | {"chalicelib/console/index.html"}
    shipped |= {f"chalicelib/tech/{name}" for name in ("index.html", "sw.js", "manifest.webmanifest")} | {
        f"chalicelib/tech/static/{name}" for name in tech.APP.assets() if name not in tech.SHARED}
    assert shipped <= names, shipped - names
    assert {"chalicelib/console/vendor/htm-3.1.1.LICENSE", "chalicelib/console/vendor/preact.LICENSE"} <= names
    r = t["Resources"]
    client = r["ConsoleAppClient"]["Properties"]
    assert client["GenerateSecret"] is False and client["AllowedOAuthFlows"] == ["code"]
    assert client["AllowedOAuthFlowsUserPoolClient"] is True and "openid" in client["AllowedOAuthScopes"]
    assert client["CallbackURLs"] == client["LogoutURLs"] == [{"Ref": "ConsoleUrl"}, {"Ref": "TechUrl"}]
    assert "custom:org_id" in client["ReadAttributes"] and "custom:org_id" not in client["WriteAttributes"]
    assert r["ConsoleSignInDomain"]["Properties"] == {"Domain": {"Ref": "ConsoleDomainPrefix"},
                                                      "UserPoolId": {"Ref": "UserPool"}}
    variables = r["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["CONSOLE_CLIENT_ID"] == {"Ref": "ConsoleAppClient"}
    assert "${ConsoleSignInDomain}.auth.${AWS::Region}.amazoncognito.com" in variables["COGNITO_DOMAIN"]["Fn::Sub"]
    routes = t["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    assert "/console" in routes and "/console/{version}/{name}" in routes
    assert {"/tech", "/tech/sw.js", "/tech/manifest.webmanifest", "/tech/{version}/{name}"} <= set(routes)
