"""The ``journeybook`` command: the core, without MkDocs."""

from __future__ import annotations

import argparse
import datetime
import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from .authoring import (
    MermaidError,
    from_mermaid,
    journey_yaml,
    scaffold,
    to_csv,
    to_json,
    to_mermaid,
)
from .authoring.cms import repository_of
from .authoring.fmt import Outcome, format_file
from .authoring.init import InitError, default_requirement, local_origin, write_upgrade
from .authoring.init import Options as InitOptions
from .authoring.init import init as init_playbook
from .authoring.init import upgrade as upgrade_playbook
from .authoring.relayout import relayout_file, revision
from .authoring.schema import MODELINE, SCHEMA_PATH, schema_text
from .engines import ENGINES, site_language
from .errors import JourneybookError, Message, Problem
from .files import write_atomic
from .generate import generate
from .i18n import LanguageError, labels, languages
from .model import Journey
from .pdf import PdfError, make_pdf
from .playbook import STALE_AFTER, Freshness, Playbook, build_date
from .publish import PublishError, built_site, publish
from .review.chart import comparison_chart
from .review.diff import compare, journeys_at, removed_comments
from .review.git import GitError, repository_root
from .review.summary import diff_summary
from .slug import shown, slug_problem, slugify
from .source import (
    EVALUATIONS,
    JOURNEY_FILE,
    inside_project,
    parse_journey,
    read_glossary,
)


def _annotation(value: str, *, property_: bool = False) -> str:
    """Escape text for a GitHub workflow command (``::error file=…::message``)."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if property_ else value


def _show(problems: list[Problem], output: str, language: str | None = None) -> None:
    """Each problem or warning, in ``language``: a line on stderr, or a GitHub annotation."""
    for problem in problems:
        if output == "github":
            # GitHub shows these on the pull request's diff, at the line.
            where = f" at {problem.where}" if problem.where else ""
            print(f"::{problem.severity} file={_annotation(problem.file, property_=True)},"
                  f"line={problem.line},col={problem.column},"
                  f"title={_annotation('journeybook' + where, property_=True)}"
                  f"::{_annotation(problem.text(language))}")
        else:
            line = Message.of(f"{problem.severity}_line", problem=problem.render(language))
            print(line.render(language), file=sys.stderr)


def _report(problems: list[Problem], output: str, language: str | None = None) -> None:
    """Every problem (warnings too), then how many errors there are."""
    _show(problems, output, language)
    errors = sum(p.severity == "error" for p in problems)
    print(Message.of("found", count=errors).render(language), file=sys.stderr)


def _output_format(args: argparse.Namespace) -> str:
    chosen = getattr(args, "format", None)
    if isinstance(chosen, str) and chosen in ("text", "github"):
        return chosen
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _build_date(args: argparse.Namespace) -> datetime.date | None:
    """``--build-date`` (default: SOURCE_DATE_EPOCH, else today), or None once the user has
    been told it is not a date."""
    try:
        return build_date(args.build_date)
    except ValueError:
        print(f"error: --build-date `{args.build_date}` is not a date; write it as YYYY-MM-DD",
              file=sys.stderr)
        return None


def _project(journeys: str) -> Path:
    """The folder the CLI reads from and names files relative to: the current folder, or, for
    a journeys folder given outside it, the folder that holds that one. Nothing outside it is
    read (a journey linked to a secrets file must not end up in a pull-request annotation)."""
    here = Path.cwd()
    folder = Path(os.path.abspath(journeys))
    return here if folder.is_relative_to(here) else folder.parent


def _load(args: argparse.Namespace, language: str | None = None) -> Playbook | None:
    try:
        return Playbook.load(Path(args.journeys), _project(args.journeys))
    except JourneybookError as exc:
        _report([*exc.problems, *exc.warnings], _output_format(args), language)
        return None


def _playbook_language(args: argparse.Namespace) -> str | None:
    """The language `check` speaks: ``--language``, else the playbook's (the plugin's
    `language` in mkdocs.yml, else the theme's), else English."""
    if args.language is not None:
        return str(args.language)
    for folder in dict.fromkeys((_project(args.journeys),
                                 Path(os.path.abspath(args.journeys)).parent)):
        if (folder / "mkdocs.yml").is_file():
            return site_language(folder / "mkdocs.yml")
    return None


