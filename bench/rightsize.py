"""Each function's memory from measurement: what a fresh container of it holds and burns, and a model of its
duration and cost at each memory size Lambda could give it.

    .venv/bin/python bench/rightsize.py [visits]      (default 8; about a minute)

moto runs as a server on loopback (as tests/package runs it), and each function runs in a fresh interpreter
of its own that imports its handler's module (as Lambda does: only the API's is `app`) and handles a short
scenario's events one by one, as a Lambda container does: the API books visits (POST /customers, POST /jobs, GET /jobs/{id}, GET /jobs), the
stream handler gets each booking's records as one batch, the drainer sends the queued texts a run at a
time, the delivery receipts and the customers' C replies come in over SNS, the sweep runs each due shard
at the reminders' minute and the minute after (nothing due: its usual run), a WhatsApp text comes from an
unknown number. So the figures are the function's own, never moto's:

- peak: the interpreter's VmHWM (peak resident set, /proc/self/status) after its last event. Not
  ru_maxrss: Linux carries it across exec, so a child would count the parent's (this process, moto's).
- CPU: time.process_time() around each invocation; cold = the module's import + the first invocation.
  On this machine's x86-64 core; Graviton is assumed as fast a vCPU (unmeasured here).
- calls: the AWS calls an invocation made, by service (botocore's _make_api_call counted in the child).

The model, per memory size m: duration = cpu × max(1, 1769 / m) + wait, where Lambda gives m/1769 of a vCPU
("Lambda allocates CPU power in proportion to the amount of memory configured ... At 1,769 MB, a function
has the equivalent of one vCPU", docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html, read
2026-12-07) and wait = the calls × an assumed in-region latency per call (LATENCY_MS: DynamoDB "single-digit
millisecond", the rest as docs/capacity.md assumes them; TLS set-up on a cold container is not counted).
cost = requests + duration × m × the arm64 GB-second price of chalicelib/domain/prices.py. The size chosen
is the cheapest whose model keeps the function's latency goal (GOALS) and its peak at most 70% of m.
It prints figures; it asserts no time.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # chalicelib, devstack, app: run from the repository, as the other benches
SIZES = (128, 256, 512, 1024, 1769)
ONE_VCPU_MB = 1769
RUNS = 3  # the scenario's runs: a figure is their median (the machine may be shared), the peak their highest
HEADROOM = 0.7  # peak resident memory at most 70% of the size: a heavier event or a larger page still fits
# Assumed per-call latencies in the region, ms (not measured: moto answers here).
LATENCY_MS = {"dynamodb": 8, "sqs": 10, "sns": 60, "pinpoint-sms-voice-v2": 60, "socialmessaging": 60,
              "sesv2": 60, "cognito-idp": 20, "s3": 20, "sts": 20}
# (warm ms, cold ms, least MB) each function's model must keep: warm, its mean invocation; cold, `import` and
# the first invocation. The API: a technician's tap answered in 300 ms of handler time, and a new container's
# first answer within a second, past which a tap feels broken. The stream carries an urgent text's p95 of 5 s:
# docs/latency.md allows it 0.3 s warm and 1 s cold. The drainer: 0.3 s warm; a cold one after the bell may
# use the 2.5 s the sum of that model's p95s leaves under 5 s, so 2 s. A customer's reply (SMS, WhatsApp) is
# answered by a text, which takes seconds itself: 1 s warm, 3 s cold. A delivery receipt waits on nobody.
# The sweep holds its shard's backlog at the busiest minute: 1024 MB at least (test_sweep_memory.py), and
# its run must end inside the minute (the 50 s it gives itself).
GOALS = {"APIHandler": (300, 1000, 128), "TableChanges": (300, 1000, 128), "TextDrainer": (300, 2000, 128),
         "InboundSms": (1000, 3000, 128), "WhatsappEvents": (1000, 3000, 128), "DeliveryEvents": (1000, 5000, 128),
         "TimerSweep": (50_000, 50_000, 1024)}
# As the packaged template names them (out/sam.yaml): Lambda imports only the handler's module.
HANDLERS = {"APIHandler": "app.app", "TableChanges": "chalicelib.handlers.stream.table_changes",
            "TextDrainer": "chalicelib.handlers.drainer.text_drainer",
            "InboundSms": "chalicelib.handlers.inbound.inbound_sms",
            "DeliveryEvents": "chalicelib.handlers.inbound.delivery_events",
            "WhatsappEvents": "chalicelib.handlers.whatsapp.whatsapp_events",
            "TimerSweep": "chalicelib.handlers.sweep.timer_sweep"}
T0 = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # Tue 10:00 in Denver: no quiet hours


# ---- the child: one function's container ----

def child(handler_name: str) -> None:
    """Imports the handler's module, then reads {"event", "clock"} lines and answers each with its CPU and
    calls; at the end, the import's CPU and the peak."""
    import importlib
    began = time.process_time()
    sys.path.insert(0, os.environ["RIGHTSIZE_TASK"])  # the compiled copy of the project's code, not ROOT's
    from chalicelib import bootstrap
    now = [T0]
    bootstrap.use(clock=lambda: now[0])
    module, name = handler_name.rsplit(".", 1)
    handler = getattr(importlib.import_module(module), name)  # what a cold start imports
    imported = time.process_time() - began
    # Imported here to count the calls; otherwise the first invocation would import it (every handler calls
    # AWS, and no handler's module imports boto3): its CPU is counted with the first invocation's.
    import botocore.client
    botocore_cpu = time.process_time() - began - imported
    calls: dict[str, int] = {}
    original = botocore.client.BaseClient._make_api_call

    def counted(self, operation, params):
        service = self.meta.service_model.service_name
        calls[service] = calls.get(service, 0) + 1
        return original(self, operation, params)

    botocore.client.BaseClient._make_api_call = counted

    class Context:
        function_name, function_version, memory_limit_in_mb = "rightsize", "$LATEST", 128
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:rightsize"
        aws_request_id, log_group_name, log_stream_name = "rightsize-1", "/aws/lambda/rightsize", "rightsize"

        @staticmethod
        def get_remaining_time_in_millis() -> int:
            return 60_000

    for line in sys.stdin:
        request = json.loads(line)
        now[0] = datetime.fromisoformat(request["clock"])
        calls.clear()
        start = time.process_time()
        result = handler(request["event"], Context())
        cpu = time.process_time() - start
        print(json.dumps({"cpu_ms": cpu * 1000, "calls": dict(calls), "result": result}, default=str), flush=True)
    status = Path("/proc/self/status").read_text()
    peak_kib = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
    print(json.dumps({"import_ms": imported * 1000, "botocore_ms": botocore_cpu * 1000, "peak_mib": peak_kib / 1024}),
          flush=True)


