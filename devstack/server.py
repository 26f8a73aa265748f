"""The local stack: moto on loopback, the resources of infra/, the demo, and the API served by Chalice."""
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from moto.server import ThreadedMotoServer

from . import collector, direct, emulator, gateway, loopback, state
from .driver import Driver

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
BACKLOG = 128  # socketserver listens with a backlog of 5: a burst of clients beyond it gets TCP resets


def local_environment(moto_port: int) -> dict[str, str]:
    stage = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]["local"]["environment_variables"]
    return {**stage, "AWS_ENDPOINT_URL": f"http://{HOST}:{moto_port}", "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local", "AWS_REGION": stage["AWS_DEFAULT_REGION"]}


@dataclass
class LocalStack:
    port: int
    moto_port: int = 0
    speed: float = 1.0
    state: Path | None = None
    start_at: datetime | None = None  # the simulated clock's start (default: the real time)

    def start(self) -> dict:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines
        emulator.install()
        self.moto = ThreadedMotoServer(ip_address=HOST, port=self.moto_port, verbose=False)
        self.moto.start()
        self.moto_port = self.moto._server.server_port
        loopback.serve_in_process(f"{HOST}:{self.moto_port}")  # this process's own calls
        direct.answer_directly()  # and its item calls without a wire's work
        os.environ.update(local_environment(self.moto_port))
        os.environ.pop("AWS_PROFILE", None)

        from chalicelib import bootstrap

        from . import demo, provision, routes
        routes.CLOCK.start_at(self.start_at or datetime.now(UTC), self.speed)
        bootstrap.use(clock=routes.CLOCK.now)
        # texts leave through the rate-governed queues, drained by text_drainer as in AWS; a local run sends
        # what its identity's rate allows at that instant and leaves the rest to the next beat
        os.environ.update(provision.provision(os.environ["TABLE_NAME"], os.environ["PHOTOS_BUCKET"]),
                          TEXT_DRAIN_SECONDS="0", SWEEP_WORKERS="1")  # one thread: the outbox is per thread
        if self.state and state.load(os.environ["TABLE_NAME"], self.state):
            routes.DEMO.update(demo.restore(bootstrap.repos()))
        else:
            routes.DEMO.update(demo.seed(bootstrap.repos()))

        from chalice.config import Config
        from chalice.local import create_local_server

        import app
        app.app.register_blueprint(routes.bp)
        config = Config.create(chalice_stage="local", app_name="onmyway", project_dir=str(ROOT),
                               config_from_disk=json.loads((ROOT / ".chalice" / "config.json").read_text()))
        self.api = create_local_server(app.app, config, HOST, self.port)
        gateway.answer_as_deployed(self.api, app.app, config)
        collector.take_over()  # start-up's heap frozen; the full collections at the driver's quiet beats
        self.api.server.socket.listen(BACKLOG)  # (a thread per connection: the backlog is the limit)
        self.port = self.api.server.server_port
        os.environ["LINK_BASE_URL"] = f"http://{HOST}:{self.port}"  # links in texts open this server
        # (it looks for a stop every poll interval: 0.5 s by default, paid by every stop)
        self.api_thread = threading.Thread(target=self.api.server.serve_forever, kwargs={"poll_interval": 0.05},
                                           name="api", daemon=True)
        self.api_thread.start()
        self.driver = Driver(app.app, os.environ["TABLE_NAME"], routes.CLOCK.now)
        routes.DRIVER["driver"] = self.driver
        self.stopping = threading.Event()
        self.driver_thread = threading.Thread(target=self.driver.run, args=(self.stopping, self.on_text),
                                              name="driver", daemon=True)
        self.driver_thread.start()
        return routes.DEMO

    @staticmethod
    def on_text(entry) -> None:
        if entry.channel == "sms":
            print(f"[text] to {entry.to} ({entry.segments} segment{'s' if entry.segments > 1 else ''}): "
                  f"{entry.body}", flush=True)
        else:
            print(f"[{entry.channel}] to {entry.to}: {entry.body}", flush=True)

    def stop(self) -> None:
        self.stopping.set()
        self.driver_thread.join(timeout=10)
        self.api.server.shutdown()
        self.api.server.server_close()
        if self.state:
            state.save(os.environ["TABLE_NAME"], self.state)
        loopback.stop_serving(f"{HOST}:{self.moto_port}")
        self.moto.stop()
