"""Loading the journeys folder: every journey (cached when unchanged) and its evaluation
notes, with every problem of every file gathered into one error."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ..cache import JourneyCache
from ..errors import JourneybookError, Message, Problem, listed
from ..model import PROSE_LISTS, DataPath, Evaluation, Journey, JourneyIds, nearest
from ..slug import shown, slug_reason, slugify
from .evaluations import load_evaluation
from .messages import validate
from .raw import journey_ids
from .yaml import (
    YamlDocument,
    block_list,
    decode_text,
    file_yaml,
    format_path,
    inside_project,
    parse_yaml,
    read_yaml,
)

JOURNEY_FILE = "journey.yaml"


def load_journey(path: Path, file: str, journey_id: str) -> tuple[Journey | None, list[Problem]]:
    """Load and validate one journey file; never raises for user mistakes. The problems are
    errors only (warnings are for `check` and the build, through :func:`read_sources`)."""
    loaded = _journey_from(read_yaml(path, file), file, journey_id)
    return loaded.journey, loaded.errors


def parse_journey(text: str, file: str, journey_id: str) -> tuple[Journey | None, list[Problem]]:
    """A journey from YAML text (an old version read from git, say); errors only."""
    loaded = _journey_from(parse_yaml(text, file), file, journey_id)
    return loaded.journey, loaded.errors


@dataclass(frozen=True)
class _Loaded:
    """One journey file read: the journey when it has no error, its problems (warnings
    included), and its ids as far as they could be read (for notes and links)."""

    journey: Journey | None
    problems: list[Problem]
    ids: JourneyIds

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _journey_from(document: YamlDocument, file: str, journey_id: str) -> _Loaded:
    journey, problems, located = validate(Journey, document, file,
                                           {"journey_id": journey_id}, "a_journey_file")
    readable = () not in document.broken
    ids = journey_ids(document.data if readable else None, journey_id)
    # Checked on the raw data, valid or not: duplicate ids and persona keys show in the same
    # run as the file's other errors. An unknown persona id in `emotion: {id: …}` is pointed
    # at where the id is written.
    problems.extend(located(p, m, key=p[-2:-1] in (("emotion",), ("target",)))
                    for p, m in ids.problems())
    problems += [located(where, _block_form(where, document.data), key=True, severity="warning")
                 for where in document.flow_lists if where[-1:] and where[-1] in PROSE_LISTS]
    failed = journey is None or any(p.severity == "error" for p in problems)
    return _Loaded(None if failed else journey, problems, ids)


def _block_form(where: DataPath, data: Any) -> Message:
    """The warning for a prose list written as a flow list, showing its block form."""
    for part in where:
        data = data[part]
    key = str(where[-1])
    return Message.of("prose_flow_list", key=key, block=block_list(key, data))


def journey_files(journeys_dir: Path) -> list[Path]:
    """Every ``<id>/journey.yaml`` under the journeys folder, in id order."""
    if not journeys_dir.is_dir():
        return []
    # A link to a folder that is gone is listed too: it is reported, not silently skipped.
    return sorted(
        (folder / JOURNEY_FILE for folder in journeys_dir.iterdir()
         if (folder.is_dir() or (folder.is_symlink() and not folder.exists()))
         and not folder.name.startswith(".")),
        key=lambda p: p.parent.name,
    )


#: The code that turns bytes into a Journey; part of the journey cache key.
_LOADER_VERSION = hashlib.sha256(
    b"".join((Path(__file__).parent.parent / name).read_bytes()
             for name in ("source/yaml.py", "source/messages.py", "source/journeys.py",
                          "source/raw.py", "source/slips.py", "errors.py", "model.py",
                          "slug.py"))
).hexdigest()[:16]


def _load_cached(path: Path, file: str, journey_id: str, cache: JourneyCache | None) -> _Loaded:
    # The file is read once: the bytes hashed for the key are the bytes parsed, so an edit
    # saved in between can never be stored under the old bytes' key.
    try:
        raw = path.read_bytes()
    except OSError:  # says why the file cannot be read
        return _journey_from(read_yaml(path, file), file, journey_id)
    key = hashlib.sha256(f"{_LOADER_VERSION}\0{journey_id}\0".encode() + raw).hexdigest()[:32]
    known = cache.validated.get(key) if cache is not None else None
    if isinstance(known, Journey):
        return _Loaded(known, [], JourneyIds.of(known))
    cached = cache.get(key) if cache is not None else None
    if cached is not None:
        try:
            journey = Journey.model_validate_json(cached, context={"journey_id": journey_id})
        except ValidationError:
            pass  # an entry of another shape: read the YAML again
        else:
            cache.validated.put(key, journey)  # type: ignore[union-attr]
            return _Loaded(journey, [], JourneyIds.of(journey))
    text, problems = decode_text(raw, file)
    if text is None:
        return _Loaded(None, problems, JourneyIds(journey_id, personas=None, complete=False))
    loaded = _journey_from(file_yaml(text, file), file, journey_id)
    # Only a journey with nothing to say is kept: one with warnings is read again next time,
    # so its warnings show in every build until they are fixed. Problems are never cached.
    if loaded.journey is not None and not loaded.problems and cache is not None:
        cache.put(key, loaded.journey.model_dump_json(by_alias=True))
        cache.validated.put(key, loaded.journey)
    return loaded


EVALUATIONS = "evaluations"


@dataclass(frozen=True)
class Sources:
    """Every journey of a playbook with its evaluation notes (oldest first), and the warnings
    found on the way (which do not stop a build)."""

    journeys: list[Journey]
    evaluations: dict[str, list[Evaluation]]
    warnings: list[Problem]


def load_sources(journeys_dir: Path, base_dir: Path | None = None,
                 cache: JourneyCache | None = None,
                 ) -> tuple[list[Journey], dict[str, list[Evaluation]]]:
    """Every journey and its evaluation notes (oldest first), or raise
    :class:`JourneybookError` with every problem found in every file (see
    :func:`read_sources`, which also gives the warnings)."""
    sources = read_sources(journeys_dir, base_dir, cache)
    return sources.journeys, sources.evaluations


def read_sources(journeys_dir: Path, base_dir: Path | None = None,
                 cache: JourneyCache | None = None) -> Sources:
    """Every journey, its evaluation notes and the warnings, or raise
    :class:`JourneybookError` with every problem found in every file, warnings included.

    Nothing waits for something else to be valid: a journey with errors still has its notes
    and links checked against the ids that could be read of it, so one run shows everything.

    ``base_dir`` (default: the folder holding ``journeys_dir``) is the project folder: the
    folder of ``mkdocs.yml``. File names in messages are relative to it, and nothing outside
    it is read: a journey, note or folder that links outside it is an error.
    With a ``cache``, unchanged journey files are not parsed again.
    """
    base = base_dir or journeys_dir.parent
    _check_journeys_dir(journeys_dir, base)
    journeys: list[Journey] = []
    evaluations: dict[str, list[Evaluation]] = {}
    problems: list[Problem] = []
    every: list[JourneyIds] = []
    for path in journey_files(journeys_dir):
        loaded = _journey_in(path, base, cache, problems)
        if loaded is None:
            continue
        every.append(loaded.ids)
        notes = _evaluations_of(loaded.ids, path.parent, base, problems)
        if loaded.journey is not None:
            journeys.append(loaded.journey)
            evaluations[loaded.journey.id] = notes
    problems += link_problems(every, journeys_dir, base)
    warnings = [p for p in problems if p.severity == "warning"]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise JourneybookError(errors, warnings)
    if cache is not None:
        cache.prune()
    return Sources(journeys, evaluations, sorted(warnings, key=Problem.order))


def link_problems(journeys: list[JourneyIds], journeys_dir: Path,
                  base: Path) -> list[Problem]:
    """Touchpoint `link:`s that lead nowhere: to no journey, or to no stage of it, each
    located in its file with the known ids and the nearest as a suggestion. Links may form
    cycles. The stages of a journey whose file has errors are those that could be read; when
    some could not, links into it are not checked."""
    stages = {j.journey: j.stages for j in journeys}
    problems: list[Problem] = []
    for journey in journeys:
        wrong = [(where, why) for where, link in journey.links
                 if (why := _link_problem(link, journey.journey, stages)) is not None]
        if wrong:
            # Rare, so the file is read again for positions rather than keeping them all.
            path = journeys_dir / journey.journey / JOURNEY_FILE
            file = _display(path, base)
            positions = read_yaml(path, file).positions
            problems += [Problem(file, *positions.locate(where), format_path(where), why)
                         for where, why in wrong]
    return problems


def _link_problem(link: str, here: str,
                  stages: dict[str, list[str] | None]) -> Message | None:
    journey_id, _, stage_id = link.partition("/")
    if journey_id not in stages:
        return Message.of("no_journey", id=shown(journey_id),
                          hint=nearest(journey_id, list(stages)), known=listed(stages))
    known = stages[journey_id]
    if "/" in link and known is not None and stage_id not in known:
        return Message.of("no_stage", journey=journey_id, id=shown(stage_id),
                          hint=nearest(stage_id, known), known=listed(known))
    if journey_id == here and not stage_id:
        return Message.of("link_to_itself")
    return None


def _check_journeys_dir(journeys_dir: Path, base: Path) -> None:
    """Raise :class:`JourneybookError` unless the journeys folder is there, in the project."""
    problems: list[Problem] = []
    if _inside(journeys_dir, base, problems, "folder") is None:
        raise JourneybookError(problems)
    if not journeys_dir.is_dir():
        raise JourneybookError([Problem(_display(journeys_dir, base), 1, 1, "",
                                        Message.of("no_journeys_folder"))])


def _inside(path: Path, base: Path, problems: list[Problem],
            kind: Literal["file", "folder"] = "file") -> Path | None:
    """``path`` checked to stay inside the project, or None with the problem added."""
    checked = inside_project(path, base, _display(path, base), kind)
    if isinstance(checked, Problem):
        problems.append(checked)
        return None
    return checked


def _journey_in(path: Path, base: Path, cache: JourneyCache | None,
                problems: list[Problem]) -> _Loaded | None:
    """One ``<id>/journey.yaml`` read, with what is wrong added to ``problems``; None when it
    cannot be read at all."""
    if _inside(path.parent, base, problems, "folder") is None:
        return None
    checked = _inside(path, base, problems)
    if checked is None:
        return None
    file = _display(path, base)
    folder = path.parent.name
    if not checked.is_file():
        problems.append(Problem(file, 1, 1, "", Message.of(
            "folder_without_journey", folder=shown(folder), file=JOURNEY_FILE)))
        return None
    loaded = _load_cached(checked, file, folder, cache)
    why = slug_reason(folder)
    if why is not None:
        # The file is still checked, so a rename is the only round this takes; not cached
        # (made is None), as the folder must change anyway.
        problems.append(Problem(file, 1, 1, "", Message.of(
            "bad_folder_name", folder=shown(folder), problem=why,
            example=slugify(folder) or "hanh-trinh-mua-hang")))
        loaded = _Loaded(None, loaded.problems, loaded.ids)
    problems.extend(loaded.problems)
    return loaded


def _evaluations_of(journey: JourneyIds, folder: Path, base: Path,
                    problems: list[Problem]) -> list[Evaluation]:
    """The journey's evaluation notes, oldest first; what is wrong with any goes to
    ``problems``."""
    notes_dir = folder / EVALUATIONS
    if _inside(notes_dir, base, problems, "folder") is None:
        return []
    notes: list[Evaluation] = []
    for note in sorted(notes_dir.glob("*.md")):
        evaluation, found = load_evaluation(note, _display(note, base), journey, base)
        problems.extend(found)
        if evaluation is not None:
            notes.append(evaluation)
    return sorted(notes, key=lambda e: (e.date, e.slug))


def _display(path: Path, base: Path) -> str:
    # Invisible characters in a file name (a newline, an escape) are shown, not obeyed: a
    # message stays one line and cannot drive the terminal.
    try:
        return shown(Path(os.path.relpath(path, base)).as_posix(), limit=4096)
    except ValueError:  # another drive on Windows
        return shown(path.as_posix(), limit=4096)