class Container:
    """A child interpreter for one function: send it events, read back what each cost."""

    def __init__(self, function: str, env: dict):
        self.function, self.handler = function, HANDLERS[function]
        self.process = subprocess.Popen([sys.executable, __file__, "--child", self.handler], cwd=env["RIGHTSIZE_TASK"],
                                        env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.invocations: list[dict] = []

    def invoke(self, event: dict, at: datetime) -> dict:
        self.process.stdin.write(json.dumps({"event": event, "clock": at.isoformat()}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        self.invocations.append(answer)
        return answer["result"]

    def close(self) -> dict:
        self.process.stdin.close()
        end = json.loads(self.process.stdout.readline())
        if self.process.wait(timeout=60):
            raise SystemExit(f"{self.function}'s interpreter failed")
        return {"function": self.function, **end, "invocations": self.invocations}


# ---- the events, shaped as Lambda delivers them ----

def api_event(method: str, path: str, claims: dict, body: dict | None = None, resource: str | None = None,
              parameters: dict | None = None) -> dict:
    context = {"resourcePath": resource or path, "httpMethod": method, "path": f"/api{path}", "stage": "api",
               "requestId": "rightsize", "identity": {"sourceIp": "127.0.0.1"}, "authorizer": {"claims": claims}}
    return {"resource": resource or path, "path": path, "httpMethod": method,
            "headers": {"Host": "api.example", "Content-Type": "application/json"}, "multiValueHeaders": {},
            "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": parameters,
            "stageVariables": None, "requestContext": context,
            "body": json.dumps(body) if body is not None else None, "isBase64Encoded": False}


def sns_event(topic: str, message: dict, message_id: str) -> dict:
    arn = f"arn:aws:sns:us-east-1:123456789012:{topic}"
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": f"{arn}:rs",
                         "Sns": {"Type": "Notification", "MessageId": message_id, "TopicArn": arn, "Subject": None,
                                 "Message": json.dumps(message), "Timestamp": "2026-12-01T17:00:00.000Z",
                                 "SignatureVersion": "1", "Signature": "", "SigningCertUrl": "",
                                 "UnsubscribeUrl": "", "MessageAttributes": {}}}]}


def scheduled_event(at: datetime) -> dict:
    return {"version": "0", "detail-type": "Scheduled Event", "source": "aws.events", "time": f"{at:%Y-%m-%dT%H:%M:%SZ}",
            "detail": {}, "resources": [], "id": "rightsize", "region": "us-east-1", "account": "123456789012"}


