"""The local stack's own AWS calls reach its moto server without a socket (devstack/loopback.py), and get the
answers the socket gives: the same server, asked both ways, answers alike."""
import boto3
import pytest
from moto.server import ThreadedMotoServer
from urllib3.connectionpool import HTTPConnectionPool

from devstack import loopback


@pytest.fixture
def server():
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    port = moto._server.server_port
    loopback.serve_in_process(f"127.0.0.1:{port}", moto._server.app)
    yield port
    loopback.stop_serving(f"127.0.0.1:{port}")
    moto.stop()


def clients(port: int, service: str):
    """The same server in process (127.0.0.1) and over the socket (localhost, not registered)."""
    return [boto3.client(service, endpoint_url=f"http://{host}:{port}", region_name="us-east-1")
            for host in ("127.0.0.1", "localhost")]


def without_metadata(answer: dict) -> dict:
    answer.pop("ResponseMetadata", None)
    return answer


def test_calls_skip_the_socket_and_answer_as_over_it(server, monkeypatch):
    sent = []  # the requests that went through a socket
    real = HTTPConnectionPool.urlopen
    monkeypatch.setattr(HTTPConnectionPool, "urlopen", lambda self, method, url, *a, **kw: sent.append(url) or
                        real(self, method, url, *a, **kw))
    ddb, ddb_socket = clients(server, "dynamodb")
    ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    ddb.put_item(TableName="t", Item={"pk": {"S": "é/1"}, "n": {"N": "1.50"}, "b": {"B": b"\x00\xff"}})
    assert sent == []  # none of it went through a socket
    for ask in (lambda c: c.get_item(TableName="t", Key={"pk": {"S": "é/1"}}),
                lambda c: c.scan(TableName="t"), lambda c: c.describe_table(TableName="t")["Table"]["ItemCount"]):
        mine, theirs = ask(ddb), ask(ddb_socket)
        assert (without_metadata(mine) if isinstance(mine, dict) else mine) == \
            (without_metadata(theirs) if isinstance(theirs, dict) else theirs)
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):  # an error answer, status and code
        ddb.put_item(TableName="t", Item={"pk": {"S": "é/1"}}, ConditionExpression="attribute_not_exists(pk)")

    sqs, _ = clients(server, "sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody='{"a": "ü"}')
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ['{"a": "ü"}']

    s3, s3_socket = clients(server, "s3")
    s3.create_bucket(Bucket="photos")
    s3.put_object(Bucket="photos", Key="a photo/1.jpg", Body=b"\x89 bytes", Metadata={"taken_by": "ana", "job": "1"})
    sent_before = len(sent)
    theirs = s3_socket.get_object(Bucket="photos", Key="a photo/1.jpg")
    assert len(sent) == sent_before + 1  # another address: the socket, as before
    mine = s3.get_object(Bucket="photos", Key="a photo/1.jpg")
    assert (mine["Body"].read(), mine["Metadata"]) == (theirs["Body"].read(), theirs["Metadata"]) == \
        (b"\x89 bytes", {"taken_by": "ana", "job": "1"})
