"""Make moto's DynamoDB as atomic as DynamoDB itself, and keep it fast as the table grows.

moto checks a write's condition and applies it without a lock, so two threads (the threaded local
server, or a race test) can both pass the same `version = N` condition, which real DynamoDB never
allows. Serializing moto's writes restores the guarantee that conditional writes rely on.

moto's `transact_write_items` deep-copies every table it names, stream records included, once per item,
to roll back a canceled transaction: seconds of CPU per transaction at 10,000 items, all of it under
the lock. `transactions_save_only_what_they_touch` keeps moto's own transaction code and swaps that
copy for a snapshot of the items the transaction names (and each stream's length), put back on failure.

moto answers every Query (of the table or an index) and Scan by sorting every item of the table first,
then comparing each one's key: `queries_read_one_partition` hands a Query only the items of the partition it
names (the table's own, or an index partition kept up to date by every write), as DynamoDB reads them, and
`reads_reuse_the_sorted_table` keeps the sorted table for Scans until an item is added, replaced or removed.

moto writes every answer by walking the service's shapes, one attribute value at a time: most of the
local stack's time once items are many (a stream read of a hundred images). `attribute_values_as_they_are`
passes an attribute value that is already in its wire form straight into the JSON answer; it reads one the same
way: moto's JSON parser walks the shapes of every request's attribute values too, and gives back an equal value.
botocore does the same on the client's side, reading every answer and writing every request: those walks are
skipped the same way (a value with binary inside is walked, on both sides).

moto's SQS rebuilds a queue's whole attribute map for every message a ReceiveMessage looks at, to read its
retention period: `queues_read_their_retention_once` reads the one attribute (a backlog of a thousand texts
made each receive take a second of CPU). It also counts a queue's messages for every SendMessage (the whole attribute
map again, to read whether the queue deduplicates by content), asking the clock twice per message:
`queues_count_their_messages_once` reads the clock once a count, the same counts.

moto parses a request's condition or filter expression anew for every request, re-reading the names
and values it names: PynamoDB's filter on the kind of item (`cls IN (:3, …, :48)`, one placeholder per model)
rides on most of the app's queries. `expressions_parse_once` keeps each parse by the expression and
what it reads (its names and the values it names): the same tree moto would build. An update expression
is parsed three times per write, and its tree deep-copied by the generic protocol: each is parsed once,
and its tree copied node by node.

moto and botocore still walk an item by its map's shape, attribute by attribute, to reach each value: an item
whose every value is in wire form passes whole (`attribute_maps_as_they_are`), and moto's handler turns its result
into dicts asking each value's exact type once (`results_as_dicts`); botocore's checks of a request pass such an
item without its walk too. moto's Item sized the whole item again at every attribute it took (`_item_sized_once`:
a running total, the same ItemSizeTooLarge). An update's tree is walked by ten traversers, each asking the ABC
machinery at every node whether to process it (`traversals_ask_once`: once per traverser class and node class). A Query
with a sort key condition hands moto only the items of its key range: moto sized every item of the partition (and
each it kept twice) before comparing its sort key.

Every answer's request id was 52 calls of moto's random source (`request_ids_drawn_at_once`: one), and every
request's User-Agent was built anew, each of its twenty parts sanitized (`user_agents_built_once`: per client and
features).

moto's server finds the backend of every request by listing its own package directory and asking the disk
whether each of its hundreds of entries is a folder, under the one lock every request takes:
`the_server_lists_its_services_once` lists them once (the installed moto does not change while it runs).

moto's response handlers list their own class's methods (`inspect.getmembers`) for every request, to find the
action's: `responses_list_their_methods_once` lists each class once (a class's methods do not change while
moto runs).

Every write to the table also sets `WRITTEN`, so the local stack's driver wakes on a write instead of
polling; a message sent to a queue or made visible again sets `QUEUED` (and wakes the driver) and names its
queue in `QUEUED_TO`: the driver runs the text drainer then, not at every beat."""
import copy
import functools
import itertools
import json
import re
import string
import threading

import botocore.parsers
import botocore.serialize
from botocore.context import get_context
from botocore.useragent import UserAgentString
from botocore.validate import ParamValidator
from moto.core.parse import BaseJSONParser
from moto.core.serialize import BaseJSONSerializer
from moto.core.utils import unix_time
from moto.dynamodb import comparisons
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb import responses as dynamodb_responses
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models import table as table_models
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import Table
from moto.dynamodb.models.utilities import bytesize, dynamo_to_dict
from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser, Node
from moto.dynamodb.parsing.expressions import UpdateExpressionParser
from moto.dynamodb.responses import DynamoHandler
from moto.sqs import models as sqs_models
from moto.sqs.models import Queue, SQSBackend

