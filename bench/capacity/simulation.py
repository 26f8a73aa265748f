"""A fraction of the day, a window of its minutes, through the real handlers on the local stage, compared with
the model minute by minute and operation by operation."""
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .day import DAY, ESCALATE_AFTER, RELEASE_WINDOW, SWEPT, VISITS, ZONES, shape
from .model import FIXED, SHORT_CODE, SMS_LIMITS, model
from .recorder import SEND, Recorder
from .stage import Stage


def counts(per_minute: list[float], scale: float, minutes: range) -> dict[int, int]:
    """Whole operations per minute whose running total follows the model's scaled figure."""
    out, carried = {}, 0.0
    for m in minutes:
        carried += per_minute[m] * scale
        out[m] = int(carried)
        carried -= out[m]
    return out


def simulate(scale: float, first_minute: int, minutes: int, measured: dict, rec: Recorder, due_shards: int,
             identities: int, rate: float) -> None:
    """`scale` of the day's operations in the minutes [first_minute, first_minute + minutes) of the UTC day,
    through the real handlers (API, stream, sweep, drainer, receipts) on the local stage, the simulated
    clock moving a second per operation within each minute; write units counted per minute."""
    window = range(first_minute, first_minute + minutes)
    demand = shape(VISITS)
    plan = {label: counts(per_minute, scale, window) for label, per_minute in demand.items()}
    day = DAY - timedelta(days=1)  # the simulated day: a Tuesday (its visits were booked the day before)
    stage = Stage(day + timedelta(minutes=first_minute) - timedelta(hours=30))
    stage.recorder = rec
    from chalicelib.bootstrap import store_repositories
    from chalicelib.domain.people import Role
    from chalicelib.services import people
    from chalicelib.services.access import Caller
    from devstack import demo
    from devstack.tokens import mint
    repos = store_repositories()
    org, boss = demo.create_org(repos, "Acme Home Services", "acme", "America/New_York")
    from chalicelib.store.rates import SendRates
    SendRates().set_rate(org.sms_number, SMS_LIMITS[SHORT_CODE])  # the model's identity: a short code
    dispatcher = mint(boss.id, org.id, [Role.DISPATCHER])
    techs, made = [], Counter()
    n_visits = sum(plan["en route"].values()) + 1
    for i in range(max(n_visits // 4, 2)):
        user = people.create_user(repos, Caller(boss), name=f"Tech {i:04d}", email=f"t{i}@acme.example",
                                  phone=f"+1212555{i:04d}", roles=frozenset({Role.TECHNICIAN}))
        techs.append({"id": user.id, "token": mint(user.id, org.id, [Role.TECHNICIAN])})

    def daytime(zone: str, at: datetime) -> bool:
        return 8 <= at.astimezone(ZoneInfo(zone)).hour < 21

    def customer(at: datetime, quiet: bool = False, zone: str | None = None) -> tuple[str, str]:
        """A new customer in `zone`, or in a zone where `at` is in the day (or in quiet hours), made outside
        any operation."""
        fitting = [zone] if zone else [z for z in ZONES if daytime(z, at) != quiet] or list(ZONES)
        n = made["customers"]
        made["customers"] += 1
        label, rec.label = rec.label, None
        try:
            phone = f"+1718{200 + n // 10_000}{n % 10_000:04d}"  # valid numbers: a reply from one is read
            c = people.create_customer(repos, Caller(boss), name=f"Customer {n}", phone=phone, email=None,
                                       time_zone=fitting[n % len(fitting)], address="1 Main St")
        finally:
            rec.label = label
        return c.id, c.phone

    def book(who: tuple[str, str], start: datetime) -> tuple[dict, dict]:
        tech = techs[made["visits"] % len(techs)]
        made["visits"] += 1
        return stage.request("POST", "/jobs", dispatcher, {
            "customer_id": who[0], "description": "No heat", "appointment": {
                "window_start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "window_end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "technician_id": tech["id"]}}), tech

    def on_the_hour(t: datetime) -> datetime:
        return t.replace(minute=0, second=0, microsecond=0)

    began = time.perf_counter()
    # Before the window (not counted), each visit in the state its operation in the window needs, its
    # questions asked and answered (or not) at the times the model assumes, in time order:
    moving, started, finishing = [], [], []
    setup: list[tuple[datetime, object]] = []  # (when, what)
    base = day - timedelta(hours=5)  # 19:00 UTC the day before: daytime in every zone
    opening = day + timedelta(minutes=first_minute)

    def under_way(state: str):
        def act():
            who = customer(base)
            job, tech = book(who, opening + timedelta(minutes=30))
            stage.settle()
            stage.driver.text_in(who[1], org.sms_number, "C")  # confirmed, as the measured visit was
            for action in ("en_route", "start")[:("booked", "en_route", "start").index(state)]:
                stage.request("POST", f"/appointments/{job['appointments'][0]['id']}/status", tech["token"],
                              {"action": action})
            (moving if state == "booked" else started if state == "en_route" else finishing).append((job, tech))
        return act

    for state, label in (("booked", "en route"), ("en_route", "start (arrived)"),
                         ("start", "complete (feedback request)")):
        setup += [(base, under_way(state))] * sum(plan[label].values())

    def reminded(m: int, answers: bool):
        def act():  # the reminder (and, unanswered, the hand-back) falls due at minute m, in the day there
            who = customer(day + timedelta(minutes=m))
            book(who, day + timedelta(days=1, minutes=m))
            stage.settle()
            if answers:
                stage.driver.text_in(who[1], org.sms_number, "C")
        return act

    for m in window:
        setup += [(base, reminded(m, True))] * plan["reminder (sweep)"][m]
        setup += [(base, reminded(m, False))] * plan["reminder, unconfirmed (sweep)"][m]

    def escalated(at: datetime, zone: str):
        def act():  # asked now, never answered: the chain escalates it in the window (a visit 2 days on)
            book(customer(stage.now, zone=zone), on_the_hour(at + timedelta(hours=47)))
        return act

    def local_hour(zone: str, at: datetime) -> int:
        return at.astimezone(ZoneInfo(zone)).hour

    mornings = set()
    for m in window:
        due = day + timedelta(minutes=m)
        asked = due - timedelta(minutes=ESCALATE_AFTER)
        zone = next((z for z in ZONES if daytime(z, asked) and daytime(z, due)), None)
        if zone is None:  # in the hour after 08:00 somewhere: steps put off from the night before
            mornings |= {(z, due.astimezone(ZoneInfo(z)).replace(hour=8, minute=0).astimezone(UTC))
                         for z in ZONES if local_hour(z, due) == 8}
            continue
        setup += [(asked, escalated(asked, zone))] * plan["escalation (sweep)"][m]
    for zone, eight in mornings:  # the whole release window's, asked the evening before: each step's own
        # moment in it is a hash of its appointment, so the model's share of them falls in the simulated minutes
        first = int((eight - day).total_seconds() // 60)
        n = sum(counts(demand["escalation (sweep)"], scale, range(first, first + max(RELEASE_WINDOW, 1))).values())
        asked = eight - timedelta(hours=12, minutes=30)
        setup += [(asked, escalated(asked, zone))] * n

    def held(zone: str):
        def act():  # booked in quiet hours: its confirmation is released in the window
            book(customer(stage.now, zone=zone), on_the_hour(opening + timedelta(days=2)))
        return act

    morning = next((z for z in ZONES if local_hour(z, opening) == 8), "America/New_York")  # releasing now
    night = opening - timedelta(hours=10)  # 22:00 there
    setup += [(night, held(morning))] * sum(plan["held text released"].values())
    for when, act in sorted(setup, key=lambda s: s[0]):
        if when > stage.now:
            stage.now = when
            stage.settle(sweep=True)
        else:
            stage.now += timedelta(seconds=1)  # a visit a second: its texts never wait for the send rate
        act()
    stage.now = opening - timedelta(minutes=1)
    stage.settle(sweep=True)
    seen = len(stage.driver.outbox)
    print(f"(set-up: {made['customers']} customers, {len(setup)} visits, in {time.perf_counter() - began:.0f} s)",
          file=sys.stderr)

    # The window, minute by minute.
    began = time.perf_counter()
    written, ops_done, performed = {}, 0, Counter()
    asked = []  # customers asked to confirm in the window, oldest first: they are the ones who answer "C"

    def note_asked(seen: int) -> int:
        asked.extend(e.to for e in stage.driver.outbox[seen:] if "visit booked" in e.body)
        return len(stage.driver.outbox)

    en_route = list(moving)
    for m in window:
        minute_start = day + timedelta(minutes=m)
        stage.now = minute_start
        rec.label = f"sim {m}|sweep"
        stage.settle(sweep=True)  # the minute's sweep run: reminders, held texts
        seen = note_asked(seen)
        todo = []
        for label in ("book (confirmation sent)", "book at night (held)"):
            todo += [label] * plan[label][m]
        todo += ["customer replies C"] * plan["customer replies C"][m]
        todo += ["en route"] * plan["en route"][m] + ["start (arrived)"] * plan["start (arrived)"][m]
        todo += ["complete (feedback request)"] * plan["complete (feedback request)"][m]
        todo += ["technician's day view"] * plan["technician's day view"][m]
        random.Random(m).shuffle(todo)
        for k, label in enumerate(todo):
            rec.label = f"sim {m}|{label}"
            stage.now = minute_start + timedelta(seconds=60 * k / max(len(todo), 1))
            if label.startswith("book"):
                book(customer(stage.now, quiet=label == "book at night (held)"), minute_start + timedelta(days=2))
            elif label == "customer replies C" and asked:
                stage.driver.text_in(asked.pop(0), org.sms_number, "C")
            elif label == "en route" and en_route:
                job, tech = en_route.pop()
                stage.request("POST", f"/appointments/{job['appointments'][0]['id']}/status", tech["token"],
                              {"action": "en_route", "eta": (stage.now + timedelta(minutes=30)).strftime(
                                  "%Y-%m-%dT%H:%M:%SZ")})
                started.append((job, tech))
            elif label == "start (arrived)" and started:
                job, tech = started.pop(0)
                stage.request("POST", f"/appointments/{job['appointments'][0]['id']}/status", tech["token"],
                              {"action": "start"})
                finishing.append((job, tech))
            elif label == "complete (feedback request)" and finishing:
                job, tech = finishing.pop(0)
                stage.request("POST", f"/appointments/{job['appointments'][0]['id']}/status", tech["token"],
                              {"action": "complete"})
            elif label == "technician's day view":
                tech = techs[ops_done % len(techs)]
                stage.request("GET", f"/technicians/me/appointments?date={minute_start:%Y-%m-%d}", tech["token"])
            else:
                continue  # nothing in the state this operation needs: not done, not counted
            performed[label] += 1
            ops_done += 1
            stage.settle()
            seen = note_asked(seen)
        written[m] = sum(u for name, units in rec.units.items() if name.startswith(f"sim {m}|")
                         for (kind, _, _), u in units.items() if kind == "W")
    rec.label = None
    seconds = time.perf_counter() - began
    stage.mock.stop()

    # The local stage's sweep acts on all that is due each minute (see Stage) and its texts leave from one
    # number at that number's own rate.
    result = model(measured, int(VISITS * scale), due_shards, RELEASE_WINDOW, 1, SMS_LIMITS[SHORT_CODE],
                   sweep_items=1e12)
    modelled = {m: sum(per_minute[m] for (kind, _, _), per_minute in result["load"].items() if kind == "W")
                for m in window}
    print(f"\n== Simulation: {scale:g} of the day ({int(VISITS * scale):,} visits), UTC minutes "
          f"{first_minute // 60:02d}:{first_minute % 60:02d}+{minutes}, through the real handlers on the local stage")
    print(f"{ops_done:,} operations in {seconds:.0f} s ({ops_done / seconds:.1f} a second; a whole day at this scale "
          f"would take {sum(sum(counts(v, scale, range(1440)).values()) for v in demand.values()) / (ops_done / seconds) / 60:.0f} min)")
    print(f"{'minutes':<14} {'simulated WCU':>14} {'model WCU':>10} {'difference':>10}")
    step = 10 if minutes >= 30 else 5 if minutes >= 10 else 1
    for b in range(first_minute, first_minute + minutes, step):
        sim = sum(written[m] for m in range(b, min(b + step, first_minute + minutes)))
        mod = sum(modelled[m] for m in range(b, min(b + step, first_minute + minutes)))
        print(f"{b // 60:02d}:{b % 60:02d}+{step:<8} {sim:>14.0f} {mod:>10.0f} {100 * (sim - mod) / mod if mod else 0:>9.0f}%")
    total_sim, total_mod = sum(written.values()), sum(modelled.values())
    print(f"{'whole window':<14} {total_sim:>14.0f} {total_mod:>10.0f} {100 * (total_sim - total_mod) / total_mod:>9.0f}%")
    off = {m: 100 * (written[m] - modelled[m]) / modelled[m] for m in window if modelled[m]}
    worst = max(off, key=lambda m: abs(off[m]))
    print(f"minute by minute: {sum(abs(d) <= 20 for d in off.values())} of {len(off)} within 20% of the model; "
          f"the furthest {worst // 60:02d}:{worst % 60:02d}, {off[worst]:+.0f}%")
    compare_operations(rec, result, measured, window, performed)


SENDING = "texts sent (drainer, receipts)"


def compare_operations(rec: Recorder, result: dict, measured: dict, window: range, performed: Counter) -> None:
    """Where simulation and model differ: each operation's write units over the window, the sweep's run with
    what it acted on, the texts' sending (whenever the rate let each go), and the once-a-run items
    (the sweep's watermark, the send rates: once a minute in AWS, once a beat on the local stage)."""
    def group(label: str) -> str:
        return "sweep" if label in SWEPT or label == "sweep run" else label

    simulated, modelled, done = Counter(), Counter(), Counter()
    for name, units in rec.units.items():
        if name.startswith("sim ") and int(name[4:name.index("|")]) in window:
            for (kind, _, pat), u in units.items():
                if kind == "W":
                    label = name.split("|", 1)[1]
                    label = SENDING if label.endswith(SEND) else label  # sent when the rate let it go
                    simulated["runs (watermark, rates)" if pat.startswith(FIXED) else label] += u
    for label, per_minute in result["done"].items():
        cost = measured.get(label) or {"units": {}}
        w = sum(u for (kind, _, _), u in cost["units"].items() if kind == "W")
        n = sum(per_minute[m] for m in window)
        modelled["runs (watermark, rates)" if label == "drainer run" else
                 SENDING if label.endswith(SEND) else group(label)] += w * n
        if not label.endswith(SEND) and label != "drainer run":
            done[group(label)] += n
    print(f"\n{'operation':<30} {'done':>6} {'modelled':>9} {'simulated WCU':>14} {'model WCU':>10} {'difference':>10}")
    for label in sorted(set(simulated) | set(modelled), key=lambda x: -modelled[x]):
        sim, mod = simulated[label], modelled[label]
        print(f"{label:<30} {performed.get(label, ''):>6} {done[label]:>9.0f} {sim:>14.0f} {mod:>10.0f} "
              f"{100 * (sim - mod) / mod if mod else 0:>9.0f}%")
