"""The ``journeybook`` command: the core, without MkDocs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .playbook import Playbook
from .source import JourneybookError


def _check(args: argparse.Namespace) -> int:
    journeys_dir = Path(args.journeys)
    try:
        playbook = Playbook.load(journeys_dir, Path.cwd())
    except JourneybookError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found.", file=sys.stderr)
        return 1
    touchpoints = sum(journey.touchpoint_count for journey in playbook.journeys)
    print(f"ok: {len(playbook.journeys)} journeys, {touchpoints} touchpoints")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="journeybook",
        description="Customer-journey playbooks kept as YAML, published with MkDocs.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check", help="validate every journey without building the site",
        description="Validate every journeys/<id>/journey.yaml and report all problems "
        "as FILE:LINE:COLUMN: message. Exits 1 when anything is wrong.",
    )
    check.add_argument("--journeys", default="journeys", metavar="DIR",
                       help="folder of journeys (default: %(default)s)")
    check.set_defaults(run=_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