_lock = threading.RLock()
WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
WRITTEN = threading.Event()
QUEUED = threading.Event()
QUEUED_TO: set[str] = set()  # the queues rung since the driver last looked, by name
moto_transact_write_items = DynamoDBBackend.transact_write_items  # moto's own, kept for comparison


def install() -> None:
    """Every patch below, once per process (each is idempotent)."""
    serialize_dynamodb_writes()
    queues_read_their_retention_once()
    queues_count_their_messages_once()
    queues_ring_the_driver()
    the_server_lists_its_services_once()
    responses_list_their_methods_once()
    request_ids_drawn_at_once()
    user_agents_built_once()
    traversals_ask_once()


def serialize_dynamodb_writes() -> None:
    transactions_save_only_what_they_touch()  # first, so the lock wraps the snapshot too
    reads_reuse_the_sorted_table()
    queries_read_one_partition()  # after the snapshot: a canceled transaction's restore is re-indexed too
    attribute_values_as_they_are()
    items_sized_once()
    expressions_parse_once()
    targets = [(DynamoDBBackend, name) for name in WRITES]
    # moto applies a BatchWriteItem in its response handler, one put or delete at a time: the whole batch
    # joins the lock, so no transaction runs halfway through it.
    targets.append((DynamoHandler, "batch_write_item"))
    for owner, name in targets:
        method = getattr(owner, name)
        if getattr(method, "serialized", False):
            continue

        def serialized(self, *args, _method=method, **kwargs):
            with _lock:
                try:
                    return _method(self, *args, **kwargs)
                finally:
                    WRITTEN.set()
        serialized.serialized = True
        setattr(owner, name, functools.wraps(method)(serialized))


# ---- transactions that save only what they touch ----

_in_transaction = threading.local()


