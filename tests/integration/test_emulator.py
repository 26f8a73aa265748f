"""The emulator's transactions save and restore only the items they touch: a canceled transaction leaves
the table (what a Scan returns) and its stream exactly as moto's own deep-copying code leaves them."""
import base64
import json

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends

from devstack import emulator


def backend():
    return dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]


def make_table(name: str, sort_key: bool):
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}] + ([{"AttributeName": "sk", "KeyType": "RANGE"}]
                                                              if sort_key else [])
    boto3.client("dynamodb").create_table(
        TableName=name, KeySchema=schema, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a["AttributeName"], "AttributeType": "S"} for a in schema],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return backend().get_table(name)


def key(table, pk: str, sk: str) -> dict:
    return {"pk": {"S": pk}, **({"sk": {"S": sk}} if table.range_key_attr else {})}


def seed(table) -> None:
    partitions = [("JOB#1", "JOB"), ("JOB#1", "APPT#1"), ("JOB#1", "APPT#2"), ("JOB#2", "JOB"), ("JOB#3", "JOB")]
    for pk, sk in partitions:
        pk = pk if table.range_key_attr else f"{pk}#{sk}"
        table.put_item({**key(table, pk, sk), "version": {"N": "1"}, "note": {"S": f"{pk} {sk}"}})
    table.put_item({**key(table, pk_of(table, "JOB#2", "JOB"), "JOB"), "version": {"N": "2"}})  # a MODIFY too


def state(table) -> tuple[list, list]:
    """Items in the order a Scan returns them, and the stream records (minus their random id, their time
    and the size moto derives from that time). moto's rollback replaces the table: look it up again."""
    table = backend().get_table(table.name)
    items = [item.to_json() for item in table.all_items()]
    stream = [{**r.to_json(), "eventID": None, "dynamodb": {**r.to_json()["dynamodb"],
                                                           "ApproximateCreationDateTime": None, "SizeBytes": None}}
              for r in table.stream_shard.items]
    return items, stream


def update(table, pk, sk, seen: str, then: str) -> dict:
    return {"Update": {"TableName": table.name, "Key": key(table, pk, sk), "UpdateExpression": "SET version = :n",
                       "ConditionExpression": "version = :v",
                       "ExpressionAttributeValues": {":v": {"N": seen}, ":n": {"N": then}}}}


def put(table, pk, sk, **extra) -> dict:
    return {"Put": {"TableName": table.name, "Item": {**key(table, pk, sk), "version": {"N": "1"}}, **extra}}


def delete(table, pk, sk) -> dict:
    return {"Delete": {"TableName": table.name, "Key": key(table, pk, sk)}}


def pk_of(table, pk, sk):
    return pk if table.range_key_attr else f"{pk}#{sk}"


# Each: the operations of one transaction, written for a table; every one of them must be canceled.
CANCELED = {
    "failing condition": lambda t: [update(t, pk_of(t, "JOB#1", "JOB"), "JOB", "1", "2"),
                                    update(t, pk_of(t, "JOB#1", "APPT#1"), "APPT#1", "1", "2"),
                                    update(t, pk_of(t, "JOB#2", "JOB"), "JOB", "1", "3")],  # it is at 2
    "failing put": lambda t: [delete(t, pk_of(t, "JOB#1", "APPT#1"), "APPT#1"),
                              update(t, pk_of(t, "JOB#3", "JOB"), "JOB", "1", "2"),
                              put(t, pk_of(t, "JOB#2", "JOB"), "JOB", ConditionExpression="attribute_not_exists(pk)")],
    "duplicate key": lambda t: [update(t, pk_of(t, "JOB#1", "JOB"), "JOB", "1", "2"),
                                delete(t, pk_of(t, "JOB#1", "APPT#2"), "APPT#2"),
                                update(t, pk_of(t, "JOB#1", "JOB"), "JOB", "2", "3")],
    "new item then failure": lambda t: [put(t, pk_of(t, "JOB#9", "JOB"), "JOB"),
                                        put(t, pk_of(t, "JOB#1", "APPT#3"), "APPT#3"),
                                        update(t, pk_of(t, "JOB#9", "APPT#1"), "APPT#1", "1", "2"),
                                        update(t, pk_of(t, "JOB#3", "JOB"), "JOB", "5", "6")],
    "oversized put": lambda t: [delete(t, pk_of(t, "JOB#3", "JOB"), "JOB"),
                                put(t, pk_of(t, "JOB#8", "JOB"), "JOB"),
                                {"Put": {"TableName": t.name, "Item": {**key(t, "JOB#7", "JOB"),
                                                                        "blob": {"S": "x" * 410_000}}}}],
}


def run(transaction, ops) -> tuple[str, str] | None:
    try:
        transaction(backend(), ops)
    except Exception as error:  # noqa: BLE001  the cancellation is part of what is compared
        return type(error).__name__, str(error)
    return None


@pytest.fixture
def tables(aws):
    """Two identical tables, one written through the emulator's patch, one through moto's own code."""
    assert getattr(DynamoDBBackend.transact_write_items, "snapshots", False)  # installed by the aws fixture
    return lambda sort_key: [make_table(f"{name}-{sort_key}", sort_key) for name in ("patched", "moto")]