def whatsapp_event(sender: str, n: int) -> dict:
    entry = {"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "13035550100", "phone_number_id": "1"},
        "messages": [{"from": sender, "id": f"wamid.rs{n}", "type": "text", "text": {"body": "C"}}], "statuses": []}}]}
    return {"whatsAppWebhookEntry": json.dumps(entry), "messageId": f"rs-wa-{n}"}


# ---- the scenario ----

def scenario(n: int) -> list[dict]:
    """Every function's container driven through its share of n booked visits; what each measured."""
    import logging

    from moto.server import ThreadedMotoServer
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the server's line per request

    from devstack import emulator
    emulator.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{server._server.server_port}"
    env = {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "rightsize", "AWS_SECRET_ACCESS_KEY": "rightsize",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
           "TABLE_NAME": "onmyway-rightsize", "PHOTOS_BUCKET": "onmyway-rightsize",
           "POWERTOOLS_SERVICE_NAME": "onmyway", "POWERTOOLS_LOG_LEVEL": "WARNING",
           "POWERTOOLS_METRICS_DISABLED": "true", "TEXT_DRAIN_SECONDS": "0"}
    os.environ.update(env)
    try:
        return _scenario(n, env)
    finally:
        server.stop()


def did(run: dict, done, what: str) -> None:
    """The scenario did the work it is meant to measure (a failing request would measure its error path)."""
    if not all(done(i["result"]) for i in run["invocations"]):
        raise SystemExit(f"{run['function']}: not {what}: {[i['result'] for i in run['invocations']]}"[:2000])


