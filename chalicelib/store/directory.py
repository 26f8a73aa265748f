"""The user directory behind API Gateway's authorizer: Amazon Cognito when USER_POOL_ID is set (a
deployed stage), none on the local stage (tokens are minted there). A user's id is their Cognito `sub`,
so the authorizer's claims find their record."""
from functools import cache

from ..config import environment
from ..domain import ids
from ..domain.errors import Conflict
from ..domain.people import Role


@cache
def _client(region: str):
    import boto3
    return boto3.client("cognito-idp", region_name=region)


class Directory:
    def enroll(self, org_id: str, email: str, roles: frozenset[Role]) -> str:
        """Create the sign-in for a new user (Cognito emails the temporary password); returns the user id."""
        s = environment()
        if not s.user_pool_id:
            return ids.new_id("usr")
        client = _client(s.region)
        try:
            created = client.admin_create_user(
                UserPoolId=s.user_pool_id, Username=email, DesiredDeliveryMediums=["EMAIL"],
                UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"},
                                {"Name": "custom:org_id", "Value": org_id}])
        except client.exceptions.UsernameExistsException:
            raise Conflict(f"a user with email {email} already exists") from None
        user_id = next(a["Value"] for a in created["User"]["Attributes"] if a["Name"] == "sub")
        self.set_roles(email, frozenset(), roles)
        return user_id

    def set_roles(self, email: str, before: frozenset[Role], after: frozenset[Role]) -> None:
        s = environment()
        if not s.user_pool_id:
            return
        for role in after - before:
            _client(s.region).admin_add_user_to_group(UserPoolId=s.user_pool_id, Username=email, GroupName=role.value)
        for role in before - after:
            _client(s.region).admin_remove_user_from_group(UserPoolId=s.user_pool_id, Username=email,
                                                           GroupName=role.value)

    def set_active(self, email: str, active: bool) -> None:
        """Sign-in follows `active` too (the API refuses a deactivated user on its next request anyway)."""
        s = environment()
        if not s.user_pool_id:
            return
        call = _client(s.region).admin_enable_user if active else _client(s.region).admin_disable_user
        call(UserPoolId=s.user_pool_id, Username=email)
