"""AWS unit prices (us-east-1, on-demand list prices) and the cost of appointment lifecycles.

The one place prices live: check them against AWS's price pages and change PRICES_AS_OF with them.
Nothing here is fetched: the code runs without internet, and the figures must be reproducible."""

PRICES_AS_OF = "2025-01-15"  # DynamoDB on-demand after the November 2024 reduction; Lambda's read again 2026-12-07
REGION = "us-east-1"

DYNAMODB_WRITE_REQUEST_UNIT = 0.625 / 1_000_000
DYNAMODB_READ_REQUEST_UNIT = 0.125 / 1_000_000
LAMBDA_REQUEST = 0.20 / 1_000_000  # either architecture
ARCHITECTURE = "arm64"  # every function's (.chalice/config.json; tests/package reads the packaged .so files)
LAMBDA_GB_SECOND = 0.0000133334  # arm64, the first tier (x86_64: 0.0000166667), unchanged when read 2026-12-07
SMS_SEGMENT = 0.00581 + 0.00302  # End User Messaging SMS to a US number (10DLC) + an average carrier fee
# Each function's memory as packaged: infra/template.yaml's MemorySize, chosen by bench/rightsize.py
# (tests/package checks the two agree).
MEMORY_MB = {"APIHandler": 1024, "TableChanges": 1024, "TimerSweep": 1024, "TextDrainer": 1024, "InboundSms": 512,
             "DeliveryEvents": 128, "WhatsappEvents": 512}
# The emulator cannot measure billed Lambda time: each function's warm invocation at that memory as
# bench/rightsize.py models it (2026-12-07: CPU measured on moto on an x86-64 core, its AWS calls at assumed
# latencies), not as Lambda bills it. Say so wherever it is used.
MODELLED_MS = {"APIHandler": 33, "TableChanges": 129, "TimerSweep": 166, "TextDrainer": 205, "InboundSms": 219,
               "DeliveryEvents": 80, "WhatsappEvents": 221}
SWEEP_RUNS_PER_MONTH = 60 * 24 * 30  # per shard of the due index: the minute sweep runs whatever is due


def lambda_usd(invocations: float, function: str) -> float:
    gb_seconds = invocations * MODELLED_MS[function] / 1000 * MEMORY_MB[function] / 1024
    return invocations * LAMBDA_REQUEST + gb_seconds * LAMBDA_GB_SECOND


def per_1000(per_appointment: dict[str, float], invocations: dict[str, float],
             due_shards: int) -> tuple[float, dict[str, dict]]:
    """The cost of 1,000 appointment lifecycles, and its breakdown, from what one lifecycle uses:
    `write_request_units`, `read_request_units`, `sms_segments`, and each function's invocations; and the
    sweep's fixed cost, a run a minute per shard of the due index."""
    n = {k: v * 1000 for k, v in per_appointment.items()}
    dynamodb = (n["write_request_units"] * DYNAMODB_WRITE_REQUEST_UNIT
                + n["read_request_units"] * DYNAMODB_READ_REQUEST_UNIT)
    calls = {function: count * 1000 for function, count in invocations.items()}
    lambdas = sum(lambda_usd(count, function) for function, count in calls.items())
    total_calls = sum(calls.values())
    sms = n["sms_segments"] * SMS_SEGMENT
    breakdown = {
        "sms": {"segments": round(n["sms_segments"]), "usd": round(sms, 4)},
        "dynamodb": {"write_request_units": round(n["write_request_units"]),
                     "read_request_units": round(n["read_request_units"]), "usd": round(dynamodb, 4)},
        # The functions' modelled milliseconds, averaged over the invocations (each priced at its own memory).
        "lambda": {"invocations": round(total_calls),
                   "assumed_ms_per_invocation": round(sum(MODELLED_MS[f] * c for f, c in calls.items()) / total_calls),
                   "usd": round(lambdas, 4)},
        "fixed_per_month": {"sweep_invocations": SWEEP_RUNS_PER_MONTH * due_shards,
                            "usd": round(lambda_usd(SWEEP_RUNS_PER_MONTH * due_shards, "TimerSweep"), 4),
                            "note": "the minute sweep, whatever the number of appointments (not in the total)"},
    }
    return round(sms + dynamodb + lambdas, 2), breakdown
