"""The way of one en-route text, from the technician's status write to the provider call: how many functions of
chalicelib it passes through, in how many files, how deep the call stack is when the provider is called, and
how often the job is read. On the in-memory twins (tests/fakes), with the rate-governed SMS queue.

    python bench/send_path.py"""
import os
import sys
import uuid
from collections import Counter, deque
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib import bootstrap  # noqa: E402
from chalicelib.domain.customers import Customer  # noqa: E402
from chalicelib.domain.people import Role  # noqa: E402
from chalicelib.domain.status import AppointmentAction  # noqa: E402
from chalicelib.domain.values import TimeFrame  # noqa: E402
from chalicelib.services import jobs, reactions  # noqa: E402
from chalicelib.services.access import Caller  # noqa: E402
from chalicelib.services.outbox import drain  # noqa: E402
from chalicelib.services.people import create_organization, create_user  # noqa: E402
from tests.fakes import FakeClock, RecordingVoice, fake_repositories  # noqa: E402

NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 10:00 in Denver


class Queue:
    def __init__(self):
        self.lanes = {True: deque(), False: deque()}

    def configured(self):
        return True

    def put(self, text):
        self.lanes[text.urgent].append(replace(text, handle=str(uuid.uuid4())))

    def receive(self, urgent):
        got = list(self.lanes[urgent])
        self.lanes[urgent].clear()
        return got

    def done(self, text):
        pass

    def give_back(self, texts):
        for t in texts:
            self.lanes[t.urgent].append(t)


class Provider:
    def __init__(self):
        self.voice, self.sms, self.texts, self.stacks = RecordingVoice(), None, Queue(), []

    def send(self, message):
        frames, frame = [], sys._getframe(1)
        while frame:
            if "/chalicelib/" in frame.f_code.co_filename:
                frames.append(f"{Path(frame.f_code.co_filename).relative_to(ROOT)}:{frame.f_code.co_name}")
            frame = frame.f_back
        self.stacks.append((message.scenario, frames[::-1]))
        return "prov-1"


def main() -> None:
    clock = FakeClock(NOW)
    bootstrap.use(clock=clock)
    repos, provider = fake_repositories(), Provider()
    org, dispatcher = create_organization(repos, name="Acme", slug="acme", time_zone="America/Denver",
                                          sms_number="+13035550100", dispatcher_name="Dana",
                                          dispatcher_email="d@acme.example")
    dispatcher = Caller(dispatcher)
    tech = Caller(create_user(repos, dispatcher, name="Ana", email="a@acme.example",
                              roles=frozenset({Role.TECHNICIAN}), phone="+13035550142"))
    repos.customers.add(Customer("cus_1", org.id, "Sam", "+13035550177", NOW, time_zone="America/Denver"))
    job = jobs.create_job(repos, dispatcher, "cus_1", "Furnace",
                          appointment=jobs.NewAppointment(TimeFrame(NOW + timedelta(hours=1), NOW + timedelta(hours=3)),
                                                          tech.id))
    world = repos.jobs.w

    def stream():
        while world.changes:
            reactions.react(repos, provider, repos.changes.events_of(world.changes.pop(0)))
    stream()
    drain.drain(repos, provider, 0)
    provider.stacks.clear()
    clock.now += timedelta(seconds=2)  # the identity's second is free again

    calls, files, reads = Counter(), set(), Counter()
    real_get = type(repos.jobs).get

    def counting_get(self, org_id, job_id):
        reads["jobs.get"] += 1
        caller = sys._getframe(1)
        reads[f"  by {Path(caller.f_code.co_filename).relative_to(ROOT)}:{caller.f_code.co_name}"] += 1
        return real_get(self, org_id, job_id)
    type(repos.jobs).get = counting_get

    def profile(frame, event, arg):
        if event == "call" and "/chalicelib/" in frame.f_code.co_filename:
            calls[(frame.f_code.co_filename, frame.f_code.co_name)] += 1
            files.add(frame.f_code.co_filename)
    sys.setprofile(profile)
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    jobs.change_status(repos, tech, job.appointments[0].id, AppointmentAction.EN_ROUTE, eta=NOW + timedelta(minutes=45))
    stream()
    drain.drain(repos, provider, 0)
    sys.setprofile(None)

    (scenario, stack), = provider.stacks
    print(f"one {scenario} text, from the status write to the provider call")
    print(f"  chalicelib functions called: {len(calls)} ({sum(calls.values())} calls) in {len(files)} files")
    print(f"  the job read {reads.pop('jobs.get')} times")
    for where, n in sorted(reads.items()):
        print(f"  {where} ×{n}")
    print(f"  the provider called {len(stack)} chalicelib frames deep (the drainer's stack):")
    for frame in stack:
        print(f"    {frame}")


if __name__ == "__main__":
    main()