def _stale_warning(freshness: Freshness, max_age: int, project: Path,
                   playbook: Playbook) -> Problem:
    """Where a stale journey lives (its YAML, as the project names it) and what to do."""
    source = playbook.source_of(freshness.journey)
    assert source is not None  # a loaded playbook knows its folder
    file = Path(os.path.abspath(source)).relative_to(project).as_posix()
    notes = f"{file.rsplit('/', 1)[0]}/{EVALUATIONS}/"
    if freshness.last_evaluated is None:
        message = Message.of("stale_never", notes=notes)
    else:
        message = Message.of("stale_since", count=freshness.days or 0, max_age=max_age,
                             date=freshness.last_evaluated.isoformat(), notes=notes)
    return Problem(file, 1, 1, "", message, "warning")


def _check(args: argparse.Namespace) -> int:
    # `--fail-stale` alone judges by the plugin's default, `stale_after`.
    max_age = args.max_age if args.max_age is not None else (
        STALE_AFTER if args.fail_stale else None)
    if max_age is not None and max_age < 0:
        print(f"error: --max-age {max_age} is not a number of days; give 0 or more",
              file=sys.stderr)
        return 1
    today = _build_date(args)
    if today is None:
        return 1
    language = _playbook_language(args)
    playbook = _load(args, language)
    if playbook is None:
        return 1
    stale = playbook.stale(today, max_age) if max_age is not None else []
    project = _project(args.journeys)
    _show([*playbook.warnings,
           *(_stale_warning(f, max_age, project, playbook) for f in stale if max_age is not None)],
          _output_format(args), language)
    touchpoints = sum(journey.touchpoint_count for journey in playbook.journeys)
    evaluations = sum(len(found) for found in playbook.evaluations.values())
    plural = labels(language).plural
    print(Message.of("checked", journeys=plural("n_journeys", len(playbook.journeys)),
                     touchpoints=plural("n_touchpoints", touchpoints),
                     notes=plural("n_evaluation_notes", evaluations)).render(language))
    return 1 if args.fail_stale and stale else 0


def _diff(args: argparse.Namespace) -> int:
    playbook = _load(args)
    if playbook is None:
        return 1
    journeys_dir = Path(args.journeys).resolve()
    try:
        repo = repository_root(journeys_dir)
        before, unreadable = journeys_at(repo, args.ref, journeys_dir)
        comments = removed_comments(repo, args.ref, journeys_dir)
    except (GitError, ValueError) as exc:
        print(f"error: cannot read `{args.ref}` with git: {exc}", file=sys.stderr)
        return 1
    changes = compare(before, playbook.journeys)
    print(diff_summary(changes, args.ref, unreadable, args.language, comments), end="")
    if args.chart:
        Path(args.chart).write_bytes(comparison_chart(changes, args.language))
    return 0


def _journey(args: argparse.Namespace) -> Journey | None:
    playbook = _load(args)
    if playbook is None:
        return None
    found = next((j for j in playbook.journeys if j.id == args.journey_id), None)
    if found is None:
        known = ", ".join(j.id for j in playbook.journeys) or "none"
        print(f"error: no journey `{args.journey_id}` in {args.journeys}/ (journeys: {known})",
              file=sys.stderr)
    return found


def _bad_journey_id(journey_id: str) -> bool:
    """Say so when ``journey_id`` cannot name a journey folder."""
    problem = slug_problem(journey_id)
    if problem:
        suggestion = slugify(journey_id) or "mua-hang"
        print(f"error: `{shown(journey_id)}` is not a valid journey id: {problem}"
              + ("" if suggestion == journey_id else f"; for example `{suggestion}`"),
              file=sys.stderr)
    return problem is not None


