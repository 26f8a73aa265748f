"""Finish the deployment package `chalice package` wrote: leave out what the functions never load, and ship
bytecode, so a cold start neither reads nor compiles what it does not need.

    python infra/package.py out/deployment.zip out/sam.yaml

- botocore's service data (and boto3's resource data) only for the services the code calls; the suite
  checks this list against the AWS operations it saw the code perform (tests/package).
- phonenumbers without its geocoder, carrier and time zone data, nor its short-number regions (911, 611...,
  loaded only by its short-number checks): the code only parses, validates, formats.
- dnspython (email-validator loads it only for deliverability checks, which Pydantic turns off),
  dateutil's copy of the tz database (only `dateutil.tz.gettz` falls back to it; nothing shipped calls it)
  and its recurrence rules and Easter dates (botocore uses only its parser and tz, which never import them),
  Pydantic's v1 compatibility layer, its mypy plugin and experimental pipeline API, urllib3's browser
  (Emscripten) back end (imported only on that platform), and the Powertools parts no function imports (the event handler
  framework: the app is Chalice; utilities other than batch, idempotency, data classes and the parser
  models that batch loads).
- every module compiled by the Lambda runtime's Python, with unchecked-hash invalidation: /var/task is
  read-only, so without .pyc files every cold start compiles every module it imports.
"""
import compileall
import os
import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

# boto3.client(...) in chalicelib, PynamoDB and Powertools' idempotency (DynamoDB); sts for botocore's own
# credential providers. (Lambda reads the table's stream itself: no function calls dynamodbstreams.)
SERVICES = frozenset({"dynamodb", "sns", "pinpoint-sms-voice-v2", "socialmessaging", "sesv2", "s3", "cognito-idp",
                      "sts", "sqs"})
NEVER_LOADED = ("phonenumbers/geodata", "phonenumbers/carrierdata", "phonenumbers/tzdata", "dns", "dateutil/zoneinfo",
                "dateutil/rrule.py", "dateutil/easter.py",
                "pydantic/v1", "pydantic/mypy.py", "pydantic/experimental", "urllib3/contrib/emscripten",
                # urllib3's opt-ins: pyOpenSSL (not in the package: botocore's try-import fails either way), SOCKS
                # proxies, HTTP/2 connections (urllib3.http2.inject_into_urllib3 is never called)
                "urllib3/contrib/pyopenssl.py", "urllib3/contrib/socks.py", "urllib3/http2/connection.py",
                "aws_lambda_powertools/event_handler",
                *(f"aws_lambda_powertools/utilities/{name}" for name in (
                    "auth_alpha", "circuit_breaker", "data_masking", "feature_flags", "kafka", "metadata",
                    "parameters", "streaming", "validation")),
                # The parser's envelopes and event models are imported on first use (its lazy __getattr__): the
                # batch processor uses only the DynamoDB, Kinesis, Kafka, SQS and CloudWatch ones.
                "aws_lambda_powertools/utilities/parser/envelopes",
                *(f"aws_lambda_powertools/utilities/parser/models/{name}.py" for name in (
                    "alb", "apigw", "apigw_websocket", "apigwv2", "appsync", "appsync_events", "bedrock_agent",
                    "cloudformation_custom_resource", "cognito", "event_bridge", "iot_registry_events",
                    "kinesis_firehose", "kinesis_firehose_sqs", "lambda_function_url", "s3", "s3_batch_operation",
                    "s3_event_notification", "s3_object_event", "ses", "sns", "transfer_family", "vpc_lattice",
                    "vpc_latticev2")),
                # s3transfer's CRT client (needs awscrt, not installed) and process-pool downloader: the code
                # only presigns S3 URLs.
                "s3transfer/crt.py", "s3transfer/processpool.py")
SERVICE_DATA = ("botocore/data", "boto3/data")


def left_out(name: str) -> bool:
    """Whether a path of the package is one the functions never load."""
    parts = name.split("/")
    for data in SERVICE_DATA:
        depth = data.count("/") + 1
        if name.startswith(data + "/") and len(parts) > depth + 1 and parts[depth] not in SERVICES:
            return True  # a folder of a service the code never calls (the files beside them stay)
    if parts[-1] == "examples-1.json" or parts[-1].endswith(".pyi") or parts[-1] == "py.typed":
        return True  # documentation examples, type stubs: read by no running code
    if parts[:2] == ["phonenumbers", "shortdata"] and parts[-1].startswith("region_"):
        return True  # short-number metadata, region by region, loaded on demand by calls the code never makes
    if parts[0].endswith(".dist-info") and parts[-1] == "RECORD":
        return True  # pip's file list for uninstalling (importlib.metadata reads METADATA)
    return any(name == prefix or name.startswith(prefix + "/") for prefix in NEVER_LOADED)


def runtime_of(sam: Path) -> str:
    runtimes = {r["Properties"]["Runtime"] for r in yaml.safe_load(sam.read_text())["Resources"].values()
                if r.get("Type") == "AWS::Serverless::Function"}
    (runtime,) = runtimes
    return runtime


def finish(zipped: Path, sam: Path) -> tuple[int, int]:
    """Rewrite the zip in place; returns its size before and after."""
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if (runtime := runtime_of(sam)) != here:
        raise SystemExit(f"the functions run {runtime}: compile their bytecode with it, not {here}")
    before = zipped.stat().st_size
    with tempfile.TemporaryDirectory() as tmp:
        task = Path(tmp)
        with zipfile.ZipFile(zipped) as z:
            kept = [info for info in z.infolist() if not left_out(info.filename)]
            for info in kept:
                z.extract(info, task)
        sys.pycache_prefix = None  # beside the sources, where the runtime reads them, whatever PYTHONPYCACHEPREFIX says
        if not compileall.compile_dir(task, quiet=1, ddir="/var/task", workers=0,
                                      invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH):
            raise SystemExit("some modules of the package do not compile")
        modes = {info.filename: info.external_attr for info in kept}
        fresh = zipped.with_suffix(".tmp")
        with zipfile.ZipFile(fresh, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for path in sorted(p for p in task.rglob("*") if p.is_file()):
                name = path.relative_to(task).as_posix()
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = modes.get(name, 0o644 << 16)
                # A hand-made ZipInfo does not take the archive's level: without it each entry is deflated at 6.
                z.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        os.replace(fresh, zipped)
    return before, zipped.stat().st_size


def main() -> None:
    zipped, sam = Path(sys.argv[1]), Path(sys.argv[2])
    before, after = finish(zipped, sam)
    print(f"{zipped}: {before / 1e6:.1f} MB → {after / 1e6:.1f} MB zipped (unused data left out, bytecode added)")


if __name__ == "__main__":
    main()
