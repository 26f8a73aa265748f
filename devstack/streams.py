"""Drive the stream handler from moto's emulated DynamoDB stream, the way Lambda does: records shaped
as Lambda delivers them, batches of up to 100 per shard, and ReportBatchItemFailures semantics (the
next delivery starts again at the first failed record)."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC

import boto3

Invoke = Callable[[dict], dict]
Trim = Callable[[str, str], int]  # (stream ARN, last sequence number handled) → records dropped
Read = Callable[[str, str, str | None], list[dict] | None]  # (stream ARN, shard, read after) → its records, as
# GetRecords answers them; None: not a shard it reads


def lambda_record(record: dict, stream_arn: str) -> dict:
    ddb = dict(record["dynamodb"])
    created = ddb.get("ApproximateCreationDateTime")
    if hasattr(created, "timestamp"):  # boto3 parses it (moto keeps it naive, in UTC); Lambda sends epoch seconds
        ddb["ApproximateCreationDateTime"] = int((created if created.tzinfo else created.replace(tzinfo=UTC))
                                                 .timestamp())
    return {"eventID": record["eventID"], "eventName": record["eventName"], "eventVersion": "1.1",
            "eventSource": "aws:dynamodb", "awsRegion": record["awsRegion"], "dynamodb": ddb,
            "eventSourceARN": stream_arn}


@dataclass
class StreamPump:
    table_name: str
    batch_size: int = 100
    checkpoints: dict[str, str] = field(default_factory=dict)  # shard → last sequence number handled
    trim: Trim | None = None  # the local stack drops what was handled, so the emulated stream stays short
    iterators: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # shard → (read after, iterator)
    shards: list[str] | None = None  # the stream's shards, described once (moto keeps one for a stream's life)
    read: Read | None = None  # and reads its emulator's shard in place of GetRecords: in AWS the poller's reads
    # are Lambda's work, not the function's, and through the API they were a sixteenth of a change's CPU

    def __post_init__(self):
        self.client = boto3.client("dynamodbstreams")
        self.stream_arn = boto3.client("dynamodb").describe_table(TableName=self.table_name)["Table"]["LatestStreamArn"]

    def pending(self) -> dict[str, list[dict]]:
        """Records after each shard's checkpoint, Lambda-shaped. Each shard is read where its last read ended
        when everything that read returned was handled (Lambda's poller goes on with NextShardIterator); a
        fresh iterator from the checkpoint otherwise (a failure, or checkpoints moved by hand)."""
        if self.shards is None:
            self.shards = [s["ShardId"] for s in
                           self.client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]]
        out = {}
        for shard_id in self.shards:
            after = self.checkpoints.get(shard_id)
            if self.read and (read := self.read(self.stream_arn, shard_id, after)) is not None:
                if read:
                    out[shard_id] = [lambda_record(r, self.stream_arn) for r in read]
                continue
            known = self.iterators.get(shard_id)
            if known and known[0] == after:
                iterator = known[1]
            else:
                iterator = self.client.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard_id,
                    **({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after} if after
                       else {"ShardIteratorType": "TRIM_HORIZON"}))["ShardIterator"]
            answer = self.client.get_records(ShardIterator=iterator, Limit=1000)
            records = [lambda_record(r, self.stream_arn) for r in answer["Records"]]
            if answer.get("NextShardIterator"):  # it reads on after the last record returned
                self.iterators[shard_id] = (records[-1]["dynamodb"]["SequenceNumber"] if records else after,
                                            answer["NextShardIterator"])
            else:  # a closed shard: its children are found by describing the stream again, as Lambda does
                self.iterators.pop(shard_id, None)
                self.shards = None
            if records:
                out[shard_id] = records
        return out

    def deliver(self, invoke: Invoke, pending: dict[str, list[dict]] | None = None) -> list[str]:
        """One pass: every pending record (read now, or the `pending` just read) offered once, in batches.
        Returns the failed event ids."""
        failed_ids = []
        for shard_id, records in (self.pending() if pending is None else pending).items():
            for start in range(0, len(records), self.batch_size):
                batch = records[start:start + self.batch_size]
                result = invoke({"Records": batch}) or {}
                failures = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
                if not failures:
                    self.checkpoints[shard_id] = batch[-1]["dynamodb"]["SequenceNumber"]
                    continue
                first = min(failures, key=int)
                handled = [r for r in batch if int(r["dynamodb"]["SequenceNumber"]) < int(first)]
                if handled:
                    self.checkpoints[shard_id] = handled[-1]["dynamodb"]["SequenceNumber"]
                failed_ids += [r["eventID"] for r in batch if r["dynamodb"]["SequenceNumber"] in failures]
                break  # Lambda retries this shard from the first failure
            if self.trim and shard_id in self.checkpoints:
                self.trim(self.stream_arn, self.checkpoints[shard_id])
        return failed_ids

    def drain(self, invoke: Invoke, attempts: int = 3) -> list[str]:
        """Deliver until nothing is pending; give up after `attempts` failing passes in a row and return
        the event ids still failing (Lambda would retry them later, then send them to the failure queue)."""
        failing_passes = 0
        while pending := self.pending():
            failed = self.deliver(invoke, pending)
            failing_passes = failing_passes + 1 if failed else 0
            if failing_passes >= attempts:
                return failed
        return []
