"""The ``journeybook`` command: the core, without MkDocs."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .charts import render_comparison
from .diff import compare, journeys_at
from .git import GitError, repository_root
from .i18n import labels
from .pages import diff_summary
from .playbook import Playbook
from .source import JourneybookError, Problem


def _annotation(value: str, *, property_: bool = False) -> str:
    """Escape text for a GitHub workflow command (``::error file=…::message``)."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if property_ else value


def _report(problems: list[Problem], output: str) -> None:
    for problem in problems:
        if output == "github":
            # GitHub shows these on the pull request's diff, at the line.
            where = f" at {problem.where}" if problem.where else ""
            print(f"::error file={_annotation(problem.file, property_=True)},"
                  f"line={problem.line},col={problem.column},"
                  f"title={_annotation('journeybook' + where, property_=True)}"
                  f"::{_annotation(problem.message)}")
        else:
            print(f"error: {problem}", file=sys.stderr)
    count = len(problems)
    print(f"{count} problem{'s' if count != 1 else ''} found.", file=sys.stderr)


def _output_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _load(args: argparse.Namespace) -> Playbook | None:
    try:
        return Playbook.load(Path(args.journeys), Path.cwd())
    except JourneybookError as exc:
        _report(exc.problems, _output_format(args))
        return None


def _check(args: argparse.Namespace) -> int:
    playbook = _load(args)
    if playbook is None:
        return 1
    touchpoints = sum(journey.touchpoint_count for journey in playbook.journeys)
    rounds = sum(len(notes) for notes in playbook.evaluations.values())
    print(f"ok: {len(playbook.journeys)} journeys, {touchpoints} touchpoints, "
          f"{rounds} evaluation notes")
    return 0


def _diff(args: argparse.Namespace) -> int:
    playbook = _load(args)
    if playbook is None:
        return 1
    journeys_dir = Path(args.journeys).resolve()
    try:
        repo = repository_root(journeys_dir)
        before, unreadable = journeys_at(repo, args.ref, journeys_dir)
    except (GitError, ValueError) as exc:
        print(f"error: cannot read `{args.ref}` with git: {exc}", file=sys.stderr)
        return 1
    changes = compare(before, playbook.journeys)
    print(diff_summary(changes, args.ref, unreadable, args.language), end="")
    if args.chart:
        t = labels(args.language)
        items = []
        for change in changes:
            if not change.curve_changed:
                continue
            old = {tp.id: tp for _, tp in change.before.touchpoints()} if change.before else {}
            new = {tp.id: tp for _, tp in change.after.touchpoints()} if change.after else {}
            order = [*new, *(i for i in old if i not in new)]
            items.append((change.journey.title, [
                ((new.get(i) or old[i]).name, old[i].emotion if i in old else None,
                 new[i].emotion if i in new else None) for i in order]))
        Path(args.chart).write_bytes(
            render_comparison(items, (t["diff_before"], t["diff_after"])))
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
    check.add_argument("--format", choices=("text", "github"),
                       help="`github` prints ::error annotations for pull requests (the "
                       "default when GITHUB_ACTIONS=true)")
    check.set_defaults(run=_check)

    diff = commands.add_parser(
        "diff", help="summarise what the working tree changes in the journeys",
        description="Compare the journeys with their versions at a git revision (read with "
        "git, nothing is checked out) and print a Markdown summary for the pull request.",
    )
    diff.add_argument("ref", help="git revision to compare with, e.g. origin/main")
    diff.add_argument("--journeys", default="journeys", metavar="DIR",
                      help="folder of journeys (default: %(default)s)")
    diff.add_argument("--chart", metavar="FILE",
                      help="also write an SVG of each changed journey's emotion curve, "
                      "before and after")
    diff.add_argument("--language", default="en", choices=("en", "vi"),
                      help="language of the summary (default: %(default)s)")
    diff.add_argument("--format", choices=("text", "github"), help=argparse.SUPPRESS)
    diff.set_defaults(run=_diff)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
