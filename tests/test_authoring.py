"""Authoring tools: scaffold, fmt, schema, Mermaid/CSV/JSON exchange, generate."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from bs4 import BeautifulSoup, Comment
from ruamel.yaml import YAML

from journeybook import Playbook
from journeybook.authoring.fmt import format_yaml
from journeybook.authoring.schema import SCHEMA_PATH, journey_schema
from journeybook.cli import main
from journeybook.model import Journey

from .conftest import FIXTURES, ROOT, Project, write_journey

SMALL = (FIXTURES / "small.yaml").read_text("utf-8")
COMMENTED = (FIXTURES / "commented.yaml").read_text("utf-8")


def safe(text: str):
    return YAML(typ="safe").load(text)


# --- new ---------------------------------------------------------------------------------

def test_new_scaffold_passes_check_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "bao-hanh", "--title", "Bảo hành: đổi trả", "--stages",
                 "Liên hệ, Sửa chữa,Nhận lại máy", "--language", "vi"]) == 0
    path = tmp_path / "journeys" / "bao-hanh" / "journey.yaml"
    text = path.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/journey.schema.json")
    # Commented placeholders, the comments in the scaffold's language too.
    assert "# hiện tại: -2 (rất tệ) .. +2 (rất tốt)" in text
    assert "# Một hành trình mới." in text and "very bad" not in text
    assert main(["check"]) == 0
    [journey] = Playbook.load(tmp_path / "journeys").journeys
    assert journey.title == "Bảo hành: đổi trả"
    assert [s.name for s in journey.stages] == ["Liên hệ", "Sửa chữa", "Nhận lại máy"]
    assert main(["fmt", "--check"]) == 0  # born in canonical form
    capsys.readouterr()
    path.write_text(text + "# my edits\n", "utf-8")
    assert main(["new", "bao-hanh"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_text("utf-8").endswith("# my edits\n")
    assert main(["new", "Bad Id"]) == 1
    assert "`bad-id`" in capsys.readouterr().err


# --- fmt ---------------------------------------------------------------------------------

def comments(text: str) -> list[str]:
    return [line.split("#", 1)[1].strip() for line in text.splitlines()
            if ("#" in line and not line.strip().startswith("- Greet")) or "# keep me" in line]


def test_fmt_orders_keys_and_keeps_every_comment() -> None:
    result = format_yaml(COMMENTED)
    assert safe(result) == safe(COMMENTED)  # values untouched
    # Every comment survives, once.
    for comment in ("# yaml-language-server", "# A journey whose keys", "# stages first",
                    "# The only stage.", "# --- the hotline ---", "# as-is",
                    "# trailing comment on a name", "# a blank line above, and this comment",
                    "# keep me", "# between items", "# stage name after its touchpoints",
                    "# comment before goal", "# persona comes before title here",
                    "# the title", "# last words"):
        assert result.count(comment) == 1, comment
    top = [line.split(":")[0] for line in result.splitlines()
           if line and line[0].isalpha()]
    assert top == ["schema", "title", "summary", "persona", "stages"]
    lines = result.splitlines()
    # Canonical order inside the touchpoint, and each comment still sits on or above its key.
    tp = [line.strip().split(":")[0].removeprefix("- ") for line in lines
          if line.startswith("      - ") or (line.startswith("        ") and ":" in line
                                             and not line.strip().startswith(("#", "-")))]
    assert tp[:4] == ["id", "name", "emotion", "target"]
    id_line = next(i for i, line in enumerate(lines) if "id: hotline" in line)
    assert "this comment belongs to `id`" in lines[id_line - 1]
    assert lines[id_line - 2].strip() == ""  # its blank line came along
    assert "name: Hotline   # trailing comment on a name" in result
    assert "goal: Reach the right person" in result  # canonical quoting
    assert "# comment before goal" in lines[lines.index("    goal: Reach the right person") - 1]
    assert "- Greet by name   # keep me" in result
    # persona's keys: name before frustrations.
    assert result.index("  name: Hà") < result.index("  frustrations:")
    assert result.rstrip().endswith("# last words")


def test_fmt_is_idempotent_on_every_sample_journey() -> None:
    for path in sorted((ROOT / "journeys").glob("*/journey.yaml")):
        text = path.read_text("utf-8")
        once = format_yaml(text)
        assert format_yaml(once) == once
        assert once == text, f"{path} is not formatted: run `journeybook fmt`"
    assert format_yaml(format_yaml(COMMENTED)) == format_yaml(COMMENTED)


def test_fmt_check_and_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    messy = write_journey(tmp_path / "journeys", "messy", COMMENTED)
    broken = write_journey(tmp_path / "journeys", "broken", "title: [oops\n# comment\n")
    broken_bytes = broken.read_bytes()
    tidy = write_journey(tmp_path / "journeys", "tidy", format_yaml(SMALL))
    tidy_stat = tidy.stat()
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "--check"]) == 1
    out, err = capsys.readouterr()
    assert "would reformat journeys/messy/journey.yaml" in out and "tidy" not in out
    assert "error: journeys/broken/journey.yaml:3:1: not valid YAML" in err
    assert messy.read_text("utf-8") == COMMENTED  # --check writes nothing
    assert main(["fmt"]) == 1  # the broken file is still an error
    assert messy.read_text("utf-8") == format_yaml(COMMENTED)
    assert broken.read_bytes() == broken_bytes  # byte for byte
    assert tidy.stat().st_mtime_ns == tidy_stat.st_mtime_ns
    assert not list(tmp_path.rglob(".journey.yaml.*"))  # no temporary files left behind
    capsys.readouterr()
    assert main(["fmt", "--check", "journeys/messy/journey.yaml"]) == 0


def test_fmt_keeps_evaluation_notes_markdown(tmp_path: Path) -> None:
    from journeybook.authoring.fmt import format_evaluation

    note = ("---\nscores: {a: 1}  # measured\ndate: 2026-03-01\n---\n\n## Body\n\n"
            "Text with   odd   spacing: kept.\n")
    result = format_evaluation(note)
    assert result.startswith("---\ndate: 2026-03-01\nscores: {a: 1}  # measured\n---\n")
    assert result.endswith("\n\n## Body\n\nText with   odd   spacing: kept.\n")


# --- schema ------------------------------------------------------------------------------

def test_committed_schema_matches_the_models(capsys: pytest.CaptureFixture[str]) -> None:
    committed = json.loads((ROOT / SCHEMA_PATH).read_text("utf-8"))
    assert committed == journey_schema(), "run `journeybook schema -o schema/journey.schema.json`"
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == committed


def test_schema_accepts_the_samples_and_rejects_mistakes() -> None:
    schema = journey_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for path in (ROOT / "journeys").glob("*/journey.yaml"):
        data = json.loads(json.dumps(safe(path.read_text("utf-8")), default=str))
        assert list(validator.iter_errors(data)) == [], path
    bad = safe(SMALL)
    bad["stages"][0]["touchpionts"] = []
    bad["stages"][1]["touchpoints"][0]["emotion"] = 3
    bad["stages"][1]["touchpoints"][0]["channel"] = "online"
    bad = json.loads(json.dumps(bad, default=str))
    messages = sorted(e.message for e in validator.iter_errors(bad))
    assert any("touchpionts" in m for m in messages)
    assert any("3 is greater than the maximum of 2" in m for m in messages)
    assert any("'online' is not valid" in m for m in messages)


# --- export / import ---------------------------------------------------------------------

def test_mermaid_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["export", "goi-tong-dai", "--format", "mermaid"]) == 0
    diagram = capsys.readouterr().out
    assert diagram.startswith("journey\n    title ")
    # Emotion -2 → score 1; the actor is the journey's persona.
    assert "      Điều hướng menu IVR: 1: Chị Nguyễn Thu Hà\n" in diagram
    (tmp_path / "j.mmd").write_text(diagram, "utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["import", "mermaid", "j.mmd", "--id", "copy"]) == 0
    original = {j.id: j for j in Playbook.load(ROOT / "journeys").journeys}["goi-tong-dai"]
    [copy] = Playbook.load(tmp_path / "journeys").journeys
    assert copy.title == original.title
    assert [s.name for s in copy.stages] == [s.name for s in original.stages]
    assert [p.name for p in copy.personas] == [p.name for p in original.personas]
    assert [(t.name, t.emotion) for _, t in copy.touchpoints()] == [
        (t.name, t.emotion) for _, t in original.touchpoints()]
    assert main(["import", "mermaid", "j.mmd", "--id", "copy"]) == 1  # never overwrites


def test_mermaid_import_errors_are_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "j.mmd").write_text("journey\n  title T\n  section S\n    Call: 7: Me\n"
                                    "    what is this\n", "utf-8")
    assert main(["import", "mermaid", "j.mmd", "--id", "t"]) == 1
    err = capsys.readouterr().err
    assert "error: j.mmd:4:11: the score must be a whole number from 1 to 5, got `7`" in err
    assert "error: j.mmd:5:5: expected `title …`, `section …`" in err
    assert not (tmp_path / "journeys").exists()


def test_csv_and_json_export(monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    journey = {j.id: j for j in Playbook.load(ROOT / "journeys").journeys}["mua-sam-truc-tuyen"]
    assert main(["export", "mua-sam-truc-tuyen", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == journey.touchpoint_count
    assert [r["touchpoint_id"] for r in rows] == [t.id for _, t in journey.touchpoints()]
    assert {r["emotion"] for r in rows} <= {"-2", "-1", "0", "1", "2"}
    assert main(["export", "mua-sam-truc-tuyen", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "mua-sam-truc-tuyen" and data["title"] == journey.title
    assert main(["export", "nope", "--format", "json"]) == 1
    assert "no journey `nope`" in capsys.readouterr().err


# --- generate ----------------------------------------------------------------------------

def _articles(site: Path) -> dict[str, str]:
    pages = {}
    for page in site.rglob("index.html"):
        relative = page.parent.relative_to(site).as_posix()
        if not relative.startswith(("journeys", "checklists", "actions", "glossary")):
            continue
        article = BeautifulSoup(page.read_text("utf-8"), "html.parser").select_one("article")
        for button in article.select("a.md-content__button"):
            button.decompose()  # edit links differ by design: the YAML vs a plain file
        # The plugin's sanitiser writes styles compactly and drops HTML comments; a builder
        # without it keeps them. The same page either way.
        for comment in article.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
        for element in article.find_all(style=True):
            element["style"] = re.sub(r"\s|;$", "", element["style"])
        pages[relative] = " ".join(str(article).split())
    return pages


@pytest.mark.slow
def test_generate_gives_the_same_pages_as_the_plugin(tmp_path: Path, sample_site: Project,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample_site.root)
    out = tmp_path / "static" / "docs"
    shutil.copytree(sample_site.root / "content", out)
    assert main(["generate", "--out", str(out), "--language", "vi",
                 "--glossary", "includes/glossary.md"]) == 0
    assert (out / "assets" / "journeybook" / "journeybook.js").is_file()
    assert "| **IVR** | Interactive Voice Response" in (out / "glossary.md").read_text("utf-8")
    assert (out / "journeys" / "goi-tong-dai" / "charts" / "journey-dark.svg").is_file()
    generated = YAML(typ="safe").load((out / "nav.yml").read_text("utf-8"))
    nav = generated["nav"]
    assert list(nav[0]) == ["Hành trình"]
    assert "/journeys/goi-tong-dai/evaluations/2026-02-10.md" in generated["not_in_nav"]
    config = (sample_site.root / "mkdocs.yml").read_text("utf-8")
    config = re.sub(r"  - journeybook:\n(      .*\n)*", "", config)
    assert "journeybook:" not in config
    config = config.replace("docs_dir: content", "docs_dir: docs")
    # Without the plugin, the site's script and stylesheet are linked by hand.
    config = ("extra_css: [assets/journeybook/journeybook.css]\n"
              "extra_javascript: [assets/journeybook/journeybook.js]\n") + config
    # nav.yml is what the plugin adds to the navigation: paste it under `nav:` (last here).
    assert config.rstrip().splitlines()[-1].startswith("  - ")
    stream = io.StringIO()
    YAML(typ="safe").dump(nav, stream)
    config += "".join(f"  {line}\n" for line in stream.getvalue().splitlines())
    config += "not_in_nav: |\n" + "".join(
        f"  {line}\n" for line in generated["not_in_nav"].splitlines())
    (tmp_path / "static" / "mkdocs.yml").write_text(config, "utf-8")
    (out / "nav.yml").unlink()
    static = Project(tmp_path / "static")
    static.build()
    plugin_pages = _articles(sample_site.root / "site")
    static_pages = _articles(static.root / "site")
    assert len(plugin_pages) > 30
    assert static_pages.keys() == plugin_pages.keys()
    for url, article in plugin_pages.items():
        assert static_pages[url] == article, url


def test_csv_text_never_becomes_a_spreadsheet_formula(tmp_path: Path) -> None:
    from journeybook.authoring import to_csv

    write_journey(tmp_path / "journeys", "kettle", SMALL.replace(
        "name: Search result", 'name: "=HYPERLINK(\\"http://x\\")"'))
    [journey] = Playbook.load(tmp_path / "journeys").journeys
    rows = list(csv.DictReader(io.StringIO(to_csv(journey))))
    assert rows[0]["touchpoint"] == "'=HYPERLINK(\"http://x\")"
    assert rows[2]["emotion"] == "-1"  # numbers stay numbers


# --- several personas, links, impact and effort (issue 14) ---------------------------------

PERSONAS = (FIXTURES / "personas.yaml").read_text("utf-8")


def _schema_errors(data: object) -> list[str]:
    validator = jsonschema.Draft202012Validator(journey_schema())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(json.loads(json.dumps(data, default=str)))]


def test_schema_describes_personas_links_and_ratings() -> None:
    good = safe(PERSONAS)
    assert _schema_errors(good) == []
    touchpoint = journey_schema()["$defs"]["Touchpoint"]["properties"]
    for key in ("emotion", "target", "link"):
        assert "persona" in touchpoint[key]["description"] or key == "link"
    assert "journey-id" in touchpoint["link"]["description"]

    def broken(change: Callable[[dict[str, Any]], object]) -> list[str]:
        data = safe(PERSONAS)
        change(data)
        return _schema_errors(data)

    def form(data: dict[str, Any]) -> dict[str, Any]:
        touchpoint: dict[str, Any] = data["stages"][1]["touchpoints"][0]
        return touchpoint

    assert broken(lambda d: d.update(personas=[{"name": f"P{n}"} for n in range(9)]))
    assert broken(lambda d: d.update(persona={"name": "Lan"}))  # both at once
    assert not broken(lambda d: (d.update(persona={"name": "Lan"}), d.pop("personas")))
    assert broken(lambda d: form(d).update(emotion={"Chị Hà": -1}))  # not an id
    assert broken(lambda d: form(d).update(emotion={}))
    assert broken(lambda d: form(d).update(emotion={"chi-ha": 3, "anh-minh": 0}))
    assert broken(lambda d: form(d).update(target={"chi-ha": "good"}))
    assert not broken(lambda d: form(d).update(target=2))
    assert not broken(lambda d: form(d).update(link="first-payment"))
    assert broken(lambda d: form(d).update(link="First Payment"))
    assert broken(lambda d: form(d).update(link="a/b/c"))
    assert broken(lambda d: form(d)["improvements"][0].update(impact=4))
    assert broken(lambda d: form(d)["improvements"][0].update(effort=0))


def _personas_journey(tmp_path: Path) -> Journey:
    """The two-persona fixture, loaded with the journey its link leads to."""
    write_journey(tmp_path / "journeys", "account", PERSONAS)
    write_journey(tmp_path / "journeys", "first-payment", SMALL.replace(
        "  - name: Đặt hàng", "  - id: pay\n    name: Đặt hàng"))
    return {j.id: j for j in Playbook.load(tmp_path / "journeys").journeys}["account"]


def test_csv_and_json_carry_personas_links_and_ratings(tmp_path: Path) -> None:
    from journeybook.authoring import to_csv, to_json

    journey = _personas_journey(tmp_path)
    reader = csv.DictReader(io.StringIO(to_csv(journey)))
    assert reader.fieldnames is not None
    assert reader.fieldnames[9:15] == ["emotion", "target", "emotion:chi-ha", "target:chi-ha",
                                       "emotion:anh-minh", "target:anh-minh"]
    website, hotline, form = rows = list(reader)
    assert len(rows) == 3
    assert (website["emotion:chi-ha"], website["emotion:anh-minh"]) == ("-1", "1")
    assert website["emotion"] == "0"  # the mean of the personas'
    assert (form["emotion"], form["target"], form["target:chi-ha"]) == ("-1", "", "")
    # A plain number is every persona's.
    assert (hotline["emotion:chi-ha"], hotline["emotion:anh-minh"]) == ("0", "0")
    assert form["link"] == "first-payment/pay" and website["link"] == ""
    assert form["improvements"] == "Fewer fields | A video guide"
    assert (form["impact"], form["effort"]) == ("3 | 1", "1 | ")
    data = json.loads(to_json(journey))
    assert [p["id"] for p in data["personas"]] == ["chi-ha", "anh-minh"]
    assert "persona" not in data
    touchpoint = data["stages"][1]["touchpoints"][0]
    assert touchpoint["emotion"] == {"chi-ha": -2, "anh-minh": 0}
    assert touchpoint["link"] == "first-payment/pay"
    assert [(i["impact"], i["effort"]) for i in touchpoint["improvements"]] == [(3, 1), (1, None)]
    # One persona and no mapping: no columns per persona.
    small = {j.id: j for j in Playbook.load(tmp_path / "journeys").journeys}["first-payment"]
    header = next(csv.reader(io.StringIO(to_csv(small))))
    assert not [name for name in header if ":" in name]


def test_mermaid_round_trip_keeps_personas_and_their_emotions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    original = _personas_journey(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "account", "--format", "mermaid", "-o", "account.mmd"]) == 0
    diagram = (tmp_path / "account.mmd").read_text("utf-8")
    # One task line per score, naming the personas that feel so; one line when all agree.
    assert "      Website: 2: Chị Hà\n      Website: 4: Anh Minh\n" in diagram
    assert "      Hotline: 3: Chị Hà, Anh Minh\n" in diagram
    assert main(["import", "mermaid", "account.mmd", "--id", "copy"]) == 0
    copy = {j.id: j for j in Playbook.load(tmp_path / "journeys").journeys}["copy"]
    assert [(p.id, p.name) for p in copy.personas] == [
        (p.id, p.name) for p in original.personas]
    assert [(s.id, s.name) for s in copy.stages] == [(s.id, s.name) for s in original.stages]
    assert [(t.name, t.emotion) for _, t in copy.touchpoints()] == [
        (t.name, t.emotion) for _, t in original.touchpoints()]
    assert main(["fmt", "--check", "journeys/copy/journey.yaml"]) == 0  # born formatted
    capsys.readouterr()


def test_mermaid_import_reads_actors_as_personas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "day.mmd").write_text(
        "journey\n  title My working day\n  section Go to work\n"
        "    Make tea: 5: Me\n    Do work: 1: Me, Cat\n"
        "    Go upstairs: 3: Me\n    Go upstairs: 1: Cat\n", "utf-8")
    assert main(["import", "mermaid", "day.mmd", "--id", "day"]) == 0
    [journey] = Playbook.load(tmp_path / "journeys").journeys
    assert [p.id for p in journey.personas] == ["me", "cat"]
    assert [(t.name, t.emotion) for _, t in journey.touchpoints()] == [
        ("Make tea", 2), ("Do work", -2), ("Go upstairs", {"me": 0, "cat": -2})]
    # Personas scored apart, one left out: located, nothing written.
    (tmp_path / "odd.mmd").write_text(
        "journey\n  title T\n  section S\n    Call: 5: Me, Cat\n    Wait: 1: Me\n"
        "    Wait: 2: Dog\n", "utf-8")
    assert main(["import", "mermaid", "odd.mmd", "--id", "odd"]) == 1
    assert ("error: odd.mmd:5:5: this task scores its actors differently but gives no score "
            "for `Cat`") in capsys.readouterr().err
    (tmp_path / "crowd.mmd").write_text(
        "journey\n  title T\n  section S\n    Call: 5: A, B, C, D, E, F, G, H, I\n", "utf-8")
    assert main(["import", "mermaid", "crowd.mmd", "--id", "crowd"]) == 1
    assert "error: crowd.mmd:4:14: a journey follows at most 8 personas" in (
        capsys.readouterr().err)
    assert not (tmp_path / "journeys" / "odd").exists()
