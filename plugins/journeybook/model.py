"""The journey format, as pydantic models.

One journey lives in ``journeys/<journey-id>/journey.yaml``. Every text field is Markdown.
The models know nothing of files or positions (that is ``source``) nor of sites (``site``).
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from .slug import MAX_SLUG_LENGTH, SLUG_REGEX, shown, slug_problem, slugify

SUPPORTED_SCHEMAS = (1,)
#: The most personas one map follows: more lines than this on a chart cannot be told apart.
MAX_PERSONAS = 8
#: Page names generated inside a journey folder; a stage id must not take them.
RESERVED_STAGE_IDS = frozenset({"blueprint", "checklist", "evaluations", "index", "quiz"})


def _in_range(low: int, high: int) -> Callable[[int], int]:
    def check(value: int) -> int:
        if not low <= value <= high:
            raise PydanticCustomError(
                "out_of_range",
                "must be a whole number from {low} to {high}, got {value}",
                {"low": low, "high": high, "value": value},
            )
        return value

    return check


def _slug(value: str) -> str:
    problem = slug_problem(value)
    if problem:
        raise PydanticCustomError("bad_slug", "`{value}` is not a valid id: {problem}",
                                  {"value": shown(value), "problem": problem})
    return value


def _day(value: Any) -> Any:
    # `due: "2026-03-31"` in quotes is as clear as without; anything else is not a date.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise PydanticCustomError("bad_date", "`{value}` is not a real date: {why}",
                                      {"value": value, "why": str(exc)}) from None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    raise PydanticCustomError("bad_date", "must be a date written YYYY-MM-DD, like 2026-12-31")


Text = Annotated[str, Field(strict=True)]
Day = Annotated[datetime.date, BeforeValidator(_day)]
Slug = Annotated[
    str, Field(strict=True, json_schema_extra={"pattern": f"^{SLUG_REGEX}$",
                                               "maxLength": MAX_SLUG_LENGTH}),
    AfterValidator(_slug),
]


def _whole(low: int, high: int) -> FieldInfo:
    """A whole number in ``low..high``, with the range also written into the JSON Schema so
    editors can warn while typing; paired with ``_in_range`` for a plain message."""
    field: FieldInfo = Field(strict=True, json_schema_extra={"minimum": low, "maximum": high})
    return field


# Written out as `Annotated[...]` (not built by a function) so type checkers see real types.
#: How the customer feels at a touchpoint: -2 (very bad) … +2 (very good).
Emotion = Annotated[int, _whole(-2, 2), AfterValidator(_in_range(-2, 2))]
Nps = Annotated[int, _whole(-100, 100), AfterValidator(_in_range(-100, 100))]
Csat = Annotated[int, _whole(0, 100), AfterValidator(_in_range(0, 100))]

Channel = Literal["digital", "analog"]
Control = Literal["owned", "influenced", "uncontrolled"]
Status = Literal["planned", "in-progress", "done"]


class _Model(BaseModel):
    # Unknown keys are errors: a typo like `touchpionts` must never be silently ignored.
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class Persona(_Model):
    #: How touchpoints and notes name this persona in by-persona scores; default: the slug of
    #: its name.
    id: Slug
    name: Text
    description: Text = ""
    goals: list[Text] = []
    frustrations: list[Text] = []

    @model_validator(mode="before")
    @classmethod
    def _id_from_name(cls, data: Any) -> Any:
        return _default_id(data, example="khach-hang-1")


class NpsMetric(_Model):
    target: Nps


class CsatMetric(_Model):
    target: Csat


class Metrics(_Model):
    nps: NpsMetric | None = None
    csat: CsatMetric | None = None


class Desired(_Model):
    """The experience we want to create: what the customer should think, do and feel."""

    think: Text = ""
    do: Text = ""
    feel: Text = ""

    def __bool__(self) -> bool:
        return bool(self.think or self.do or self.feel)


class Layers(_Model):
    """What stands behind a touchpoint."""

    systems: list[Text] = []
    procedures: list[Text] = []
    interactions: list[Text] = []

    def __bool__(self) -> bool:
        return bool(self.systems or self.procedures or self.interactions)


#: How much an improvement would change the experience, or what it would cost: 1 (low),
#: 2 (medium), 3 (high).
Rating = Annotated[int, _whole(1, 3), AfterValidator(_in_range(1, 3))]


class Improvement(_Model):
    action: Text
    owner: Text = ""
    status: Status = "planned"
    due: Day | None = None
    impact: Rating | None = None
    effort: Rating | None = None

    @property
    def rated(self) -> bool:
        return self.impact is not None and self.effort is not None

    @property
    def quick_win(self) -> bool:
        """High impact for low effort: where to start."""
        return self.impact == 3 and self.effort == 1


def _choice(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty_choice",
                                  "this choice is empty; write its text or remove the line")
    return value


def _shown_value(value: Any) -> str:
    """A value as an author wrote it in YAML, for a message."""
    if isinstance(value, bool):
        return f"true/false `{str(value).lower()}`"
    if isinstance(value, str):
        return f"text `{value}`" + ("; remove the quotes" if value.strip().isdigit() else "")
    if value is None:
        return "nothing"
    return f"`{value}`"


def _correct_shape(value: Any) -> Any:
    # Checked before pydantic's union, which would report one error per member of
    # `int | list[int]` under names the author never wrote.
    if value is None or type(value) is int:
        return value
    if isinstance(value, list):
        if not value:
            raise PydanticCustomError(
                "correct_empty", "needs at least one number: the right choice (1 for the first)")
        for item in value:
            if type(item) is not int:
                raise PydanticCustomError(
                    "correct_type", "every item must be the number of a right choice, got {got}",
                    {"got": _shown_value(item)})
        return value
    raise PydanticCustomError(
        "correct_type",
        "must be the number of the right choice (1 for the first) or a list of numbers such "
        "as [1, 3], got {got}", {"got": _shown_value(value)})


#: One option of a multiple-choice question: text that is not blank.
Choice = Annotated[str, Field(strict=True, json_schema_extra={"pattern": r"\S"}),
                   AfterValidator(_choice)]
#: The 1-based number(s) of the right choice(s).
Correct = Annotated[
    Annotated[int, Field(strict=True, json_schema_extra={"minimum": 1})]
    | Annotated[list[Annotated[int, Field(strict=True, json_schema_extra={"minimum": 1})]],
                Field(json_schema_extra={"minItems": 1, "uniqueItems": True})]
    | None,
    BeforeValidator(_correct_shape),
]


class ReviewQuestion(_Model):
    """A self-check question: free text (`answer`) or multiple choice (`choices`, `correct`
    and optionally `explain`)."""

    question: Text
    choices: Annotated[list[Choice], Field(json_schema_extra={"minItems": 2})] | None = Field(
        default=None, validate_default=True)
    #: 1-based, as staff count: `1` is the first choice; a list when several are right.
    correct: Correct = Field(default=None, validate_default=True)
    explain: Text = ""
    answer: Text | None = Field(default=None, validate_default=True)

    # The rules between keys are field checks in key order (each sees the keys before it in
    # `info.data`), so every message points at a key rather than at the whole question. A key
    # missing from `info.data` failed its own check and has been reported already.

    @field_validator("choices")
    @classmethod
    def _at_least_two(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(value) < 2:
            raise PydanticCustomError(
                "too_few_choices",
                "a multiple-choice question needs at least two choices; add another line "
                "under `choices:`")
        return value

    @field_validator("correct")
    @classmethod
    def _names_a_choice(cls, value: int | list[int] | None,
                        info: ValidationInfo) -> int | list[int] | None:
        if "choices" not in info.data:
            return value
        choices = info.data["choices"]
        if choices is None:
            if value is not None:
                raise PydanticCustomError(
                    "correct_without_choices",
                    "`correct` goes with `choices:`; add the choices or remove `correct`")
            return value
        if value is None:
            raise PydanticCustomError(
                "choices_without_correct",
                "a multiple-choice question needs `correct:`: the number of the right choice "
                "(1 for the first), or a list such as [1, 3]")
        numbers = value if isinstance(value, list) else [value]
        for number in numbers:
            if not 1 <= number <= len(choices):
                raise PydanticCustomError(
                    "correct_out_of_range",
                    "there is no choice {number}: the choices are numbered from 1 to {count}; "
                    "give the number of a right one", {"number": number, "count": len(choices)})
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            raise PydanticCustomError(
                "correct_repeated", "choice {number} is listed more than once; list it once",
                {"number": repeated[0]})
        return value

    @field_validator("explain")
    @classmethod
    def _explains_choices(cls, value: str, info: ValidationInfo) -> str:
        if value and info.data.get("choices", ()) is None:
            raise PydanticCustomError(
                "explain_without_choices",
                "`explain` goes with `choices:`; for a free-text question write the "
                "explanation in `answer`")
        return value

    @field_validator("answer")
    @classmethod
    def _answer_or_choices(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "choices" not in info.data:
            return value
        if value is not None and info.data["choices"] is not None:
            raise PydanticCustomError(
                "answer_and_choices",
                "a question has either an `answer` (free text) or `choices` (multiple choice), "
                "not both; remove one")
        # A `correct` that failed already says to add choices: "add `answer:`" would only
        # be noise.
        if value is None and info.data["choices"] is None and "correct" in info.data:
            raise PydanticCustomError(
                "no_answer",
                "`answer` is required here; add `answer:`, or `choices:` and `correct:` for a "
                "multiple-choice question")
        return value

    @property
    def is_multiple_choice(self) -> bool:
        return self.choices is not None

    @property
    def correct_choices(self) -> list[int]:
        """The 1-based numbers of the right choices, in order; empty for free text."""
        if self.correct is None:
            return []
        return sorted(self.correct if isinstance(self.correct, list) else [self.correct])

    @property
    def several_correct(self) -> bool:
        """Whether the author wrote `correct` as a list: the reader may pick several."""
        return isinstance(self.correct, list)


def _default_id(data: Any, example: str = "buoc-1") -> Any:
    """Give a stage, touchpoint or persona without `id` the slug of its name."""
    if isinstance(data, dict) and "id" not in data and isinstance(data.get("name"), str):
        derived = slugify(data["name"])
        if not derived:
            raise PydanticCustomError(
                "no_id",
                "cannot make an id from this name; add an `id:` such as `{example}`",
                {"example": example},
            )
        return {**data, "id": derived}
    return data


def _feeling_shape(value: Any) -> Any:
    # Checked before pydantic's union, which would report one error per member of
    # `int | dict[str, int]` under names the author never wrote.
    if value is None or type(value) is int:
        return value
    if isinstance(value, dict):
        if not value:
            raise PydanticCustomError(
                "empty_by_persona",
                "an empty mapping; write one number for every persona, or a mapping such as "
                "`{chi-ha: -1, anh-minh: 1}`")
        return value
    if isinstance(value, (float, bool)):
        raise PydanticCustomError(
            "feeling_type", "must be a whole number, got {got}",
            {"got": f"a decimal number `{value}`" if isinstance(value, float)
             else _shown_value(value)})
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        raise PydanticCustomError("feeling_type", "must be a whole number, got {got}",
                                  {"got": _shown_value(value.strip())})
    raise PydanticCustomError(
        "feeling_type",
        "must be a whole number from -2 to 2, or a number per persona such as "
        "`{chi-ha: -1, anh-minh: 1}`, got {got}", {"got": _shown_value(value)})


#: The tags pydantic puts in an error's location inside a `Feeling`; `source` drops them, so
#: messages point at what the author wrote.
FEELING_TAGS = ("<one number>", "<by persona>")

#: An emotion for every persona at once, or one per persona by persona id. A discriminated
#: union: errors come from the shape written only, not from every member of the union.
Feeling = Annotated[
    Annotated[Emotion, Tag(FEELING_TAGS[0])] | Annotated[dict[Slug, Emotion], Tag(FEELING_TAGS[1])],
    Discriminator(lambda value: FEELING_TAGS[isinstance(value, dict)]),
    BeforeValidator(_feeling_shape),
]


def _by_persona(value: int | dict[str, int] | None, persona: str) -> int | None:
    if value is None or isinstance(value, int):
        return value
    if persona in value:
        return value[persona]
    return round(sum(value.values()) / len(value)) if not persona else None


class Touchpoint(_Model):
    id: Slug
    name: Text
    channel: Channel | None = None
    control: Control | None = None
    direct: bool = True
    team: Text = ""
    doing: Text = ""
    thinking: Text = ""
    feeling: Text = ""
    expects: list[Text] = []
    frustrations: list[Text] = []
    #: Research behind `emotion` (interviews, surveys, ticket analysis, call recordings …).
    evidence: list[Text] = []
    desired: Desired = Desired()
    #: How the customer feels: one number, or one per persona (`{persona-id: number}`).
    emotion: Feeling
    target: Feeling | None = None
    moment_of_truth: bool = False
    #: Where this touchpoint continues: another journey's id, or `<journey-id>/<stage-id>`.
    link: Text = ""
    layers: Layers = Layers()
    checklist: list[Text] = []
    improvements: list[Improvement] = []

    @model_validator(mode="before")
    @classmethod
    def _id_from_name(cls, data: Any) -> Any:
        return _default_id(data)

    def emotion_for(self, persona: str) -> int:
        """The emotion of one persona (a plain number is every persona's). ``""`` asks for
        the only value, or the rounded mean of a mapping."""
        found = _by_persona(self.emotion, persona)
        return found if found is not None else round(self.mean_emotion)

    def target_for(self, persona: str) -> int | None:
        return _by_persona(self.target, persona)

    @property
    def emotions(self) -> list[int]:
        """The emotions written: one for a plain number, one per persona for a mapping."""
        return [self.emotion] if isinstance(self.emotion, int) else list(self.emotion.values())

    @property
    def mean_emotion(self) -> float:
        return sum(self.emotions) / len(self.emotions)

    @property
    def per_persona(self) -> bool:
        return isinstance(self.emotion, dict) or isinstance(self.target, dict)

    @property
    def is_pain_point(self) -> bool:
        """Some customer feels bad here (with several personas: any one of them)."""
        return min(self.emotions) < 0

    @property
    def link_journey(self) -> str | None:
        return self.link.partition("/")[0] if self.link else None

    @property
    def link_stage(self) -> str | None:
        return self.link.partition("/")[2] or None if self.link else None


class Stage(_Model):
    id: Slug
    name: Text
    goal: Text = ""
    objectives: list[Text] = []
    review: list[ReviewQuestion] = []
    touchpoints: list[Touchpoint] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _id_from_name(cls, data: Any) -> Any:
        return _default_id(data)


class Journey(_Model):
    schema_version: int = Field(default=1, alias="schema", strict=True)
    title: Text
    summary: Text = ""
    owner: Text = ""
    #: The navigation group this journey is listed under (for example a product line or a
    #: business unit); default: its owner.
    group: Text = ""
    #: The shorthand for a journey with one persona; read into ``personas``.
    persona: Persona | None = Field(default=None, exclude=True)
    #: The customer groups the map follows (up to :data:`MAX_PERSONAS`), each with an id that
    #: by-persona emotions use.
    personas: Annotated[list[Persona], Field(max_length=MAX_PERSONAS)] = []
    metrics: Metrics = Metrics()
    stages: list[Stage] = Field(min_length=1)
    #: The folder name; not written in the YAML.
    id: str = Field(default="", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _id_is_the_folder(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict):
            if "id" in data:
                raise PydanticCustomError(
                    "journey_id",
                    "a journey has no `id` key: its id is the name of its folder; remove it",
                )
            journey_id = (info.context or {}).get("journey_id", "")
            return {**data, "id": journey_id}
        return data

    @field_validator("personas")
    @classmethod
    def _one_way(cls, value: list[Persona], info: ValidationInfo) -> list[Persona]:
        if value and info.data.get("persona") is not None:
            raise PydanticCustomError(
                "persona_and_personas",
                "write either `persona:` (one persona) or `personas:` (a list), not both; "
                "move the `persona:` into this list")
        return value

    @model_validator(mode="after")
    def _persona_into_personas(self) -> Journey:
        if self.persona is not None:
            self.personas = [self.persona]
            self.persona = None
        return self

    @property
    def primary(self) -> Persona | None:
        """The first persona: the one a single number speaks for in a quiz question."""
        return self.personas[0] if self.personas else None

    @property
    def persona_ids(self) -> list[str]:
        return [p.id for p in self.personas]

    @field_validator("schema_version")
    @classmethod
    def _supported_schema(cls, value: int) -> int:
        if value not in SUPPORTED_SCHEMAS:
            raise PydanticCustomError(
                "schema_version",
                "schema version {value} is not supported; this Journeybook reads schema {ok}",
                {"value": value, "ok": ", ".join(map(str, SUPPORTED_SCHEMAS))},
            )
        return value

    def touchpoints(self) -> Iterator[tuple[Stage, Touchpoint]]:
        """Every touchpoint in journey order, with its stage."""
        for stage in self.stages:
            for touchpoint in stage.touchpoints:
                yield stage, touchpoint

    @property
    def moments_of_truth(self) -> list[tuple[Stage, Touchpoint]]:
        return [(s, t) for s, t in self.touchpoints() if t.moment_of_truth]

    @property
    def pain_points(self) -> list[tuple[Stage, Touchpoint]]:
        return [(s, t) for s, t in self.touchpoints() if t.is_pain_point]

    @property
    def touchpoint_count(self) -> int:
        return sum(len(stage.touchpoints) for stage in self.stages)

    def consistency_problems(self) -> list[tuple[DataPath, str]]:
        """Rules across fields (unique ids, reserved page names, persona ids) as
        ``(data path, message)``."""
        problems = id_problems(
            [(stage.id, [t.id for t in stage.touchpoints]) for stage in self.stages]
        )
        ids = self.persona_ids
        seen: set[str] = set()
        for p, persona_id in enumerate(ids):
            if persona_id in seen:
                problems.append((("personas", p, "id"),
                                 f"duplicate persona id `{persona_id}`; persona ids must be "
                                 "unique in a journey: add a distinct `id:`"))
            seen.add(persona_id)
        for s, stage in enumerate(self.stages):
            for t, touchpoint in enumerate(stage.touchpoints):
                for key in ("emotion", "target"):
                    where: DataPath = ("stages", s, "touchpoints", t, key)
                    problems += persona_problems(getattr(touchpoint, key), ids, where,
                                                 every=True)
        return problems


def persona_problems(value: object, personas: list[str], where: DataPath,
                     every: bool) -> list[tuple[DataPath, str]]:
    """What is wrong with a by-persona mapping (``value``) given the journey's persona ids:
    unknown ids (with a suggestion) and, when ``every``, personas left out."""
    if not isinstance(value, dict):
        return []
    if not personas:
        return [(where, "a number per persona needs the journey's `personas:`; write one "
                        "number, or add the personas")]
    problems: list[tuple[DataPath, str]] = []
    for persona_id in value:
        if persona_id not in personas:
            hint = difflib.get_close_matches(str(persona_id), personas, n=1)
            problems.append(((*where, persona_id),
                             f"`{persona_id}` is not a persona of this journey"
                             + (f" (did you mean `{hint[0]}`?)" if hint else "")
                             + f"; the persona ids are {', '.join(personas)}"))
    missing = [p for p in personas if p not in value]
    if every and missing and not problems:
        problems.append((where, f"no number for {', '.join(f'`{p}`' for p in missing)}: give "
                                "every persona a number, or write one number for all"))
    return problems


DataPath = tuple[str | int, ...]


def id_problems(stages: list[tuple[str | None, list[str | None]]]) -> list[tuple[DataPath, str]]:
    """Check stage and touchpoint ids of one journey, given as ``[(stage id, [touchpoint ids])]``.

    Works on models and on raw data alike, so a file with type errors still gets its
    duplicate ids reported in the same run. Touchpoint ids are unique in the whole journey,
    not only in their stage, because evaluation notes and links name a touchpoint by id alone.
    """
    problems: list[tuple[DataPath, str]] = []
    stage_ids: dict[str, int] = {}
    touchpoint_ids: dict[str, tuple[int, int]] = {}
    for s, (stage_id, touchpoints) in enumerate(stages):
        where: DataPath = ("stages", s, "id")
        if stage_id in RESERVED_STAGE_IDS:
            problems.append((where, f"stage id `{stage_id}` is taken by a generated page; "
                                    "give the stage another `id:`"))
        elif stage_id is not None and stage_id in stage_ids:
            problems.append((where, f"duplicate stage id `{stage_id}` (also "
                                    f"stages[{stage_ids[stage_id]}]); stage ids must be unique "
                                    "in a journey: add a distinct `id:`"))
        if stage_id is not None:
            stage_ids.setdefault(stage_id, s)
        for t, touchpoint_id in enumerate(touchpoints):
            if touchpoint_id is None:
                continue
            if touchpoint_id in touchpoint_ids:
                fs, ft = touchpoint_ids[touchpoint_id]
                problems.append((("stages", s, "touchpoints", t, "id"),
                                 f"duplicate touchpoint id `{touchpoint_id}` (also "
                                 f"stages[{fs}].touchpoints[{ft}]); touchpoint ids must be unique "
                                 "in a journey: add a distinct `id:`"))
            touchpoint_ids.setdefault(touchpoint_id, (s, t))
    return problems


class Evaluation(_Model):
    """One evaluation round: ``journeys/<id>/evaluations/<YYYY-MM-DD>[-<slug>].md``.

    The fields are the note's front matter; ``slug`` (the file name) and ``body`` (the Markdown
    after the front matter) come from the file, not from the YAML.
    """

    date: Day
    title: Text = ""
    evaluators: list[Text] = []
    method: Text = ""
    #: Measured emotion of the touchpoints evaluated, by touchpoint id: one number, or one
    #: per persona measured (`{persona-id: number}`; a study may meet only some personas).
    scores: dict[str, Feeling] = {}
    nps: Nps | None = None
    csat: Csat | None = None
    slug: str = Field(default="", exclude=True)
    body: str = Field(default="", exclude=True)
    #: Line of the file where ``body`` starts, for messages about it.
    body_line: int = Field(default=1, exclude=True)

    def score_for(self, touchpoint: str, persona: str) -> int | None:
        """What this round measured for a persona at a touchpoint (a plain number is every
        persona's); None when it did not measure it."""
        return _by_persona(self.scores.get(touchpoint), persona)

    @model_validator(mode="before")
    @classmethod
    def _from_the_file(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict):
            taken = sorted({"slug", "body", "body_line"} & data.keys())
            if taken:
                raise PydanticCustomError(
                    "reserved", "`{key}` is not a front-matter key; remove it",
                    {"key": taken[0]})
            return {**data, **(info.context or {})}
        return data
