"""CPU of the local stack's DynamoDB item calls, by the wire (botocore's request and parse, moto's framework, in
the calling thread: devstack/loopback.py) and directly (devstack/direct.py), alternating in one run: a job change's
four kinds (a put of a 30-attribute item, a get, a Query of its partition, a two-item transaction), each round
on fresh partitions of five.

    .venv/bin/python bench/item_calls.py [rounds]      (default 5)
"""
import sys
import time

import botocore.client

import measure  # noqa: F401  (the environment every bench sets)


def main(rounds: int) -> None:
    import boto3
    from moto.server import ThreadedMotoServer

    from devstack import direct, emulator, loopback
    emulator.install()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    address = f"127.0.0.1:{moto._server.server_port}"
    loopback.serve_in_process(address)
    direct.answer_directly()
    answered_directly = botocore.client.BaseClient._make_api_call
    client = boto3.client("dynamodb", endpoint_url=f"http://{address}", region_name="us-east-1")
    client.create_table(
        TableName="calls", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    attributes = {f"a{i}": {"S": "x" * 20} for i in range(25)} | {"m": {"M": {"k": {"S": "v"}, "n": {"N": "3"}}}}

    def change(i: int) -> None:
        pk, sk = {"S": f"ORG#bench#JOB#{i // 5}"}, {"S": f"APPT#{i}"}
        client.put_item(TableName="calls", Item={"pk": pk, "sk": sk, "version": {"N": "1"}, **attributes})
        client.get_item(TableName="calls", Key={"pk": pk, "sk": sk})
        client.query(TableName="calls", KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                     ExpressionAttributeValues={":p": pk, ":s": {"S": "APPT#"}})
        client.transact_write_items(TransactItems=[
            {"Update": {"TableName": "calls", "Key": {"pk": pk, "sk": sk}, "ConditionExpression": "version = :v",
                        "UpdateExpression": "SET version = :n, a1 = :a",
                        "ExpressionAttributeValues": {":v": {"N": "1"}, ":n": {"N": "2"}, ":a": {"S": "y"}}}},
            {"Put": {"TableName": "calls", "Item": {"pk": pk, "sk": {"S": f"TALLY#{i}"}, **attributes}}}])

    n, per = 0, 200
    for i in range(50):  # warm: every first-call cache of botocore and moto filled, both ways
        botocore.client.BaseClient._make_api_call = (direct.botocore_make_api_call, answered_directly)[i % 2]
        change(n)
        n += 1
    spent: dict[str, list[float]] = {"by the wire": [], "directly": []}
    try:
        for _ in range(rounds):
            for way, call in (("by the wire", direct.botocore_make_api_call), ("directly", answered_directly)):
                botocore.client.BaseClient._make_api_call = call
                began = time.process_time()
                for _ in range(per):
                    change(n)
                    n += 1
                spent[way].append((time.process_time() - began) / per / 4 * 1e6)
    finally:
        botocore.client.BaseClient._make_api_call = answered_directly
        moto.stop()
    for way, times in spent.items():
        print(f"{way:>12}: " + " / ".join(f"{t:,.0f}" for t in times) + " µs CPU a call (mean of the four kinds)")
    wire, mine = sorted(spent["by the wire"]), sorted(spent["directly"])
    print(f"directly / by the wire, medians: {mine[len(mine) // 2] / wire[len(wire) // 2]:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
