"""What a change does to the journeys: the summary a reviewer reads on a pull request."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..errors import Problem
from ..model import Journey, Persona, ReviewQuestion, Stage, Touchpoint
from ..source import JOURNEY_FILE, parse_journey
from ..source.evaluations import front_matter
from .git import files_at, read_at

#: A self-check question's compared keys, and the label each is called by on the page.
_QUESTION_LABELS = {"choices": "choices", "correct": "correct_answer", "explain": "why",
                    "answer": "answer"}


@dataclass(frozen=True)
class QuestionChange:
    """A self-check question asked in both versions (same stage, same question) whose
    answer, choices, right choices or explanation differ."""

    stage: Stage
    before: ReviewQuestion
    after: ReviewQuestion

    @property
    def changed(self) -> list[tuple[str, str, str]]:
        """``(label key, before, after)`` for each key that differs, as text ("" for none)."""
        return [(label, _shown(self.before, key), _shown(self.after, key))
                for key, label in _QUESTION_LABELS.items()
                if _shown(self.before, key) != _shown(self.after, key)]


def _shown(question: ReviewQuestion, key: str) -> str:
    if key == "choices":
        return " · ".join(question.choices or ())
    if key == "correct":
        return ", ".join(map(str, question.correct_choices))
    return str(getattr(question, key) or "")


@dataclass(frozen=True)
class FeelingChange:
    """An emotion or a target that moved at a touchpoint: for one persona, or for every
    persona at once (``persona`` None) when both versions write one number."""

    touchpoint: Touchpoint
    persona: Persona | None
    #: None: no target on that side (an emotion is always there).
    before: int | None
    after: int | None


@dataclass(frozen=True)
class RatingChange:
    """An improvement's `impact` or `effort` (``key``) set, changed or cleared."""

    touchpoint: Touchpoint
    action: str
    key: str
    before: int | None
    after: int | None


def _value_for(value: int | dict[str, int] | None, persona: str) -> int | None:
    """A persona's number in an emotion or target as written (a plain number is
    everyone's); None when the mapping does not name it."""
    return value.get(persona) if isinstance(value, dict) else value


def _feeling_changes(touchpoint: Touchpoint, before: int | dict[str, int] | None,
                     after: int | dict[str, int] | None,
                     personas: list[Persona]) -> list[FeelingChange]:
    """How an emotion or target moved: one change when neither version tells personas apart,
    else one per persona of the new version whose number differs (a persona new to the
    journey is reported as added, not here)."""
    if not isinstance(before, dict) and not isinstance(after, dict):
        return [FeelingChange(touchpoint, None, before, after)] if before != after else []
    changes = []
    for persona in personas:
        old, new = _value_for(before, persona.id), _value_for(after, persona.id)
        if isinstance(before, dict) and persona.id not in before:
            continue
        if old != new:
            changes.append(FeelingChange(touchpoint, persona, old, new))
    return changes


@dataclass(frozen=True)
class FieldChange:
    """A value that changed where the summary lists no change of its own (a touchpoint's
    `doing`, a stage's goal, a persona's description …): named by where it is and by the
    labels of its keys (``("desired", "think")``), so a reviewer knows which text to read."""

    keys: tuple[str, ...]
    stage: Stage | None = None
    touchpoint: Touchpoint | None = None
    persona: Persona | None = None
    #: The improvement (its action) the key belongs to, if any.
    improvement: str = ""


#: Keys compared as a whole, whose change has no line of its own in the summary.
_JOURNEY_KEYS = ("schema_version", "summary", "owner", "metrics")
_PERSONA_KEYS = ("description", "goals", "frustrations")
_STAGE_KEYS = ("goal", "objectives")
_TOUCHPOINT_KEYS = ("channel", "control", "direct", "team", "doing", "thinking", "feeling",
                    "expects", "frustrations", "evidence", "moment_of_truth")
#: Keys whose parts are named one by one (`desired` → think, do, feel).
_TOUCHPOINT_PARTS = ("desired", "layers")
_IMPROVEMENT_KEYS = ("owner", "due")