@pytest.mark.parametrize("sort_key", [True, False], ids=["pk+sk", "pk only"])
@pytest.mark.parametrize("case", list(CANCELED))
def test_a_canceled_transaction_leaves_table_and_stream_exactly_as_moto_does(tables, case, sort_key):
    patched, moto = tables(sort_key)
    for table in (patched, moto):
        seed(table)
    before = state(patched)
    assert before == state(moto)

    error = run(DynamoDBBackend.transact_write_items, CANCELED[case](patched))
    moto_error = run(emulator.moto_transact_write_items, CANCELED[case](moto))

    assert error is not None and error == moto_error
    assert state(patched) == state(moto) == before
    # And the next write numbers its stream record as moto would.
    for table in (patched, moto):
        backend().get_table(table.name).put_item({**key(table, "JOB#5", "JOB"), "version": {"N": "1"}})
    assert state(patched) == state(moto)


@pytest.mark.parametrize("sort_key", [True, False], ids=["pk+sk", "pk only"])
def test_a_committed_transaction_writes_what_moto_writes(tables, sort_key):
    patched, moto = tables(sort_key)
    ops = lambda t: [update(t, pk_of(t, "JOB#1", "JOB"), "JOB", "1", "2"),  # noqa: E731
                     delete(t, pk_of(t, "JOB#1", "APPT#2"), "APPT#2"), put(t, pk_of(t, "JOB#4", "JOB"), "JOB")]
    for table in (patched, moto):
        seed(table)
    assert run(DynamoDBBackend.transact_write_items, ops(patched)) is None
    assert run(emulator.moto_transact_write_items, ops(moto)) is None
    assert state(patched) == state(moto) != ([], [])
    assert len(state(patched)[1]) == 6 + 3


def test_the_patch_is_under_the_write_lock_and_copies_no_table(aws, monkeypatch):
    table = make_table("locked", True)
    seed(table)
    copied = []
    original = emulator.copy.deepcopy
    monkeypatch.setattr(emulator.copy, "deepcopy", lambda v, memo=None: copied.append(type(v).__name__)
                        or original(v, memo))
    seen_lock = []
    real = emulator.moto_transact_write_items
    monkeypatch.setattr(emulator, "moto_transact_write_items",
                        lambda self, items: seen_lock.append(emulator._lock._is_owned()) or real(self, items))
    assert run(DynamoDBBackend.transact_write_items, [update(table, "JOB#1", "JOB", "1", "2")]) is None
    assert seen_lock == [True]
    assert "Table" not in copied and copied.count("Item") <= 3  # the touched item (and moto's old image)


def test_every_write_wakes_the_local_driver(aws):
    table = make_table("woken", True)
    client = boto3.client("dynamodb")
    writes = [lambda: client.put_item(TableName=table.name, Item=key(table, "JOB#1", "JOB")),
              lambda: client.batch_write_item(RequestItems={table.name: [{"PutRequest": {"Item": key(table, "J", "J")}}]}),
              lambda: client.transact_write_items(TransactItems=[delete(table, "JOB#1", "JOB")])]
    for write in writes:
        emulator.WRITTEN.clear()
        write()
        assert emulator.WRITTEN.is_set()


def test_a_text_queued_or_given_back_rings_the_local_driver(aws):
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="ringing")["QueueUrl"]
    sends = [lambda: sqs.send_message(QueueUrl=url, MessageBody="a"),
             lambda: sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "b"}]),
             lambda: sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
                 {"Id": "1", "ReceiptHandle": sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"],
                  "VisibilityTimeout": 0}])]
    for send in sends:
        emulator.QUEUED.clear()
        emulator.WRITTEN.clear()
        send()
        assert emulator.QUEUED.is_set() and emulator.WRITTEN.is_set()
    emulator.QUEUED.clear()
    sqs.receive_message(QueueUrl=url)
    assert not emulator.QUEUED.is_set()  # a read rings nothing


def test_a_response_class_lists_its_methods_once_as_moto_lists_them(aws, monkeypatch):
    import inspect

    from moto.core import responses, utils
    from moto.sqs.responses import SQSResponse
    sqs = boto3.client("sqs")
    sqs.create_queue(QueueName="listed-0")  # SQS's handler class listed here, if not before
    looked = []
    real = inspect.getmembers
    monkeypatch.setattr(inspect, "getmembers", lambda *a, **kw: looked.append(a[0]) or real(*a, **kw))
    for n in range(1, 4):
        sqs.create_queue(QueueName=f"listed-{n}")
    assert SQSResponse not in looked
    assert responses.method_names_from_class(SQSResponse) == utils.method_names_from_class(SQSResponse)


