"""Run by tests/package in an interpreter that sees only the unzipped deployment package and the standard
library, as Lambda's /var/task:

    python -I -S -B smoke.py TASK_DIR HANDLER EVENT_JSON     the handler imported as Lambda does, invoked once
    python -I -S -B smoke.py TASK_DIR libraries SERVICES_JSON  what the handlers load lazily, and every client

Prints the result as JSON."""
import importlib
import json
import sys
from datetime import UTC, datetime

task, handler, argument = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.path.insert(0, task)

from chalicelib import bootstrap  # noqa: E402  (from the package, once it is on the path)

bootstrap.use(clock=lambda: datetime(2026, 12, 1, 17, 0, tzinfo=UTC))  # Tue 10:00 in Denver


class Context:
    function_name, function_version, memory_limit_in_mb = "smoke", "$LATEST", 128
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:smoke"
    aws_request_id, log_group_name, log_stream_name = "smoke-1", "/aws/lambda/smoke", "smoke"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def libraries(services: list[str]) -> dict:
    import boto3

    from chalicelib.domain.values import e164
    from chalicelib.notify.templates import render
    from chalicelib.store.uploads import Uploads
    clients = {service: boto3.client(service).meta.service_model.service_name for service in services}
    return {"text": render("{{ company }}: {{ technician }} is on the way", {"company": "Acme", "technician": "Ana"}),
            "phones": [e164("to", "+1 303 555 0142"), e164("to", "+44 7911 123456")], "clients": clients,
            "upload": Uploads().upload_url("photos/smoke.jpg", "image/jpeg")}


if handler == "libraries":
    result = libraries(argument)
else:
    module, name = handler.rsplit(".", 1)
    result = getattr(importlib.import_module(module), name)(argument, Context())
outside = sorted(m for m, mod in sys.modules.items()
                 if getattr(mod, "__file__", None) and "site-packages" in mod.__file__)
print(json.dumps({"result": result, "from_site_packages": outside}))
