"""The journey format, as pydantic models.

One journey lives in ``journeys/<journey-id>/journey.yaml``. Every text field is Markdown.
The models know nothing of files or positions (that is ``source``) nor of sites (``site``).
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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

from .errors import Argument, Message, listed
from .slug import MAX_SLUG_LENGTH, SLUG_REGEX, shown, slug_reason, slugify

SUPPORTED_SCHEMAS = (1,)
#: The most personas one map follows: more lines than this on a chart cannot be told apart.
MAX_PERSONAS = 8
#: Page names generated inside a journey folder; a stage id must not take them.
RESERVED_STAGE_IDS = frozenset({"blueprint", "checklist", "evaluations", "index", "quiz"})


#: The list fields whose items are sentences. Written as a flow list (`[a, b]`) a comma in a
#: sentence silently splits it in two, so `check` warns about that form and `fmt` rewrites it.
PROSE_LISTS = frozenset({"goals", "frustrations", "objectives", "expects", "evidence",
                         "systems", "procedures", "interactions", "checklist", "choices"})


def _problem(key: str, /, **args: Argument) -> PydanticCustomError:
    """A validation error that `source` reports as the locale message ``key`` with ``args``
    (the key is the error's type; the words are chosen when the problem is shown)."""
    return PydanticCustomError(key, key, args)


def described(value: object) -> Message:
    """What a value an author wrote in YAML is, for a message: "text `abc`", "a list" …"""
    if isinstance(value, bool):
        return Message.of("true_false_value", value=str(value).lower())
    if isinstance(value, str):
        return Message.of("text_value", value=shown(value, limit=40))
    if isinstance(value, int):
        return Message.of("number_value", value=value)
    if isinstance(value, float):
        return Message.of("decimal_value", value=value)
    if isinstance(value, dict):
        return Message.of("a_mapping")
    if isinstance(value, list):
        return Message.of("a_list")
    if value is None:
        return Message.of("nothing")
    return Message.of("plain_value", value=type(value).__name__)


def unquote(value: object) -> Argument:
    """The advice to remove quotes from a number written as text, else nothing."""
    return Message.of("remove_quotes") if isinstance(value, str) and \
        value.strip().lstrip("+-").isdigit() else ""


def _in_range(low: int, high: int) -> Callable[[int], int]:
    def check(value: int) -> int:
        if not low <= value <= high:
            raise _problem("out_of_range", low=low, high=high, value=value)
        return value

    return check


def _slug(value: str) -> str:
    problem = slug_reason(value)
    if problem:
        raise _problem("bad_slug", value=shown(value), problem=problem)
    return value


def _day(value: Any) -> Any:
    # `due: "2026-03-31"` in quotes is as clear as without; anything else is not a date.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise _problem("not_real_date", value=value.strip()) from None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    raise _problem("not_date", got=described(value))


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
        raise _problem("empty_choice")
    return value


def _correct_shape(value: Any) -> Any:
    # Checked before pydantic's union, which would report one error per member of
    # `int | list[int]` under names the author never wrote.
    if value is None or type(value) is int:
        return value
    if isinstance(value, list):
        if not value:
            raise _problem("correct_empty")
        for item in value:
            if type(item) is not int:
                raise _problem("correct_item_type", got=described(item), unquote=unquote(item))
        return value
    raise _problem("correct_type", got=described(value), unquote=unquote(value))


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
            raise _problem("too_few_choices")
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
                raise _problem("correct_without_choices")
            return value
        if value is None:
            raise _problem("choices_without_correct")
        numbers = value if isinstance(value, list) else [value]
        for number in numbers:
            if not 1 <= number <= len(choices):
                raise _problem("correct_out_of_range", number=number, count=len(choices))
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            raise _problem("correct_repeated", number=repeated[0])
        return value

    @field_validator("explain")
    @classmethod
    def _explains_choices(cls, value: str, info: ValidationInfo) -> str:
        if value and info.data.get("choices", ()) is None:
            raise _problem("explain_without_choices")
        return value

    @field_validator("answer")
    @classmethod
    def _answer_or_choices(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "choices" not in info.data:
            return value
        if value is not None and info.data["choices"] is not None:
            raise _problem("answer_and_choices")
        # A `correct` that failed already says to add choices: "add `answer:`" would only
        # be noise.
        if value is None and info.data["choices"] is None and "correct" in info.data:
            raise _problem("no_answer")
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
            raise _problem("no_id", example=example)
        return {**data, "id": derived}
    return data


def _feeling_shape(value: Any) -> Any:
    # Checked before pydantic's union, which would report one error per member of
    # `int | dict[str, int]` under names the author never wrote.
    if value is None or type(value) is int:
        return value
    if isinstance(value, dict):
        if not value:
            raise _problem("empty_by_persona")
        return value
    if isinstance(value, (float, bool)) or unquote(value):
        shown_value = value.strip() if isinstance(value, str) else value
        raise _problem("feeling_whole_number", got=described(shown_value),
                       unquote=unquote(value))
    raise _problem("feeling_type", got=described(value))


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
                raise _problem("journey_id")
            journey_id = (info.context or {}).get("journey_id", "")
            return {**data, "id": journey_id}
        return data

    @field_validator("personas")
    @classmethod
    def _one_way(cls, value: list[Persona], info: ValidationInfo) -> list[Persona]:
        if value and info.data.get("persona") is not None:
            raise _problem("persona_and_personas")
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
            raise _problem("schema_version", value=value,
                           supported=", ".join(map(str, SUPPORTED_SCHEMAS)))
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


@dataclass(frozen=True)
class JourneyIds:
    """The ids a journey defines and the links it writes: what notes, links and by-persona
    numbers are checked against. Taken from a valid journey or, when its file has errors, from
    whatever of it could be read, so those checks run in the same `check` as the errors."""

    journey: str
    #: ``[(stage id, [touchpoint ids])]``; None where an id could not be read.
    layout: tuple[tuple[str | None, tuple[str | None, ...]], ...] = ()
    #: None when the personas could not be read (checks against them are then skipped).
    personas: tuple[str | None, ...] | None = ()
    #: By-persona numbers (`emotion: {id: n}`) and where they are written.
    feelings: tuple[tuple[DataPath, object], ...] = ()
    #: Touchpoint `link:`s and where they are written.
    links: tuple[tuple[DataPath, str], ...] = ()
    #: False when the stages could not be read at all.
    complete: bool = True

    @classmethod
    def of(cls, journey: Journey) -> JourneyIds:
        places = [(("stages", s, "touchpoints", t), touchpoint)
                  for s, stage in enumerate(journey.stages)
                  for t, touchpoint in enumerate(stage.touchpoints)]
        return cls(
            journey.id,
            tuple((stage.id, tuple(t.id for t in stage.touchpoints)) for stage in journey.stages),
            tuple(journey.persona_ids),
            tuple(((*where, key), getattr(touchpoint, key)) for where, touchpoint in places
                  for key in ("emotion", "target")),
            tuple(((*where, "link"), touchpoint.link) for where, touchpoint in places
                  if touchpoint.link))

    @property
    def stages(self) -> list[str] | None:
        """Every stage id; None when one could not be read."""
        ids = [stage for stage, _ in self.layout]
        return None if None in ids or not self.complete else [i for i in ids if i is not None]

    @property
    def touchpoints(self) -> list[str] | None:
        """Every touchpoint id; None when one could not be read."""
        ids = [t for _, touchpoints in self.layout for t in touchpoints]
        return None if None in ids or not self.complete else [i for i in ids if i is not None]

    @property
    def known_personas(self) -> list[str] | None:
        """Every persona id; None when one could not be read."""
        if self.personas is None or None in self.personas:
            return None
        return [p for p in self.personas if p is not None]

    def problems(self) -> list[tuple[DataPath, Message]]:
        """Rules across fields (unique ids, reserved page names, persona ids) as
        ``(data path, message)``."""
        problems = id_problems([(stage, list(touchpoints)) for stage, touchpoints in self.layout])
        seen: set[str] = set()
        for p, persona_id in enumerate(self.personas or ()):
            if persona_id in seen:
                problems.append((("personas", p, "id"),
                                 Message.of("duplicate_persona_id", id=persona_id)))
            if persona_id is not None:
                seen.add(persona_id)
        personas = self.known_personas
        if personas is not None:
            for where, value in self.feelings:
                problems += persona_problems(value, personas, where, every=True)
        return problems


def persona_problems(value: object, personas: list[str], where: DataPath,
                     every: bool) -> list[tuple[DataPath, Message]]:
    """What is wrong with a by-persona mapping (``value``) given the journey's persona ids:
    unknown ids (listing the known ones, with the nearest as a suggestion) and, when
    ``every``, personas left out."""
    if not isinstance(value, dict) or not value:
        return []  # an empty mapping is reported by the format's own check
    if not personas:
        return [(where, Message.of("per_persona_without_personas"))]
    problems: list[tuple[DataPath, Message]] = []
    for persona_id in value:
        if persona_id not in personas:
            problems.append(((*where, persona_id), Message.of(
                "unknown_persona", id=shown(str(persona_id)),
                hint=nearest(str(persona_id), personas), known=listed(personas))))
    missing = [p for p in personas if p not in value]
    if every and missing and not problems:
        problems.append((where, Message.of("persona_left_out", missing=listed(missing))))
    return problems


def nearest(written: str, known: list[str]) -> Argument:
    """" (did you mean `x`?)" for the known id closest to what was written, else nothing."""
    hint = difflib.get_close_matches(written, known, n=1)
    return Message.of("did_you_mean", id=hint[0]) if hint else ""


DataPath = tuple[str | int, ...]


def id_problems(stages: list[tuple[str | None, list[str | None]]],
                ) -> list[tuple[DataPath, Message]]:
    """Check stage and touchpoint ids of one journey, given as ``[(stage id, [touchpoint ids])]``.

    Works on models and on raw data alike, so a file with type errors still gets its
    duplicate ids reported in the same run. Touchpoint ids are unique in the whole journey,
    not only in their stage, because evaluation notes and links name a touchpoint by id alone.
    """
    problems: list[tuple[DataPath, Message]] = []
    stage_ids: dict[str, int] = {}
    touchpoint_ids: dict[str, tuple[int, int]] = {}
    for s, (stage_id, touchpoints) in enumerate(stages):
        where: DataPath = ("stages", s, "id")
        if stage_id in RESERVED_STAGE_IDS:
            problems.append((where, Message.of("reserved_stage_id", id=stage_id)))
        elif stage_id is not None and stage_id in stage_ids:
            problems.append((where, Message.of("duplicate_stage_id", id=stage_id,
                                               first=f"stages[{stage_ids[stage_id]}]")))
        if stage_id is not None:
            stage_ids.setdefault(stage_id, s)
        for t, touchpoint_id in enumerate(touchpoints):
            if touchpoint_id is None:
                continue
            if touchpoint_id in touchpoint_ids:
                fs, ft = touchpoint_ids[touchpoint_id]
                problems.append((("stages", s, "touchpoints", t, "id"), Message.of(
                    "duplicate_touchpoint_id", id=touchpoint_id,
                    first=f"stages[{fs}].touchpoints[{ft}]")))
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
                raise _problem("reserved_key", key=taken[0])
            return {**data, **(info.context or {})}
        return data