def test_reads_reuse_the_sorted_table_and_still_see_every_change(aws, monkeypatch):
    table = make_table("reads", True)
    seed(table)
    client = boto3.client("dynamodb")
    real = emulator.moto_transact_write_items

    def read_just_before_the_rollback(self, items):
        try:
            return real(self, items)
        finally:
            backend().get_table(table.name).all_items()  # a reader on another thread, mid-transaction

    monkeypatch.setattr(emulator, "moto_transact_write_items", read_just_before_the_rollback)
    changes = [lambda: client.put_item(TableName=table.name, Item={**key(table, "JOB#4", "JOB"), "v": {"N": "1"}}),
               lambda: client.update_item(TableName=table.name, Key=key(table, "JOB#1", "JOB"),
                                          UpdateExpression="SET version = :n", ExpressionAttributeValues={":n": {"N": "9"}}),
               lambda: client.delete_item(TableName=table.name, Key=key(table, "JOB#3", "JOB")),
               lambda: run(DynamoDBBackend.transact_write_items, CANCELED["new item then failure"](table)),
               lambda: client.transact_write_items(TransactItems=[put(table, "JOB#6", "JOB")]),
               lambda: client.batch_write_item(RequestItems={table.name: [{"PutRequest": {"Item": key(table, "A", "B")}}]})]
    for change in changes:
        client.scan(TableName=table.name)  # sorted now, and kept
        change()
        expected = [i.to_json()["Attributes"] for i in emulator.moto_all_items(backend().get_table(table.name))]
        assert client.scan(TableName=table.name)["Items"] == expected
        assert client.query(TableName=table.name, KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={":p": {"S": "JOB#1"}})["Items"] == [
            i for i in expected if i["pk"] == {"S": "JOB#1"}]


def index_table(name: str):
    """A table with a global index, like the app's gsi1..gsi4."""
    boto3.client("dynamodb").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "gpk", "gsk")],
        GlobalSecondaryIndexes=[{"IndexName": "due", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"},
                                               {"AttributeName": "gsk", "KeyType": "RANGE"}]}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return backend().get_table(name)


def test_a_query_reads_its_partition_only_and_sees_every_change(aws, monkeypatch):
    """Every kind of write (put, in-place update moving an item between index partitions, delete, batch, a
    committed and a canceled transaction) leaves each Query answering what moto's whole-table reading
    answers; and a Query never reads the whole table."""
    table = index_table("partitions")
    client = boto3.client("dynamodb")

    def item(pk, sk, due=None, at="1"):
        return {"pk": {"S": pk}, "sk": {"S": sk}, "version": {"N": "1"},
                **({"gpk": {"S": due}, "gsk": {"S": at}} if due else {})}

    for n in range(30):
        client.put_item(TableName=table.name, Item=item(f"JOB#{n % 3}", f"T#{n}", f"DUE#{n % 4}", f"{n:03d}"))
    move = lambda k, due: {"Update": {"TableName": table.name, "Key": {"pk": {"S": "JOB#0"}, "sk": {"S": k}},  # noqa: E731
                                      "UpdateExpression": "SET gpk = :d", "ExpressionAttributeValues": {":d": {"S": due}}}}
    changes = [
        lambda: client.put_item(TableName=table.name, Item=item("JOB#0", "T#0", "DUE#9")),  # replaced, moved
        lambda: client.update_item(TableName=table.name, Key={"pk": {"S": "JOB#1"}, "sk": {"S": "T#1"}},
                                   UpdateExpression="SET gpk = :d", ExpressionAttributeValues={":d": {"S": "DUE#9"}}),
        lambda: client.update_item(TableName=table.name, Key={"pk": {"S": "JOB#2"}, "sk": {"S": "T#2"}},
                                   UpdateExpression="REMOVE gpk, gsk"),  # leaves the index
        lambda: client.delete_item(TableName=table.name, Key={"pk": {"S": "JOB#0"}, "sk": {"S": "T#3"}}),
        lambda: client.batch_write_item(RequestItems={table.name: [
            {"PutRequest": {"Item": item("JOB#7", "T#1", "DUE#1", "000")}},
            {"DeleteRequest": {"Key": {"pk": {"S": "JOB#1"}, "sk": {"S": "T#4"}}}}]}),
        lambda: client.transact_write_items(TransactItems=[move("T#6", "DUE#8"), delete(table, "JOB#0", "T#9")]),
        lambda: run(DynamoDBBackend.transact_write_items, [
            move("T#12", "DUE#7"), {"Delete": {"TableName": table.name, "Key": key(table, "JOB#0", "T#15"),
                                               "ConditionExpression": "attribute_not_exists(pk)"}}]),  # canceled
    ]
    whole_table_reads = []
    real = emulator.moto_all_items
    monkeypatch.setattr(emulator, "moto_all_items", lambda t: whole_table_reads.append(t.name) or real(t))

    def everything():
        return [i.to_json()["Attributes"] for i in real(backend().get_table(table.name))]

    for change in [lambda: None, *changes]:
        change()
        whole_table_reads.clear()
        for pk in ("JOB#0", "JOB#1", "JOB#2", "JOB#7", "JOB#5"):
            got = client.query(TableName=table.name, KeyConditionExpression="pk = :p",
                               ExpressionAttributeValues={":p": {"S": pk}})["Items"]
            assert got == [i for i in everything() if i["pk"]["S"] == pk]
        for due in ("DUE#0", "DUE#1", "DUE#7", "DUE#8", "DUE#9", "DUE#5"):
            got = client.query(TableName=table.name, IndexName="due", KeyConditionExpression="gpk = :d",
                               ExpressionAttributeValues={":d": {"S": due}})["Items"]
            expected = sorted((i for i in everything() if i.get("gpk", {}).get("S") == due),
                              key=lambda i: (i["gsk"]["S"], i["pk"]["S"], i["sk"]["S"]))
            assert got == expected, due
        assert whole_table_reads == []
    assert client.query(TableName=table.name, IndexName="due", KeyConditionExpression="gpk = :d",
                        ExpressionAttributeValues={":d": {"S": "DUE#7"}})["Items"] == []  # the canceled move
    assert len(client.query(TableName=table.name, IndexName="due", KeyConditionExpression="gpk = :d",
                            ExpressionAttributeValues={":d": {"S": "DUE#9"}})["Items"]) == 2


