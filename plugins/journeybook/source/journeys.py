"""Loading the journeys folder: every journey (cached when unchanged) and its evaluation
notes, with every problem of every file gathered into one error."""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Set
from pathlib import Path

from pydantic import ValidationError

from ..cache import JourneyCache
from ..errors import JourneybookError, Problem
from ..model import DataPath, Evaluation, Journey, id_problems
from ..slug import shown, slug_problem, slugify
from .evaluations import load_evaluation, raw_ids
from .messages import validate
from .yaml import (
    YamlDocument,
    decode_text,
    file_yaml,
    format_path,
    inside_project,
    parse_yaml,
    read_yaml,
)

JOURNEY_FILE = "journey.yaml"


def load_journey(path: Path, file: str, journey_id: str) -> tuple[Journey | None, list[Problem]]:
    """Load and validate one journey file; never raises for user mistakes."""
    return _journey_from(read_yaml(path, file), file, journey_id)


def parse_journey(text: str, file: str, journey_id: str) -> tuple[Journey | None, list[Problem]]:
    """A journey from YAML text (an old version read from git, say)."""
    return _journey_from(parse_yaml(text, file), file, journey_id)


def _journey_from(document: YamlDocument, file: str,
                  journey_id: str) -> tuple[Journey | None, list[Problem]]:
    journey, problems, located = validate(Journey, document, file,
                                           {"journey_id": journey_id}, "a journey file")
    if journey is None:
        if isinstance(document.data, dict) and () not in document.broken:
            problems.extend(located(p, m) for p, m in id_problems(raw_ids(document.data)))
        return None, problems
    # An unknown persona id in `emotion: {id: …}` is pointed at where the id is written.
    problems.extend(located(p, m, key=p[-2:-1] in (("emotion",), ("target",)))
                    for p, m in journey.consistency_problems())
    return (None if problems else journey), problems


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
                          "errors.py", "model.py", "slug.py"))
).hexdigest()[:16]


def _load_cached(path: Path, file: str, journey_id: str,
                 cache: JourneyCache | None) -> tuple[Journey | None, list[Problem]]:
    # The file is read once: the bytes hashed for the key are the bytes parsed, so an edit
    # saved in between can never be stored under the old bytes' key.
    try:
        raw = path.read_bytes()
    except OSError:
        return load_journey(path, file, journey_id)  # says why the file cannot be read
    key = hashlib.sha256(f"{_LOADER_VERSION}\0{journey_id}\0".encode() + raw).hexdigest()[:32]
    known = cache.validated.get(key) if cache is not None else None
    if isinstance(known, Journey):
        return known, []
    cached = cache.get(key) if cache is not None else None
    if cached is not None:
        try:
            journey = Journey.model_validate_json(cached, context={"journey_id": journey_id})
        except ValidationError:
            pass  # an entry of another shape: read the YAML again
        else:
            cache.validated.put(key, journey)  # type: ignore[union-attr]
            return journey, []
    text, problems = decode_text(raw, file)
    if text is None:
        return None, problems
    made, problems = _journey_from(file_yaml(text, file), file, journey_id)
    if made is not None and cache is not None:
        cache.put(key, made.model_dump_json(by_alias=True))
        cache.validated.put(key, made)
    return made, problems


EVALUATIONS = "evaluations"