class _CopyForMoto:
    """The `copy` module as moto's DynamoDB models see it: inside a patched transaction, the "copy" of a
    table taken for rollback is the table itself (so moto's own restore changes nothing); every other
    copy (an item's old image, backups) is a real one."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        if isinstance(value, Table) and getattr(_in_transaction, "active", False):
            return value
        return copy.deepcopy(value, memo)


class _Snapshot:
    """What a transaction can change, saved before it runs: a copy of each item it names (None where there
    is none) and the length of each table's stream. (moto sorts whatever it reads, so where a restored item
    sits in its dict is not observable.)"""

    def __init__(self, backend: DynamoDBBackend, transact_items: list[dict]):
        self.tables: dict[int, Table] = {}
        self.streams: list[tuple[Table, list, int]] = []
        self.items: dict[tuple[int, DynamoType, DynamoType | None], object] = {}
        for entry in transact_items:
            for kind, op in entry.items():
                try:
                    table = backend.get_table(op["TableName"])
                    key = op["Item"] if kind == "Put" else op["Key"]
                    hash_key = DynamoType(key[table.hash_key_attr])
                    range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
                except Exception:  # noqa: BLE001  a malformed operation: moto refuses it before writing
                    continue
                if id(table) not in self.tables:
                    self.tables[id(table)] = table
                    if table.stream_shard is not None:
                        self.streams.append((table, table.stream_shard.items, len(table.stream_shard.items)))
                stored = table.items.get(hash_key)  # not table.get_item: that adds an empty partition
                if range_key is not None:
                    stored = (stored or {}).get(range_key)
                self.items.setdefault((id(table), hash_key, range_key), copy.deepcopy(stored))

    def restore(self) -> None:
        for table in self.tables.values():
            _changed(table)
        for table, records, length in self.streams:
            del records[length:]
            table.stream_shard.items = records
        for (table_id, hash_key, range_key), original in self.items.items():
            table = self.tables[table_id]
            if range_key is None and original is None:
                table.items.pop(hash_key, None)
            elif range_key is None:
                table.items[hash_key] = original
            elif original is not None:
                table.items[hash_key][range_key] = original
            elif (partition := table.items.get(hash_key)) is not None:
                partition.pop(range_key, None)
                if not partition:
                    del table.items[hash_key]


def transactions_save_only_what_they_touch() -> None:
    if getattr(DynamoDBBackend.transact_write_items, "snapshots", False):
        return
    dynamodb_models.copy = _CopyForMoto()

    @functools.wraps(moto_transact_write_items)
    def transact_write_items(self, transact_items):
        snapshot = _Snapshot(self, transact_items)
        _in_transaction.active = True
        try:
            return moto_transact_write_items(self, transact_items)
        except BaseException:
            snapshot.restore()
            raise
        finally:
            _in_transaction.active = False
    transact_write_items.snapshots = True
    DynamoDBBackend.transact_write_items = transact_write_items


# ---- reads that reuse the sorted table ----

_versions = itertools.count(1)
moto_all_items = Table.all_items


def _changed(table: Table) -> None:
    table.emulator_version = next(_versions)  # atomic in CPython: writers need no lock of their own


def _noting_changes(method):
    @functools.wraps(method)
    def changing(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            _changed(self)
    return changing


def reads_reuse_the_sorted_table() -> None:
    """Every change that adds, replaces or removes an item goes through Table.put_item / delete_item (or a
    transaction's restore); an update changes its item in place, which the sorted list holds."""
    if getattr(Table.all_items, "reuses", False):
        return
    for name in ("put_item", "delete_item"):
        setattr(Table, name, _noting_changes(getattr(Table, name)))

    @functools.wraps(moto_all_items)
    def all_items(self):
        narrowed = getattr(_querying, "partition", None)
        if narrowed is not None and narrowed[0] is self:  # a Query: only its partition (moto sorts it)
            return list(narrowed[1])
        version = getattr(self, "emulator_version", 0)
        seen, items = getattr(self, "emulator_sorted", (None, None))
        if seen != version:
            # Read the version first: a change made while sorting leaves a list that is never reused.
            items = moto_all_items(self)
            self.emulator_sorted = (version, items)
        return list(items)  # callers may sort or trim their copy
    all_items.reuses = True
    Table.all_items = all_items


# ---- queries that read one partition ----

_querying = threading.local()
moto_query = Table.query
_QUERY_ARGS = {"consistent_read", "filter_expression", "range_key_conditions"}  # (the others: a legacy QueryFilter)


class _Partitions:
    """Each index partition's items of one table, by (hash attribute, value) → {item key: item}, and each
    item key's entries, so a write moves its item exactly: every write refreshes the keys it names."""

    def __init__(self, table: Table):
        self.attributes = {k["AttributeName"] for index in table.global_indexes or [] for k in index.schema
                           if k["KeyType"] == "HASH"} - {table.hash_key_attr}
        self.items: dict[tuple[str, DynamoType], dict] = {}
        self.entries: dict[tuple, list] = {}
        for stored in table.items.values():
            for item in stored.values() if table.range_key_attr else [stored]:
                self._enter((item.hash_key, item.range_key), item)

    def _enter(self, key: tuple, item) -> None:
        entries = []
        for name in self.attributes:
            value = item.attrs.get(name)
            if value is not None and value.type in ("S", "N", "B"):
                self.items.setdefault((name, value), {})[key] = item
                entries.append((name, value))
        if entries:
            self.entries[key] = entries

    def refresh(self, table: Table, hash_key: DynamoType, range_key: DynamoType | None) -> None:
        key = (hash_key, range_key)
        for entry in self.entries.pop(key, ()):
            self.items[entry].pop(key, None)
        item = table.items.get(hash_key)  # not table.get_item: that adds an empty partition
        if range_key is not None:
            item = (item or {}).get(range_key)
        if item is not None:
            self._enter(key, item)


def _partition(table: Table, index_name: str | None, hash_key, conditions) -> list | None:
    """The items a Query may return, or None where this cannot tell (moto then reads the whole table)."""
    if index_name:
        if not conditions or len(conditions) != 1:
            return None
        name, hash_key = conditions[0]
        if name != table.hash_key_attr:  # a global index; a local one shares the table's partitions
            with _lock:
                if getattr(table, "emulator_partitions", None) is None:
                    table.emulator_partitions = _Partitions(table)
                if name not in table.emulator_partitions.attributes:
                    return None
                return list(table.emulator_partitions.items.get((name, hash_key), {}).values())
    if hash_key is None:
        return None
    with _lock:
        stored = table.items.get(hash_key)
        if stored is None:
            return []
        return list(stored.values()) if table.range_key_attr else [stored]


def _refreshing(method, keys_of):
    """After a write (or its rollback), the index partitions of every key it names are as the table is."""
    @functools.wraps(method)
    def refreshing(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            for table, hash_key, range_key in keys_of(self, *args, **kwargs):
                if (partitions := getattr(table, "emulator_partitions", None)) is not None:
                    partitions.refresh(table, hash_key, range_key)
    return refreshing


def _key(table: Table, attributes: dict) -> tuple[DynamoType, DynamoType | None]:
    return (DynamoType(attributes[table.hash_key_attr]),
            DynamoType(attributes[table.range_key_attr]) if table.range_key_attr else None)


def _named(backend: DynamoDBBackend, table_name: str, attributes: dict):
    try:
        table = backend.get_table(table_name)
        return [(table, *_key(table, attributes))]
    except Exception:  # noqa: BLE001  a malformed write: moto refuses it, nothing to refresh
        return []


def _put_keys(table, item_attrs, *_, **__):
    try:
        return [(table, *_key(table, item_attrs))]
    except Exception:  # noqa: BLE001  an item without its key: moto refused it
        return []


def _transaction_keys(backend, transact_items, *_, **__):
    return [found for entry in transact_items for kind, op in entry.items()
            for found in _named(backend, op.get("TableName", ""), op.get("Item" if kind == "Put" else "Key") or {})]


def queries_read_one_partition() -> None:
    if getattr(Table.query, "partitioned", False):
        return
    Table.put_item = _refreshing(Table.put_item, _put_keys)
    Table.delete_item = _refreshing(Table.delete_item, lambda table, hash_key, range_key=None, *_, **__:
                                    [(table, hash_key, range_key)])
    DynamoDBBackend.update_item = _refreshing(DynamoDBBackend.update_item, lambda backend, table_name, key, *_, **__:
                                              _named(backend, table_name, key))
    DynamoDBBackend.transact_write_items = _refreshing(DynamoDBBackend.transact_write_items, _transaction_keys)

    @functools.wraps(moto_query)
    def query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
              projection_expressions, index_name=None, *args, hash_key_conditions=None, **kwargs):
        candidates = _partition(self, index_name, hash_key, hash_key_conditions)
        if candidates and range_comparison and not index_name and not limit and not set(kwargs) - _QUERY_ARGS:
            # moto sizes every item of the partition (twice each one it keeps) before comparing its sort key;
            # DynamoDB reads only the key range. (With a Limit, moto's LastEvaluatedKey depends on the items
            # after the range: left to moto.)
            candidates = [item for item in candidates if item.range_key.compare(range_comparison, range_objs)]
        _querying.partition = None if candidates is None else (self, candidates)
        try:
            return moto_query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                              scan_index_forward, projection_expressions, index_name, *args,
                              hash_key_conditions=hash_key_conditions, **kwargs)
        finally:
            _querying.partition = None
    query.partitioned = True
    Table.query = query


