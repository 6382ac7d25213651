"""The Decap CMS configuration agrees with the journey model: checked against the JSON Schema
(pydantic's own reading of the models), not against the code that made the config."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

import pytest
from bs4 import BeautifulSoup
from pydantic import Field
from ruamel.yaml import YAML

from journeybook.authoring.cms import cms_config, entry_path, evaluation_fields, journey_fields
from journeybook.authoring.schema import journey_schema
from journeybook.i18n import labels
from journeybook.model import Evaluation, Journey, Stage, Touchpoint
from journeybook.playbook import Playbook

from .conftest import MINIMAL_MKDOCS, ROOT, Project


def _expected_widget(schema: dict[str, Any], prop: dict[str, Any]) -> str:
    """The widget a property should get, read from its JSON Schema."""
    if "$ref" in prop:
        return "object"
    options = prop.get("anyOf") or [prop]
    kinds = [o for o in options if o.get("type") != "null"]
    first = kinds[0]
    if "$ref" in first:
        return "object"
    types = first.get("type")
    types = types if isinstance(types, list) else [types]
    if "enum" in first or "const" in first:
        return "select"
    if "integer" in types:
        return "select" if (first.get("minimum"), first.get("maximum")) == (-2, 2) else "number"
    if "boolean" in types:
        return "boolean"
    if first.get("format") == "date":
        return "datetime"
    if "array" in types:
        return "list"
    if "object" in types:
        return "object"
    assert types == ["string"], prop
    return "string|text"


def _compare(schema: dict[str, Any], definition: dict[str, Any], fields: list[dict[str, Any]],
             where: str, inside_optional: bool = False) -> None:
    properties = {k: v for k, v in definition["properties"].items() if k != "persona"}
    assert [f["name"] for f in fields] == list(properties), where
    required = set(definition.get("required", ()))
    for field in fields:
        name, prop = field["name"], properties[field["name"]]
        here = f"{where}.{name}"
        if name == "schema":
            assert field["widget"] == "hidden" and field["default"] == 1
            continue
        assert field["widget"] in _expected_widget(schema, prop).split("|"), here
        # A required key of an object the author may leave out is checked by the loader.
        assert field["required"] == (name in required and not inside_optional), here
        ref = prop.get("$ref") or next(
            (o["$ref"] for o in prop.get("anyOf", ()) if "$ref" in o), None)
        items = prop.get("items") or next(
            (o["items"] for o in prop.get("anyOf", ()) if "items" in o), {})
        if ref:
            inner = schema["$defs"][ref.split("/")[-1]]
            _compare(schema, inner, field["fields"], here,
                     inside_optional or not field["required"])
        elif "$ref" in items:
            inner = schema["$defs"][items["$ref"].split("/")[-1]]
            _compare(schema, inner, field["fields"], here)
        elif field["widget"] == "list":
            assert field["field"]["widget"] in ("string", "text", "number"), here


def test_every_journey_field_is_in_the_form_with_its_widget_and_required_flag() -> None:
    schema = journey_schema()
    _compare(schema, schema, journey_fields("en"), "journey")


def test_every_evaluation_field_is_in_the_form() -> None:
    schema = Evaluation.model_json_schema(by_alias=True)
    fields = evaluation_fields("en", [("search", "Search"), ("checkout", "Checkout")])
    by_name = {f["name"]: f for f in fields}
    written = [k for k, info in Evaluation.model_fields.items() if not info.exclude]
    assert list(by_name) == [*written, "body"]
    assert by_name["date"]["widget"] == "datetime"
    assert by_name["date"]["date_format"] == "YYYY-MM-DD" and by_name["date"]["required"]
    # The title names the file, so the form asks for it.
    assert by_name["title"]["required"]
    assert [f["name"] for f in by_name["scores"]["fields"]] == ["search", "checkout"]
    assert {f["widget"] for f in by_name["scores"]["fields"]} == {"select"}
    assert by_name["nps"]["widget"] == "number" and by_name["nps"]["min"] == -100
    assert by_name["body"]["widget"] == "text"
    for name in ("evaluators", "method", "nps", "csat"):
        assert not by_name[name]["required"]
        assert name in schema["properties"]


def _find(fields: list[dict[str, Any]], *path: str) -> dict[str, Any]:
    field = next(f for f in fields if f["name"] == path[0])
    return _find(field["fields"], *path[1:]) if path[1:] else field


def test_a_field_added_to_the_model_appears_without_further_work() -> None:
    class TimedTouchpoint(Touchpoint):
        wait_minutes: int = Field(default=0, json_schema_extra={"minimum": 0})
        mood: Literal["calm", "rushed"] | None = None

    class TimedStage(Stage):
        touchpoints: list[TimedTouchpoint] = Field(min_length=1)  # type: ignore[assignment]

    class TimedJourney(Journey):
        stages: list[TimedStage] = Field(min_length=1)  # type: ignore[assignment]
        sponsor: str

    fields = journey_fields("en", TimedJourney)
    assert _find(fields, "sponsor") == {"name": "sponsor", "label": "Sponsor",
                                        "widget": "text", "required": True}
    wait = _find(fields, "stages", "touchpoints", "wait_minutes")
    assert (wait["widget"], wait["min"], wait["required"]) == ("number", 0, False)
    mood = _find(fields, "stages", "touchpoints", "mood")
    assert [o["value"] for o in mood["options"]] == ["calm", "rushed"]
    # And the real model's form has none of them.
    assert "sponsor" not in {f["name"] for f in journey_fields("en")}


@pytest.mark.parametrize("language", ["en", "vi"])
def test_labels_are_the_sites_words(language: str) -> None:
    t = labels(language)
    fields = journey_fields(language)
    touchpoint = _find(fields, "stages", "touchpoints")["fields"]
    channel = _find(touchpoint, "channel")
    assert channel["label"] == t["channel"]
    assert [o["label"] for o in channel["options"]] == [t["digital"], t["analog"]]
    assert [o["label"] for o in _find(touchpoint, "control")["options"]] == [
        t["owned"], t["influenced"], t["uncontrolled"]]
    status = _find(touchpoint, "improvements", "status")
    assert [o["value"] for o in status["options"]] == ["planned", "in-progress", "done"]
    assert [o["label"] for o in status["options"]] == [t["planned"], t["in-progress"], t["done"]]
    for name in ("emotion", "target"):
        emotion = _find(touchpoint, name)
        assert [o["value"] for o in emotion["options"]] == [-2, -1, 0, 1, 2]
        assert all(t[f"emotion_{o['value']}"] in o["label"] for o in emotion["options"])
        # One number in the form; a number per persona stays as written.
        assert t["cms_other_shape_mapping"] in emotion["hint"]
    assert _find(touchpoint, "emotion")["required"]
    assert _find(touchpoint, "direct") == {**_find(touchpoint, "direct"), "widget": "boolean",
                                            "default": True}
    due = _find(touchpoint, "improvements", "due")
    assert (due["widget"], due["date_format"], due["time_format"]) == (
        "datetime", "YYYY-MM-DD", False)
    assert _find(touchpoint, "checklist")["field"]["widget"] == "text"
    assert _find(fields, "stages")["min"] == 1 and _find(fields, "personas")["max"] == 8
    assert _find(touchpoint, "id")["required"] is False


def test_the_whole_configuration() -> None:
    journeys = Playbook.load(ROOT / "journeys", ROOT).journeys
    config = cms_config("vi", "journeybook/journeybook", "main", "journeys",
                        local_backend=True, journeys=journeys, docs_dir="content")
    assert config["backend"] == {"name": "github", "repo": "journeybook/journeybook",
                                 "branch": "main"}
    assert config["publish_mode"] == "editorial_workflow"
    assert config["local_backend"] is True and config["locale"] == "vi"
    assert config["media_folder"] == "content/assets/uploads"
    first, *notes = config["collections"]
    assert (first["name"], first["folder"], first["path"], first["extension"],
            first["format"]) == ("journeys", "journeys", "{{slug}}/journey", "yaml", "yaml")
    assert [c["name"] for c in notes] == [f"evaluations-{j.id}" for j in journeys]
    assert notes[0]["folder"] == f"journeys/{journeys[0].id}/evaluations"
    assert notes[0]["format"] == "yaml-frontmatter" and notes[0]["extension"] == "md"
    assert "local_backend" not in cms_config("en", None, "main")
    assert "repo" not in cms_config("en", None, "main")["backend"]


def test_where_the_form_of_a_page_opens() -> None:
    assert entry_path("goi-tong-dai") == "admin/#/collections/journeys/entries/goi-tong-dai/journey"
    assert entry_path("goi-tong-dai", "2026-02-10") == (
        "admin/#/collections/evaluations-goi-tong-dai/entries/2026-02-10")


SMALL = (ROOT / "tests" / "fixtures" / "small.yaml").read_text("utf-8")
NOTE = "---\ndate: 2026-03-15\ntitle: Survey\n---\n\nWhat we found.\n"


def _site(project: Callable[..., Project], options: str) -> Project:
    site = project(mkdocs_yml=MINIMAL_MKDOCS.format(language="vi").replace(
        "  - journeybook\n", f"  - journeybook:\n{options}"))
    site.add("kettle", SMALL)
    (site.journeys / "kettle" / "evaluations").mkdir(exist_ok=True)
    (site.journeys / "kettle" / "evaluations" / "2026-03-15-survey.md").write_text(NOTE, "utf-8")
    site.build()
    return site


def test_the_site_gets_the_editor_and_edit_opens_the_form(
        project: Callable[..., Project]) -> None:
    site = _site(project, "      cms: true\n      edit_in_cms: true\n      cms_branch: drafts\n")
    out = site.root / "site"
    config = YAML(typ="safe").load((out / "admin" / "config.yml").read_text("utf-8"))
    assert config["backend"] == {"name": "github", "repo": "example/playbook",
                                 "branch": "drafts"}
    assert [c["name"] for c in config["collections"]] == ["journeys", "evaluations-kettle"]
    assert config["locale"] == "vi" and "local_backend" not in config
    page = (out / "admin" / "index.html").read_text("utf-8")
    assert '<script src="decap-cms.js"></script>' in page and "http" not in page
    # Not a page: neither in the navigation nor in the search index.
    index = json.loads((out / "search" / "search_index.json").read_text("utf-8"))
    assert not any(doc["location"].startswith("admin") for doc in index["docs"])
    assert "admin" not in (out / "index.html").read_text("utf-8").split("md-nav")[1]
    edit = site.html("journeys/kettle").select_one("a.md-content__button")
    assert edit is not None
    assert edit["href"] == "../../admin/#/collections/journeys/entries/kettle/journey"
    note = next((out / "journeys" / "kettle").glob("evaluations/*/index.html"))
    link = BeautifulSoup(note.read_text("utf-8"), "html.parser").select_one(
        "a.md-content__button")
    assert link is not None and link["href"].endswith(
        "admin/#/collections/evaluations-kettle/entries/2026-03-15-survey")


def test_without_the_option_nothing_changes(project: Callable[..., Project],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(project, "      edit_in_cms: true\n")
    assert not (site.root / "site" / "admin").exists()
    edit = site.html("journeys/kettle").select_one("a.md-content__button")
    assert edit is not None and edit["href"].startswith("https://github.com/example/playbook/")
    monkeypatch.setenv("JOURNEYBOOK_CMS_LOCAL", "1")
    site = _site(project, "      cms: true\n")
    config = YAML(typ="safe").load((site.root / "site" / "admin" / "config.yml").read_text())
    assert config["local_backend"] is True
    edit = site.html("journeys/kettle").select_one("a.md-content__button")
    assert edit is not None and edit["href"].startswith("https://github.com/example/playbook/")