def load_sources(journeys_dir: Path, base_dir: Path | None = None,
                 cache: JourneyCache | None = None,
                 ) -> tuple[list[Journey], dict[str, list[Evaluation]]]:
    """Every journey and its evaluation notes (oldest first), or raise
    :class:`JourneybookError` with every problem found in every file.

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
    for path in journey_files(journeys_dir):
        journey = _journey_in(path, base, cache, problems)
        if journey is None:
            continue
        journeys.append(journey)
        evaluations[journey.id] = _evaluations_of(journey, path.parent, base, problems)
    # A link to a journey whose file has its own problems is not reported as well: that
    # journey is there, and the problems already shown are what to fix.
    broken = {path.parent.name for path in journey_files(journeys_dir)} - {
        j.id for j in journeys}
    problems += link_problems(journeys, journeys_dir, base, broken)
    if problems:
        raise JourneybookError(problems)
    if cache is not None:
        cache.prune()
    return journeys, evaluations


def link_problems(journeys: list[Journey], journeys_dir: Path, base: Path,
                  unreadable: Set[str] = frozenset()) -> list[Problem]:
    """Touchpoint `link:`s that lead nowhere: to no journey, or to no stage of it, each
    located in its file with the nearest id as a suggestion. Links may form cycles. A link to
    one of the ``unreadable`` journeys (whose own file has problems) is not checked."""
    stages = {j.id: [s.id for s in j.stages] for j in journeys}
    problems: list[Problem] = []
    for journey in journeys:
        wrong: list[tuple[DataPath, str]] = []
        for s, stage in enumerate(journey.stages):
            for t, touchpoint in enumerate(stage.touchpoints):
                if touchpoint.link and touchpoint.link_journey not in unreadable:
                    why = _link_problem(touchpoint.link, journey.id, stages)
                    if why:
                        wrong.append((("stages", s, "touchpoints", t, "link"), why))
        if wrong:
            # Rare, so the file is read again for positions rather than keeping them all.
            path = journeys_dir / journey.id / JOURNEY_FILE
            file = _display(path, base)
            positions = read_yaml(path, file).positions
            problems += [Problem(file, *positions.locate(where), format_path(where), why)
                         for where, why in wrong]
    return problems


def _link_problem(link: str, here: str, stages: dict[str, list[str]]) -> str | None:
    journey_id, _, stage_id = link.partition("/")
    if journey_id not in stages:
        hint = difflib.get_close_matches(journey_id, list(stages), n=1)
        return (f"there is no journey `{shown(journey_id)}`"
                + (f" (did you mean `{hint[0]}`?)" if hint else "")
                + "; `link` names another journey's folder, or `<journey-id>/<stage-id>`")
    if "/" in link and stage_id not in stages[journey_id]:
        hint = difflib.get_close_matches(stage_id, stages[journey_id], n=1)
        return (f"journey `{journey_id}` has no stage `{shown(stage_id)}`"
                + (f" (did you mean `{hint[0]}`?)" if hint else "")
                + f"; its stages are {', '.join(stages[journey_id])}")
    if journey_id == here and not stage_id:
        return ("a touchpoint cannot continue in its own journey; name another journey, or "
                "a stage of this one as `<journey-id>/<stage-id>`")
    return None


def _check_journeys_dir(journeys_dir: Path, base: Path) -> None:
    """Raise :class:`JourneybookError` unless the journeys folder is there, in the project."""
    problems: list[Problem] = []
    if _inside(journeys_dir, base, problems, "folder") is None:
        raise JourneybookError(problems)
    if not journeys_dir.is_dir():
        raise JourneybookError([Problem(_display(journeys_dir, base), 1, 1, "",
                                        "the journeys folder does not exist; create it or set "
                                        "the plugin's `journeys_dir` option")])


def _inside(path: Path, base: Path, problems: list[Problem], kind: str = "file") -> Path | None:
    """``path`` checked to stay inside the project, or None with the problem added."""
    checked = inside_project(path, base, _display(path, base), kind)
    if isinstance(checked, Problem):
        problems.append(checked)
        return None
    return checked


def _journey_in(path: Path, base: Path, cache: JourneyCache | None,
                problems: list[Problem]) -> Journey | None:
    """The journey of one ``<id>/journey.yaml``, or None with what is wrong added to
    ``problems``."""
    if _inside(path.parent, base, problems, "folder") is None:
        return None
    checked = _inside(path, base, problems)
    if checked is None:
        return None
    file = _display(path, base)
    folder = path.parent.name
    wrong = _folder_problem(checked, file, folder)
    if wrong is not None:
        problems.append(wrong)
        return None
    journey, found = _load_cached(checked, file, folder, cache)
    problems.extend(found)
    return journey


def _folder_problem(journey_file: Path, file: str, folder: str) -> Problem | None:
    """What keeps a journey folder from being read: no journey file, or a name that is not
    an id."""
    if not journey_file.is_file():
        return Problem(file, 1, 1, "", f"journey folder `{folder}` has no {JOURNEY_FILE}; "
                                       "add one or remove the folder")
    why = slug_problem(folder)
    if why:
        return Problem(file, 1, 1, "", f"journey folder name `{shown(folder)}` is not a valid "
                                       f"id: {why}; rename the folder, for example to "
                                       f"`{slugify(folder) or 'hanh-trinh-mua-hang'}`")
    return None


def _evaluations_of(journey: Journey, folder: Path, base: Path,
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
