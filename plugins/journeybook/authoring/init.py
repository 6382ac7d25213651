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
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ..files import write_atomic
from ..i18n import init_words
from .scaffold import _quoted, example_journey
from .schema import SCHEMA_PATH, journey_schema

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
#: Written only for a playbook with the form editor (`init --cms`).
CMS_WORKFLOW = ".github/workflows/cms.yml"
#: The files `init --upgrade` keeps current; every other file is the team's after `init`.
#: The JSON Schema that every journey's first line names is Journeybook's too: it follows the
#: format of the Journeybook the workflows install.
OWNED = (".github/workflows/pr.yml", ".github/workflows/deploy.yml", CMS_WORKFLOW,
         ".github/PULL_REQUEST_TEMPLATE.md", ".pre-commit-config.yaml", ".gitignore",
         SCHEMA_PATH)
#: Where a requirement given to `--tool` may come from: what a GitHub runner can install.
_TOOL_SCHEMES = ("https://", "git+https://")

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
    #: The pip requirement the workflows and the README install Journeybook with; None: the
    #: one :func:`default_requirement` finds.
    tool: str | None = None
    #: The form editor (Decap CMS) at admin/, and the workflow that re-lays what it saves.
    cms: bool = False


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


def tool_requirement(spec: str) -> str:
    """``spec`` as the workflows will install it, or :class:`InitError` saying why not.

    It names `journeybook`, pinned to a version (``journeybook==0.2.0``) or to an address a
    GitHub runner can fetch: a release's wheel (``journeybook @ https://…/x.whl``) or a tag of
    the repository (``journeybook @ git+https://github.com/…@v0.2.0``). It is written into
    YAML and used as one quoted shell word, and still kept to what pip's own syntax allows."""
    if not spec.isprintable() or any(c in spec for c in "\"'`$;"):
        raise InitError(f"--tool `{spec!r}` holds characters a requirement never has; write it "
                        "like journeybook==0.2.0 or \"journeybook @ https://…/"
                        "journeybook-0.2.0-py3-none-any.whl\"")
    try:
        requirement = Requirement(spec)
    except InvalidRequirement as exc:
        raise InitError(f"--tool `{spec}` is not a pip requirement ({exc}); write it like "
                        "journeybook==0.2.0") from None
    if canonicalize_name(requirement.name) != "journeybook":
        raise InitError(f"--tool `{spec}` installs `{requirement.name}`, not journeybook")
    if requirement.url is not None and not requirement.url.startswith(_TOOL_SCHEMES):
        raise InitError(f"--tool `{spec}`: the workflows run on GitHub, which can install "
                        "from https:// or git+https:// addresses only (a release's wheel, or "
                        "a tag of the repository), not from this computer's files")
    if requirement.url is None and not requirement.specifier:
        raise InitError(f"--tool `{spec}` names no version: pin one (journeybook==0.2.0), so "
                        "every run of the checks installs the same Journeybook")
    return spec.strip()  # as the team wrote it: packaging's own spelling varies by version


def _origin() -> dict[str, Any]:
    """Where pip installed the running Journeybook from (PEP 610's direct_url.json), or {}
    for an install from the package index."""
    try:
        recorded = importlib.metadata.distribution("journeybook").read_text("direct_url.json")
        origin = json.loads(recorded) if recorded else {}
    except (importlib.metadata.PackageNotFoundError, json.JSONDecodeError):
        return {}
    return origin if isinstance(origin, dict) else {}


def local_origin() -> str | None:
    """The address of the file or folder this Journeybook was installed from, when it is on
    this computer: the workflows cannot install from there, so `init` says what it wrote."""
    url = _origin().get("url")
    return url if isinstance(url, str) and url.startswith("file:") else None


def default_requirement() -> str:
    """How the workflows install the Journeybook running now: from where it was installed when
    that is an address GitHub can reach (a release's wheel, a tag of the repository; pip
    records it, PEP 610), else ``journeybook==<release>`` from the package index."""
    _, release = running_version()
    origin = _origin()
    url, vcs = origin.get("url"), origin.get("vcs_info")
    candidate = None
    if isinstance(url, str) and "archive_info" in origin:
        candidate = f"journeybook @ {url}"
    elif isinstance(url, str) and isinstance(vcs, dict) and vcs.get("vcs") == "git":
        revision = vcs.get("requested_revision") or vcs.get("commit_id")
        candidate = f"journeybook @ git+{url}@{revision}"
    if candidate is not None:
        # What pip recorded is held to what --tool accepts (a reachable address, no quotes).
        try:
            return tool_requirement(candidate)
        except InitError:
            pass
    return f"journeybook=={release}"


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
        "requirement": tool_requirement(options.tool) if options.tool else default_requirement(),
        "lychee": LYCHEE, "cms": options.cms, "cms_workflow": CMS_WORKFLOW,
        "schema_path": SCHEMA_PATH, "example_id": example["id"],
        # Material's search has no Vietnamese stemmer of its own; English terms occur in
        # every playbook (NPS, CSAT), so English is always searched too.
        "search_languages": list(dict.fromkeys([options.language, "en"])),
    }
    templates = {**_TEMPLATES, **({CMS_WORKFLOW: "cms.yml.j2"} if options.cms else {})}
    files = {path.format(**fields): _ENV.get_template(name).render(values)
             for path, name in templates.items()}
    files[SCHEMA_PATH] = json.dumps(journey_schema(), ensure_ascii=False, indent=2) + "\n"
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
        write_atomic(folder / RECORD, _record(options, {p: files[p] for p in OWNED
                                                        if p in files}))
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
        "repo_url": options.repo_url, "tool": options.tool, "cms": options.cms,
        "files": dict(owned),
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
    #: Whether the playbook had the form editor before this upgrade.
    recorded_cms: bool = False

    @property
    def conflicts(self) -> list[FileUpgrade]:
        return [f for f in self.files if f.status == "conflict"]


def _diff(before: str, after: str, path: str, old_name: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True),
                                        after.splitlines(keepends=True),
                                        old_name, f"b/{path}"))


def upgrade(folder: Path, tool: str | None = None, cms: bool = False) -> Upgrade:
    """What today's templates change in the files `init` keeps current in ``folder``: the pin
    moves to ``tool`` (default: the Journeybook running now, as `init` chooses it), and
    ``cms`` adds the form editor's workflow to a playbook made without it."""
    record = _read_record(folder)
    recorded_cms = bool(record.get("cms"))
    options = Options(record["language"], record.get("site_name"), record.get("repo_url"),
                      tool, recorded_cms or cms)
    fresh = render(options)
    base: Mapping[str, str] = record["files"]
    files: list[FileUpgrade] = []
    new_base = dict(base)
    for path in OWNED:
        if path not in fresh:  # the form editor's workflow, in a playbook without it
            continue
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
    return Upgrade(folder, options, str(record.get("journeybook", "?")), files, new_base,
                   recorded_cms)


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
