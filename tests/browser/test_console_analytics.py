"""The console's analytics screen in Chromium at 1280×800 against `make run`'s stack: a dispatcher opens it for
the demo's week (the default: the organization's last 7 days), and each chart's table holds the numbers of
GET /analytics and GET /analytics/cost for that range; each "Download CSV" gives exactly that table; the
screen is loaded only when opened. axe on each view, screenshots saved."""
import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.stack.test_local_stack import call, start, stop

from .test_console import demo, dispatcher_token, shoot, sign_in

KIM = "+13035550190"
EVE = "+13035550191"
COMMENT = "Quick and tidy, thank you"
STATUSES = ["held", "suppressed", "sent", "delivered", "failed", "unknown"]
BY = {"day": "Day", "week": "Week", "channel": "Channel", "location": "Location", "technician": "Technician"}


@pytest.fixture(scope="module")
def stack():
    base, process = start()
    try:  # a failed set-up stops its stack too
        live_the_day(base)
        yield base
    finally:
        stop(process)


def live_the_day(base: str) -> None:
    # The demo's day, lived: two new visits tomorrow, Kim confirms hers by text and Eve rejects hers as too
    # expensive; Lee rates the heater install; four and a half hours on, the demo's unassigned AC tune-up is
    # auto-canceled (T-1h) and an escalation call ends in a confirmation.
    people, token = demo(base), dispatcher_token(base)
    org_number = people["org"]["sms_number"]
    tomorrow = datetime.fromisoformat(call(base, "GET", "/dev/clock")[1]["now"].replace("Z", "+00:00")) + \
        timedelta(days=1)
    for phone, name, technician in ((KIM, "Kim Park", "Ana Alvarez"), (EVE, "Eve Stone", "Ben Okafor")):
        customer = call(base, "POST", "/customers", {"name": name, "phone": phone, "time_zone": "America/Denver"},
                        token)[1]
        window = {"window_start": tomorrow.strftime("%Y-%m-%dT%H:00:00Z"),
                  "window_end": (tomorrow + timedelta(hours=2)).strftime("%Y-%m-%dT%H:00:00Z"),
                  "technician_id": next(u["id"] for u in people["users"] if u["name"] == technician)}
        assert call(base, "POST", "/jobs", {"customer_id": customer["id"], "description": "Furnace check",
                                            "appointment": window}, token)[0] == 201
    # Ben finishes Lee's heater install, and Lee rates it on the feedback page.
    heater = next(j for j in people["jobs"] if j["description"] == "Install tankless water heater")
    ben = next(u for u in people["users"] if u["name"] == "Ben Okafor")["token"]
    for action in ("start", "complete"):
        assert call(base, "POST", f"/appointments/{heater['appointments'][0]['id']}/status", {"action": action},
                    ben)[0] == 200
    assert call(base, "POST", "/dev/settle", {})[0] == 200
    link = next(re.search(r"/c/[A-Za-z0-9_-]{22}", m["body"]).group(0)
                for m in call(base, "GET", "/dev/outbox.json")[1]["items"] if m["scenario"] == "feedback_request")
    assert call(base, "POST", f"{link}/feedback", {"rating": 4, "comment": COMMENT})[0] == 201
    assert call(base, "POST", "/dev/sms", {"from": KIM, "to": org_number, "body": "C"})[1] == {"outcome": "confirmed"}
    assert call(base, "POST", "/dev/sms", {"from": EVE, "to": org_number, "body": "N - too expensive"})[1][
        "outcome"] == "rejected"
    later = tomorrow - timedelta(days=1) + timedelta(hours=4, minutes=30)
    call(base, "POST", "/dev/clock", {"set": later.strftime("%Y-%m-%dT%H:%M:%SZ")})
    assert call(base, "POST", "/dev/settle", {})[0] == 200
    # The chain escalated a visit nobody confirmed: the dispatcher calls and it is confirmed.
    (entry,) = call(base, "GET", "/queues/escalation", token=token)[1]["items"]
    for step, body in (("claim", None), ("resolve", {"outcome": "confirmed"})):
        assert call(base, "POST", f"/queues/escalation/{entry['id']}/{step}", body, token)[0] == 200
    assert call(base, "POST", "/dev/settle", {})[0] == 200


def shown(v) -> str:
    """A number as the console writes it (JavaScript's String): 4.0 is "4"; nothing is "–"."""
    if v is None or v == "":
        return "–"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def words(key: str) -> str:
    return key[:1].upper() + key[1:].replace("_", " ")


def percent(rate):
    return None if rate is None else round(rate * 10000) / 100


