"""`journeybook init`: a company's own playbook repository, from templates in this package,
and `journeybook init --upgrade`: what a newer Journeybook's templates change in it.

A new playbook gets every file a team needs (site settings, an example journey, pages, the
workflows, the pull-request template …). Some of them stay Journeybook's to keep current: the
workflows, the pull-request template, the pre-commit configuration and `.gitignore` (the
files :data:`OWNED` names). The rest is the team's from the first day: `mkdocs.yml` holds
their site name, navigation and palette, and the journeys, pages, README and CODEOWNERS are
theirs to write, so `--upgrade` never touches them.

To tell the team's edits from the template's, `init` records in :data:`RECORD` the text it
wrote for each owned file. `--upgrade` then compares three texts per file: what `init` wrote
(the base), what the file holds now (the team's), and what today's templates write. Only the
template's change is applied, merged into the team's edits with ``git merge-file``; where both
changed the same lines it is a conflict, reported and left alone.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ..files import write_atomic
from ..i18n import init_words
from .scaffold import _quoted, example_journey

RECORD = ".journeybook-init.json"
#: The link checker the pull-request workflow installs (the one this repository tests with).
LYCHEE = "0.24.2"

# Output path → template. Paths in {braces} come from the language's words.
_TEMPLATES = {
    "mkdocs.yml": "mkdocs.yml.j2",
    "README.md": "README.md.j2",
    "content/index.md": "home.md.j2",
    "content/{propose_page}.md": "propose.md.j2",
    "includes/glossary.md": "glossary.md.j2",
    ".github/workflows/pr.yml": "pr.yml.j2",
    ".github/workflows/deploy.yml": "deploy.yml.j2",
    ".github/PULL_REQUEST_TEMPLATE.md": "pull_request_template.md.j2",
    ".github/CODEOWNERS": "CODEOWNERS.j2",
    ".pre-commit-config.yaml": "pre-commit-config.yaml.j2",
    ".gitignore": "gitignore.j2",
}
#: The files `init --upgrade` keeps current; every other file is the team's after `init`.
OWNED = (".github/workflows/pr.yml", ".github/workflows/deploy.yml",
         ".github/PULL_REQUEST_TEMPLATE.md", ".pre-commit-config.yaml", ".gitignore")

# Workflows are full of GitHub's ${{ … }}, so these templates use [[ … ]] and [% … %].
_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("journeybook", "authoring/templates/init"),
    variable_start_string="[[", variable_end_string="]]",
    block_start_string="[%", block_end_string="%]",
    comment_start_string="[#", comment_end_string="#]",
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    keep_trailing_newline=True, autoescape=False,
)
_ENV.filters["q"] = _quoted


class InitError(Exception):
    """Something `init` cannot do, said so that the user knows what to do instead."""


@dataclass(frozen=True)
class Options:
    """What a playbook is made from; recorded so that `--upgrade` renders it again alike."""

    language: str = "en"
    site_name: str | None = None
    repo_url: str | None = None


def running_version() -> tuple[str, str]:
    """The Journeybook running now, and the release a playbook can install: ``0.1.0`` for
    ``0.1.0``, and for a development build such as ``0.2.0.dev3+g1a2b`` the release it
    builds on (``0.2.0``), since the package index never holds a local build."""
    try:
        version = importlib.metadata.version("journeybook")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        version = "0.0.0"
    return version, installable(version)


def installable(version: str) -> str:
    """The release of ``version`` (PEP 440): ``0.2.0`` for ``0.2.0.dev3+g1a2b`` or
    ``0.2.0+local``; pre-releases (``0.2.0rc1``) are on the package index and stay whole."""
    public = version.split("+", 1)[0]
    if ".dev" in public:
        return public.split(".dev", 1)[0]
    return public


def render(options: Options) -> dict[str, str]:
    """Every file of a new playbook, by path relative to its folder."""
    words = dict(init_words(options.language))
    example = words["example"]
    fields = {"propose_page": words["propose_page"], "example_id": example["id"]}
    # The words may name these pages and files: `{propose_page}`, `{example_id}`.
    w = {key: value.format(**fields) if isinstance(value, str) else value
         for key, value in words.items()}
    version, release = running_version()
    values = {
        "w": w, "language": options.language, "site_name": options.site_name or w["site_name"],
        "repo_url": options.repo_url, "version": version, "release": release,
        "requirement": f"journeybook=={release}", "lychee": LYCHEE,
        "example_id": example["id"],
        # Material's search has no Vietnamese stemmer of its own; English terms occur in
        # every playbook (NPS, CSAT), so English is always searched too.
        "search_languages": list(dict.fromkeys([options.language, "en"])),
    }
    files = {path.format(**fields): _ENV.get_template(name).render(values)
             for path, name in _TEMPLATES.items()}
    files[f"journeys/{example['id']}/journey.yaml"] = example_journey(example, options.language)
    return files


@dataclass
class Created:
    files: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)


def init(folder: Path, options: Options, force: bool = False) -> Created:
    """Write a new playbook into ``folder`` (created when missing). A folder with anything in
    it is refused unless ``force``; then files with the same names are overwritten (and
    listed in the result), and nothing else in the folder is touched."""
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} is a file; name a new or empty folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise InitError(f"{folder} is not empty; name a new or empty folder, or add --force "
                        "to write the playbook's files into it (files with the same names "
                        "are overwritten, nothing else is touched)")
    files = render(options)
    created = Created()
    try:
        for path, text in files.items():
            target = folder / path
            if target.exists() or target.is_symlink():
                created.overwritten.append(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, text)
            created.files.append(path)
        write_atomic(folder / RECORD, _record(options, {p: files[p] for p in OWNED}))
    except OSError as exc:
        raise InitError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    return created


def _record(options: Options, owned: Mapping[str, str]) -> str:
    version, _ = running_version()
    return json.dumps({
        "comment": "Written by `journeybook init`: what it wrote in the files it keeps "
                   "current, so that `journeybook init --upgrade` changes only what its "
                   "templates change. Commit it; do not edit it.",
        "journeybook": version, "language": options.language, "site_name": options.site_name,
        "repo_url": options.repo_url, "files": dict(owned),
    }, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class FileUpgrade:
    """One owned file: what it holds, and what it would hold after the upgrade."""

    path: str
    #: ``update`` (the template changed, the team did not: take the template's),
    #: ``merged`` (both changed, in different places), ``conflict`` (both changed the same
    #: lines: left alone), ``new`` (a file the templates now write), ``current`` (nothing
    #: to do), ``missing`` (the team deleted it: left deleted).
    status: str
    current: str | None
    proposed: str | None
    #: The template's own change (what it wrote before → what it writes now), for conflicts.
    template_change: str = ""

    @property
    def diff(self) -> str:
        if self.proposed is None or self.proposed == self.current:
            return ""
        return _diff(self.current or "", self.proposed, self.path,
                     "/dev/null" if self.current is None else f"a/{self.path}")


@dataclass(frozen=True)
class Upgrade:
    folder: Path
    options: Options
    recorded_version: str
    files: list[FileUpgrade]
    new_base: dict[str, str]

    @property
    def conflicts(self) -> list[FileUpgrade]:
        return [f for f in self.files if f.status == "conflict"]


def _diff(before: str, after: str, path: str, old_name: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True),
                                        after.splitlines(keepends=True),
                                        old_name, f"b/{path}"))


def upgrade(folder: Path) -> Upgrade:
    """What today's templates change in the files `init` keeps current in ``folder``."""
    record = _read_record(folder)
    options = Options(record["language"], record.get("site_name"), record.get("repo_url"))
    fresh = render(options)
    base: Mapping[str, str] = record["files"]
    files: list[FileUpgrade] = []
    new_base = dict(base)
    for path in OWNED:
        theirs = _read(folder / path)
        was, now = base.get(path), fresh[path]
        template_change = "" if was is None else _diff(was, now, path, f"a/{path}")
        if theirs is None:
            status, proposed = ("new", now) if was is None else ("missing", None)
        elif theirs == now:
            status, proposed = "current", None
        elif was is None or was == now:
            # Not written by this init (the team's own file), or the template did not change:
            # whatever the file holds is the team's choice.
            status, proposed = "current", None
        elif theirs == was:
            status, proposed = "update", now
        else:
            merged = _merge(theirs, was, now)
            status, proposed = ("merged", merged) if merged is not None else ("conflict", None)
        if status != "conflict" and status != "missing":
            new_base[path] = now
        files.append(FileUpgrade(path, status, theirs, proposed, template_change))
    return Upgrade(folder, options, str(record.get("journeybook", "?")), files, new_base)


