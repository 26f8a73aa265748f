"""Analytics counters, kept by the stream handler: per organization, per local day, and per day and
dimension value (channel, location, technician). Read by key range, never by scanning messages.

A counted fact writes a mark (`ORG#o#JOB#j#TALLY`, sk = the fact's key) and its increments (ADD) in one
transaction; the mark's condition makes a replayed stream record count nothing. Marks expire after
MARK_DAYS (the table's TTL): a stream record is redelivered for at most a day, and a reply or a
confirmation credited to the text that asked for it comes within weeks.

The counters of one organization are one item per day and dimension value: every text's statuses add
to the same few items all day, more than one partition takes at a national operator's peak
(bench/capacity). So each dimension is written over TALLY_SHARDS partitions (`...#TALLY#{dimension}`
for shard 0, as before sharding, then `#1`, `#2`...), chosen by the fact's mark, and a report reads
every shard and adds them up: one Query per shard and dimension."""
import zlib
from datetime import date, datetime, timedelta

from botocore.exceptions import ClientError
from pynamodb.attributes import NumberAttribute

from ..config import environment
from ..domain.analytics import Where
from . import keys
from .db import plain
from .models import Entity, bind

DIMENSIONS = ("day", "channel", "location", "technician")
MARK_DAYS = 90


class TallyItem(Entity, discriminator="tally"):
    """One day's counters (of one dimension value): one numeric attribute per metric, named by it."""


class TallyMarkItem(Entity, discriminator="tally_mark"):
    """A fact already counted; an `asked:` mark keeps where it was counted, for the replies it gets."""
    expires_at = NumberAttribute()


def counters_pk(org_id: str, dimension: str, shard: int = 0) -> str:
    return f"{keys.org(org_id)}#TALLY#{dimension}" + (f"#{shard}" if shard else "")


def _shard(mark: str) -> int:
    return zlib.crc32(mark.encode()) % environment().tally_shards


def marks_pk(org_id: str, job_id: str) -> str:
    return f"{keys.job(org_id, job_id)}#TALLY"


def _client():
    return bind()._get_connection().connection.client


def count(org_id: str, job_id: str, mark: str, where: Where, counts: dict[str, int], at: datetime,
          keep_where: bool = False) -> bool:
    """Add `counts` to the day and dimension counters unless `mark` was counted before (then False)."""
    table = bind().Meta.table_name
    mark_item = {"pk": {"S": marks_pk(org_id, job_id)}, "sk": {"S": mark}, "kind": {"S": "tally_mark"},
                 "expires_at": {"N": str(int((at + timedelta(days=MARK_DAYS)).timestamp()))}}
    if keep_where:
        mark_item.update({f: {"S": getattr(where, f)} for f in ("day", "channel", "location", "technician")})
    names = {"#kind": "kind", **{f"#m{i}": name for i, name in enumerate(counts)}}
    values = {":kind": {"S": "tally"}, **{f":m{i}": {"N": str(int(v))} for i, v in enumerate(counts.values())}}
    update = "SET #kind = :kind ADD " + ", ".join(f"#m{i} :m{i}" for i in range(len(counts)))
    items = [{"Put": {"TableName": table, "Item": mark_item, "ConditionExpression": "attribute_not_exists(pk)"}}]
    shard = _shard(f"{job_id}#{mark}")
    for dimension, sk in where.sort_keys().items():
        items.append({"Update": {"TableName": table, "Key": {"pk": {"S": counters_pk(org_id, dimension, shard)},
                                                             "sk": {"S": sk}},
                                 "UpdateExpression": update, "ExpressionAttributeNames": names,
                                 "ExpressionAttributeValues": values}})
    try:
        _client().transact_write_items(TransactItems=items)
    except ClientError as error:
        reasons = error.response.get("CancellationReasons") or [{}]
        if error.response["Error"]["Code"] == "TransactionCanceledException" and \
                reasons[0].get("Code") == "ConditionalCheckFailed":
            return False  # counted before: a replayed record
        raise  # a conflict or a throttle: the record is retried, and counts then
    return True


