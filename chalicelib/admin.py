"""Admin tooling: create an organization and its first dispatcher. Prints JSON.

    python -m chalicelib.admin create-org --name "Acme HVAC" --slug acme --time-zone America/Denver \
        --sms-number +13035550100 --dispatcher-name "Dana Dispatch" --dispatcher-email dana@acme.example
"""
import argparse
import json
import sys

from .api import views
from .domain.errors import DomainError
from .domain.values import e164, time_zone
from .services.people import create_organization
from .services.repositories import Repositories


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.admin")
    commands = parser.add_subparsers(dest="command", required=True)
    org = commands.add_parser("create-org", help="a new organization with its first dispatcher")
    for flag in ("--name", "--slug", "--time-zone", "--sms-number", "--dispatcher-name", "--dispatcher-email"):
        org.add_argument(flag, required=True)
    org.add_argument("--dispatcher-phone")
    args = parser.parse_args(argv)
    try:
        organization, dispatcher = create_organization(
            Repositories(), name=args.name, slug=args.slug, time_zone=time_zone("time_zone", args.time_zone),
            sms_number=e164("sms_number", args.sms_number), dispatcher_name=args.dispatcher_name,
            dispatcher_email=args.dispatcher_email,
            dispatcher_phone=e164("dispatcher_phone", args.dispatcher_phone) if args.dispatcher_phone else None)
    except DomainError as e:
        print(json.dumps({"error": {"code": e.code, "message": e.message}}), file=sys.stderr)
        return 1
    print(json.dumps({"org": views.organization(organization), "dispatcher": views.user(dispatcher)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
