"""Bearer tokens for the local stage and tests, with the claims a Cognito ID token carries.

`chalice local` and `chalice.test.Client` decode these claims without checking the signature
(API Gateway's authorizer does that in AWS), so they are only ever good on the local stage."""
import time

import jwt

LOCAL_SECRET = "onmyway-local-stage-only-never-deployed"


def mint(user_id: str, org_id: str, roles, ttl_seconds: int = 12 * 3600) -> str:
    now = int(time.time())
    claims = {"sub": user_id, "cognito:username": user_id, "custom:org_id": org_id,
              "cognito:groups": sorted(str(r) for r in roles), "token_use": "id", "iat": now,
              "exp": now + ttl_seconds, "iss": "onmyway-local"}
    return jwt.encode(claims, LOCAL_SECRET, algorithm="HS256")