def test_answers_carry_attribute_values_exactly_as_moto_writes_them(aws, monkeypatch):
    table = make_table("answers", True)
    client = boto3.client("dynamodb")
    values = {"s": {"S": "é ü"}, "n": {"N": "-1.50"}, "t": {"BOOL": True}, "f": {"BOOL": False}, "z": {"NULL": True},
              "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "b": {"B": b"\x00\xff"}, "bs": {"BS": [b"\x01"]},
              "m": {"M": {"x": {"L": [{"S": "y"}, {"N": "3"}, {"M": {}}, {"B": b"\x02"}]}, "e": {"L": []}}}}
    client.put_item(TableName=table.name, Item={**key(table, "JOB#1", "JOB"), **values})
    asks = [lambda: client.get_item(TableName=table.name, Key=key(table, "JOB#1", "JOB")),
            lambda: client.query(TableName=table.name, KeyConditionExpression="pk = :p",
                                 ExpressionAttributeValues={":p": {"S": "JOB#1"}}),
            lambda: client.scan(TableName=table.name),
            lambda: boto3.client("dynamodbstreams").get_records(ShardIterator=boto3.client("dynamodbstreams")
                                                                .get_shard_iterator(
                StreamArn=table.latest_stream_label and table.table_arn + "/stream/" + table.latest_stream_label,
                ShardId=table.stream_shard.id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"])["Records"][0]
            ["dynamodb"]["NewImage"]]
    ours = [ask() for ask in asks]
    monkeypatch.setattr(emulator.BaseJSONSerializer, "_serialize_type_structure", emulator.moto_serialize_structure)
    monkeypatch.setattr(emulator.BaseJSONSerializer, "_serialize_type_map", emulator.moto_serialize_map)
    monkeypatch.setattr(emulator.dynamodb_responses, "dynamo_to_dict", emulator.dynamo_to_dict)
    for mine, ask in zip(ours, asks, strict=True):
        theirs = ask()
        for answer in (mine, theirs):
            if isinstance(answer, dict):
                answer.pop("ResponseMetadata", None)
        assert mine == theirs
    assert ours[0]["Item"]["m"]["M"]["x"]["L"][3] == {"B": b"\x02"} and ours[0]["Item"]["n"] == {"N": "-1.50"}


def test_a_request_reads_attribute_values_as_moto_does_without_walking_the_wire_form_ones(aws, monkeypatch):
    """moto's JSON parser walks each attribute value's shape: a value already in wire form (strings, numbers,
    booleans, sets of strings, lists and maps of them) is read as it came, any other (binary inside) by moto."""
    import base64
    import json

    from moto.core.parse import JSONParser
    from moto.dynamodb.models.utilities import dynamo_json_dump

    operation = boto3.client("dynamodb").meta.service_model.operation_model("PutItem")
    blob = base64.b64encode(b"\x00\xff").decode()
    item = {"s": {"S": "é ü"}, "n": {"N": "-1.50"}, "t": {"BOOL": True}, "z": {"NULL": True},
            "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "e": {"L": []},
            "m": {"M": {"x": {"L": [{"S": "y"}, {"N": "3"}, {"M": {}}]}}},
            "b": {"B": blob}, "deep": {"M": {"l": {"L": [{"S": "y"}, {"BS": [blob]}]}}}}
    body = json.dumps({"TableName": "t", "Item": item, "ExpressionAttributeValues": {":v": {"S": "x"}}}).encode()

    def parse() -> dict:
        return JSONParser(operation).parse({"method": "POST", "values": {}, "headers": {}, "body": body,
                                            "url_path": "/", "url_params": {}})
    walked = []
    real = emulator.moto_parse_structure
    monkeypatch.setattr(emulator, "moto_parse_structure", lambda self, shape, value: walked.append(
        (shape.name, value)) or real(self, shape, value))
    ours = parse()
    monkeypatch.setattr(emulator.BaseJSONParser, "_parse_structure", real)
    assert ours == parse() and dynamo_json_dump(ours) == dynamo_json_dump(parse())
    assert ours["Item"]["b"] == {"B": b"\x00\xff"}
    walked_values = [value for name, value in walked if name == "AttributeValue"]
    assert walked_values == [item["b"], item["deep"], item["deep"]["M"]["l"], item["deep"]["M"]["l"]["L"][1]]


_blobs = st.binary(max_size=4)
_values = st.recursive(
    st.one_of(st.builds(lambda v: {"S": v}, st.text(max_size=4)), st.builds(lambda v: {"N": str(v)}, st.integers()),
              st.builds(lambda v: {"BOOL": v}, st.booleans()), st.just({"NULL": True}),
              st.builds(lambda v: {"SS": v}, st.lists(st.text(max_size=3), min_size=1, max_size=3)),
              st.builds(lambda v: {"NS": v}, st.lists(st.integers().map(str), min_size=1, max_size=3)),
              st.builds(lambda v: {"B": v}, _blobs), st.builds(lambda v: {"BS": v}, st.lists(_blobs, min_size=1, max_size=2))),
    lambda inner: st.one_of(st.builds(lambda v: {"L": v}, st.lists(inner, max_size=3)),
                            st.builds(lambda v: {"M": v}, st.dictionaries(st.text(max_size=3), inner, max_size=3))),
    max_leaves=8)


def _on_the_wire(value):
    """An attribute value as DynamoDB's JSON carries it: binary in base64."""
    (kind, v), = value.items()
    if kind == "B":
        return {"B": base64.b64encode(v).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(b).decode() for b in v]}
    if kind == "M":
        return {"M": {k: _on_the_wire(e) for k, e in v.items()}}
    if kind == "L":
        return {"L": [_on_the_wire(e) for e in v]}
    return value


def _binary_inside(value) -> bool:
    (kind, v), = value.items()
    return kind in ("B", "BS") or kind == "M" and any(map(_binary_inside, v.values())) or \
        kind == "L" and any(map(_binary_inside, v))


@settings(max_examples=150, deadline=None)
@given(item=st.dictionaries(st.text(min_size=1, max_size=3), _values, max_size=4))
def test_botocore_reads_and_writes_attribute_values_as_its_own_walk_does(item):
    """The client's side: botocore's JSON parser and serializer skip their walk of a value already in wire form
    (DynamoDB's and its streams' AttributeValue only), and answer what the walk answers; binary is still walked."""
    import botocore.parsers
    import botocore.serialize
    import botocore.session

    emulator.attribute_values_as_they_are()
    model = botocore.session.get_session().get_service_model("dynamodb")
    wire = {name: _on_the_wire(value) for name, value in item.items()}
    answer = json.dumps({"Item": wire, "ConsumedCapacity": {"TableName": "t"}}).encode()

    def read() -> dict:
        return botocore.parsers.create_parser("json").parse(
            {"body": answer, "headers": {}, "status_code": 200}, model.operation_model("GetItem").output_shape)

    def write() -> bytes:
        return botocore.serialize.create_serializer("json").serialize_to_request(
            {"TableName": "t", "Item": item}, model.operation_model("PutItem"))["body"]
    walked = []
    real = emulator.botocore_read_structure

    def walk(self, shape, value):
        walked.append(shape.name)
        return real(self, shape, value)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(emulator, "botocore_read_structure", walk)
        ours, ours_written = read(), write()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.parsers.BaseJSONParser, "_handle_structure", real)
        patch.setattr(botocore.parsers.BaseJSONParser, "_handle_map", emulator.botocore_read_map)
        patch.setattr(botocore.serialize.JSONSerializer, "_serialize_type_structure", emulator.botocore_write_structure)
        patch.setattr(botocore.serialize.JSONSerializer, "_serialize_type_map", emulator.botocore_write_map)
        theirs, theirs_written = read(), write()
    assert ours == theirs and ours["Item"] == item
    assert ours_written == theirs_written
    assert (walked.count("AttributeValue") > 0) == any(_binary_inside(value) for value in item.values())