def _new(args: argparse.Namespace) -> int:
    if _bad_journey_id(args.journey_id):
        return 1
    for option, value in (("--title", args.title), ("--stages", args.stages)):
        # Bytes that are not UTF-8 reach Python as lone surrogates, which no file can hold.
        if value is not None and any("\ud800" <= c <= "\udfff" for c in value):
            print(f"error: {option} is not valid UTF-8 text; retype it", file=sys.stderr)
            return 1
    path = Path(args.journeys) / args.journey_id / JOURNEY_FILE
    if path.exists():
        print(f"error: {path} already exists; choose another id or edit that file",
              file=sys.stderr)
        return 1
    stages = [s.strip() for s in args.stages.split(",") if s.strip()] if args.stages else None
    text = scaffold(args.journey_id, args.title, stages, args.language)
    return _create(path, text, args.journey_id, "fill in the placeholders, then run "
                                                "`journeybook check`")


def _create(path: Path, text: str, journey_id: str, hint: str) -> int:
    """Write a new journey file, but only once it is known to be valid."""
    journey, problems = parse_journey(text, str(path), journey_id)
    if journey is None:
        _report(problems, "text")
        return 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except OSError as exc:
        print(f"error: cannot create {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    plural = labels("en").plural
    print(f"created {path}: {plural('n_stages', len(journey.stages))}, "
          f"{plural('n_touchpoints', journey.touchpoint_count)}; {hint}")
    return 0


def _fmt_operation(args: argparse.Namespace, project: Path) -> Callable[[Path], Outcome]:
    """What fmt does to each file: the canonical layout, or with ``--like REF`` the layout of
    the file's version at REF (a :class:`GitError` when REF cannot be read)."""
    if args.like is None:
        return functools.partial(format_file, check=args.check)
    like = revision(project, args.like)
    return functools.partial(relayout_file, at=like, check=args.check)


def _fmt(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [Path(args.journeys)]
    project = _project(args.journeys)
    outside: list[Problem] = []

    def inside(path: Path) -> bool:
        checked = inside_project(path, project, path.as_posix(),
                                 "folder" if path.is_dir() else "file")
        if isinstance(checked, Problem):
            outside.append(checked)
        return not isinstance(checked, Problem)

    files: list[Path] = []
    for path in paths:
        if not inside(path):
            continue
        if path.is_dir():
            files += sorted(path.glob(f"*/{JOURNEY_FILE}"))
            files += sorted(path.glob(f"*/{EVALUATIONS}/*.md"))
            files += sorted(path.glob("*/*.yaml")) if path.name != "journeys" else []
        else:
            files.append(path)
    # A file found in a folder may still be a link leading out of the project: never touched.
    files = [file for file in dict.fromkeys(files) if inside(file)]
    for problem in outside:
        print(f"error: {problem}", file=sys.stderr)
    failed, changed = len(outside), 0
    try:
        tidy = _fmt_operation(args, project)
    except GitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    like = args.like is not None
    done, would = ("re-laid", "would re-lay") if like else ("reformatted", "would reformat")
    for file in files:
        outcome = tidy(file)
        if outcome.problem:
            failed += 1
            print(f"error: {outcome.problem}", file=sys.stderr)
        elif outcome.changed:
            changed += 1
            print(f"{would if args.check else done} {file}")
    if args.check and changed:
        again = f"journeybook fmt --like {args.like}" if like else "journeybook fmt"
        print(f"{changed} file{'s' if changed != 1 else ''} would change; run `{again}`",
              file=sys.stderr)
    return 1 if failed or (args.check and changed) else 0


def _schema(args: argparse.Namespace) -> int:
    text = schema_text()
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(Path(args.output), text)
    else:
        print(text, end="")
    return 0


def _export(args: argparse.Namespace) -> int:
    journey = _journey(args)
    if journey is None:
        return 1
    text = {"mermaid": to_mermaid, "csv": to_csv, "json": to_json}[args.format](journey)
    if args.output:
        write_atomic(Path(args.output), text)
    else:
        print(text, end="")
    return 0


def _import(args: argparse.Namespace) -> int:
    source = Path(args.file)
    if _bad_journey_id(args.journey_id):
        return 1
    path = Path(args.journeys) / args.journey_id / JOURNEY_FILE
    if path.exists():
        print(f"error: {path} already exists; choose another --id", file=sys.stderr)
        return 1
    try:
        data = from_mermaid(source.read_text("utf-8-sig"), str(source))
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {source}: {exc}", file=sys.stderr)
        return 1
    except MermaidError as exc:
        _report(exc.problems, "text")
        return 1
    text = MODELINE + "\n" + journey_yaml(data)
    return _create(path, text, args.journey_id, "run `journeybook check` after editing it")


def _generate(args: argparse.Namespace) -> int:
    playbook = _load(args)
    if playbook is None:
        return 1
    glossary = None
    if args.glossary:
        try:
            glossary = read_glossary(Path(args.glossary), args.glossary,
                                     _project(args.journeys))
        except JourneybookError as exc:
            _report(exc.problems, _output_format(args))
            return 1
    today = _build_date(args)
    if today is None:
        return 1
    if args.stale_after < 0:
        print(f"error: --stale-after {args.stale_after} is not a number of days; give 0 or "
              "more", file=sys.stderr)
        return 1
    written = generate(playbook, Path(args.out), args.language, args.cache_dir, today=today,
                       glossary=glossary,
                       warn=lambda message: print(f"warning: {message}", file=sys.stderr),
                       stale_after=args.stale_after)
    print(f"wrote {written} files to {args.out}")
    return 0



def _publish(args: argparse.Namespace) -> int:
    site: AbstractContextManager[Path] = (
        nullcontext(Path(args.site_dir)) if args.site_dir
        else built_site(Path(args.config_file), args.engine))
    try:
        with site as folder:
            published = publish(Path.cwd(), folder, args.version, aliases=args.alias,
                                title=args.title, branch=args.branch, remote=args.remote,
                                default=args.default, push=args.push)
    except PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    listed = ", ".join(
        entry.version + (f" [{', '.join(entry.aliases)}]" if entry.aliases else "")
        for entry in published.versions)
    done = (f"committed {published.commit[:12]}" if published.commit
            else "already up to date, nothing committed")
    print(f"{published.branch}: {done}; versions: {listed}; / redirects to "
          f"{published.default}/")
    if published.pushed:
        print(f"pushed {published.branch} to {args.remote}")
    else:
        print(f"not pushed: `git push {args.remote} {published.branch}` (or --push) publishes "
              "it")
    return 0


def _engine(args: argparse.Namespace, run: Callable[[], int]) -> int:
    """Run ``journeybook build`` or ``serve`` with the chosen engine."""
    from . import engines  # the engines are imported only by the commands that use them

    try:
        return run()
    except engines.EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except JourneybookError as exc:
        _report(exc.problems, _output_format(args))
    return 1


def _build(args: argparse.Namespace) -> int:
    from . import engines

    site = Path(args.site_dir) if args.site_dir else None
    return _engine(args, lambda: engines.build(args.engine, Path(args.config_file), site,
                                               args.strict))


def _serve(args: argparse.Namespace) -> int:
    from . import engines

    return _engine(args, lambda: engines.serve(args.engine, Path(args.config_file),
                                               args.dev_addr))


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
    check.add_argument("--max-age", type=int, metavar="DAYS",
                       help="warn about each journey last evaluated more than DAYS days ago, "
                       "or never (the plugin's stale_after); still exits 0")
    check.add_argument("--fail-stale", action="store_true",
                       help=f"exit 1 when a journey is stale (with --max-age, else after "
                       f"{STALE_AFTER} days)")
    check.add_argument("--build-date", metavar="YYYY-MM-DD",
                       help="count days up to this day, like the plugin's build_date "
                       "(default: SOURCE_DATE_EPOCH when set, else today)")
    # Not language_option: without --language check speaks the playbook's language.
    check.add_argument("--language", metavar="{" + ",".join(languages()) + "}",
                       help="language of the messages (default: the playbook's, from "
                       "mkdocs.yml, else en)")
    check.set_defaults(run=_check)

    def language_option(command: argparse.ArgumentParser, help_: str) -> None:
        # Not argparse `choices`: an unknown language is an `error: …` exiting 1 like every
        # other mistake, and the choices are whatever files locales/ holds.
        command.add_argument("--language", default="en",
                             metavar="{" + ",".join(languages()) + "}",
                             help=f"{help_}: {', '.join(languages())} (default: %(default)s)")

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
    language_option(diff, "language of the summary")
    diff.set_defaults(run=_diff)

    def journeys_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--journeys", default="journeys", metavar="DIR",
                             help="folder of journeys (default: %(default)s)")

    new = commands.add_parser(
        "new", help="start a new journey from a commented scaffold",
        description="Create journeys/<journey-id>/journey.yaml with commented placeholders "
        "that already pass `journeybook check`. Never overwrites a journey.")
    new.add_argument("journey_id", help="the new journey's id (its folder name), e.g. bao-hanh")
    new.add_argument("--title", help="the journey's title")
    new.add_argument("--stages", help='comma-separated stage names, e.g. "Nhận thức,Xem xét"')
    language_option(new, "language of the placeholders, comments and default stages")
    journeys_option(new)
    new.set_defaults(run=_new)

    fmt = commands.add_parser(
        "fmt", help="put journey files in canonical form, keeping every comment",
        description="Normalise journey files and evaluation notes' front matter: canonical "
        "key order, indentation and quoting. Comments and blank-line groups are kept, values "
        "are untouched, writes are atomic; files that cannot be parsed are reported and left "
        "as they are.")
    fmt.add_argument("paths", nargs="*", help="files or folders (default: the journeys folder)")
    fmt.add_argument("--check", action="store_true",
                     help="change nothing; exit 1 listing the files that would change")
    fmt.add_argument("--like", metavar="REF",
                     help="lay out files a form editor (or any tool) rewrote like their "
                     "version at this git revision: its comments, key order, quoting and list "
                     "styles, the values of the files as they are now; a file new since REF "
                     "gets the canonical layout")
    journeys_option(fmt)
    fmt.set_defaults(run=_fmt)

    schema = commands.add_parser(
        "schema", help="write the JSON Schema of the journey format",
        description="Print (or write with -o) the JSON Schema of journey.yaml, generated "
        f"from the models. The repository keeps a copy in {SCHEMA_PATH}.")
    schema.add_argument("-o", "--output", metavar="FILE", help="write to FILE")
    schema.set_defaults(run=_schema)

    export = commands.add_parser(
        "export", help="a journey as Mermaid, CSV or JSON",
        description="Print a journey as a Mermaid `journey` diagram (paste it into an issue "
        "or README), as CSV (one row per touchpoint) or as JSON (the validated model).")
    export.add_argument("journey_id")
    export.add_argument("--format", dest="format", required=True,
                        choices=("mermaid", "csv", "json"))
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE")
    export.add_argument("--journeys", default="journeys", metavar="DIR",
                        help="folder of journeys (default: %(default)s)")
    export.set_defaults(run=_export)

    import_ = commands.add_parser(
        "import", help="a new journey from a Mermaid journey diagram",
        description="Turn a Mermaid `journey` diagram into journeys/<id>/journey.yaml: "
        "sections become stages, tasks touchpoints, scores 1..5 emotions -2..+2, the first "
        "actor the team.")
    import_.add_argument("kind", choices=("mermaid",))
    import_.add_argument("file")
    import_.add_argument("--id", dest="journey_id", required=True, help="the new journey's id")
    journeys_option(import_)
    import_.set_defaults(run=_import)

    gen = commands.add_parser(
        "generate", help="write the generated pages and charts to a folder",
        description="Write every generated page (Markdown) and chart (SVG), plus nav.yml, to "
        "a folder: for site builders that do not run MkDocs plugins, or to inspect them.")
    gen.add_argument("--out", required=True, metavar="DIR")
    language_option(gen, "language of the pages")
    gen.add_argument("--glossary", metavar="FILE",
                     help="a file of `*[TERM]: definition` lines: adds the glossary page")
    gen.add_argument("--cache-dir", default=".cache/journeybook", metavar="DIR",
                     help="chart cache shared with the plugin (default: %(default)s)")
    gen.add_argument("--build-date", metavar="YYYY-MM-DD",
                     help="judge overdue improvements against this day, like the plugin's "
                          "build_date (default: SOURCE_DATE_EPOCH when set, else today)")
    gen.add_argument("--stale-after", type=int, default=STALE_AFTER, metavar="DAYS",
                     help="a journey last evaluated more than DAYS days before the build date, "
                     "or never, is a map to review, like the plugin's stale_after "
                     "(default: %(default)s)")
    journeys_option(gen)
    gen.set_defaults(run=_generate)

    def engine_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--engine", default="mkdocs",
                             metavar="{mkdocs,properdocs,zensical}",
                             help="the site builder: MkDocs or ProperDocs run the plugin; "
                             "Zensical gets a project prepared in the cache folder "
                             "(default: %(default)s)")
        command.add_argument("-f", "--config-file", default="mkdocs.yml", metavar="FILE",
                             help="the project's configuration (default: %(default)s)")

    build_ = commands.add_parser(
        "build", help="build the site with MkDocs, ProperDocs or Zensical",
        description="Build the site as `mkdocs build` would, with the engine of your choice. "
        "Zensical runs no plugins: the pages, charts, assets and navigation are generated "
        "into a Zensical project under the plugin's cache_dir, which Zensical then builds.")
    engine_options(build_)
    build_.add_argument("-d", "--site-dir", metavar="DIR",
                        help="where the site goes (default: site_dir in the configuration)")
    build_.add_argument("--strict", action="store_true", help="fail on warnings")
    build_.set_defaults(run=_build)

    serve_ = commands.add_parser(
        "serve", help="preview the site, rebuilt on every change",
        description="Serve the site as `mkdocs serve` would, with the engine of your choice; "
        "with Zensical, the pages are generated again whenever a journey, a page or the "
        "configuration changes.")
    engine_options(serve_)
    serve_.add_argument("-a", "--dev-addr", metavar="IP:PORT",
                        help="address to serve on (default: localhost:8000)")
    serve_.set_defaults(run=_serve)

    pub = commands.add_parser(
        "publish", help="commit the built site as a version on the Pages branch (no mike)",
        description="Commit a built site into VERSION/ on the Pages branch of this git "
        "repository, copy it to each alias, update versions.json (read by the version "
        "selectors of Material and Zensical) and the root redirect to the default version. "
        "Your working tree, index and current branch are not touched; nothing is pushed "
        "without --push.")
    pub.add_argument("version", help="the version's folder name, e.g. 2026.2")
    pub.add_argument("--alias", action="append", default=[], metavar="NAME",
                     help="also publish a copy as NAME (repeatable), moved from the version "
                     "that had it, e.g. latest")
    pub.add_argument("--title", help="the name the version selector shows (default: the "
                     "version, or its title so far)")
    pub.add_argument("--branch", default="gh-pages",
                     help="the Pages branch (default: %(default)s)")
    pub.add_argument("--remote", default="origin",
                     help="where --push pushes, and whose copy of the branch is built on when "
                     "it is ahead (default: %(default)s)")
    pub.add_argument("--push", action="store_true", help="push the branch when committed")
    pub.add_argument("--default", metavar="ALIAS-OR-VERSION",
                     help="where the site's root redirects (default: where it pointed before, "
                     "else the newest version's first alias)")
    source = pub.add_mutually_exclusive_group()
    source.add_argument("--site-dir", metavar="DIR", help="an already built site to publish")
    source.add_argument("--engine", default="mkdocs", choices=ENGINES,
                        help="build the site with this engine first (default: %(default)s)")
    pub.add_argument("-f", "--config-file", default="mkdocs.yml", metavar="FILE",
                     help="the project's configuration (default: %(default)s)")
    pub.set_defaults(run=_publish)

    pdf = commands.add_parser(
        "pdf", help="a journey, or the whole playbook, as one PDF for trainers",
        description="Build the site, then print a journey (overview, stages, blueprint, "
        "checklist, practice quiz with its answers), or every journey, to one PDF with "
        "Chromium: contents with page numbers, bookmarks, vector charts, empty tick boxes. "
        'Needs pip install "journeybook[pdf]" and a Chromium.')
    pdf.add_argument("journey_id", nargs="?", metavar="JOURNEY-ID",
                     help="the journey to print (default: every journey)")
    pdf.add_argument("-o", "--output", required=True, metavar="FILE", help="the PDF to write")
    # Not language_option: without --language the PDF speaks the site's language.
    pdf.add_argument("--language", metavar="{" + ",".join(languages()) + "}",
                     help="language of the pages (default: the site's)")
    pdf.add_argument("-f", "--config-file", default="mkdocs.yml", metavar="FILE",
                     help="the project's configuration (default: %(default)s)")
    pdf.add_argument("--chromium", metavar="PATH",
                     help="the Chromium to print with (default: JOURNEYBOOK_CHROMIUM, else "
                     "Playwright's own if installed, else chromium on the PATH)")
    pdf.set_defaults(run=_pdf)

    init = commands.add_parser(
        "init", help="start a playbook repository of your own",
        description="Create a ready playbook repository in DIR: mkdocs.yml, an example "
        "journey, pages, the glossary, GitHub workflows installing this Journeybook pinned, "
        "a pull-request template, CODEOWNERS, pre-commit and a README for its editors. "
        "With --upgrade: what this Journeybook's templates change in the files init keeps "
        "current (workflows, pull-request template, pre-commit, .gitignore), keeping your "
        "edits; --write applies it. Journeys, pages, mkdocs.yml and README are never touched.")
    init.add_argument("folder", nargs="?", metavar="DIR",
                      help="the new playbook's folder (with --upgrade: the playbook, "
                      "default: the current folder)")
    # Not language_option: --upgrade takes the language the playbook was made in.
    init.add_argument("--language", metavar="{" + ",".join(languages()) + "}",
                      help="language of the site, the example and the README (default: en)")
    init.add_argument("--site-name", help="the site's title (default: a title in the language)")
    init.add_argument("--repo-url", metavar="URL",
                      help="the GitHub repository, e.g. https://github.com/org/playbook "
                      "(turns on the edit buttons)")
    init.add_argument("--tool", metavar="SPEC",
                      help="how the workflows and the README install Journeybook, as pip "
                      "reads it: journeybook==0.2.0, \"journeybook @ https://…/journeybook-0.2.0-"
                      "py3-none-any.whl\" or \"journeybook @ git+https://github.com/…@v0.2.0\" "
                      "(default: where this Journeybook was installed from, when GitHub can "
                      "reach it, else journeybook==<this release>)")
    init.add_argument("--cms", action="store_true",
                      help="turn on the form editor (Decap CMS, at admin/ of the site) and add "
                      "the workflow that keeps its pull requests readable; needs --repo-url")
    init.add_argument("--force", action="store_true",
                      help="write into a folder that is not empty; files with the same names "
                      "are overwritten (and listed)")
    init.add_argument("--upgrade", action="store_true",
                      help="show what this Journeybook's templates change in the playbook")
    init.add_argument("--write", action="store_true", help="with --upgrade: apply it")
    init.set_defaults(run=_init)
    return parser


