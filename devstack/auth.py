"""The local stage's stand-in for API Gateway's Cognito authorizer answers a malformed bearer token with
401 in the API's error format. Chalice local decodes the token's payload without checking its shape and
raises on anything that is not a JWT, which drops the connection with no HTTP answer at all."""
import base64
import binascii
import json

from chalice.local import LocalGatewayAuthorizer, NotAuthorizedError

UNAUTHORIZED = json.dumps({"error": {"code": "unauthorized",
                                     "message": "the bearer token is not a valid token"}}).encode()


class TokenShapeAuthorizer(LocalGatewayAuthorizer):
    def _decode_jwt_payload(self, header: str) -> dict:
        scheme, _, token = header.partition(" ")
        parts = token.strip().split(".")
        if scheme.lower() != "bearer" or len(parts) != 3:
            raise _unauthorized()
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise _unauthorized() from None
        if not isinstance(claims, dict) or not isinstance(claims.get("cognito:username"), str):
            raise _unauthorized()
        return claims


def _unauthorized() -> NotAuthorizedError:
    return NotAuthorizedError({"Content-Type": "application/json", "x-amzn-ErrorType": "UnauthorizedException"},
                              UNAUTHORIZED)
