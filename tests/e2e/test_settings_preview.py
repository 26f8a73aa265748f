"""The console's settings screens' API: POST /settings/scenarios/preview renders a draft (a PUT /settings/scenarios
body) on realistic values with its SMS size and its longest branch's, refuses exactly what the PUT refuses, and
stores nothing; a user's photo is on GET /users for the team screen."""
import pytest

from .conftest import add_user

TWO_SEGMENTS = ("{{ company }}: {{ technician }} is on the way to you now, {{ customer_first_name }}. "
                "Please make sure someone over 18 is home, pets are put away and the work area is clear. "
                "Track: {{ link }}")


def preview(api, token, body) -> dict:
    r = api.post("/settings/scenarios/preview", token, body)
    assert r.status == 200, r.body
    return {s["name"]: s for s in r.body["scenarios"]}


def test_a_draft_is_rendered_on_realistic_values_with_its_segments_and_nothing_is_stored(api, org):
    before = api.get("/settings/scenarios", org.dispatcher).body
    got = preview(api, org.dispatcher, {"scenarios": {"en_route": {"template": TWO_SEGMENTS}}})["en_route"]
    text = got["preview"]["text"]
    assert text.startswith("Acme Home Services: Alexandria Whitfield is on the way to you now, Maximiliana.")
    assert text.endswith("Track: https://omw.acmehvac.com/c/Xq3vT9kLm2Pz8RwYb4NcJd")
    assert (got["preview"]["segments"], got["preview"]["encoding"], got["preview"]["not_gsm7"]) == (2, "GSM-7", [])
    assert got["preview"]["characters"] == len(text) > 160
    assert got["template"] == TWO_SEGMENTS and got["enabled"] is True and got["lead_time_minutes"] is None
    assert got["values"]["technician"] == "Alexandria Whitfield" and got["values"]["eta"] == "11:45am"
    assert set(got["values"]) == {"company", "company_phone", "customer_name", "customer_first_name", "window",
                                  "technician", "link", "eta"}  # the scenario's variables, no others
    assert api.get("/settings/scenarios", org.dispatcher).body == before  # a preview stores nothing


def test_the_longest_branch_is_reported_beside_the_text_on_full_values(api, org):
    # Without an ETA, the delayed text takes its longest branch ("…we will text you when they are on the way.").
    got = preview(api, org.dispatcher, {"scenarios": {"delayed": {}, "reminder": {"enabled": False}}})
    delayed = got["delayed"]
    assert "New ETA 11:45am" in delayed["preview"]["text"]
    assert "we will text you when they are on the way." in delayed["longest"]["text"]
    assert delayed["longest"]["characters"] > delayed["preview"]["characters"]
    assert got["reminder"]["enabled"] is False  # the draft's other fields, as the PUT would make them
    listed = {s["name"]: s for s in api.get("/settings/scenarios", org.dispatcher).body["scenarios"]}
    assert delayed["longest"]["segments"] == listed["delayed"]["segments"]  # the figure GET reports


def test_a_character_outside_gsm7_makes_it_ucs2_and_is_named(api, org):
    got = preview(api, org.dispatcher, {"scenarios": {"arrived": {"template": "{{ company }}: we’re at your door 🚐"}}})
    size = got["arrived"]["preview"]
    assert (size["encoding"], size["not_gsm7"], size["segments"]) == ("UCS-2", ["’", "🚐"], 1)
    assert size["characters"] == len("Acme Home Services: we’re at your door ") + 2  # the van: two UTF-16 units


@pytest.mark.parametrize("patch", [
    {"scenarios": {"en_route": {"template": "{{ company }} {{ secret_key }}"}}},
    {"scenarios": {"en_route": {"template": "{% if %}"}}},
    {"scenarios": {"en_route": {"template": "{{ company.__class__.__mro__ }}"}}},
    {"scenarios": {"arrived": {"lead_time_minutes": 30}}},
    {"scenarios": {"nope": {"template": "x"}}},
    {"scenarios": {"en_route": {"template": ""}}},
    {"quiet_hours": {"start": "25:00", "end": "08:00"}},
])
def test_the_preview_refuses_exactly_what_the_save_refuses(api, org, patch):
    before = api.get("/settings/scenarios", org.dispatcher).body
    refused = api.post("/settings/scenarios/preview", org.dispatcher, patch)
    saved = api.put("/settings/scenarios", org.dispatcher, patch)
    assert (refused.status, refused.body) == (saved.status, saved.body) and saved.status == 400, refused.body
    assert refused.error == "validation_error"
    assert api.get("/settings/scenarios", org.dispatcher).body == before  # the old template stays


def test_the_unknown_variable_is_named_at_the_scenarios_template(api, org):
    r = api.post("/settings/scenarios/preview", org.dispatcher,
                 {"scenarios": {"reminder": {"template": "{{ company }}: {{ eta }} {{ link }}"}}})
    assert r.status == 400
    assert r.body["error"]["message"].startswith("scenarios.reminder.template: unknown variable(s) eta; use company")


def test_only_a_dispatcher_previews(api, org):
    _, tech = add_user(api, org, "Ana Alvarez", "technician")
    assert api.post("/settings/scenarios/preview", tech, {"scenarios": {"en_route": {}}}).status == 403
    assert api.post("/settings/scenarios/preview", None, {"scenarios": {"en_route": {}}}).status == 401


def test_the_team_lists_each_users_photo_by_a_working_url(api, org):
    import requests

    from .test_visit_day import PNG
    ana_id, _ = add_user(api, org, "Ana Alvarez", "technician")
    listed = {u["id"]: u for u in api.get("/users", org.dispatcher).body["items"]}
    assert listed[ana_id]["photo_url"] is None
    upload = api.post(f"/users/{ana_id}/photo", org.dispatcher, {"content_type": "image/png"}).body
    assert requests.put(upload["upload_url"], data=PNG, headers={"Content-Type": "image/png"}, timeout=10).ok
    for shown in ({u["id"]: u for u in api.get("/users", org.dispatcher).body["items"]}[ana_id],
                  api.get(f"/users/{ana_id}", org.dispatcher).body,
                  api.patch(f"/users/{ana_id}", org.dispatcher, {"roles": ["technician", "dispatcher"]}).body):
        got = requests.get(shown["photo_url"], timeout=10)
        assert (got.status_code, got.content) == (200, PNG) and "X-Amz-Expires=900" in shown["photo_url"]


def test_openapi_describes_the_preview_and_the_users_photo(api):
    doc = api.get("/openapi.json").body
    op = doc["paths"]["/settings/scenarios/preview"]["post"]
    assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ScenariosIn")
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/PreviewOut")
    schemas = doc["components"]["schemas"]
    assert {"preview", "longest", "values"} <= set(schemas["ScenarioPreviewOut"]["properties"])
    assert "not_gsm7" in schemas["TextSizeOut"]["properties"] and "photo_url" in schemas["UserOut"]["properties"]