@dataclass
class JourneyChanges:
    """Everything that differs between two versions of one journey (matched by id)."""

    id: str
    before: Journey | None
    after: Journey | None
    title: tuple[str, str] | None = None
    #: The navigation group as written, before and after ("" when there is none).
    group: tuple[str, str] | None = None
    personas_added: list[Persona] = field(default_factory=list)
    personas_removed: list[Persona] = field(default_factory=list)
    #: The same persona id, another name.
    personas_renamed: list[tuple[Persona, Persona]] = field(default_factory=list)
    stages_added: list[Stage] = field(default_factory=list)
    stages_removed: list[Stage] = field(default_factory=list)
    stages_renamed: list[tuple[Stage, Stage]] = field(default_factory=list)
    touchpoints_added: list[tuple[Stage, Touchpoint]] = field(default_factory=list)
    touchpoints_removed: list[tuple[Stage, Touchpoint]] = field(default_factory=list)
    touchpoints_renamed: list[tuple[Touchpoint, Touchpoint]] = field(default_factory=list)
    touchpoints_moved: list[tuple[Touchpoint, Stage, Stage]] = field(default_factory=list)
    emotions: list[FeelingChange] = field(default_factory=list)
    targets: list[FeelingChange] = field(default_factory=list)
    #: ``(touchpoint, link before, link after)``, "" where there is none.
    links: list[tuple[Touchpoint, str, str]] = field(default_factory=list)
    checklist_added: list[tuple[Touchpoint, str]] = field(default_factory=list)
    checklist_removed: list[tuple[Touchpoint, str]] = field(default_factory=list)
    improvements: list[tuple[Touchpoint, str, str | None, str | None]] = field(
        default_factory=list)
    ratings: list[RatingChange] = field(default_factory=list)
    questions_added: list[tuple[Stage, ReviewQuestion]] = field(default_factory=list)
    questions_removed: list[tuple[Stage, ReviewQuestion]] = field(default_factory=list)
    questions_changed: list[QuestionChange] = field(default_factory=list)
    #: Every other value that changed (none may go unmentioned).
    others: list[FieldChange] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "added" if self.before is None else "removed" if self.after is None else "changed"

    @property
    def curve_changed(self) -> bool:
        """Whether the emotion curve looks different (for the before/after chart)."""
        if self.before is None or self.after is None:
            return True

        def shape(journey: Journey) -> list[tuple[str, object, object]]:
            return [(t.id, t.emotion, t.target) for _, t in journey.touchpoints()]

        return shape(self.before) != shape(self.after)

    def __bool__(self) -> bool:
        return self.kind != "changed" or any(
            getattr(self, name) for name in self.__dataclass_fields__
            if name not in ("id", "before", "after"))

    @property
    def journey(self) -> Journey:
        journey = self.after or self.before
        assert journey is not None
        return journey



_Named = TypeVar("_Named", Persona, Stage)


def _by_id(before: list[_Named], after: list[_Named],
           ) -> tuple[list[_Named], list[_Named], list[tuple[_Named, _Named]]]:
    """What was added, removed and renamed among personas or stages, matched by id."""
    old = {item.id: item for item in before}
    new = {item.id for item in after}
    return ([item for item in after if item.id not in old],
            [item for item in before if item.id not in new],
            [(old[item.id], item) for item in after
             if item.id in old and old[item.id].name != item.name])

def compare_journey(before: Journey | None, after: Journey | None) -> JourneyChanges:
    journey = after or before
    assert journey is not None
    changes = JourneyChanges(journey.id, before, after)
    if before is None or after is None:
        return changes
    if before.title != after.title:
        changes.title = (before.title, after.title)
    if before.group != after.group:
        changes.group = (before.group, after.group)
    (changes.personas_added, changes.personas_removed,
     changes.personas_renamed) = _by_id(before.personas, after.personas)
    (changes.stages_added, changes.stages_removed,
     changes.stages_renamed) = _by_id(before.stages, after.stages)
    old_stages = {s.id: s for s in before.stages}
    _compare_questions(changes, old_stages, after.stages)
    old = {t.id: (s, t) for s, t in before.touchpoints()}
    new = {t.id: (s, t) for s, t in after.touchpoints()}
    changes.touchpoints_added = [new[i] for i in new if i not in old]
    changes.touchpoints_removed = [old[i] for i in old if i not in new]
    for touchpoint_id, (stage, touchpoint) in new.items():
        if touchpoint_id in old:
            _compare_touchpoint(changes, *old[touchpoint_id], stage, touchpoint,
                                after.personas)
    _compare_others(changes, before, after)
    return changes


#: The label of a key whose name is not a label of the pages.
_LABEL_KEYS = {"schema_version": "diff_field_schema", "summary": "diff_field_summary",
               "description": "diff_field_description"}