def _scenario(n: int, env: dict) -> list[dict]:
    from chalicelib import clock
    from chalicelib.bootstrap import store_repositories
    from chalicelib.domain.people import Role
    from chalicelib.services import people
    from chalicelib.services.access import Caller
    from devstack.provision import provision
    from devstack.streams import StreamPump

    env.update(provision(env["TABLE_NAME"], env["PHOTOS_BUCKET"]))
    clock.set_clock(lambda: T0)
    repos = store_repositories()
    org, dispatcher = people.create_organization(
        repos, name="Acme Home Services", slug="acme", time_zone="America/Denver", sms_number="+13035550100",
        dispatcher_name="Dana", dispatcher_email="dana@acme.example")
    tech = people.create_user(repos, Caller(dispatcher), name="Ana Alvarez", email="ana@acme.example",
                              roles=frozenset({Role.TECHNICIAN}))
    claims = {"sub": dispatcher.id, "custom:org_id": org.id, "cognito:groups": "dispatcher"}
    pump = StreamPump(env["TABLE_NAME"])
    pump.deliver(lambda event: {})  # the set-up's records are not the scenario's

    def batches() -> list[dict]:
        """The records written since the last look, as Lambda would deliver them; checkpointed."""
        found = []
        pump.deliver(lambda event: found.append(event) or {})
        return found

    with tempfile.TemporaryDirectory() as task:
        # Bytecode as the package ships it: a copy of the project's code compiled before anything is measured
        # (never beside the sources, where `chalice package` would ship it), the installed packages' as pip
        # compiled them.
        shutil.copy(ROOT / "app.py", task)
        shutil.copytree(ROOT / "chalicelib", Path(task) / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run([sys.executable, "-m", "compileall", "-q", task], check=True)
        return _measured(n, {**os.environ, **env, "RIGHTSIZE_TASK": task}, org, tech, claims, batches)


def _measured(n: int, env: dict, org, tech, claims: dict, batches) -> list[dict]:
    from moto.sns.models import sns_backends

    from chalicelib.config import environment
    from chalicelib.handlers.inbound import EVENTS_TOPIC, INBOUND_TOPIC
    from chalicelib.handlers.whatsapp import WHATSAPP_TOPIC
    measured, start = [], T0 + timedelta(days=2)

    api, stream_batches, phones = Container("APIHandler", env), [], []
    for i in range(n):
        phone = f"+1303555{2000 + i:04d}"
        phones.append(phone)
        customer = json.loads(api.invoke(api_event("POST", "/customers", claims, {
            "name": f"Customer {i}", "phone": phone, "time_zone": "America/Denver"}), T0)["body"])
        stream_batches += batches()
        appointment = {"window_start": f"{start:%Y-%m-%dT%H:%M:%SZ}",
                       "window_end": f"{start + timedelta(hours=2):%Y-%m-%dT%H:%M:%SZ}", "technician_id": tech.id}
        job = json.loads(api.invoke(api_event("POST", "/jobs", claims, {
            "customer_id": customer["id"], "description": "No heat", "appointment": appointment}), T0)["body"])
        stream_batches += batches()
        api.invoke(api_event("GET", f"/jobs/{job['id']}", claims, resource="/jobs/{job_id}",
                             parameters={"job_id": job["id"]}), T0)
    api.invoke(api_event("GET", "/jobs", claims), T0)
    measured.append(api.close())
    did(measured[-1], lambda r: r["statusCode"] < 300, "every request answered")

    stream = Container("TableChanges", env)
    while stream_batches:  # and what handling them wrote, until the stream is quiet
        for event in stream_batches:
            stream.invoke(event, T0)
        stream_batches = batches()
    measured.append(stream.close())

    drainer = Container("TextDrainer", env)
    for k in range(n + 1):  # one run a second: each sends what the identity's rate lets go
        drainer.invoke(scheduled_event(T0), T0 + timedelta(minutes=1, seconds=k))
    measured.append(drainer.close())
    did(measured[-1], lambda r: r["failed"] == 0, "no send refused")
    batches()  # the sends' own records: not measured again

    receipts = Container("DeliveryEvents", env)
    sent = [mid for backend in sns_backends.values() for region in backend.values()
            for mid in region.sms_messages]
    for k, message_id in enumerate(sent):
        receipts.invoke(sns_event(EVENTS_TOPIC, {"messageId": message_id, "messageStatus": "DELIVERED"},
                                  f"rs-receipt-{k}"), T0 + timedelta(minutes=2))
    measured.append(receipts.close())
    did(measured[-1], lambda r: r == {"outcome": "delivered"}, "every receipt matched to its text")
    batches()

    inbound = Container("InboundSms", env)
    for k, phone in enumerate(phones):
        inbound.invoke(sns_event(INBOUND_TOPIC, {"originationNumber": phone, "destinationNumber": org.sms_number,
                                                 "messageBody": "C", "inboundMessageId": f"rs-in-{k}"},
                                 f"rs-in-{k}"), T0 + timedelta(minutes=10))
    measured.append(inbound.close())
    did(measured[-1], lambda r: r == {"outcome": "confirmed"}, "every reply confirmed its visit")
    batches()

    whatsapp = Container("WhatsappEvents", env)
    for k in range(n):
        whatsapp.invoke(sns_event(WHATSAPP_TOPIC, whatsapp_event(f"1720555{3000 + k:04d}", k), f"rs-wa-{k}"),
                        T0 + timedelta(minutes=11))
    measured.append(whatsapp.close())

    sweep = Container("TimerSweep", env)
    reminders = start - timedelta(days=1)
    for minute in (1, 2):  # the reminders' minute, then one with nothing due
        for shard in range(environment().due_shards):
            sweep.invoke({"shard": shard}, reminders + timedelta(minutes=minute))
    measured.append(sweep.close())
    if sum(i["result"]["acted"] for i in measured[-1]["invocations"]) != n:
        raise SystemExit(f"the sweep did not send the {n} reminders")
    return measured


# ---- the model ----

def wait_ms(calls: dict[str, int]) -> float:
    return sum(LATENCY_MS.get(service, 20) * count for service, count in calls.items())


def summary(run: dict) -> dict:
    """One function's measured figures: the first invocation is the cold one (with the import)."""
    first, *rest = run["invocations"]
    warm = rest or [first]
    return {"function": run["function"], "peak_mib": run["peak_mib"], "invocations": len(run["invocations"]),
            "import_cpu_ms": run["import_ms"], "cold_cpu_ms": run["import_ms"] + run["botocore_ms"] + first["cpu_ms"],
            "cold_wait_ms": wait_ms(first["calls"]),
            "warm_cpu_ms": statistics.mean(i["cpu_ms"] for i in warm),
            "warm_max_cpu_ms": max(i["cpu_ms"] for i in warm),
            "warm_calls": statistics.mean(sum(i["calls"].values()) for i in warm),
            "warm_wait_ms": statistics.mean(wait_ms(i["calls"]) for i in warm)}


def duration_ms(cpu_ms: float, wait: float, memory_mb: int) -> float:
    return cpu_ms * max(1.0, ONE_VCPU_MB / memory_mb) + wait


def usd_per_million(s: dict, memory_mb: int) -> float:
    from chalicelib.domain import prices
    seconds = duration_ms(s["warm_cpu_ms"], s["warm_wait_ms"], memory_mb) / 1000
    return 1e6 * (prices.LAMBDA_REQUEST + seconds * memory_mb / 1024 * prices.LAMBDA_GB_SECOND)


def fits(s: dict, memory_mb: int) -> bool:
    warm_goal, cold_goal, least = GOALS[s["function"]]
    return (memory_mb >= least and s["peak_mib"] <= HEADROOM * memory_mb
            and duration_ms(s["warm_cpu_ms"], s["warm_wait_ms"], memory_mb) <= warm_goal
            and duration_ms(s["cold_cpu_ms"], s["cold_wait_ms"], memory_mb) <= cold_goal)


def chosen(s: dict) -> str:
    """The cheapest size that fits; if none does, the one with the fastest cold start (one vCPU is the most a
    single Python thread uses), said to miss."""
    fitting = [m for m in SIZES if fits(s, m)]
    if fitting:
        return str(min(fitting, key=lambda m: (usd_per_million(s, m), m)))
    return f"{SIZES[-1]} (misses)"


def packaged(s: dict) -> str:
    """What domain/prices.py prices (and the template packages, tests/package checks): its size and the warm
    milliseconds it assumes, beside this run's model at that size."""
    from chalicelib.domain import prices
    memory = prices.MEMORY_MB[s["function"]]
    return (f"{memory} MB, {prices.MODELLED_MS[s['function']]} ms priced "
            f"({duration_ms(s['warm_cpu_ms'], s['warm_wait_ms'], memory):.0f} modelled now)")


def table(summaries: list[dict]) -> None:
    from chalicelib.domain import prices
    print(f"{prices.ARCHITECTURE} at ${prices.LAMBDA_GB_SECOND} per GB-s and ${prices.LAMBDA_REQUEST * 1e6:.2f} per million "
          f"requests ({prices.PRICES_AS_OF}); CPU on this machine, one core; wait = calls x {LATENCY_MS['dynamodb']} ms "
          f"DynamoDB, {LATENCY_MS['sqs']} ms SQS, {LATENCY_MS['sns']} ms a send (assumed)\n")
    print(f"{'function':<15} {'n':>3} {'peak MiB':>8} {'import':>6} {'CPU cold':>8} {'warm':>6} {'max':>6} "
          f"{'calls':>6}   "
          + "  ".join(f"{m:>4} MB: warm/cold ms, $/M" for m in SIZES) + "   chosen   packaged")
    for s in summaries:
        cells = []
        for m in SIZES:
            mark = " " if fits(s, m) else "x"
            cells.append(f"{duration_ms(s['warm_cpu_ms'], s['warm_wait_ms'], m):5.0f}/"
                         f"{duration_ms(s['cold_cpu_ms'], s['cold_wait_ms'], m):5.0f} ${usd_per_million(s, m):6.2f}{mark}")
        choice = chosen(s)
        print(f"{s['function']:<15} {s['invocations']:>3.0f} {s['peak_mib']:8.1f} {s['import_cpu_ms']:6.0f} "
              f"{s['cold_cpu_ms']:8.0f} "
              f"{s['warm_cpu_ms']:6.1f} {s['warm_max_cpu_ms']:6.1f} {s['warm_calls']:6.1f}   "
              + "  ".join(f"{c:>26}" for c in cells) + f"   {choice:<8} {packaged(s)}")
    print("\nCPU ms: import = the handler's module; cold = import + first invocation; warm = the mean of the "
          "others, max = their slowest; calls = AWS calls per warm invocation.\nmodelled ms = CPU x max(1, "
          "1769 / MB) + calls x latency, warm (mean) / cold; $/M = a million warm invocations.\nx: misses the "
          "function's latency goal (GOALS) or its 70% memory headroom at that size. Modelled, not measured on Lambda.")


def combined(runs: list[list[dict]]) -> list[dict]:
    """Each function's figures over the runs: the median of each, the highest peak."""
    out = []
    for per_function in zip(*runs, strict=True):
        figures = [summary(run) for run in per_function]
        merged = {k: statistics.median(f[k] for f in figures) for k in figures[0] if k != "function"}
        out.append({**merged, "function": figures[0]["function"], "peak_mib": max(f["peak_mib"] for f in figures)})
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    print(f"{RUNS} runs of {n} booked visits through every function, each function in a fresh interpreter; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    # Each run in a process of its own: moto's state is the process's, and every run starts from nothing.
    runs = [json.loads(subprocess.run([sys.executable, __file__, "--scenario", str(n)], cwd=ROOT, check=True,
                                      capture_output=True, text=True).stdout) for _ in range(RUNS)]
    table(combined(runs))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    elif sys.argv[1:2] == ["--scenario"]:
        print(json.dumps(scenario(int(sys.argv[2]))))
    else:
        main()
