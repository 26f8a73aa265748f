"""The local stage answers what the deployed API Gateway answers. A path no route matches is refused by
API Gateway as MISSING_AUTHENTICATION_TOKEN (by default 403 {"message": "Missing Authentication Token"},
and chalice local imitates that); infra/template.yaml turns it into a 404 in the error format with a
gateway response, and this gateway reads that same entry, so both stages give the same answer."""
import functools

from chalice.local import ChaliceRequestHandler, LocalDevServer, LocalGateway, LocalGatewayException

from .auth import TokenShapeAuthorizer
from .provision import resources


def gateway_response(response_type: str) -> tuple[int, bytes]:
    """The status and JSON body the template's gateway response of this type gives."""
    for props in resources("AWS::ApiGateway::GatewayResponse").values():
        if props["ResponseType"] == response_type:
            return int(props["StatusCode"]), props["ResponseTemplates"]["application/json"].encode()
    raise LookupError(f"infra/template.yaml has no gateway response for {response_type}")


class UnknownPath(LocalGatewayException):
    def __init__(self) -> None:
        self.CODE, body = gateway_response("MISSING_AUTHENTICATION_TOKEN")
        super().__init__({"Content-Type": "application/json"}, body)


class StageGateway(LocalGateway):
    """chalice local's gateway, with the deployed stage's answer to a path that matches no route."""

    def _generate_lambda_event(self, method, path, headers, body):
        try:
            return super()._generate_lambda_event(method, path, headers, body)
        except ValueError:  # the route matcher's "no matching route"
            raise UnknownPath() from None


class StageRequestHandler(ChaliceRequestHandler):
    """chalice local's request handler, through the StageGateway, whose authorizer answers a malformed
    bearer token with 401 (devstack/auth.py)."""

    def __init__(self, request, client_address, server, app_object, config) -> None:
        self.local_gateway = StageGateway(app_object, config)
        self.local_gateway._authorizer = TokenShapeAuthorizer(app_object)
        super(ChaliceRequestHandler, self).__init__(request, client_address, server)


def answer_as_deployed(local_server: LocalDevServer, app, config) -> None:
    """Serve `make run`'s requests through the StageGateway."""
    local_server.server.RequestHandlerClass = functools.partial(StageRequestHandler, app_object=app, config=config)