# ---- answers ----

moto_serialize_structure = BaseJSONSerializer._serialize_type_structure
_SCALARS = {"S": str, "N": str, "BOOL": bool, "NULL": bool}


def _wire_form(value) -> bool:
    """An attribute value exactly as DynamoDB's JSON carries it (binary aside: moto encodes that itself)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (kind, v), = value.items()
    if kind in _SCALARS:
        return type(v) is _SCALARS[kind]
    if kind in ("SS", "NS"):
        return isinstance(v, list) and all(type(e) is str for e in v)
    if kind == "M":
        return isinstance(v, dict) and all(type(k) is str and _wire_form(e) for k, e in v.items())
    if kind == "L":
        return isinstance(v, list) and all(_wire_form(e) for e in v)
    return False


moto_parse_structure = BaseJSONParser._parse_structure
botocore_read_structure = botocore.parsers.BaseJSONParser._handle_structure
botocore_write_structure = botocore.serialize.JSONSerializer._serialize_type_structure


def _is_attribute_value(shape) -> bool:
    """DynamoDB's (and its streams') AttributeValue, not another service's shape of that name."""
    return shape.name == "AttributeValue" and "NULL" in shape.members and "BS" in shape.members


def attribute_values_as_they_are() -> None:
    if getattr(BaseJSONSerializer._serialize_type_structure, "passes", False):
        return

    @functools.wraps(moto_parse_structure)
    def parse_structure(self, shape, value):
        # moto's walk of a wire-form value (strings, booleans, lists and maps of them) builds an equal dict; the
        # one json.loads made for this request is nobody else's
        if shape.name == "AttributeValue" and _wire_form(value):
            return value
        return moto_parse_structure(self, shape, value)
    BaseJSONParser._parse_structure = parse_structure

    @functools.wraps(moto_serialize_structure)
    def serialize_structure(self, serialized, value, shape, key):
        if key and shape.name == "AttributeValue" and _wire_form(value):
            self._default_serialize(serialized, value, shape, key)
        else:
            moto_serialize_structure(self, serialized, value, shape, key)
    serialize_structure.passes = True
    BaseJSONSerializer._serialize_type_structure = serialize_structure

    # The same walks on the client's side: botocore reads every value of an answer member by member (an item of
    # twenty attributes is two hundred lookups), and writes every value of a request the same way.
    @functools.wraps(botocore_read_structure)
    def read_structure(self, shape, value):
        if _wire_form(value) and _is_attribute_value(shape):
            return value  # (what json.loads made of this answer: nobody else's)
        return botocore_read_structure(self, shape, value)
    botocore.parsers.BaseJSONParser._handle_structure = read_structure

    @functools.wraps(botocore_write_structure)
    def write_structure(self, serialized, value, shape, key):
        if key is not None and _wire_form(value) and _is_attribute_value(shape):
            serialized[key] = value  # (dumped to the request's JSON at once, unchanged)
        else:
            botocore_write_structure(self, serialized, value, shape, key)
    botocore.serialize.JSONSerializer._serialize_type_structure = write_structure
    attribute_maps_as_they_are()


