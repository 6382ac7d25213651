"""The Decap CMS configuration: forms for journeys and evaluation notes, generated from the
models (the same source as `journeybook schema`), never written by hand.

Every field of :class:`~journeybook.model.Journey` becomes a form field: nested models as
``object``/``list`` widgets with their own fields, lists of text as lists, choices
(``channel``, ``control``, ``status``) and emotions (−2 … +2) as selects labelled with the
site's words, ``bool`` as a switch, dates as date pickers. Labels and hints come from the
locale files (``cms_*`` keys), else the site's labels and the JSON Schema's descriptions.

Two shapes of the format have no Decap widget: a number *or* a number per persona
(``emotion``, ``target``, evaluation ``scores``) and a number *or* a list of numbers
(``correct``). The form edits the common one (one number); the other stays exactly as
written when a file is opened and saved, and is edited in the YAML (the hint says so).
"""

from __future__ import annotations

import datetime
import io
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import jinja2
from annotated_types import MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from ruamel.yaml import YAML

from ..i18n import Labels, labels
from ..model import Evaluation, Journey
from ..slug import MAX_SLUG_LENGTH, SLUG_REGEX
from .schema import journey_schema

#: Where the CMS lives in the built site.
ADMIN = "admin"
JOURNEYS = "journeys"
#: Set (to anything) to point the editor at `npx decap-server` on this machine.
CMS_LOCAL = "JOURNEYBOOK_CMS_LOCAL"
#: Evaluation notes have a collection per journey: Decap cannot put a new note in the folder
#: of a journey chosen in the form without writing that choice into the note.
EVALUATIONS_PREFIX = "evaluations-"
#: Short text typed on one line; every other text is Markdown in a growing text area.
ONE_LINE = frozenset({"title", "name", "owner", "group", "team", "action", "method", "link",
                      "id", "question"})
#: The file name of a note is its date and the slug of its title (`2026-03-15-khao-sat.md`).
EVALUATION_SLUG = "{{fields.date}}-{{slug}}"


@dataclass(frozen=True)
class _Type:
    """A field's type with `Annotated`, `None` and unions taken apart."""

    base: Any
    optional: bool
    bounds: dict[str, Any]
    #: The shape the form cannot show (a mapping by persona, a list of numbers), if any.
    other_shape: str | None = None


def _strip(annotation: Any) -> tuple[Any, dict[str, Any]]:
    bounds: dict[str, Any] = {}
    while get_origin(annotation) is Annotated:
        annotation, *metadata = get_args(annotation)
        for item in metadata:
            if isinstance(item, FieldInfo) and isinstance(item.json_schema_extra, dict):
                bounds.update(item.json_schema_extra)
            elif isinstance(item, MinLen):
                bounds["minItems"] = item.min_length
            elif isinstance(item, MaxLen):
                bounds["maxItems"] = item.max_length
    return annotation, bounds


def _resolve(annotation: Any, info: FieldInfo | None = None) -> _Type:
    annotation, bounds = _strip(annotation)
    if info is not None:
        if isinstance(info.json_schema_extra, dict):
            bounds.update(info.json_schema_extra)
        for item in info.metadata:
            if isinstance(item, MinLen):
                bounds["minItems"] = item.min_length
            elif isinstance(item, MaxLen):
                bounds["maxItems"] = item.max_length
    optional, other = False, None
    if get_origin(annotation) in (Union, types.UnionType):
        stripped = _members(annotation)
        optional = any(member is type(None) for member, _ in stripped)
        stripped = [s for s in stripped if s[0] is not type(None)]
        # A number or something else: the form edits the number.
        numbers = [s for s in stripped if s[0] is int]
        chosen = numbers[0] if numbers else stripped[0]
        rest = [s[0] for s in stripped if s is not chosen]
        if rest:
            other = "mapping" if get_origin(rest[0]) is dict else "list"
        annotation = chosen[0]
        bounds = {**bounds, **chosen[1]}
    return _Type(annotation, optional, bounds, other)


