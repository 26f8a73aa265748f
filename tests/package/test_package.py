"""`chalice package --merge-template infra/template.yaml`: the deployable template, checked offline by
cfn-lint and by reading it (event source settings, wiring, least-privilege IAM, no /dev routes).
`make test` runs this folder as its own second step: the IAM check compares the policies with the AWS
operations the first step's suites performed, recorded in ONMYWAY_OPERATIONS_FILE."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
FUNCTIONS = ["APIHandler", "TableChanges", "TimerSweep", "InboundSms", "DeliveryEvents", "WhatsappEvents"]


@pytest.fixture(scope="module")
def packaged(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("package") / "out"
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    subprocess.run([str(BIN / "chalice"), "package", "--stage", "dev", "--merge-template", "infra/template.yaml",
                    str(out)], cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    return out / "sam.yaml", yaml.safe_load((out / "sam.yaml").read_text())


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


def test_every_function_finds_the_table_and_the_topics_the_code_names_exist(packaged):
    from chalicelib.events.inbound import EVENTS_TOPIC, INBOUND_TOPIC
    from chalicelib.events.whatsapp import WHATSAPP_TOPIC
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


# Operations the code makes that IAM names differently, or that belong to the local stand-in for Lambda.
IAM_OF = {("dynamodb", "TransactWriteItems"): ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
          ("pinpoint-sms-voice-v2", "SendTextMessage"): ["sms-voice:SendTextMessage"],
          ("pinpoint-sms-voice-v2", "SendVoiceMessage"): ["sms-voice:SendVoiceMessage"],
          ("socialmessaging", "SendWhatsAppMessage"): ["social-messaging:SendWhatsAppMessage"],
          ("sesv2", "SendEmail"): ["ses:SendEmail"]}
# Granted though the code does not call them itself: Lambda's event source mapping reads the stream
# and parks failed batches in the queue, the app's S3 access goes through presigned URLs it signs,
# and the runtime writes the logs.
GRANTED_FOR_OTHERS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                      "dynamodb:ListStreams", "sqs:SendMessage", "s3:PutObject", "s3:GetObject",
                      "logs:CreateLogStream", "logs:PutLogEvents"}


def performed_by_the_suite(record_operations) -> set[tuple[str, str]]:
    path = Path(os.environ.get("ONMYWAY_OPERATIONS_FILE", ROOT / "out" / "aws-operations.json"))
    recorded = {tuple(op) for op in json.loads(path.read_text())} if path.exists() else set()
    performed = recorded | set(record_operations.seen)
    if not {("dynamodb", "TransactWriteItems"), ("sns", "Publish")} <= performed:
        pytest.fail(f"no record of the suite's AWS operations in {path}: `make test` runs the suites first "
                    "(recording them), then this folder")
    return performed


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
