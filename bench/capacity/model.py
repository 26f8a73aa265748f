"""The model: per UTC minute of the day, what the sweep and the origination identities can act on, and the
units, calls and sends that follow, from each operation's measured cost."""
from collections import Counter, defaultdict

from .day import SWEPT, shape
from .recorder import SEND

# -- AWS limits assumed (checked 2026-11-24, see docs/capacity.md) --------------------------------
PARTITION_WCU, PARTITION_RCU = 1000, 3000  # per partition, per second (table and each GSI partition)
HEADROOM = 0.5  # the model keeps every partition under half its limit
LAMBDA_CONCURRENCY = 1000  # default account concurrency per Region
SMS_LIMITS = {"toll_free": 3, "10dlc": 1, "short_code": 100}  # parts per second per identity (US), AWS defaults
CALL_MS = {"dynamodb": 8, "sqs": 10, "sns": 60, "pinpoint-sms-voice-v2": 60}  # latency assumed per call
SHORT_CODE = "short_code"


def per_partition_values(pat: str, due_shards: int) -> int:
    """How many partitions a shared key pattern's load spreads over at one moment."""
    if "{shard}" not in pat:
        return 1
    return model_env().tally_shards if "#TALLY#" in pat else due_shards


FIXED = ("SWEEP", "RATE#{identity}")  # written once per sweep / drainer run, not per item


def per_item(measured: dict) -> dict:
    """Each operation's own cost, in two stages: acting (API, stream, sweep) and sending (drainer and
    delivery receipt, `|send`). The local stage runs the sweep and the drainer once per operation; in AWS
    each runs once a minute whatever the load, so the watermark and the send-rate items are per-minute
    costs ('sweep run', 'drainer run') as are the due index's Queries of an empty sweep; the drainer's
    ReceiveMessage calls are one per 10 texts."""
    empty = measured["empty sweep"]
    out = {}
    for label, cost in measured.items():
        if label.startswith("empty sweep"):
            continue
        units = Counter({k: u for k, u in cost["units"].items() if not k[2].startswith(FIXED)})
        calls = Counter(cost["calls"])
        if label in SWEPT:
            for k, u in empty["units"].items():
                units[k] = max(units[k] - u, 0)
            for k, n in empty["calls"].items():
                calls[k] = max(calls[k] - n, 0)
        calls[("sqs", "ReceiveMessage")] = 0.1 * (calls[("sqs", "DeleteMessage")])
        out[label] = {"units": units, "calls": calls}
    out["sweep run"] = {"units": Counter(empty["units"]),
                        "calls": Counter({k: n for k, n in empty["calls"].items() if k[0] == "dynamodb"})}
    out["drainer run"] = {"units": Counter({("W", "table", "RATE#{identity}"): 1, ("R", "table", "RATE#{identity}"): 0.5}),
                          "calls": Counter({("sqs", "ReceiveMessage"): 2, ("dynamodb", "GetItem"): 1,
                                            ("dynamodb", "UpdateItem"): 1})}
    return out


def texts_of(cost) -> float:
    return sum(n for (s, op), n in cost["calls"].items() if op in ("Publish", "SendTextMessage"))


def seconds_of(cost) -> float:
    return sum(n * CALL_MS.get(s, 10) for (s, _), n in cost["calls"].items()) / 1000


MODEL_ENV = []  # the settings the model is run for: the environment as the bench started


def model_env():
    if not MODEL_ENV:
        from chalicelib.config import environment
        MODEL_ENV.append(environment())
    return MODEL_ENV[0]


def model(measured: dict, visits: int, due_shards: int, release_window: int, identities: int, rate: float,
          sweep_items: float | None = None) -> dict:
    """Per UTC minute: what arrives (the day's shape), what the sweep can act on (due_shards runs a minute,
    one per shard, each with SWEEP_WORKERS threads for SWEEP_SECONDS, the due items spread evenly over the
    shards), what the identities may send; the units each stage writes and reads."""
    demand = shape(visits, release_window)
    acting = {k: v for k, v in measured.items() if not k.endswith(SEND)}
    sending = {k[:-len(SEND)]: v for k, v in measured.items() if k.endswith(SEND)}
    per_swept = {label: seconds_of(acting[label]) for label in SWEPT}
    env = model_env()
    sweep_capacity = due_shards * env.sweep_workers * env.sweep_seconds  # seconds of sweep work a minute
    if sweep_items is not None:
        sweep_capacity = sweep_items * max(per_swept.values())
    send_capacity = identities * rate * 60  # parts per minute
    done = defaultdict(lambda: [0.0] * 1440)
    sweep_backlog, sweep_lag = Counter(), [0.0] * 1440
    sent, sms_lag = [0.0] * 1440, [0.0] * 1440
    send_mix = Counter()  # texts waiting, by the operation that queued them
    for m in range(1440):
        for label, per_minute in demand.items():
            if label in SWEPT:
                sweep_backlog[label] += per_minute[m]
            else:
                done[label][m] += per_minute[m]
        budget = sweep_capacity  # the sweep acts in due order: shares of the backlog
        work = sum(sweep_backlog[label] * per_swept[label] for label in SWEPT)
        share = min(1.0, budget / work) if work else 1.0
        for label in SWEPT:
            done[label][m] += sweep_backlog[label] * share
            sweep_backlog[label] *= 1 - share
        sweep_lag[m] = work / sweep_capacity if work else 0
        for label in acting:
            if label in sending:
                send_mix[label] += done[label][m] * texts_of(sending[label])
        waiting = sum(send_mix.values())
        out = min(waiting, send_capacity)
        sent[m] = out
        for label in list(send_mix):
            taken = send_mix[label] * (out / waiting if waiting else 0)
            send_mix[label] -= taken
            done[label + SEND][m] += taken / max(texts_of(sending[label]), 1)
        sms_lag[m] = (waiting - out) / send_capacity
    done["sweep run"] = [1.0] * 1440
    done["drainer run"] = [1.0] * 1440
    load = defaultdict(lambda: [0.0] * 1440)
    calls = defaultdict(lambda: [0.0] * 1440)
    for label, per_minute in done.items():
        cost = measured.get(label) or {"units": {}, "calls": {}}
        for k, units in cost["units"].items():
            for m in range(1440):
                load[k][m] += units * per_minute[m]
        for k, n in cost["calls"].items():
            for m in range(1440):
                calls[k][m] += n * per_minute[m]
    return {"demand": demand, "done": done, "load": load, "calls": calls, "sent": sent, "sms_lag": sms_lag,
            "sweep_lag": sweep_lag, "sweep_capacity_items": sweep_capacity / max(per_swept.values())}