def expected(report: dict, cost: dict) -> dict[str, list[list]]:
    """Each figure's table, header first, from the API's answers (the Total row from `total`)."""
    head, groups, total = BY[report["group_by"]], report["groups"], report["total"]
    label = (lambda g: g["name"] or "Unassigned") if report["group_by"] == "technician" else (lambda g: g["key"])

    def per_group(values):
        return [[label(g), *values(g)] for g in groups] + [["Total", *values(total)]]
    texts = total["texts"]
    statuses = [s for s in STATUSES if any(s in t for t in texts.values())]
    scenarios = sorted(texts)
    outcomes, reasons = sorted(total["escalation_outcomes"]), sorted(total["rejections"])
    b = cost["breakdown"]
    return {
        "texts-by-status": [["Scenario", *map(words, statuses)],
                            *[[words(sc), *(texts[sc].get(s, 0) for s in statuses)] for sc in scenarios]],
        "texts-sent": [[head, *map(words, scenarios), "SMS segments"],
                       *per_group(lambda g: [*(g["texts"].get(sc, {}).get("sent", 0) for sc in scenarios),
                                             g["segments"]])],
        "rates": [[head, "Asked", "Replied", "Reply rate (%)", "Confirmed", "Confirmation rate (%)",
                   "Time to confirm (min)"],
                  *per_group(lambda g: [g["asked"], g["replied"], percent(g["reply_rate"]), g["confirmed"],
                                        percent(g["confirmation_rate"]), g["time_to_confirm_minutes"]])],
        "escalations": [[head, "Escalations", *(f"Closed: {words(o)}" for o in outcomes)],
                        *per_group(lambda g: [g["escalations"], *(g["escalation_outcomes"].get(o, 0)
                                                                  for o in outcomes)])],
        "rejections": [[head, *map(words, reasons), "All rejections"],
                       *per_group(lambda g: [*(g["rejections"].get(r, 0) for r in reasons),
                                             sum(g["rejections"].values())])],
        "cancels": [[head, "Appointments booked", "Auto-cancels", "No-shows"],
                    *per_group(lambda g: [g["appointments"], g["auto_cancels"], g["no_shows"]])],
        "feedback": [[head, "Feedback received", "Average rating (1-5)"],
                     *per_group(lambda g: [g["feedback"]["count"], g["feedback"]["average"]])],
        "cost": [["Part", "Use per 1,000 appointments", "USD per 1,000 appointments"],
                 ["SMS", f"{b['sms']['segments']} segments", b["sms"]["usd"]],
                 ["DynamoDB", f"{b['dynamodb']['write_request_units']} write + "
                              f"{b['dynamodb']['read_request_units']} read request units", b["dynamodb"]["usd"]],
                 ["Lambda", f"{b['lambda']['invocations']} invocations "
                            f"({b['lambda']['assumed_ms_per_invocation']} ms each, assumed)", b["lambda"]["usd"]],
                 ["Total", "", cost["per_1000_appointments_usd"]]],
    }


def expected_split(report: dict) -> dict[str, list[list]]:
    """The split figures' tables: a column per technician counted in the range, then the group's own figure."""
    parts = sorted(report["total"]["split"], key=lambda p: p["name"] or "Unassigned")  # by name, as shown
    names = [p["name"] or "Unassigned" for p in parts]

    def table(figure, empty):
        def row(label, g):
            mine = {p["key"]: p for p in g["split"]}
            return [label, *(figure(mine[p["key"]]) if p["key"] in mine else empty for p in parts), figure(g)]
        return [["Day", *names, "All technicians"], *(row(g["key"], g) for g in report["groups"]),
                row("Total", report["total"])]
    return {"split-sent": table(lambda g: sum(t.get("sent", 0) for t in g["texts"].values()), 0),
            "split-booked": table(lambda g: g["appointments"], 0),
            "split-confirmation": table(lambda g: percent(g["confirmation_rate"]), None)}


def table_of(page, figure: str) -> list[list[str]]:
    return page.locator(f"#fig-{figure} table").evaluate(
        "t => [...t.rows].map(r => [...r.cells].map(c => c.textContent.trim()))")