moto_serialize_map = BaseJSONSerializer._serialize_type_map
botocore_read_map = botocore.parsers.BaseJSONParser._handle_map
botocore_write_map = botocore.serialize.JSONSerializer._serialize_type_map
botocore_validate_map = ParamValidator._validate_map
moto_item_init = Item.__init__


def _wire_map(value, shape) -> bool:
    """An item (or key, or values) of attribute values, each in its wire form: the map walk would copy it."""
    return isinstance(value, dict) and _is_attribute_value(shape.value) and \
        not shape.value.serialization.get("name") and all(_wire_form(v) for v in value.values())


def attribute_maps_as_they_are() -> None:
    """An item's walk by the maps' shapes goes attribute by attribute (the name, then the value: a dozen calls
    each) before reaching the value skipped above; an item whose every value is in wire form passes whole."""
    @functools.wraps(moto_serialize_map)
    def serialize_map(self, serialized, value, shape, key):
        if key and _wire_map(value, shape):
            self._default_serialize(serialized, dict(value), shape, key)
        else:
            moto_serialize_map(self, serialized, value, shape, key)
    BaseJSONSerializer._serialize_type_map = serialize_map

    @functools.wraps(botocore_read_map)
    def read_map(self, shape, value):
        return value if _wire_map(value, shape) else botocore_read_map(self, shape, value)
    botocore.parsers.BaseJSONParser._handle_map = read_map

    @functools.wraps(botocore_write_map)
    def write_map(self, serialized, value, shape, key):
        if key is not None and _wire_map(value, shape):
            serialized[key] = value
        else:
            botocore_write_map(self, serialized, value, shape, key)
    botocore.serialize.JSONSerializer._serialize_type_map = write_map

    @functools.wraps(botocore_validate_map)
    def validate_map(self, params, shape, errors, name):
        # a wire-form value passes every check botocore makes of it (types, one member each; no minimums)
        if not (_wire_map(params, shape) and all(type(k) is str for k in params)):
            botocore_validate_map(self, params, shape, errors, name)
    ParamValidator._validate_map = validate_map

    dynamodb_responses.dynamo_to_dict = results_as_dicts


_LEAVES = (str, bool, int, float, type(None))
ITEM_SIZE_LIMIT = 405000  # moto's LimitedSizeDict's


def items_sized_once() -> None:
    Item.__init__ = _item_sized_once


def _item_sized_once(self, hash_key, range_key, attrs) -> None:
    """moto's Item.__init__: each attribute put in a LimitedSizeDict, which sizes the whole item so far at
    every insertion (an item of forty attributes: eight hundred sizings). The same ItemSizeTooLarge at the
    same attribute, from a running total."""
    self.hash_key, self.range_key = hash_key, range_key
    self.attrs, total = LimitedSizeDict(), 0
    for key, value in attrs.items():
        value = DynamoType(value)
        total += bytesize(str(key)) + value.size()
        if total > ITEM_SIZE_LIMIT:
            raise ItemSizeTooLarge
        dict.__setitem__(self.attrs, key, value)


