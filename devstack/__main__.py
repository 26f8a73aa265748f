"""`make run`: the whole system on this machine. Ctrl-C stops it."""
import argparse
import faulthandler
import os
import signal
import threading
import warnings
from datetime import datetime
from pathlib import Path

from .server import LocalStack


def main() -> None:
    # Chalice local reads the Cognito claims without verifying them, by design of the local stage.
    warnings.filterwarnings("ignore", message="CognitoUserPoolAuthorizer is not a supported in local mode")
    parser = argparse.ArgumentParser(prog="python -m devstack")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--speed", type=float, default=1.0, help="run the simulated clock N times faster")
    parser.add_argument("--state", type=Path, help="keep the data in this file between runs")
    parser.add_argument("--start", type=_aware, help="simulated time to start at, ISO 8601 with offset "
                                                     "(default: now), e.g. 2026-12-01T17:00:00Z")
    args = parser.parse_args()
    # Before the stack says it is running: a SIGTERM sent as soon as it says so stops it cleanly.
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    stack = LocalStack(port=args.port, speed=args.speed, state=args.state, start_at=args.start)
    demo = stack.start()
    base = f"http://127.0.0.1:{stack.port}"
    print(f"\nOnMyWay is running on {base}  (AWS emulator on 127.0.0.1:{stack.moto_port})\n")
    print(f"Demo organization: {demo['org'].name} ({demo['org'].slug}), texts from {demo['org'].sms_number}")
    for user in demo["users"]:
        print(f"  {user['name']:<16} {','.join(user['roles']):<12} Authorization: Bearer {user['token']}")
    print(f"\nTry:  curl -H 'Authorization: Bearer {demo['users'][0]['token'][:16]}...' {base}/jobs")
    print(f"      {base}/dev/outbox (texts sent, and a phone to answer)   {base}/openapi.json   {base}/dev/demo")
    print("Ctrl-C stops everything.", flush=True)
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>`: every thread's stack, when it seems stuck
    try:
        # A timed wait: a SIGTERM the kernel hands to another thread does not wake an untimed one, and the
        # main thread only runs Python's handler when it wakes (a tenth of a second: the stop waits for it).
        while not stopping.wait(0.1):
            pass
    except KeyboardInterrupt:
        pass
    stack.stop()
    print("stopped", flush=True)
    # Everything is stopped and said: skip the interpreter's teardown of the emulator's heap (half a second of
    # CPU, paid by every stack a test starts). Nothing here registers an atexit handler.
    os._exit(0)


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time with its offset, e.g. 2026-12-01T17:00:00Z")
    return moment


if __name__ == "__main__":
    main()