def _init(args: argparse.Namespace) -> int:
    try:
        if args.upgrade:
            return _upgrade(args)
        if args.write:
            raise InitError("--write goes with --upgrade")
        if not args.folder:
            raise InitError("name the new playbook's folder, e.g. `journeybook init my-playbook`")
        for option, value in (("--site-name", args.site_name), ("--repo-url", args.repo_url)):
            if value is not None and not value.isprintable():
                raise InitError(f"{option} holds characters that cannot be shown; retype it")
        if args.site_name is not None and re.search(r"[<>&]", args.site_name):
            # Material prints the site name into every page's <title> and header as HTML.
            raise InitError("--site-name cannot hold <, > or &: the theme prints the name as "
                            "HTML; write it without them")
        if args.repo_url is not None and not re.fullmatch(r"https?://[^\s\"'<>]+", args.repo_url):
            raise InitError(f"--repo-url must be a web address such as "
                            f"https://github.com/org/playbook, got `{shown(args.repo_url)}`")
        if args.cms and repository_of(args.repo_url) is None:
            raise InitError("--cms needs --repo-url with the playbook's GitHub repository "
                            "(https://github.com/ORG/NAME): the form editor saves its changes "
                            "as pull requests there")
        folder = Path(args.folder)
        created = init_playbook(folder, InitOptions(args.language or "en", args.site_name,
                                                    args.repo_url, args.tool, args.cms),
                                force=args.force)
    except InitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in created.overwritten:
        print(f"overwritten: {folder / path}")
    if args.tool is None and (origin := local_origin()) is not None:
        print(f"note: this Journeybook was installed from {origin}, which GitHub cannot reach: "
              f"the workflows install `{default_requirement()}`; to choose another, run "
              "`journeybook init --upgrade --tool SPEC --write` in the playbook")
    print(f"created {folder}: {len(created.files)} files. Next: cd {folder} && git init && "
          "journeybook check && mkdocs serve")
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    for option in ("language", "site_name", "repo_url"):
        if getattr(args, option) is not None or args.force:
            raise InitError("--upgrade takes no --language, --site-name, --repo-url or "
                            "--force: it keeps the playbook's (change them in mkdocs.yml); "
                            "it takes --tool and --cms")
    plan = upgrade_playbook(Path(args.folder or "."), args.tool, args.cms)
    for item in plan.files:
        sys.stdout.write(item.diff)
    for item in plan.files:
        if item.status == "conflict":
            print(f"conflict: {plan.folder / item.path}: you and the template changed the same "
                  "lines; left as it is. Apply the template's change by hand:", file=sys.stderr)
            sys.stderr.write(item.template_change)
        elif item.status == "missing":
            print(f"note: {plan.folder / item.path} was deleted; left deleted")
    changes = [item.path for item in plan.files if item.diff]
    if not changes:
        print(f"{plan.folder}: the files init keeps current are up to date")
    elif args.write:
        for path in write_upgrade(plan):
            print(f"updated {plan.folder / path}")
    else:
        print(f"{len(changes)} files would change (from Journeybook {plan.recorded_version}'s "
              "templates); run again with --write to apply")
    if args.cms and not plan.recorded_cms:
        print("note: set `cms: true` under the journeybook plugin in mkdocs.yml (and repo_url) "
              "to show the form editor; see README.md")
    return 1 if plan.conflicts else 0


def _pdf(args: argparse.Namespace) -> int:
    try:
        printed = make_pdf(Path(args.config_file), Path(args.output), args.journey_id,
                           args.language, args.chromium)
    except PdfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except JourneybookError as exc:
        _report(exc.problems, _output_format(args))
        return 1
    print(f"wrote {args.output}: {printed.pages} pages, {printed.sections} sections (site "
          f"built in {printed.build_seconds:.1f} s, printed in {printed.print_seconds:.1f} s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "language", None) is not None:
        try:
            labels(args.language)
        except LanguageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    run: Callable[[argparse.Namespace], int] = args.run  # set by each subcommand's parser
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