def test_a_queue_keeps_a_message_exactly_as_long_as_moto_does(aws):
    from moto.core.utils import unix_time
    from moto.sqs.models import sqs_backends

    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="texts", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="a text")
    sqs_backend = sqs_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    message = sqs_backend.get_queue("texts")._messages[0]
    for age in (0, 59, 61, 3600):
        message.sent_timestamp = int((unix_time() - age) * 1000)
        assert sqs_backend.is_message_valid_based_on_retention_period("texts", message) == \
            emulator.moto_retention_check(sqs_backend, "texts", message) == (age < 60)
    message.sent_timestamp = int(unix_time() * 1000)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["a text"]


def test_a_queue_counts_its_messages_as_moto_does_reading_the_clock_once(aws, monkeypatch):
    """Ready, delayed and in-flight messages counted (and listed for a receive) as moto's own properties count
    them, with the clock asked once per count, not twice per message."""
    from moto.sqs import models as sqs_models
    from moto.sqs.models import sqs_backends

    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="texts")["QueueUrl"]
    for i in range(6):
        sqs.send_message(QueueUrl=url, MessageBody=f"ready {i}")
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"later {i}", DelaySeconds=60)
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, VisibilityTimeout=60)  # two in flight
    queue = sqs_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].get_queue("texts")
    real, reads = sqs_models.unix_time_millis, []
    monkeypatch.setattr(sqs_models, "unix_time_millis", lambda *a: reads.append(1) or real(*a))
    for name, moto_count in emulator.MOTO_QUEUE_COUNTS.items():
        assert getattr(queue, name) == moto_count.fget(queue), name
        reads.clear()
        getattr(queue, name)
        assert len(reads) == 1, name
    assert (len(queue.messages), queue.approximate_number_of_messages_delayed,
            queue.approximate_number_of_messages_not_visible) == (4, 3, 2)
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attributes["ApproximateNumberOfMessages"], attributes["ApproximateNumberOfMessagesDelayed"],
            attributes["ApproximateNumberOfMessagesNotVisible"]) == ("4", "3", "2")