def _changed(before: object, after: object, keys: tuple[str, ...]) -> list[str]:
    """The label keys of the ``keys`` whose values differ."""
    return [_LABEL_KEYS.get(key, key) for key in keys
            if getattr(before, key) != getattr(after, key)]


def _order_changed(before: list[str], after: list[str]) -> bool:
    """Whether the ids both lists hold come in another order."""
    kept = set(before) & set(after)
    return [i for i in before if i in kept] != [i for i in after if i in kept]


def _compare_others(changes: JourneyChanges, before: Journey, after: Journey) -> None:
    """The values the itemised lines above do not cover, so that no changed value goes
    unmentioned (a form editor's one changed sentence must show in the summary)."""
    others = changes.others
    others += [FieldChange((key,)) for key in _changed(before, after, _JOURNEY_KEYS)]
    old_personas = {p.id: p for p in before.personas}
    for persona in after.personas:
        if persona.id in old_personas:
            others += [FieldChange((key,), persona=persona)
                       for key in _changed(old_personas[persona.id], persona, _PERSONA_KEYS)]
    if _order_changed([s.id for s in before.stages], [s.id for s in after.stages]):
        others.append(FieldChange(("diff_field_stage_order",)))
    old_stages = {s.id: s for s in before.stages}
    old_touchpoints = {t.id: t for _, t in before.touchpoints()}
    for stage in after.stages:
        was = old_stages.get(stage.id)
        if was is not None:
            others += [FieldChange((key,), stage=stage)
                       for key in _changed(was, stage, _STAGE_KEYS)]
            if _order_changed([t.id for t in was.touchpoints], [t.id for t in stage.touchpoints]):
                others.append(FieldChange(("diff_field_touchpoint_order",), stage=stage))
        for touchpoint in stage.touchpoints:
            if touchpoint.id in old_touchpoints:
                others += _touchpoint_others(stage, old_touchpoints[touchpoint.id], touchpoint)
    # Personas, questions or improvements in another order, or a key this list does not
    # know yet: still a change, named as such.
    if not changes and before.model_dump() != after.model_dump():
        others.append(FieldChange(("diff_field_other",)))


def _touchpoint_others(stage: Stage, was: Touchpoint,
                       touchpoint: Touchpoint) -> list[FieldChange]:
    found = [FieldChange((key,), stage, touchpoint)
             for key in _changed(was, touchpoint, _TOUCHPOINT_KEYS)]
    for key in _TOUCHPOINT_PARTS:
        old, new = getattr(was, key), getattr(touchpoint, key)
        found += [FieldChange((key, part), stage, touchpoint)
                  for part in _changed(old, new, tuple(type(new).model_fields))]
    # Items added or removed are listed already; the same items in another order are not.
    if was.checklist != touchpoint.checklist and set(was.checklist) == set(touchpoint.checklist):
        found.append(FieldChange(("checklist",), stage, touchpoint))
    old_improvements = {i.action: i for i in was.improvements}
    for improvement in touchpoint.improvements:
        if improvement.action in old_improvements:
            found += [FieldChange(("improvements", key), stage, touchpoint,
                                  improvement=improvement.action)
                      for key in _changed(old_improvements[improvement.action], improvement,
                                          _IMPROVEMENT_KEYS)]
    return found


def _compare_touchpoint(changes: JourneyChanges, old_stage: Stage, was: Touchpoint,
                        stage: Stage, touchpoint: Touchpoint, personas: list[Persona]) -> None:
    """What changed in a touchpoint both versions have (``personas``: the new version's)."""
    if was.name != touchpoint.name:
        changes.touchpoints_renamed.append((was, touchpoint))
    if old_stage.id != stage.id:
        changes.touchpoints_moved.append((touchpoint, old_stage, stage))
    changes.emotions += _feeling_changes(touchpoint, was.emotion, touchpoint.emotion, personas)
    changes.targets += _feeling_changes(touchpoint, was.target, touchpoint.target, personas)
    if was.link != touchpoint.link:
        changes.links.append((touchpoint, was.link, touchpoint.link))
    changes.checklist_added += [(touchpoint, item) for item in touchpoint.checklist
                                if item not in was.checklist]
    changes.checklist_removed += [(touchpoint, item) for item in was.checklist
                                  if item not in touchpoint.checklist]
    before_status = {i.action: i.status for i in was.improvements}
    after_status = {i.action: i.status for i in touchpoint.improvements}
    for action in [*after_status, *(a for a in before_status if a not in after_status)]:
        if before_status.get(action) != after_status.get(action):
            changes.improvements.append(
                (touchpoint, action, before_status.get(action), after_status.get(action)))
    # Ratings of the improvements kept (one added or removed shows in its status).
    old_improvements = {i.action: i for i in was.improvements}
    for improvement in touchpoint.improvements:
        old_improvement = old_improvements.get(improvement.action)
        for key in ("impact", "effort") if old_improvement else ():
            old_rating, new_rating = getattr(old_improvement, key), getattr(improvement, key)
            if old_rating != new_rating:
                changes.ratings.append(RatingChange(touchpoint, improvement.action, key,
                                                    old_rating, new_rating))


