"""The local stack's own AWS calls reach moto's backends without a socket, a signature or the server's WSGI app
(devstack/loopback.py), and get the answers the socket gives: the same server, asked both ways, answers alike."""
import boto3
import botocore.signers
import pytest
from botocore.awsrequest import HeadersDict
from moto.core.request import Request
from moto.server import ThreadedMotoServer
from urllib3.connectionpool import HTTPConnectionPool

from devstack import loopback


@pytest.fixture
def server():
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    port = moto._server.server_port
    loopback.serve_in_process(f"127.0.0.1:{port}")
    yield moto
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
    sent, signed, served = [], [], []  # the requests that went through a socket, were signed, reached the app
    real = HTTPConnectionPool.urlopen
    monkeypatch.setattr(HTTPConnectionPool, "urlopen", lambda self, method, url, *a, **kw: sent.append(url) or
                        real(self, method, url, *a, **kw))
    sign = botocore.signers.RequestSigner.sign
    monkeypatch.setattr(botocore.signers.RequestSigner, "sign", lambda self, operation, request, *a, **kw:
                        signed.append(operation) or sign(self, operation, request, *a, **kw))
    app = server._server.app
    monkeypatch.setattr(server._server, "app", lambda environ, start: served.append(environ["PATH_INFO"]) or
                        app(environ, start))
    port = server._server.server_port
    ddb, ddb_socket = clients(port, "dynamodb")
    ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    ddb.put_item(TableName="t", Item={"pk": {"S": "é/1"}, "n": {"N": "1.50"}, "b": {"B": b"\x00\xff"}})
    assert sent == signed == served == []  # none of it went through a socket, was signed or reached the app
    for ask in (lambda c: c.get_item(TableName="t", Key={"pk": {"S": "é/1"}}),
                lambda c: c.scan(TableName="t"), lambda c: c.describe_table(TableName="t")["Table"]["ItemCount"]):
        mine, theirs = ask(ddb), ask(ddb_socket)
        assert (without_metadata(mine) if isinstance(mine, dict) else mine) == \
            (without_metadata(theirs) if isinstance(theirs, dict) else theirs)
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):  # an error answer, status and code
        ddb.put_item(TableName="t", Item={"pk": {"S": "é/1"}}, ConditionExpression="attribute_not_exists(pk)")

    sent.clear(), signed.clear(), served.clear()  # (the socket's client above went through all three)
    sqs, _ = clients(port, "sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody='{"a": "ü"}')
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ['{"a": "ü"}']

    sns, _ = clients(port, "sns")  # the query protocol: a form, not JSON
    topic = sns.create_topic(Name="texts")["TopicArn"]
    assert topic in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    assert sns.publish(PhoneNumber="+17205550100", Message="on the way: ü")["MessageId"]
    assert sent == signed == served == []

    s3, s3_socket = clients(port, "s3")
    s3.create_bucket(Bucket="photos")
    s3.put_object(Bucket="photos", Key="a photo/1.jpg", Body=b"\x89 bytes", Metadata={"taken_by": "ana", "job": "1"})
    sent_before = len(sent)
    theirs = s3_socket.get_object(Bucket="photos", Key="a photo/1.jpg")
    assert len(sent) == sent_before + 1  # another address: the socket, as before
    mine = s3.get_object(Bucket="photos", Key="a photo/1.jpg")
    assert (mine["Body"].read(), mine["Metadata"]) == (theirs["Body"].read(), theirs["Metadata"]) == \
        (b"\x89 bytes", {"taken_by": "ana", "job": "1"})


@pytest.mark.parametrize("headers, body", [
    ({"X-Amz-Target": "DynamoDB_20120810.GetItem", "Content-Type": "application/x-amz-json-1.0",
      "User-Agent": "Boto3/1 md/Botocore#1", "Content-Length": "41"}, b'{"TableName": "t", "Key": {"pk": {"S": "\xc3\xa9"}}}'),
    ({"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "X-Amz-Meta-Taken_By": "ana",
      "Accept": "a", "accept": "b"}, "Action=Publish&Message=%C3%BC"),
    ({"Content-Type": b"application/x-amz-json-1.0", "Transfer-Encoding": "chunked"}, None),
])
def test_a_post_is_built_into_the_environ_moto_builds_through_werkzeug(headers, body):
    theirs = Request.from_primitives("POST", "https://dynamodb.us-west-2.amazonaws.com/", HeadersDict(headers),
                                     body).environ
    mine = Request(loopback.environ("dynamodb.us-west-2.amazonaws.com", HeadersDict(headers), body)).environ
    assert mine.pop("werkzeug.request").data == theirs.pop("werkzeug.request").data  # the body, read from wsgi.input
    mine.pop("wsgi.input"), theirs.pop("wsgi.input")
    assert mine == theirs