def test_an_expression_is_parsed_once_and_each_request_still_gets_its_own_answer(aws, monkeypatch):
    """A filter and a condition parsed once for the same names and values, by the backend and by the request
    checks of moto's handlers alike; a different value (or name) is a parse of its own, and every answer is
    the one moto's own parse gives."""
    table = make_table("expressions", True)
    client = boto3.client("dynamodb")
    for n in range(6):
        client.put_item(TableName=table.name, Item={**key(table, "JOB#1", f"T#{n}"), "kind": {"S": f"k{n % 3}"}})
    from moto.dynamodb.comparisons import ConditionExpressionParser
    parsed = []
    real = ConditionExpressionParser.parse
    monkeypatch.setattr(ConditionExpressionParser, "parse", lambda self: parsed.append(self.condition_expression)
                        or real(self))  # every parse of moto's, wherever it is asked for
    emulator._parsed.clear()

    def kinds(*wanted):
        values = {":p": {"S": "JOB#1"}, **{f":k{i}": {"S": k} for i, k in enumerate(wanted)}}
        return [i["sk"]["S"] for i in client.query(
            TableName=table.name, KeyConditionExpression="pk = :p", ExpressionAttributeValues=values,
            FilterExpression=f"#k IN ({', '.join(f':k{i}' for i in range(len(wanted)))})",
            ExpressionAttributeNames={"#k": "kind"})["Items"]]

    def write(sk: str, seen: str):
        try:
            client.put_item(TableName=table.name, Item={**key(table, "JOB#1", sk), "kind": {"S": "k9"}},
                            ConditionExpression="attribute_not_exists(pk) OR #k = :seen",
                            ExpressionAttributeNames={"#k": "kind"}, ExpressionAttributeValues={":seen": {"S": seen}})
        except client.exceptions.ConditionalCheckFailedException:
            return "refused"
        return "written"

    asks = [lambda: kinds("k0", "k1"), lambda: kinds("k0", "k1"), lambda: kinds("k2"), lambda: kinds("k0", "k1"),
            lambda: write("T#3", "k0"), lambda: write("T#3", "k0"), lambda: write("T#1", "k0"),
            lambda: write("T#0", "k0"), lambda: write("T#7", "k0"), lambda: kinds("k9")]
    ours = [ask() for ask in asks]
    assert ours == [["T#0", "T#1", "T#3", "T#4"]] * 2 + [["T#2", "T#5"], ["T#0", "T#1", "T#3", "T#4"],
                                                        "written", "refused", "refused", "written", "written",
                                                        ["T#0", "T#3", "T#7"]]
    assert len([e for e in parsed if "IN" in e]) == 3  # (k0, k1) once, (k2) once, (k9) once
    assert len([e for e in parsed if "attribute_not_exists" in e]) == 1


def test_an_update_is_parsed_once_and_each_write_applies_its_own_values(aws, monkeypatch):
    """One update expression on many items, with different values and conditions: parsed once (moto parses
    it three times a write), and each item ends as moto's own parse leaves it (the kept tree is never the one
    the validator fills in). A bad expression still gets moto's own error, every time."""
    table = make_table("updates", True)
    client = boto3.client("dynamodb")
    parsed = []
    real = emulator.moto_parse_update
    monkeypatch.setattr(emulator, "moto_parse_update", lambda e: parsed.append(e) or real(e))
    emulator._updates.clear()

    def add(sk: str, n: int, seen: int | None = None):
        condition = {"ConditionExpression": "#v = :seen", "ExpressionAttributeValues": {
            ":n": {"N": str(n)}, ":seen": {"N": str(seen)}}} if seen is not None else {
            "ExpressionAttributeValues": {":n": {"N": str(n)}}}
        try:
            client.update_item(TableName=table.name, Key=key(table, "T", sk), UpdateExpression="ADD #v :n SET #w = :n",
                               ExpressionAttributeNames={"#v": "visits", "#w": "last"}, **condition)
        except client.exceptions.ConditionalCheckFailedException:
            return "refused"
        return "written"

    outcomes = [add("a", 1), add("a", 2), add("b", 5), add("a", 4, seen=3), add("b", 1, seen=3), add("b", 2, seen=5)]
    assert outcomes == ["written", "written", "written", "written", "refused", "written"]
    items = {i["sk"]["S"]: (i["visits"]["N"], i["last"]["N"]) for i in client.scan(TableName=table.name)["Items"]}
    assert items == {"a": ("7", "4"), "b": ("7", "2")}
    assert parsed == ["ADD #v :n SET #w = :n"]
    for _ in range(2):
        with pytest.raises(client.exceptions.ClientError, match="Invalid UpdateExpression"):
            client.update_item(TableName=table.name, Key=key(table, "T", "a"), UpdateExpression="ADD ADD #v :n",
                               ExpressionAttributeNames={"#v": "visits"}, ExpressionAttributeValues={":n": {"N": "1"}})
    assert "ADD ADD #v :n" not in emulator._updates


def _moto_value(value, wire: bool):
    """An attribute value as moto keeps it: a DynamoType (nested values DynamoTypes too), binary as bytes or,
    as it came in a request, in base64."""
    from moto.dynamodb.models.dynamo_type import DynamoType
    return DynamoType(_on_the_wire(value) if wire else value)


@settings(max_examples=150, deadline=None)
@given(items=st.lists(st.dictionaries(st.text(min_size=1, max_size=3), _values, max_size=4), max_size=3),
       count=st.integers(0, 5), wire=st.booleans())