def results_as_dicts(obj):
    """moto's `dynamo_to_dict` (a result's items and values as plain dicts for its serializer), asking each
    value's exact type once instead of five isinstance and hasattr questions per leaf; anything else (binary,
    dates, moto's model objects) is moto's."""
    kind = type(obj)
    if kind in _LEAVES:
        return obj
    if kind is DynamoType and obj.type not in ("B", "BS"):
        return {obj.type: results_as_dicts(obj.value)}
    if kind is dict or kind is LimitedSizeDict:
        return {k: results_as_dicts(v) for k, v in obj.items()}
    if kind is list:
        return [results_as_dicts(v) for v in obj]
    return dynamo_to_dict(obj)


# ---- expressions ----

moto_condition_parser = comparisons.create_condition_expression_parser
_PLACEHOLDER = re.compile(r":[A-z0-9\-_]+")  # moto's lexer's operand, after the ':' of a value
_parsed: dict[tuple, tuple] = {}
PARSED_KEPT = 4096  # distinct (expression, names, values) kept; then forgotten, all at once


def moto_parse(expr, names, values) -> tuple:
    """moto's parse of a condition or filter: its tree, and the names and values it found (which moto's
    request checks compare with those the request gave)."""
    parser = moto_condition_parser(expr, names, values)
    return parser.parse(), tuple(parser.expr_attr_names_found), tuple(parser.expr_attr_values_found)


def _parsed_once(expr, names, values) -> tuple:
    """`moto_parse`, answered from a parse of the same expression with the same names and the same values
    for the placeholders it names. The tree (comparisons.Op, Func, their operands) keeps no state of its own
    once built: moto's evaluation only reads it, so one tree serves every request (and thread) that would
    have built an equal one. An expression that fails to parse is never kept: each request gets moto's own
    error."""
    if not expr:
        return moto_parse(expr, names, values)
    named = _PLACEHOLDER.findall(expr)
    if any(p not in (values or {}) for p in named):  # moto's own refusal
        return moto_parse(expr, names, values)
    key = (expr, tuple(sorted((names or {}).items())),
           tuple(json.dumps(values[p], sort_keys=True, default=repr) for p in named))
    return _kept(_parsed, key, lambda: moto_parse(expr, names, values))


def _parse_once(expr, names, values):
    """moto's get_filter_expression (the tree alone), through `_parsed_once`."""
    return _parsed_once(expr, names, values)[0]


def _kept(parses: dict, key, parse):
    """`parses[key]`, parsed on first ask; at PARSED_KEPT parses, all forgotten at once. A parse that raises
    is never kept."""
    tree = parses.get(key)
    if tree is None:
        tree = parse()
        if len(parses) >= PARSED_KEPT:
            parses.clear()
        parses[key] = tree
    return tree


class _ConditionParsedOnce:
    """What moto builds a condition from (`create_condition_expression_parser(...).parse()`, then the names and
    values it found), in the backend's writes and in every request check of the response handlers, answered
    by `_parsed_once`. What it found are new lists each parse: a handler adds its projection's names to them."""

    def __init__(self, expr, names, values):
        self.parsed = (expr, names, values)
        self.expr_attr_names_found: list[str] = []
        self.expr_attr_values_found: list[str] = []

    def parse(self):
        tree, names, values = _parsed_once(*self.parsed)
        self.expr_attr_names_found, self.expr_attr_values_found = list(names), list(values)
        return tree


moto_parse_update = UpdateExpressionParser.make
_updates: dict[str, Node] = {}


def _update_parsed_once(expression: str) -> Node:
    """moto's parse of an update expression, kept by its text: moto parses each update three times (twice in
    its request checks, which only read the tree, once for its validator, which works on a deep copy), so
    one tree serves them all. An expression that fails to parse is never kept."""
    return _kept(_updates, expression, lambda: moto_parse_update(expression))


def _copy_node(self: Node, memo: dict) -> Node:
    """The validator's deep copy of an update's tree, node by node: the generic protocol (reduce, then rebuild
    from the state) cost more than the update itself. A node's state is its type, its children (nodes and
    plain values) and its parent (copied first, so found in the memo)."""
    if id(self) in memo:
        return memo[id(self)]
    copied = object.__new__(type(self))
    memo[id(self)] = copied
    copied.__dict__.update({name: copy.deepcopy(value, memo) for name, value in self.__dict__.items()})
    return copied


def expressions_parse_once() -> None:
    """Every caller of moto's parse: the backend's query, scan and writes (their conditions and update
    expressions), the table's put_item, and the response handlers' checks of the names a request gave."""
    if getattr(dynamodb_models.get_filter_expression, "once", False):
        return
    _parse_once.once = True
    dynamodb_models.get_filter_expression = _parse_once
    table_models.get_filter_expression = _parse_once
    dynamodb_models.create_condition_expression_parser = _ConditionParsedOnce
    dynamodb_responses.create_condition_expression_parser = _ConditionParsedOnce
    UpdateExpressionParser.make = staticmethod(_update_parsed_once)
    Node.__deepcopy__ = _copy_node


