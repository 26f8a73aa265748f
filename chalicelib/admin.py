"""Admin tooling: create an organization and its first dispatcher; set an origination identity's send
rate (the parts per second the carrier granted it). Prints JSON.

    python -m chalicelib.admin create-org --name "Acme HVAC" --slug acme --time-zone America/Denver \
        --sms-number +13035550100 --dispatcher-name "Dana Dispatch" --dispatcher-email dana@acme.example
    python -m chalicelib.admin set-send-rate --identity +13035550100 --parts-per-second 40
"""
import argparse
import json
import sys

from . import bootstrap
from .api import views
from .domain.errors import DomainError
from .domain.values import e164, time_zone
from .services.people import create_organization
from .store.rates import SendRates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.admin")
    commands = parser.add_subparsers(dest="command", required=True)
    org = commands.add_parser("create-org", help="a new organization with its first dispatcher")
    for flag in ("--name", "--slug", "--time-zone", "--sms-number", "--dispatcher-name", "--dispatcher-email"):
        org.add_argument(flag, required=True)
    org.add_argument("--dispatcher-phone")
    rate = commands.add_parser("set-send-rate", help="the parts per second an origination identity may send")
    rate.add_argument("--identity", required=True)
    rate.add_argument("--parts-per-second", type=float, required=True, help="0: back to its kind's default")
    args = parser.parse_args(argv)
    if args.command == "set-send-rate":
        if args.parts_per_second < 0:
            print(json.dumps({"error": {"code": "validation_error", "message": "parts_per_second: not below 0"}}),
                  file=sys.stderr)
            return 1
        SendRates().set_rate(args.identity, args.parts_per_second or None)
        window = SendRates().window(args.identity)
        print(json.dumps({"identity": args.identity, "parts_per_second": window.parts_per_second}))
        return 0
    try:
        organization, dispatcher = create_organization(
            bootstrap.repos(), name=args.name, slug=args.slug, time_zone=time_zone("time_zone", args.time_zone),
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