def write_upgrade(plan: Upgrade) -> list[str]:
    """Apply ``plan`` (never a conflict), record the new templates' texts; the paths written."""
    written = []
    try:
        for item in plan.files:
            if item.proposed is not None and item.proposed != item.current:
                target = plan.folder / item.path
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, item.proposed)
                written.append(item.path)
        write_atomic(plan.folder / RECORD, _record(plan.options, plan.new_base))
    except OSError as exc:
        raise InitError(f"cannot write into {plan.folder}: {exc.strerror or exc}") from None
    return written


def _read(path: Path) -> str | None:
    try:
        # newline="" keeps CRLF as it is: the diff shows the file's real bytes.
        with path.open(encoding="utf-8", newline="") as file:
            return file.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InitError(f"{path}: cannot read it as UTF-8 text ({exc}); fix or delete it, "
                        "then run `journeybook init --upgrade` again") from None


def _read_record(folder: Path) -> dict[str, Any]:
    path = folder / RECORD
    text = _read(path)
    if text is None:
        raise InitError(f"{path} is missing: `--upgrade` works in a playbook made by "
                        "`journeybook init` (run it in that folder, or name the folder)")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InitError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); restore "
                        f"it from git (`git checkout -- {RECORD}`)") from None
    if not (isinstance(record, dict) and isinstance(record.get("files"), dict)
            and isinstance(record.get("language"), str)
            and all(isinstance(v, str) for v in record["files"].values())):
        raise InitError(f"{path}: not what `journeybook init` writes (a `language` and the "
                        "`files` it wrote); restore it from git")
    return record


def _merge(theirs: str, base: str, template: str) -> str | None:
    """The team's text with the template's change applied, or None where both changed the
    same lines (or git, which merges, is not installed)."""
    git = shutil.which("git")
    if git is None:
        return None
    with tempfile.TemporaryDirectory(prefix="journeybook-upgrade-") as tmp:
        paths = []
        for name, text in (("theirs", theirs), ("base", base), ("template", template)):
            path = Path(tmp) / name
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        result = subprocess.run([git, "merge-file", "-p", *paths], capture_output=True,
                                check=False)
    return result.stdout.decode("utf-8") if result.returncode == 0 else None