# ---- queues ----

moto_retention_check = SQSBackend.is_message_valid_based_on_retention_period


def queues_read_their_retention_once() -> None:
    if getattr(SQSBackend.is_message_valid_based_on_retention_period, "cheap", False):
        return

    @functools.wraps(moto_retention_check)
    def retained(self, queue_name, message) -> bool:
        retention = self.get_queue(queue_name).message_retention_period  # what get_queue_attributes reads
        return retention + message.sent_timestamp / 1000 > unix_time()
    retained.cheap = True
    SQSBackend.is_message_valid_based_on_retention_period = retained


# moto's own (for comparison): each asks the clock anew for every message
MOTO_QUEUE_COUNTS = {name: getattr(Queue, name) for name in (
    "messages", "approximate_number_of_messages", "approximate_number_of_messages_delayed",
    "approximate_number_of_messages_not_visible")}


def _now_ms() -> float:
    return sqs_models.unix_time_millis()  # the name moto's Message reads (a test may stand in for it)


def _ready(self: Queue) -> list:
    """Visible and not delayed, as `Message.visible and not Message.delayed`, at one instant."""
    now = _now_ms()
    return [m for m in self._messages if now > m.visible_at and not now < m.delayed_until]


def _delayed(self: Queue) -> int:
    now = _now_ms()
    return sum(1 for m in self._messages if now < m.delayed_until)


def _not_visible(self: Queue) -> int:
    now = _now_ms()
    return sum(1 for m in self._messages if not now > m.visible_at)


def queues_count_their_messages_once() -> None:
    if getattr(Queue.messages.fget, "once", False):
        return
    counts = {"messages": _ready, "approximate_number_of_messages": lambda self: len(_ready(self)),
              "approximate_number_of_messages_delayed": _delayed,
              "approximate_number_of_messages_not_visible": _not_visible}
    for name, count in counts.items():
        count.once = True
        setattr(Queue, name, property(count))


def queues_ring_the_driver() -> None:
    """SendMessage and ChangeMessageVisibility (their batches call these, one entry at a time)."""
    for name in ("send_message", "change_message_visibility"):
        method = getattr(SQSBackend, name)
        if getattr(method, "rings", False):
            continue

        def ringing(self, queue_name, *args, _method=method, **kwargs):
            try:
                return _method(self, queue_name, *args, **kwargs)
            finally:
                QUEUED_TO.add(queue_name)
                QUEUED.set()
                WRITTEN.set()
        ringing.rings = True
        setattr(SQSBackend, name, functools.wraps(method)(ringing))


moto_traverse = DepthFirstTraverser.traverse_node_recursively


_PROCESSED: dict[tuple[type, type], type | None] = {}  # (traverser class, node class) → the key of its map that applies


def _processor(self, node):
    """The processor moto's DepthFirstTraverser would apply to `node` (the first of its processing map whose class
    `node` is; moto rebuilt the map, of ABCs, at every node), or None. Which key applies is found once per
    traverser class and node class (moto's maps are literal dicts, the same classes for every traverser of a class:
    a validation builds ten traversers), the map once per traverser (its values are the traverser's methods)."""
    mapping = self.__dict__.get("_emulator_map")
    if mapping is None:
        mapping = self.__dict__["_emulator_map"] = self._processing_map()
    kinds = (type(self), type(node))
    key = _PROCESSED.get(kinds, _PROCESSED)
    if key is _PROCESSED:
        key = _PROCESSED[kinds] = next((key for key in mapping if isinstance(node, key)), None)
    return None if key is None else mapping[key]


def traversals_ask_once() -> None:
    """An update expression's tree is walked by ten traversers (validation, then execution), each asking at every
    node whether to process it: moto's walk, with the question answered once per node class."""
    if getattr(DepthFirstTraverser.traverse_node_recursively, "asks_once", False):
        return

    nodes: dict[type, bool] = {}  # each class: whether it is a Node (an ABC: isinstance asks the ABC machinery)

    @functools.wraps(moto_traverse)
    def traverse_node_recursively(self, node, child_id=-1):
        kind = type(node)
        if nodes[kind] if kind in nodes else nodes.setdefault(kind, isinstance(node, Node)):
            parent_node = node.parent
            if node.children is not None:
                for i, child_node in enumerate(node.children):
                    self.pre_processing_of_child(node, i)
                    self.traverse_node_recursively(child_node, i)
            if (processor := _processor(self, node)) is not None:
                node = processor(node)
                node.parent = parent_node
                if parent_node:
                    parent_node.children[child_id] = node
        return node
    traverse_node_recursively.asks_once = True
    DepthFirstTraverser.traverse_node_recursively = traverse_node_recursively


