"""CloudWatch metrics in EMF, per organization: counted where texts go, fail and timers fire, written
once when each Lambda handler returns (the suite turns them off elsewhere: POWERTOOLS_METRICS_DISABLED)."""
import json

import pytest

from .conftest import new_customer, sweep, window

SAM = "+13035550177"


@pytest.fixture
def emf(monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    capsys.readouterr()

    def documents() -> list[dict]:
        """The EMF documents printed since the last call: {metric: value} with their org_id."""
        out = []
        for line in capsys.readouterr().out.splitlines():
            if line.startswith("{") and '"_aws"' in line:
                doc = json.loads(line)
                (directive,) = doc["_aws"]["CloudWatchMetrics"]
                assert directive["Namespace"] == "OnMyWay" and "org_id" in directive["Dimensions"][0], directive
                out.append({"org_id": doc["org_id"],
                            **{m["Name"]: sum(v if isinstance(v := doc[m["Name"]], list) else [v])
                               for m in directive["Metrics"]}})
        return out
    return documents


def test_texts_segments_failures_and_timers_per_organization(api, org, other_org, stream, clock, emf, monkeypatch):
    from chalicelib.notify.sms import SnsSender
    new_customer(api, other_org, "+13035550178")
    customer = new_customer(api, org, SAM)
    api.post("/jobs", org.dispatcher, {"customer_id": customer, "description": "x", "appointment": window(days=2)})
    assert stream.settle() == []
    assert emf() == [{"org_id": org.id, "TextsSent": 1, "SmsSegments": 1}]  # one document per invocation

    # The reminder timer (24 h before) fires; its text is refused by the provider once.
    def refuse(self, to, body, origination):
        raise ConnectionError("SNS timed out")
    monkeypatch.setattr(SnsSender, "send", refuse)
    clock.advance(days=1)
    sweep(api)
    assert emf() == [{"org_id": org.id, "DeliveryFailures": 1}]  # the text failed: its timer did not act
    monkeypatch.undo()
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    clock.advance(minutes=10)  # the failed text is retried by the sweep five minutes on
    sweep(api)
    (doc,) = emf()
    assert doc == {"org_id": org.id, "TextsSent": 1, "SmsSegments": 1}


def test_a_fired_timer_is_counted(api, org, stream, clock, emf):
    customer = new_customer(api, org, SAM)
    api.post("/jobs", org.dispatcher, {"customer_id": customer, "description": "x", "appointment": window(days=2)})
    assert stream.settle() == []
    emf()
    clock.advance(days=1)  # the reminder is due
    sweep(api)
    assert emf() == [{"org_id": org.id, "TextsSent": 1, "SmsSegments": 1, "TimersFired": 1}]