def test_results_become_the_dicts_moto_makes_of_them(items, count, wire):
    """A Query's result as moto's handler wraps it (items of DynamoTypes in moto's own dict, counts, a key, a
    date): the emulator's conversion gives what moto's `dynamo_to_dict` gives, binary and all."""
    from datetime import UTC, datetime

    from moto.dynamodb.models.dynamo_type import LimitedSizeDict

    stored = []
    for item in items:
        attrs = LimitedSizeDict()
        dict.update(attrs, {name: _moto_value(value, wire) for name, value in item.items()})
        stored.append(attrs)
    result = {"Count": count, "ScannedCount": count, "Items": stored, "When": datetime(2026, 12, 7, tzinfo=UTC),
              "LastEvaluatedKey": {"pk": {"S": "JOB#1"}}, "Nothing": None, "Ratio": 0.5}
    assert emulator.results_as_dicts(result) == emulator.dynamo_to_dict(result)


def test_a_query_with_a_sort_key_condition_sizes_only_the_items_in_its_range(aws, monkeypatch):
    """moto sized every item of the partition before comparing its sort key: the emulator hands it the key
    range only (as DynamoDB reads it), with the same answers, pages and counts; with a Limit moto reads as
    it did."""
    from moto.dynamodb.models.dynamo_type import Item

    table = make_table("ranges", True)
    client = boto3.client("dynamodb")
    for n in range(40):
        client.put_item(TableName=table.name, Item={**key(table, "JOB#1", f"{'APPT' if n % 4 else 'TIMER'}#{n:02d}"),
                                                    "n": {"N": str(n)}, "body": {"S": "x" * n}})
    sized = []
    real = Item.size
    monkeypatch.setattr(Item, "size", lambda self: sized.append(self.range_key.value) or real(self))
    asks = {"begins_with(sk, :a)": {":a": {"S": "TIMER#"}}, "sk BETWEEN :a AND :b": {":a": {"S": "APPT#05"},
                                                                                       ":b": {"S": "APPT#09"}},
            "sk > :a": {":a": {"S": "TIMER#30"}}, "sk = :a": {":a": {"S": "APPT#03"}}}

    def ask(condition, values, **more):
        return client.query(TableName=table.name, KeyConditionExpression=f"pk = :p AND {condition}",
                            ExpressionAttributeValues={":p": {"S": "JOB#1"}, **values}, **more)
    for condition, values in asks.items():
        sized.clear()
        ours = ask(condition, values)
        assert set(sized) == {i["sk"]["S"] for i in ours["Items"]}  # nothing outside the range
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(emulator, "_QUERY_ARGS", set())  # moto's own reading of the whole partition
            theirs = ask(condition, values)
        for answer in (ours, theirs):
            answer.pop("ResponseMetadata")
        assert ours == theirs and ours["Count"] == ours["ScannedCount"] > 0, condition
        pages, start = [], {}
        while True:  # a Limit: moto's reading, page by page
            page = ask(condition, values, Limit=3, **start)
            pages += page["Items"]
            if "LastEvaluatedKey" not in page:
                break
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
        assert pages == ours["Items"]


def test_a_client_user_agent_is_built_once_per_features_and_reads_as_botocore_builds_it(aws, monkeypatch):
    """botocore's User-Agent, kept per client, its own features and the request's: the same string as built
    anew each time, a feature of the request's context or the client's own still in it."""
    from botocore.context import start_as_current_context
    from botocore.useragent import register_feature_id

    emulator.user_agents_built_once()
    creator = boto3.client("dynamodb")._user_agent_creator
    built = []
    real = emulator.botocore_user_agent
    monkeypatch.setattr(emulator, "botocore_user_agent", lambda self: built.append(1) or real(self))
    plain = [creator.to_string() for _ in range(3)]
    assert plain == [real(creator)] * 3 and len(built) == 1
    with start_as_current_context():
        register_feature_id("WAITER")
        assert creator.to_string() == real(creator) != plain[0]
    creator.set_client_features({"RETRY_MODE_ADAPTIVE"})
    assert creator.to_string() == real(creator) != plain[0]
    assert len(built) == 3


def test_request_ids_are_moto_s_kind_drawn_at_once(aws):
    from moto.core import responses
    from moto.moto_api._internal import mock_random

    emulator.request_ids_drawn_at_once()
    headers: dict = {}
    drawn = {responses.gen_amzn_requestid_long(headers) for _ in range(200)}
    assert len(drawn) == 200 and headers["x-amzn-requestid"] in drawn
    assert all(len(i) == 52 and set(i) <= set(emulator._REQUEST_ID_CHARS) for i in drawn)
    mock_random.seed(7)
    first = responses.gen_amzn_requestid_long()
    mock_random.seed(7)
    assert responses.gen_amzn_requestid_long() == first  # moto's seeding still decides them
    mock_random.seed()  # (the other tests' ids as random as before)
    answer = boto3.client("dynamodb").list_tables()
    assert len(answer["ResponseMetadata"]["RequestId"]) == 52


