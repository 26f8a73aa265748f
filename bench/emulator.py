"""The emulator as data grows: CPU per 2-item transaction (the job and one appointment, each conditioned on
its version, as every job change writes), per Query of one job's partition and per Query of one index
partition (a day of the due index: gsi3, 100 items a partition), at 100 / 1,000 / 10,000 items in the
table, stream enabled.

    .venv/bin/python bench/emulator.py [sizes…]      (default 100 1000 10000)
"""
import os
import sys
import time

import boto3

from measure import aws


def fill(client, table: str, upto: int, have: int) -> int:
    """Items in partitions of ten, like jobs with their appointments, texts and timers."""
    for start in range(have, upto, 25):
        batch = [{"PutRequest": {"Item": {"pk": {"S": f"ORG#bench#JOB#{i // 10}"}, "sk": {"S": f"ITEM#{i % 10}"},
                                          "gsi3pk": {"S": f"DUE#{i // 100}"}, "gsi3sk": {"S": f"{i:08d}"},
                                          "note": {"S": "x" * 200}, "version": {"N": "1"}}}}
                 for i in range(start, min(start + 25, upto))]
        client.batch_write_item(RequestItems={table: batch})
    return upto


def job(client, table: str, n: int) -> dict:
    key = {"pk": {"S": f"ORG#bench#TX#{n}"}, "sk": {"S": "JOB"}}
    client.put_item(TableName=table, Item={**key, "version": {"N": "1"}})
    return key


def transaction(client, table: str, job: dict) -> None:
    client.transact_write_items(TransactItems=[
        {"Update": {"TableName": table, "Key": job, "UpdateExpression": "SET version = :next",
                    "ConditionExpression": "version = :seen",
                    "ExpressionAttributeValues": {":seen": {"N": "1"}, ":next": {"N": "2"}}}},
        {"Put": {"TableName": table, "Item": {"pk": job["pk"], "sk": {"S": "APPT#1"}, "version": {"N": "1"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}}])


def main(sizes: list[int]) -> None:
    table = os.environ["TABLE_NAME"]
    with aws():
        client, have, n, cpu = boto3.client("dynamodb"), 0, 0, {}
        for size in sizes:
            have = fill(client, table, size, have)
            spent, count = 0.0, 0
            while count < 3 or (spent < 2.0 and count < 200):
                key = job(client, table, n)
                began = time.process_time()
                transaction(client, table, key)
                spent += time.process_time() - began
                count, n = count + 1, n + 1
            cpu[size] = spent / count
            began = time.process_time()
            for _ in range(20):
                client.query(TableName=table, KeyConditionExpression="pk = :pk",
                             ExpressionAttributeValues={":pk": {"S": "ORG#bench#JOB#3"}})
            query = (time.process_time() - began) / 20
            began = time.process_time()
            for _ in range(20):
                found = client.query(TableName=table, IndexName="gsi3", KeyConditionExpression="gsi3pk = :pk",
                                     ExpressionAttributeValues={":pk": {"S": "DUE#0"}})
            assert found["Count"] == 100, found["Count"]
            index = (time.process_time() - began) / 20
            print(f"{size:>6} items: {cpu[size] * 1000:8.2f} ms CPU per 2-item transaction (mean of {count}), "
                  f"{query * 1000:6.2f} ms per Query of a partition, {index * 1000:7.2f} ms of an index partition",
                  flush=True)
        print(f"largest / smallest: {cpu[sizes[-1]] / cpu[sizes[0]]:.1f}x")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 10000])