def _compare_questions(changes: JourneyChanges, old_stages: dict[str, Stage],
                       stages: list[Stage]) -> None:
    """Self-check questions of the stages in both versions, matched by stage id and question
    text (a reworded question reads as one removed and one added)."""
    for after in stages:
        if after.id not in old_stages:
            continue  # a new stage is reported as a whole
        old = {q.question: q for q in old_stages[after.id].review}
        new = {q.question: q for q in after.review}
        changes.questions_added += [(after, q) for text, q in new.items() if text not in old]
        changes.questions_removed += [(after, q) for text, q in old.items() if text not in new]
        changes.questions_changed += [
            change for text, q in new.items() if text in old
            if (change := QuestionChange(after, old[text], q)).changed]


def compare(before: list[Journey], after: list[Journey]) -> list[JourneyChanges]:
    """Changed journeys only, in id order."""
    old = {j.id: j for j in before}
    new = {j.id: j for j in after}
    found = (compare_journey(old.get(i), new.get(i)) for i in sorted(old.keys() | new.keys()))
    return [changes for changes in found if changes]


def journeys_at(repo: Path, ref: str, journeys_dir: Path) -> tuple[list[Journey], list[Problem]]:
    """The journeys as they were at a git revision; unreadable old files are reported, not
    fatal (a pull request may well be fixing them)."""
    folder = PurePosixPath(journeys_dir.resolve().relative_to(repo.resolve()).as_posix())
    journeys: list[Journey] = []
    problems: list[Problem] = []
    for path in files_at(repo, ref, str(folder)):
        relative = PurePosixPath(path).relative_to(folder)
        if len(relative.parts) != 2 or relative.name != JOURNEY_FILE:
            continue
        journey, found = parse_journey(read_at(repo, ref, path), f"{ref}:{path}",
                                       relative.parts[0])
        problems += found
        if journey is not None:
            journeys.append(journey)
    return journeys, problems


@dataclass(frozen=True)
class RemovedComments:
    """YAML comments a change dropped from one file (the form editor writes none back)."""

    file: str
    comments: list[str]


def yaml_comments(text: str) -> list[str]:
    """The comments of a YAML text (a journey, or a note's front matter), each as written,
    from the parser's tokens: a `#` inside a quoted or block text is not a comment."""
    tokens: list[str] = []
    try:
        for token in YAML(typ="rt").scan(text):
            for comment in _comment_tokens(token):
                tokens += [line.strip() for line in comment.splitlines()
                           if line.strip().startswith("#")]
    except YAMLError:
        return []
    return tokens


def _comment_tokens(token: object) -> list[str]:
    found: list[str] = []
    comment = getattr(token, "_comment", None) or getattr(token, "comment", None)
    stack = [comment]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif hasattr(item, "value"):
            found.append(str(item.value))
    return found


def _comments_of(path: str, text: str) -> list[str]:
    if path.endswith(".md"):
        front = front_matter(text)
        return yaml_comments(front.group(1)) if front else []
    return yaml_comments(text)


def removed_comments(repo: Path, ref: str, journeys_dir: Path) -> list[RemovedComments]:
    """Per journey file and note, the comments at ``ref`` that the working tree no longer
    has (as many times as they were dropped), in their old order."""
    folder = journeys_dir.resolve().relative_to(repo.resolve()).as_posix()
    found: list[RemovedComments] = []
    for path in files_at(repo, ref, folder):
        if not (path.endswith("/" + JOURNEY_FILE) or path.endswith(".md")):
            continue
        old = _comments_of(path, read_at(repo, ref, path))
        current = repo / path
        try:
            new = Counter(_comments_of(path, current.read_text("utf-8")))
        except (OSError, UnicodeDecodeError):
            continue  # a removed file is reported as a removed journey
        gone = []
        for comment in old:
            if new[comment]:
                new[comment] -= 1
            else:
                gone.append(comment)
        if gone:
            found.append(RemovedComments(path, gone))
    return found