def _members(union: Any) -> list[tuple[Any, dict[str, Any]]]:
    """The members of a union, unions inside it (``Feeling | None``) taken apart too."""
    found = []
    for member in get_args(union):
        member, bounds = _strip(member)
        if get_origin(member) in (Union, types.UnionType):
            found += [(inner, {**bounds, **more}) for inner, more in _members(member)]
        else:
            found.append((member, bounds))
    return found


def _model_of(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) \
        else None


class _Form:
    """Builds the fields of one language's forms."""

    def __init__(self, t: Labels, descriptions: dict[str, dict[str, str]]) -> None:
        self.t = t
        self.descriptions = descriptions

    def word(self, *keys: str) -> str | None:
        return next((self.t[key] for key in keys if key in self.t), None)

    def label(self, owner: type[BaseModel], name: str) -> str:
        return self.word(f"cms_{owner.__name__.lower()}_{name}", f"cms_{name}", name) \
            or name.replace("_", " ").capitalize()

    def hint(self, owner: type[BaseModel], name: str, info: FieldInfo) -> str | None:
        return self.word(f"cms_hint_{owner.__name__.lower()}_{name}", f"cms_hint_{name}") \
            or info.description or self.descriptions.get(owner.__name__, {}).get(name)

    def fields(self, model: type[BaseModel], inside_optional: bool = False,
               **context: Any) -> list[dict[str, Any]]:
        """One form field per field of ``model`` that an author writes. ``inside_optional``:
        the model is an object the author may leave out (``metrics.nps``), so its required
        keys are required only once it is written, which the loader checks: Decap would
        insist on them even when the whole object is left empty."""
        found = []
        for name, info in model.model_fields.items():
            if info.exclude and name != "body":
                # The journey id (its folder), the one-persona shorthand (read into
                # `personas`), a note's file name and line: not keys an author fills in.
                continue
            field = self.field(model, name, info, inside_optional, **context)
            found.append(field)
        return found

    def field(self, owner: type[BaseModel], name: str, info: FieldInfo,
              inside_optional: bool = False,
              touchpoints: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
        key = info.alias or name
        kind = _resolve(info.annotation, info)
        required = self.required(owner, name, info)
        field: dict[str, Any] = {"name": key, "label": self.label(owner, name)}
        field.update(self.widget(owner, name, kind, touchpoints,
                                 inside_optional or not required))
        field["required"] = required and not inside_optional
        hint = None if field["widget"] == "hidden" else self.hint(owner, name, info)
        if get_origin(kind.base) is dict:
            kind = _Type(kind.base, kind.optional, kind.bounds, "mapping")
        if kind.other_shape:
            hint = " ".join(filter(None, [hint, self.t.get(f"cms_other_shape_{kind.other_shape}",
                                                           "")]))
        if hint:
            field["hint"] = hint
        default = info.get_default(call_default_factory=True)
        if field["widget"] in ("boolean", "hidden") and default is not None:
            field["default"] = default
        return field

    @staticmethod
    def required(owner: type[BaseModel], name: str, info: FieldInfo) -> bool:
        # Stage, touchpoint and persona ids default to the slug of the name.
        if name == "id" and "_id_from_name" in owner.__pydantic_decorators__.model_validators:
            return False
        return info.is_required()

    def widget(self, owner: type[BaseModel], name: str, kind: _Type,
               touchpoints: Sequence[tuple[str, str]],
               optional: bool = False) -> dict[str, Any]:
        base = kind.base
        if name == "schema_version":
            # The format's version: kept, never edited.
            return {"widget": "hidden"}
        model = _model_of(base)
        if model is not None:
            return {"widget": "object", "collapsed": False,
                    "fields": self.fields(model, inside_optional=optional)}
        if get_origin(base) is list:
            return self.list_widget(owner, name, kind)
        if get_origin(base) is dict:
            # Scores by touchpoint id: one choice per touchpoint of the journey.
            value = _resolve(get_args(base)[1])
            return {"widget": "object", "collapsed": False, "fields": [
                {"name": touchpoint_id, "label": touchpoint_name, "required": False,
                 **self.widget(owner, name, value, ())}
                for touchpoint_id, touchpoint_name in touchpoints]}
        return self.scalar_widget(owner, name, kind)

    def list_widget(self, owner: type[BaseModel], name: str, kind: _Type) -> dict[str, Any]:
        item, item_bounds = _strip(get_args(kind.base)[0])
        listed: dict[str, Any] = {"widget": "list"}
        item_model = _model_of(item)
        if item_model is not None:
            listed.update(collapsed=True, fields=self.fields(item_model))
            summary = next((f"{{{{fields.{key}}}}}" for key in ("name", "question", "action")
                            if key in item_model.model_fields), None)
            if summary:
                listed["summary"] = summary
        else:
            # Open: a collapsed item of a list of text shows its label, not its text.
            inner = _Type(item, False, item_bounds)
            listed.update(collapsed=False, field={"name": "item", "label": self.label(owner, name),
                                                  **self.widget(owner, name, inner, ())})
        if "minItems" in kind.bounds:
            listed["min"] = kind.bounds["minItems"]
        if "maxItems" in kind.bounds:
            listed["max"] = kind.bounds["maxItems"]
        return listed

    def scalar_widget(self, owner: type[BaseModel], name: str, kind: _Type) -> dict[str, Any]:
        base = kind.base
        if get_origin(base) is Literal:
            return {"widget": "select", "options": [
                {"label": self.t.get(str(value), str(value)), "value": value}
                for value in get_args(base)]}
        if base is bool:
            return {"widget": "boolean"}
        if base is datetime.date:
            return {"widget": "datetime", "date_format": "YYYY-MM-DD", "time_format": False,
                    "picker_utc": True}
        if base is int:
            low, high = kind.bounds.get("minimum"), kind.bounds.get("maximum")
            if (low, high) == (-2, 2):
                return {"widget": "select", "options": [
                    {"label": f"{value:+d} · {self.t[f'emotion_{value}']}".replace("+0", "0")
                     .replace("-", "\u2212"), "value": value} for value in range(-2, 3)]}
            number: dict[str, Any] = {"widget": "number", "value_type": "int"}
            if low is not None:
                number["min"] = low
            if high is not None:
                number["max"] = high
            return number
        if base is str:
            text: dict[str, Any] = {"widget": "string" if name in ONE_LINE else "text"}
            if "pattern" in kind.bounds:
                pattern = kind.bounds["pattern"]
                rule = (self.t["cms_slug_rule"].format(
                    max=kind.bounds.get("maxLength", MAX_SLUG_LENGTH))
                    if pattern == f"^{SLUG_REGEX}$" else self.t["cms_not_blank"]
                    if pattern == r"\S" else pattern)
                text["pattern"] = [pattern, rule]
            return text
        raise TypeError(f"no form widget for {owner.__name__}.{name}: {base!r}")


def _descriptions() -> dict[str, dict[str, str]]:
    """Field descriptions by model name, from the JSON Schema editors use."""
    schema = journey_schema()
    found = {"Journey": {k: v["description"] for k, v in schema["properties"].items()
                         if "description" in v}}
    for name, definition in schema.get("$defs", {}).items():
        found[name] = {k: v["description"] for k, v in definition.get("properties", {}).items()
                       if "description" in v}
    found["Journey"]["schema_version"] = found["Journey"].get("schema", "")
    return found


def journey_fields(language: str | None = None,
                   model: type[Journey] = Journey) -> list[dict[str, Any]]:
    """The form of a journey (``journeys/<id>/journey.yaml``)."""
    return _Form(labels(language), _descriptions()).fields(model)


def evaluation_fields(language: str | None = None,
                      touchpoints: Sequence[tuple[str, str]] = (),
                      model: type[Evaluation] = Evaluation) -> list[dict[str, Any]]:
    """The form of an evaluation note: its front matter, then the Markdown after it
    (``body``). ``touchpoints`` (id, name) are the journey's, scored in ``scores``."""
    form = _Form(labels(language), _descriptions())
    fields = form.fields(model, touchpoints=touchpoints)
    for field in fields:
        if field["name"] == "title":
            # The title names the file (`{{slug}}` in EVALUATION_SLUG).
            field["required"] = True
    return fields


def entry_path(journey_id: str, note: str | None = None) -> str:
    """Where the form of a journey (or of one of its notes, by file stem) opens, relative to
    the site's root: Decap's route ``#/collections/<collection>/entries/<slug>``, where a
    folder collection's slug is the file's path below the folder, without extension."""
    if note is None:
        return f"{ADMIN}/#/collections/{JOURNEYS}/entries/{journey_id}/journey"
    return f"{ADMIN}/#/collections/{EVALUATIONS_PREFIX}{journey_id}/entries/{note}"


def cms_config(language: str, repo: str | None, branch: str, journeys_dir: str = "journeys",
               local_backend: bool = False, journeys: Sequence[Journey] = (),
               docs_dir: str = "docs", base_url: str | None = None) -> dict[str, Any]:
    """The whole Decap CMS configuration (``admin/config.yml``).

    ``repo`` is ``owner/name`` on GitHub (None when the site has no ``repo_url``: the local
    backend still works); saving opens a branch and a pull request (editorial workflow).
    ``journeys`` gives each journey a collection of evaluation notes; ``docs_dir`` holds what
    editors upload from the media library (the journey forms have no uploads); ``base_url``
    is the OAuth proxy editors sign in through.
    """
    t = labels(language)
    backend: dict[str, Any] = {"name": "github", "branch": branch}
    if repo:
        backend["repo"] = repo
    if base_url:
        backend["base_url"] = base_url
    folder = journeys_dir.strip("/") or "."
    config: dict[str, Any] = {
        "backend": backend,
        "publish_mode": "editorial_workflow",
        "locale": t.language,
        "media_folder": f"{docs_dir.strip('/')}/assets/uploads",
        "public_folder": "/assets/uploads",
        # Ids and file names are ASCII slugs, as `journeybook` makes them.
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
    }
    if local_backend:
        config["local_backend"] = True
    collections: list[dict[str, Any]] = [{
        "name": JOURNEYS,
        "label": t["cms_journeys"],
        "label_singular": t["journey"],
        "description": t["cms_journeys_intro"],
        "folder": folder,
        "path": "{{slug}}/journey",
        "extension": "yaml",
        "format": "yaml",
        "create": True,
        "delete": False,
        "identifier_field": "title",
        "summary": "{{title}}",
        # Decap's preview shows a journey as unstyled text; the site is the preview.
        "editor": {"preview": False},
        "fields": journey_fields(language),
    }]
    for journey in journeys:
        touchpoints = [(touchpoint.id, touchpoint.name) for _, touchpoint in journey.touchpoints()]
        collections.append({
            "name": f"{EVALUATIONS_PREFIX}{journey.id}",
            "label": t["cms_evaluations_of"].format(title=journey.title),
            "label_singular": t["cms_evaluation"],
            "folder": f"{folder}/{journey.id}/evaluations",
            "extension": "md",
            "format": "yaml-frontmatter",
            "create": True,
            "delete": False,
            "identifier_field": "title",
            "slug": EVALUATION_SLUG,
            "summary": "{{date}} · {{title}}",
            "sortable_fields": ["date", "title"],
            "editor": {"preview": False},
            "fields": evaluation_fields(language, touchpoints),
        })
    config["collections"] = collections
    return config


_ADMIN_PAGE = jinja2.Environment(
    loader=jinja2.PackageLoader("journeybook", "site/templates"), autoescape=True,
).get_template("admin.html.j2")


def repository_of(repo_url: str | None) -> str | None:
    """``owner/name`` of a GitHub repository URL, else None."""
    found = re.fullmatch(r"https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?",
                         (repo_url or "").strip())
    return f"{found.group(1)}/{found.group(2)}" if found else None


def admin_files(config: dict[str, Any], title: str) -> dict[str, bytes]:
    """``admin/index.html`` and ``admin/config.yml`` for the built site. The configuration
    holds model-derived text, locale labels and journey titles: dumped by a safe YAML
    writer, so a title is always a string; Decap shows labels as text."""
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    stream = io.StringIO()
    yaml.dump(config, stream)
    page = _ADMIN_PAGE.render(language=config.get("locale", "en"), title=title)
    return {f"{ADMIN}/config.yml": stream.getvalue().encode(),
            f"{ADMIN}/index.html": page.encode()}
