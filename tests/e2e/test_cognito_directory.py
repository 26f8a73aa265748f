"""On a deployed stage (USER_POOL_ID set), users are enrolled in the Cognito pool: their id is the `sub`
the authorizer's claims carry, their groups follow their roles, and deactivation disables sign-in."""
import boto3
import pytest

from chalicelib.domain.people import Role
from devstack.tokens import mint

from .conftest import new_org


@pytest.fixture
def pool(aws, monkeypatch):
    client = boto3.client("cognito-idp", region_name="us-east-1")
    pool_id = client.create_user_pool(PoolName="onmyway", Schema=[
        {"Name": "org_id", "AttributeDataType": "String", "Mutable": False}])["UserPool"]["Id"]
    for group in ("dispatcher", "technician", "provider"):
        client.create_group(GroupName=group, UserPoolId=pool_id)
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    return client, pool_id


def test_users_are_enrolled_with_their_tenant_and_groups(api, pool):
    client, pool_id = pool
    org = new_org("acme")
    (dispatcher,) = client.list_users(UserPoolId=pool_id)["Users"]
    attributes = {a["Name"]: a["Value"] for a in dispatcher["Attributes"]}
    assert attributes["sub"] == org.dispatcher_id and attributes["custom:org_id"] == org.id

    r = api.post("/users", org.dispatcher, {"name": "Ana Tech", "email": "ana@acme.example", "roles": ["technician"]})
    assert r.status == 201
    cognito = client.admin_get_user(UserPoolId=pool_id, Username="ana@acme.example")
    assert {a["Name"]: a["Value"] for a in cognito["UserAttributes"]}["sub"] == r.body["id"]
    groups = client.admin_list_groups_for_user(UserPoolId=pool_id, Username="ana@acme.example")["Groups"]
    assert [g["GroupName"] for g in groups] == ["technician"]

    api.patch(f"/users/{r.body['id']}", org.dispatcher, {"roles": ["technician", "dispatcher"], "active": False})
    groups = client.admin_list_groups_for_user(UserPoolId=pool_id, Username="ana@acme.example")["Groups"]
    assert sorted(g["GroupName"] for g in groups) == ["dispatcher", "technician"]
    assert client.admin_get_user(UserPoolId=pool_id, Username="ana@acme.example")["Enabled"] is False
    api.patch(f"/users/{r.body['id']}", org.dispatcher, {"active": True, "roles": ["dispatcher"]})
    assert client.admin_get_user(UserPoolId=pool_id, Username="ana@acme.example")["Enabled"] is True
    token = mint(r.body["id"], org.id, [Role.DISPATCHER])
    assert api.get("/users", token).status == 200  # the sub in the claims finds the record

    again = api.post("/users", org.dispatcher, {"name": "Ana Again", "email": "ana@acme.example",
                                                "roles": ["technician"]})
    assert again.status == 409 and again.body["error"]["code"] == "conflict"