def marks(org_id: str, job_id: str) -> dict[str, Where | None]:
    """The job's facts counted so far (one Query); an `asked:` mark with where it was counted."""
    client, out, start = _client(), {}, None
    while True:
        answer = client.query(TableName=bind().Meta.table_name, ConsistentRead=True,
                              KeyConditionExpression="pk = :pk",
                              ExpressionAttributeValues={":pk": {"S": marks_pk(org_id, job_id)}},
                              **({"ExclusiveStartKey": start} if start else {}))
        for raw in answer.get("Items", []):
            m = plain(raw)
            out[m["sk"]] = Where(m["day"], m["channel"], m["location"], m["technician"]) if "day" in m else None
        start = answer.get("LastEvaluatedKey")
        if not start:
            return out


def job_context(org_id: str, job_id: str, appointment_id: str | None = None) -> tuple[str | None, dict | None,
                                                                                  list[dict]]:
    """The organization's time zone, and the job and its appointments as stored (attributes that
    another branch adds, such as `channel`, are read as they are, if present). With `appointment_id`, that
    appointment alone: the three items in one BatchGetItem, not a GetItem and a Query."""
    if appointment_id:
        return _visit_context(org_id, job_id, appointment_id)
    client, table = _client(), bind().Meta.table_name
    profile = client.get_item(TableName=table, Key={"pk": {"S": keys.org(org_id)}, "sk": {"S": "PROFILE"}},
                              ProjectionExpression="time_zone").get("Item")
    answer = client.query(
        TableName=table, ConsistentRead=True, KeyConditionExpression="pk = :pk AND sk BETWEEN :a AND :j",
        ExpressionAttributeValues={":pk": {"S": keys.job(org_id, job_id)}, ":a": {"S": keys.APPOINTMENT_SK_PREFIX},
                                   ":j": {"S": keys.JOB_SK}})
    items = [plain(i) for i in answer.get("Items", [])]
    job = next((i for i in items if i.get("sk") == keys.JOB_SK), None)
    return (plain(profile).get("time_zone") if profile else None), job, [i for i in items if i is not job]


def _visit_context(org_id: str, job_id: str, appointment_id: str) -> tuple[str | None, dict | None, list[dict]]:
    client, table = _client(), bind().Meta.table_name
    profile, job = (keys.org(org_id), "PROFILE"), (keys.job(org_id, job_id), keys.JOB_SK)
    wanted = [{"pk": {"S": pk}, "sk": {"S": sk}}
              for pk, sk in (profile, job, (job[0], keys.APPOINTMENT_SK_PREFIX + appointment_id))]
    found: dict[tuple[str, str], dict] = {}
    while wanted:  # what a throttled partition left unread is asked for again
        answer = client.batch_get_item(RequestItems={table: {"Keys": wanted, "ConsistentRead": True}})
        found.update({(i["pk"], i["sk"]): i for i in map(plain, answer["Responses"].get(table, []))})
        wanted = answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
    org, stored = found.pop(profile, None), found.pop(job, None)
    return (org or {}).get("time_zone"), stored, list(found.values())


def read(org_id: str, dimension: str, first: date, last: date) -> list[tuple[str, dict[str, int]]]:
    """Counter items of `dimension` from day `first` to day `last`: (sort key, {metric: n}), by key, each
    the sum of its shards."""
    merged: dict[str, dict[str, int]] = {}
    for shard in range(environment().tally_shards):
        for sk, counts in _read_shard(counters_pk(org_id, dimension, shard), first, last):
            total = merged.setdefault(sk, {})
            for metric, n in counts.items():
                total[metric] = total.get(metric, 0) + n
    return sorted(merged.items())


def _read_shard(pk: str, first: date, last: date) -> list[tuple[str, dict[str, int]]]:
    client, out, start = _client(), [], None
    while True:
        answer = client.query(
            TableName=bind().Meta.table_name, KeyConditionExpression="pk = :pk AND sk BETWEEN :a AND :b",
            ExpressionAttributeValues={":pk": {"S": pk},
                                       ":a": {"S": first.isoformat()}, ":b": {"S": last.isoformat() + "#\uffff"}},
            **({"ExclusiveStartKey": start} if start else {}))
        for raw in answer.get("Items", []):
            item = plain(raw)
            sk = item.pop("sk")
            out.append((sk, {k: int(v) for k, v in item.items() if k not in ("pk", "kind")}))
        start = answer.get("LastEvaluatedKey")
        if not start:
            return out


class Tallies:
    """The counters as the services reach them (services/ports.Tallies)."""
    marks = staticmethod(marks)
    job_context = staticmethod(job_context)
    count = staticmethod(count)
    read = staticmethod(read)