_REQUEST_ID_CHARS = string.ascii_letters + string.digits  # moto's get_random_string's


def request_ids_drawn_at_once() -> None:
    """moto.core.responses.gen_amzn_requestid_long as every answer's headers get it: the same 52 characters of
    moto's alphabet from moto's own random source (seeded alike), drawn in one call rather than 52."""
    from moto.core import responses
    from moto.moto_api._internal import mock_random
    if getattr(responses.gen_amzn_requestid_long, "at_once", False):
        return

    def request_id(headerdict=None) -> str:
        drawn = "".join(mock_random.choices(_REQUEST_ID_CHARS, k=52))
        if isinstance(headerdict, dict):
            headerdict["x-amzn-requestid"] = drawn
        return drawn
    request_id.at_once = True
    responses.gen_amzn_requestid_long = request_id


botocore_user_agent = UserAgentString.to_string


def user_agents_built_once() -> None:
    """botocore builds a client's User-Agent anew for every request, sanitizing each of its twenty parts; all
    of them are the client's own but the features the request's context names. Kept per client and features."""
    if getattr(UserAgentString.to_string, "kept", False):
        return

    @functools.wraps(botocore_user_agent)
    def to_string(self):
        context = get_context()
        # (a copy made by with_client_config shares this dict: its own id and config keep it apart)
        key = (id(self), id(self._client_config), frozenset(self._client_features or ()),
               frozenset(context.features) if context is not None else frozenset())
        kept = self.__dict__.setdefault("_emulator_built", {})
        if key not in kept:
            kept[key] = botocore_user_agent(self)
        return kept[key]
    to_string.kept = True
    UserAgentString.to_string = to_string


def responses_list_their_methods_once() -> None:
    """moto.core.utils.method_names_from_class as BaseResponse.call_action reads it: the same list, per class."""
    from moto.core import responses
    if getattr(responses.method_names_from_class, "listed_once", False):
        return
    moto_list = responses.method_names_from_class

    @functools.cache
    def listed(clazz) -> list[str]:
        return moto_list(clazz)

    def method_names(clazz) -> list[str]:
        return list(listed(clazz))  # a caller may change its copy
    method_names.listed_once = True
    responses.method_names_from_class = method_names


def the_server_lists_its_services_once() -> None:
    """moto.backends.list_of_moto_modules, read by the server's dispatcher for each request (`host in
    list_of_moto_modules()`), answered from one listing: the same names, in the same order."""
    from moto import backends
    if getattr(backends.list_of_moto_modules, "listed_once", False):
        return
    names = tuple(backends.list_of_moto_modules())

    def listed() -> tuple[str, ...]:
        return names
    listed.listed_once = True
    backends.list_of_moto_modules = listed


# ---- the stream ----

def _stream_shard(stream_arn: str):
    _, _, _, region, account, resource = stream_arn.split(":", 5)
    return dynamodb_backends[account][region].get_table(resource.split("/")[1]).stream_shard


def read_stream(stream_arn: str, shard_id: str, after: str | None) -> list[dict] | None:
    """The emulated stream's records after sequence number `after` (from its start, when None), as a GetRecords of
    its most (1,000) answers them (each as moto keeps it: the driver's handlers read records, never change them);
    None for a shard it does not hold."""
    with _lock:
        shard = _stream_shard(stream_arn)
        if shard is None or shard.id != shard_id:
            return None
        start = 0 if after is None else max(0, int(after) + 1 - shard.starting_sequence_number)
        return [record.to_json() for record in shard.items[start:start + 1000]]


def trim_stream(stream_arn: str, through_sequence: str) -> int:
    """Forget the stream records up to and including `through_sequence` (already handled): the emulated
    stream then holds only what is still to read. Returns how many records were dropped."""
    with _lock:
        shard = _stream_shard(stream_arn)
        if shard is None:
            return 0
        drop = max(0, min(int(through_sequence) + 1 - shard.starting_sequence_number, len(shard.items)))
        if drop:
            # moto numbers a record by its place in the list from starting_sequence_number: move both.
            del shard.items[:drop]
            shard.starting_sequence_number += drop
        return drop
