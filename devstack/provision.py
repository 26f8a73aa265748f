"""Create the AWS resources of infra/template.yaml in moto (in-process or server): one source of truth."""
from copy import deepcopy
from functools import cache
from pathlib import Path

import boto3
import yaml

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "template.yaml"
TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode", "StreamSpecification")


@cache
def _template() -> dict:
    # Read once per process: the tests provision a fresh moto account for each test.
    return yaml.safe_load(TEMPLATE.read_text())


def resources(kind: str) -> dict[str, dict]:
    doc = _template()
    # Entries that only amend a Chalice-generated resource (functions, roles) have no Type.
    return {name: deepcopy(r["Properties"]) for name, r in doc["Resources"].items() if r.get("Type") == kind}


def create_table(table_name: str) -> dict:
    (props,) = resources("AWS::DynamoDB::Table").values()
    client = boto3.client("dynamodb")
    spec = {k: props[k] for k in TABLE_KEYS if k in props}
    spec["StreamSpecification"] = {"StreamEnabled": True, **spec["StreamSpecification"]}
    table = client.create_table(TableName=table_name, **spec)["TableDescription"]
    ttl = props["TimeToLiveSpecification"]
    client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)
    return table


def create_photos_bucket(bucket: str) -> None:
    (props,) = resources("AWS::S3::Bucket").values()
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=bucket)
    # CloudFormation's CorsRule says MaxAge where the S3 API says MaxAgeSeconds.
    rules = [{("MaxAgeSeconds" if k == "MaxAge" else k): v for k, v in rule.items()}
             for rule in props["CorsConfiguration"]["CorsRules"]]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})


TEXT_QUEUES = {"UrgentTextsQueue": "URGENT_TEXTS_QUEUE_URL", "RoutineTextsQueue": "ROUTINE_TEXTS_QUEUE_URL"}


def create_text_queues() -> dict[str, str]:
    """The outbound text queues of the template; the environment that points the code at them."""
    sqs = boto3.client("sqs")
    queues = resources("AWS::SQS::Queue")
    env = {}
    for name, variable in TEXT_QUEUES.items():
        attributes = {k: str(v) for k, v in queues[name].items() if k in ("VisibilityTimeout", "MessageRetentionPeriod")}
        env[variable] = sqs.create_queue(QueueName=f"onmyway-{name}", Attributes=attributes)["QueueUrl"]
    return env


def provision(table_name: str, photos_bucket: str) -> dict[str, str]:
    """Create the resources; returns the environment that sends texts through the rate-governed queues
    (set it to use them: without it texts are sent by the handler that claims them)."""
    create_table(table_name)
    create_photos_bucket(photos_bucket)
    return create_text_queues()