@pytest.mark.parametrize("size", [404_900, 405_100], ids=["just under moto's limit", "just over"])
def test_an_item_is_sized_once_and_refused_as_moto_refuses_it(aws, monkeypatch, size):
    """moto's Item sized the whole item at each attribute it took; the emulator keeps a running total: the same
    item, the same ItemSizeTooLarge (at the same attribute), far fewer sizings."""
    from botocore.exceptions import ClientError
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    table = make_table("sizes", True)
    client = boto3.client("dynamodb")
    filler = {f"a{n:02d}": {"S": "x" * 1000} for n in range(40)}
    item = {**key(table, "JOB#1", "JOB"), **filler, "last": {"S": "y" * (size - 40 * 1003 - 21)},
            "after": {"N": "1"}}

    def put():
        try:
            client.put_item(TableName=table.name, Item=item)
            return client.get_item(TableName=table.name, Key=key(table, "JOB#1", "JOB"))["Item"]
        except ClientError as error:
            return error.response["Error"]
    sized = []
    real = DynamoType.size
    monkeypatch.setattr(DynamoType, "size", lambda self: sized.append(1) or real(self))
    ours = put()
    ours_sized = len(sized)
    client.delete_item(TableName=table.name, Key=key(table, "JOB#1", "JOB"))
    monkeypatch.setattr(Item, "__init__", emulator.moto_item_init)
    sized.clear()
    assert put() == ours
    assert ours_sized * 10 < len(sized)
    assert ("Code" in ours) == (size > 405_000)  # refused just over the limit, kept just under


@pytest.mark.parametrize("value", [{"S": 1}, {"S": "a", "N": "1"}, {"Q": "a"}, {}, {"SS": ["a", 2]},
                                   {"M": {"k": {"BOOL": "yes"}}}, {"L": [{"NULL": True}, {"N": 3}]}, "a"])
def test_a_request_s_attribute_values_are_refused_as_botocore_refuses_them(value):
    """botocore's checks of a request's attribute values pass a map in wire form without its walk; whatever is
    not in wire form is walked, and refused with botocore's own words."""
    from botocore.validate import ParamValidator

    emulator.attribute_values_as_they_are()
    client = boto3.client("dynamodb", endpoint_url="http://127.0.0.1:9")  # (never called)
    good = {"pk": {"S": "a"}, "m": {"M": {"l": {"L": [{"N": "1"}, {"BOOL": False}, {"SS": ["x"]}]}}}}

    def refusal(item):
        report = ParamValidator().validate({"TableName": "t", "Item": item},
                                           client.meta.service_model.operation_model("PutItem").input_shape)
        return report.generate_report() if report.has_errors() else None
    walked = []
    with pytest.MonkeyPatch.context() as patch:
        real = ParamValidator._validate_structure
        patch.setattr(ParamValidator, "_validate_structure", lambda self, params, shape, *a: walked.append(
            shape.name) or real(self, params, shape, *a))
        assert refusal(good) is None and "AttributeValue" not in walked  # in wire form: not walked
        ours = [refusal({**good, "bad": value}), refusal({1: {"S": "a"}})]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ParamValidator, "_validate_map", emulator.botocore_validate_map)
        assert [refusal({**good, "bad": value}), refusal({1: {"S": "a"}})] == ours
    assert ours[1]  # (botocore takes {} and two members as they are: so does the emulator)


UPDATES = [
    "SET a = :s, #n = :n ADD c :one REMOVE gone",
    "SET l = list_append(if_not_exists(l, :empty), :l), n2 = n2 + :one",
    "SET m.x = :s, m.y[0] = :n DELETE ss :ss",
    "ADD ns :ns SET s2 = if_not_exists(s2, :s)",
    "SET a = :s, a = :n",  # two actions on one path
    "SET m = :s, m.x = :n",  # overlapping paths
    "SET pk = :s",  # a key attribute
    "ADD a :one",  # a number added to a string
    "SET missing.deep = :s",  # a path that does not exist
    "SET n2 = n2 - :s",  # arithmetic on a string
    "SET #n = :undefined",
]


@pytest.mark.parametrize("expression", UPDATES)
def test_an_update_s_traversals_decide_and_write_as_moto_s_own(aws, expression):
    """The ten walks of an update's tree (validation, execution) asking once per node class whether to process
    a node: the same item, or the same refusal, as moto's walks."""
    from botocore.exceptions import ClientError
    from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser

    table = make_table("walks", True)
    client = boto3.client("dynamodb")
    start = {**key(table, "JOB#1", "JOB"), "a": {"S": "x"}, "c": {"N": "1"}, "gone": {"S": "g"}, "n2": {"N": "5"},
             "l": {"L": [{"N": "1"}]}, "m": {"M": {"y": {"L": [{"N": "0"}]}}}, "ss": {"SS": ["p", "q"]},
             "ns": {"NS": ["1"]}}
    values = {":s": {"S": "v"}, ":n": {"N": "7"}, ":one": {"N": "1"}, ":empty": {"L": []}, ":l": {"L": [{"S": "z"}]},
              ":ss": {"SS": ["p"]}, ":ns": {"NS": ["2"]}}

    def update():
        client.put_item(TableName=table.name, Item=start)
        used = {k: v for k, v in values.items() if k in expression}
        try:
            client.update_item(TableName=table.name, Key=key(table, "JOB#1", "JOB"), UpdateExpression=expression,
                               **({"ExpressionAttributeValues": used} if used else {}),
                               **({"ExpressionAttributeNames": {"#n": "named"}} if "#n" in expression else {}))
        except ClientError as error:
            return error.response["Error"]
        return client.get_item(TableName=table.name, Key=key(table, "JOB#1", "JOB"))["Item"]
    emulator.traversals_ask_once()
    ours = update()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DepthFirstTraverser, "traverse_node_recursively", emulator.moto_traverse)
        assert update() == ours
    assert getattr(DepthFirstTraverser.traverse_node_recursively, "asks_once", False)
