"""The local stack's item calls go to moto's DynamoDB handler as parameters (devstack/direct.py) and answer as
the wire answers them: the same server, asked both ways, answers alike, errors included."""
import functools
import itertools
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ParamValidationError
from moto.core.responses import BaseResponse
from moto.server import ThreadedMotoServer

from devstack import direct, emulator, loopback

FIXTURES = itertools.count()  # (moto's backends outlive a server: each fixture's tables are its own)


@pytest.fixture
def clients():
    """An in-process client at 127.0.0.1 (answered directly) and one over the socket at localhost, each with a
    table of its own (the same backend behind both)."""
    emulator.install()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    port = moto._server.server_port
    loopback.serve_in_process(f"127.0.0.1:{port}")
    direct.answer_directly()
    made, fixture = [], next(FIXTURES)
    for host, table in (("127.0.0.1", f"direct{fixture}"), ("localhost", f"wire{fixture}")):
        client = boto3.client("dynamodb", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
                              aws_access_key_id="local", aws_secret_access_key="local")
        client.create_table(
            TableName=table, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "due")],
            GlobalSecondaryIndexes=[{"IndexName": "due", "KeySchema": [{"AttributeName": "due", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"}}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        made.append((client, table))
    yield made
    loopback.stop_serving(f"127.0.0.1:{port}")
    moto.stop()


def answer(call):
    """What a call answered or raised, without its request id (each answer draws its own) and HTTP headers."""
    try:
        got = call()
    except Exception as error:  # noqa: BLE001  the error is the answer to compare
        got = {"raised": type(error).__name__, **getattr(error, "response", {"message": str(error)})}
    got.get("ResponseMetadata", {}).pop("RequestId", None)
    got.get("ResponseMetadata", {}).pop("HTTPHeaders", None)
    return got


CALLS = [
    lambda c, t: c.put_item(TableName=t, Item={"pk": {"S": "JOB#1"}, "sk": {"S": "JOB"}, "version": {"N": "1"},
                                              "due": {"S": "2026-12-08"}, "notes": {"L": [{"S": "gate code 41"}]},
                                              "tech": {"M": {"name": {"S": "Ana"}, "on_way": {"BOOL": True}}},
                                              "tags": {"SS": ["hvac", "urgent"]}, "gone": {"NULL": True}}),
    lambda c, t: c.put_item(TableName=t, Item={"pk": {"S": "JOB#1"}, "sk": {"S": "APPT#1"}, "version": {"N": "1"}},
                            ReturnValues="ALL_OLD", ReturnConsumedCapacity="TOTAL"),
    lambda c, t: c.put_item(TableName=t, Item={"pk": {"S": "JOB#1"}, "sk": {"S": "APPT#1"}, "version": {"N": "2.50"}},
                            ReturnValues="ALL_OLD"),
    lambda c, t: c.get_item(TableName=t, Key={"pk": {"S": "JOB#1"}, "sk": {"S": "JOB"}}, ConsistentRead=True),
    lambda c, t: c.get_item(TableName=t, Key={"pk": {"S": "JOB#1"}, "sk": {"S": "none"}}),
    lambda c, t: c.update_item(TableName=t, Key={"pk": {"S": "JOB#1"}, "sk": {"S": "JOB"}},
                               UpdateExpression="SET version = version + :one, #s = :s",
                               ConditionExpression="version = :seen", ExpressionAttributeNames={"#s": "status"},
                               ExpressionAttributeValues={":one": {"N": "1"}, ":seen": {"N": "1"},
                                                          ":s": {"S": "en_route"}}, ReturnValues="ALL_NEW"),
    # a condition that fails, with the item it failed on
    lambda c, t: c.update_item(TableName=t, Key={"pk": {"S": "JOB#1"}, "sk": {"S": "JOB"}},
                               UpdateExpression="SET version = :v", ConditionExpression="version = :seen",
                               ExpressionAttributeValues={":v": {"N": "9"}, ":seen": {"N": "1"}},
                               ReturnValuesOnConditionCheckFailure="ALL_OLD"),
    lambda c, t: c.query(TableName=t, KeyConditionExpression="pk = :pk AND begins_with(sk, :a)",
                         ExpressionAttributeValues={":pk": {"S": "JOB#1"}, ":a": {"S": "A"}}),
    lambda c, t: c.query(TableName=t, KeyConditionExpression="pk = :pk", Limit=1, ScanIndexForward=False,
                         ExpressionAttributeValues={":pk": {"S": "JOB#1"}}, ProjectionExpression="sk, version"),
    lambda c, t: c.query(TableName=t, IndexName="due", KeyConditionExpression="due = :d",
                         ExpressionAttributeValues={":d": {"S": "2026-12-08"}}, Select="COUNT"),
    lambda c, t: c.query(TableName=t, KeyConditionExpression="pk = :pk AND nope(sk)",  # moto's parse error
                         ExpressionAttributeValues={":pk": {"S": "JOB#1"}}),
    lambda c, t: c.scan(TableName=t, FilterExpression="attribute_exists(due)"),
    lambda c, t: c.batch_write_item(RequestItems={t: [
        {"PutRequest": {"Item": {"pk": {"S": f"JOB#{i}"}, "sk": {"S": "JOB"}}}} for i in range(2, 5)]}),
    lambda c, t: c.batch_get_item(RequestItems={t: {"Keys": [{"pk": {"S": f"JOB#{i}"}, "sk": {"S": "JOB"}}
                                                             for i in (2, 3, 9)]}}),
    lambda c, t: c.transact_get_items(TransactItems=[{"Get": {"TableName": t, "Key": {"pk": {"S": "JOB#2"},
                                                                                      "sk": {"S": "JOB"}}}}]),
    lambda c, t: c.transact_write_items(TransactItems=[
        {"Update": {"TableName": t, "Key": {"pk": {"S": "JOB#2"}, "sk": {"S": "JOB"}},
                    "UpdateExpression": "SET version = :v", "ExpressionAttributeValues": {":v": {"N": "1"}}}},
        {"Put": {"TableName": t, "Item": {"pk": {"S": "JOB#2"}, "sk": {"S": "APPT#1"}}}}]),
    # canceled: the reasons, one per item, the failed item's image
    lambda c, t: c.transact_write_items(TransactItems=[
        {"Put": {"TableName": t, "Item": {"pk": {"S": "JOB#2"}, "sk": {"S": "TEXT#1"}}}},
        {"ConditionCheck": {"TableName": t, "Key": {"pk": {"S": "JOB#2"}, "sk": {"S": "JOB"}},
                            "ConditionExpression": "version = :v", "ExpressionAttributeValues": {":v": {"N": "7"}},
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}]),
    lambda c, t: c.get_item(TableName=t, Key={"pk": {"S": "JOB#2"}, "sk": {"S": "TEXT#1"}}),  # (not written)
    lambda c, t: c.delete_item(TableName=t, Key={"pk": {"S": "JOB#3"}, "sk": {"S": "JOB"}}, ReturnValues="ALL_OLD"),
    lambda c, t: c.get_item(TableName=t + "-missing", Key={"pk": {"S": "JOB#1"}, "sk": {"S": "JOB"}}),
    lambda c, t: c.put_item(TableName=t, Item={"pk": {"S": ""}, "sk": {"S": "JOB"}}),  # an empty key
    # binary (BINARY: these last calls)
    lambda c, t: c.put_item(TableName=t, Item={"pk": {"S": "JOB#5"}, "sk": {"S": "PHOTO"}, "b": {"B": b"\x00\xff"}}),
    lambda c, t: c.get_item(TableName=t, Key={"pk": {"S": "JOB#5"}, "sk": {"S": "PHOTO"}}),
    lambda c, t: c.query(TableName=t, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": "JOB#5"}}),
]

BINARY = 3


def test_item_calls_answer_as_the_wire_answers_them(clients, monkeypatch):
    dispatched = []  # the requests moto's response framework handled (the wire's way in)
    dispatch = BaseResponse._dispatch
    monkeypatch.setattr(BaseResponse, "_dispatch", lambda self, request, *a, **kw: dispatched.append(
        request.headers.get("X-Amz-Target")) or dispatch(self, request, *a, **kw))
    (mine, my_table), (wire, wire_table) = clients
    for number, call in enumerate(CALLS):
        dispatched.clear()
        theirs = answer(functools.partial(call, wire, wire_table))
        assert dispatched, number  # the socket's client went through moto's framework
        dispatched.clear()
        got = answer(functools.partial(call, mine, my_table))
        assert json.dumps(got, sort_keys=True, default=repr).replace(my_table, wire_table) == \
            json.dumps(theirs, sort_keys=True, default=repr), number
        # directly, but a request that carries binary (an answer that does is moto's serialization, parsed)
        assert bool(dispatched) == (number == len(CALLS) - BINARY), number
    assert got["Items"][0]["b"] == {"B": b"\x00\xff"}


def test_other_calls_and_services_go_by_the_wire(clients, monkeypatch):
    dispatched = []
    dispatch = BaseResponse._dispatch
    monkeypatch.setattr(BaseResponse, "_dispatch", lambda self, request, *a, **kw: dispatched.append(1) or
                        dispatch(self, request, *a, **kw))
    (mine, table), _ = clients
    assert mine.describe_table(TableName=table)["Table"]["TableName"] == table
    sqs = boto3.client("sqs", endpoint_url=mine.meta.endpoint_url, region_name="us-east-1")
    sqs.create_queue(QueueName="texts")
    assert len(dispatched) == 2
    mine.get_item(TableName=table, Key={"pk": {"S": "JOB#1"}, "sk": {"S": "JOB"}})
    assert len(dispatched) == 2


def test_a_direct_write_takes_the_emulators_lock_and_wakes_the_driver(clients, monkeypatch):
    (mine, table), _ = clients
    stream = mine.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams", endpoint_url=mine.meta.endpoint_url, region_name="us-east-1")
    shard = streams.describe_stream(StreamArn=stream)["StreamDescription"]["Shards"][0]["ShardId"]
    emulator.WRITTEN.clear()
    taken = []
    lock = emulator._lock
    monkeypatch.setattr(emulator, "_lock", type("Lock", (), {
        "__enter__": lambda self: taken.append(1) or lock.__enter__(), "__exit__": lambda self, *a: lock.__exit__(*a)})())
    mine.put_item(TableName=table, Item={"pk": {"S": "JOB#1"}, "sk": {"S": "JOB"}})
    assert emulator.WRITTEN.is_set() and taken
    monkeypatch.undo()
    assert [r["eventName"] for r in emulator.read_stream(stream, shard, None)] == ["INSERT"]


def test_parameters_are_checked_as_the_client_checks_them(clients):
    """botocore checks a request's parameters unless the client was made not to (PynamoDB's are not)."""
    (mine, table), (wire, wire_table) = clients
    config = Config(parameter_validation=False)
    unchecked = [boto3.client("dynamodb", endpoint_url=c.meta.endpoint_url, region_name="us-east-1", config=config,
                              aws_access_key_id="local", aws_secret_access_key="local") for c in (mine, wire)]
    for checked, name in ((mine, table), (wire, wire_table)):
        with pytest.raises(ParamValidationError):
            checked.get_item(TableName=name, Key={"pk": {"S": "JOB#1"}, "sk": {"S": "JOB"}}, ConsistentRead="yes")
    got, theirs = (answer(lambda c=c, t=t: c.get_item(TableName=t, Key={"pk": {"S": "JOB#1"}, "sk": {"S": "JOB"}},
                                                      ConsistentRead="yes"))
                   for c, t in ((unchecked[0], table), (unchecked[1], wire_table)))
    assert got == theirs and "raised" not in got  # moto reads the flag as it came