def csv_of(page, figure: str, tmp_path) -> tuple[str, list[list[str]]]:
    with page.expect_download() as info:
        page.locator(f"#fig-{figure}").get_by_role("button", name=re.compile("^Download CSV")).click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_a_dispatcher_sees_the_demo_week_as_charts_whose_tables_and_csv_hold_the_apis_numbers(stack, desk,
                                                                                              tmp_path):
    base, page, token = stack, desk, dispatcher_token(stack)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url.removeprefix(base)))
    sign_in(page, base)
    expect(page.get_by_role("heading", name=re.compile("^Day board"))).to_be_visible()
    assert not [u for u in requested if u.endswith(("/analytics.js", "/chart.js"))]  # not in the first load

    page.get_by_role("link", name="Analytics").click()
    # The default: the organization's last 7 days, today (Tue 1 Dec in Denver) included.
    expect(page).to_have_url(re.compile(r"#/analytics/from=2026-11-25&to=2026-12-01&group_by=day$"))
    expect(page.get_by_label("From", exact=True)).to_have_value("2026-11-25")
    expect(page.get_by_label("To", exact=True)).to_have_value("2026-12-01")
    expect(page.get_by_role("heading", name="Analytics", exact=True)).to_be_focused()
    expect(page.locator("#fig-cost table")).to_be_visible()
    assert [u for u in requested if u.endswith("/analytics.js")]

    range_ = "from=2026-11-25&to=2026-12-01"
    report = call(base, "GET", f"/analytics?{range_}&group_by=day", token=token)[1]
    cost = call(base, "GET", f"/analytics/cost?{range_}", token=token)[1]
    tables = expected(report, cost)
    # The lived day shows: texts sent, confirmations (a reply, a call), an auto-cancel (else it proves nothing).
    day = next(g for g in report["groups"] if g["key"] == "2026-12-01")
    assert day["texts"]["booking_confirmation"]["sent"] >= 4 and day["confirmed"] == 2 and day["auto_cancels"] == 1
    assert day["replied"] == 2 and day["rejections"] == {"price": 1}
    assert day["feedback"] == {"count": 1, "average": 4.0}
    assert (day["escalations"], day["escalation_outcomes"]) == (1, {"confirmed": 1})
    assert [g["key"] for g in report["groups"]] == [f"2026-11-{d}" for d in range(25, 31)] + ["2026-12-01"]
    for figure, rows in tables.items():
        assert table_of(page, figure) == [[shown(v) for v in row] for row in rows], figure
    expect(page.locator("#fig-feedback .comments li")).to_have_text(re.compile(f"^4 of 5 “{COMMENT}”"))
    shoot(page, tmp_path, "analytics-week-by-day")
    page.screenshot(path=str(tmp_path / "analytics-first-view.png"))  # what 1280×800 shows first (the README's)

    for figure, rows in tables.items():
        name, parsed = csv_of(page, figure, tmp_path)
        assert name == f"onmyway-{figure}_2026-11-25_2026-12-01_day.csv"
        assert parsed == [["" if v in (None, "") else shown(v) for v in row] for row in rows], figure

    # By technician: the same week, a row per person by name.
    page.get_by_label("Group by", exact=True).select_option("technician")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"group_by=technician$"))
    expect(page.locator("#fig-texts-sent thead th").first).to_have_text("Technician")
    report = call(base, "GET", f"/analytics?{range_}&group_by=technician", token=token)[1]
    assert {g["name"] for g in report["groups"]} >= {"Ana Alvarez", "Ben Okafor"}
    for figure, rows in expected(report, cost).items():
        assert table_of(page, figure) == [[shown(v) for v in row] for row in rows], figure
    shoot(page, tmp_path, "analytics-week-by-technician")

    # By day, split by technician: a column per person in each split figure, then all of them.
    page.get_by_label("Group by", exact=True).select_option("day")
    page.get_by_label("Split by", exact=True).select_option("technician")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"group_by=day&split=technician$"))
    expect(page.locator("#fig-split-sent table")).to_be_visible()
    report = call(base, "GET", f"/analytics?{range_}&group_by=day&split=technician", token=token)[1]
    tables = expected_split(report)
    assert tables["split-sent"][0] == ["Day", "Ana Alvarez", "Ben Okafor", "Unassigned", "All technicians"]
    assert tables["split-booked"][-1][1:] == [2, 2, 1, 5]  # Kim's and the furnace; Eve's and the heater; the AC
    for figure, rows in tables.items():
        assert table_of(page, figure) == [[shown(v) for v in row] for row in rows], figure
    name, parsed = csv_of(page, "split-confirmation", tmp_path)
    assert name == "onmyway-split-confirmation_2026-11-25_2026-12-01_day_technician.csv"
    assert parsed == [["" if v in (None, "") else shown(v) for v in row] for row in tables["split-confirmation"]]
    shoot(page, tmp_path, "analytics-week-by-day-split-by-technician")


def test_a_range_the_api_refuses_is_said_in_words(stack, desk):
    sign_in(desk, stack)
    desk.goto(stack + "/console#/analytics/from=2026-12-01&to=2026-11-25&group_by=week")
    expect(desk.get_by_role("alert")).to_contain_text("must not be before from")
