"""The loader: valid journeys load; every mistake is reported with its file, line and column."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from journeybook import JourneybookError, Playbook
from journeybook.source import load_sources

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = (FIXTURES / "small.yaml").read_text(encoding="utf-8")


def problems_for(tmp_path: Path, text: str | bytes, journey_id: str = "trip") -> list[str]:
    """Load one journey and return its problems as printed (file:line:col: ...)."""
    folder = tmp_path / "journeys" / journey_id
    folder.mkdir(parents=True)
    data = text if isinstance(text, bytes) else textwrap.dedent(text).encode("utf-8")
    (folder / "journey.yaml").write_bytes(data)
    with pytest.raises(JourneybookError) as caught:
        load_sources(tmp_path / "journeys", tmp_path)
    return [str(p) for p in caught.value.problems]


def test_small_journey_loads_with_defaults(tmp_path: Path) -> None:
    folder = tmp_path / "journeys" / "kettle"
    folder.mkdir(parents=True)
    (folder / "journey.yaml").write_text(SMALL, encoding="utf-8")
    [journey], _ = load_sources(tmp_path / "journeys")
    assert journey.id == "kettle"
    assert [s.id for s in journey.stages] == ["nhan-thuc", "dat-hang"]
    friend = journey.stages[0].touchpoints[1]
    assert friend.id == "loi-gioi-thieu-cua-ban-be"
    assert friend.direct is False and friend.target is None and friend.checklist == []
    checkout = journey.stages[1].touchpoints[0]
    assert checkout.moment_of_truth and checkout.is_pain_point
    assert checkout.improvements[0].due == datetime.date(2026, 12, 31)
    assert journey.metrics.nps is not None and journey.metrics.nps.target == 40
    assert [t.id for _, t in journey.pain_points] == ["checkout"]


def test_sample_playbook_is_valid() -> None:
    root = Path(__file__).parent.parent
    playbook = Playbook.load(root / "journeys", root)
    assert len(playbook.journeys) >= 3
    for journey in playbook.journeys:
        assert len(journey.stages) >= 4
        assert all(len(stage.touchpoints) >= 3 for stage in journey.stages)


def test_malformed_yaml_points_at_the_line(tmp_path: Path) -> None:
    [problem] = problems_for(tmp_path, """\
        title: Trip
        stages:
          - name: One
           touchpoints: []
        """)
    assert problem.startswith("journeys/trip/journey.yaml:4:")
    assert "a `key: value` line among `- ` list items; indent it under its item" in problem


def test_missing_required_fields(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, """\
        summary: no title here
        stages:
          - name: One
            touchpoints:
              - name: A
        """)
    assert ("journeys/trip/journey.yaml:1:1: title: `title` is required here; add `title:`"
            in problems)
    assert ("journeys/trip/journey.yaml:5:9: stages[0].touchpoints[0].emotion: "
            "`emotion` is required here; add `emotion:`") in problems


def test_wrong_types_and_ranges(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, """\
        title: Trip
        stages:
          - name: One
            objectives: learn things
            touchpoints:
              - name: A
                emotion: 3
                target: "1"
                channel: online
                direct: yes
              - name: B
                emotion: 1.5
        """)
    assert problems == [
        "journeys/trip/journey.yaml:4:17: stages[0].objectives: must be a list (lines starting "
        "with `- `), got text `learn things`",
        "journeys/trip/journey.yaml:7:18: stages[0].touchpoints[0].emotion: must be a whole "
        "number from -2 to 2, got 3",
        "journeys/trip/journey.yaml:8:17: stages[0].touchpoints[0].target: must be a whole "
        "number, got text `1`; remove the quotes",
        "journeys/trip/journey.yaml:9:18: stages[0].touchpoints[0].channel: must be one of "
        "`digital`, `analog`, got text `online`",
        "journeys/trip/journey.yaml:10:17: stages[0].touchpoints[0].direct: must be true or "
        "false, got text `yes`",
        "journeys/trip/journey.yaml:12:18: stages[0].touchpoints[1].emotion: must be a whole "
        "number, got a decimal number `1.5`",
    ]


def test_unknown_keys_are_errors_with_a_suggestion(tmp_path: Path) -> None:
    [problem] = problems_for(tmp_path, """\
        title: Trip
        stages:
          - name: One
            touchpionts:
              - name: A
                emotion: 1
        """)
    # One message for one typo: "`touchpoints` is required" would only be noise.
    assert problem == (
        "journeys/trip/journey.yaml:4:5: stages[0].touchpionts: unknown key `touchpionts` "
        "(did you mean `touchpoints`?). Allowed here: id, name, goal, objectives, review, "
        "touchpoints"
    )


def test_unknown_key_does_not_hide_an_unrelated_missing_key(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, """\
        title: Trip
        stages:
          - name: One
            colour: blue
        """)
    assert problems == [
        "journeys/trip/journey.yaml:3:5: stages[0].touchpoints: `touchpoints` is required here; "
        "add `touchpoints:`",
        "journeys/trip/journey.yaml:4:5: stages[0].colour: unknown key `colour`. Allowed here: "
        "id, name, goal, objectives, review, touchpoints",
    ]


def test_duplicate_ids_and_reserved_stage_id(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, """\
        title: Trip
        stages:
          - name: Đặt hàng
            touchpoints:
              - {name: Gọi điện, emotion: 0}
              - {id: goi-dien, name: Another, emotion: 0}
          - id: dat-hang
            name: Again
            touchpoints:
              - {name: X, emotion: 0}
          - name: Checklist
            touchpoints:
              - {name: Y, emotion: 0}
          - name: Quiz
            touchpoints:
              - {name: Z, emotion: 0}
        """)
    assert problems == [
        "journeys/trip/journey.yaml:6:14: stages[0].touchpoints[1].id: duplicate touchpoint id "
        "`goi-dien` (also stages[0].touchpoints[0]); touchpoint ids must be unique in a journey: "
        "add a distinct `id:`",
        "journeys/trip/journey.yaml:7:9: stages[1].id: duplicate stage id `dat-hang` (also "
        "stages[0]); stage ids must be unique in a journey: add a distinct `id:`",
        "journeys/trip/journey.yaml:11:11: stages[2].id: stage id `checklist` is taken by a "
        "generated page; give the stage another `id:`",
        "journeys/trip/journey.yaml:14:11: stages[3].id: stage id `quiz` is taken by a "
        "generated page; give the stage another `id:`",
    ]


def test_duplicate_ids_reported_alongside_type_errors(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, """\
        title: Trip
        stages:
          - name: One
            touchpoints:
              - {name: A, emotion: 9}
              - {name: A, emotion: 0}
        """)
    assert len(problems) == 2
    assert "must be a whole number from -2 to 2" in problems[0]
    assert "duplicate touchpoint id `a`" in problems[1]


def test_duplicate_yaml_keys(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, """\
        title: Trip
        title: Trip again
        stages: []
        """)
    assert ("journeys/trip/journey.yaml:2:1: title: duplicate key `title` (first given on "
            "line 1); keep one of them") in problems


def test_empty_and_comment_only_files(tmp_path: Path) -> None:
    assert problems_for(tmp_path, b"") == [
        "journeys/trip/journey.yaml:1:1: the file is empty; a journey needs at least `title:` "
        "and `stages:`"
    ]
    assert problems_for(tmp_path, b"# just a comment\n\n", "other")[0].endswith("the file is empty;"
                                                                            " a journey needs at "
                                                                            "least `title:` and "
                                                                            "`stages:`")


def test_not_a_mapping(tmp_path: Path) -> None:
    [problem] = problems_for(tmp_path, "- just\n- a list\n")
    assert problem.startswith("journeys/trip/journey.yaml:1:1: a journey file must be a mapping")


def test_non_utf8_file(tmp_path: Path) -> None:
    latin1 = "title: Trip\nsummary: Caf\u00e9\n".encode("latin-1")
    assert problems_for(tmp_path, latin1) == [
        "journeys/trip/journey.yaml:2:13: the file is not UTF-8 text: byte 0xe9 at byte offset "
        "24; save it with UTF-8 encoding"
    ]


def test_python_tags_are_refused_and_construct_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    problems = problems_for(tmp_path, f"""\
        title: !!python/object/apply:os.system ["touch {marker}"]
        summary: !custom thing
        stages: []
        """)
    assert not marker.exists()
    assert problems[0].startswith(
        "journeys/trip/journey.yaml:1:8: title: YAML tag "
        "`tag:yaml.org,2002:python/object/apply:os.system` is not allowed"
    )
    assert problems[1].startswith("journeys/trip/journey.yaml:2:10: summary: YAML tag `!custom`")


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, "
              f"*a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 8)]
    [problem] = problems_for(tmp_path, "\n".join(lines) + "\n")
    assert "expands to more than" in problem


def test_unsupported_schema_version(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, "schema: 2\n" + SMALL)
    assert problems == [
        "journeys/trip/journey.yaml:1:9: schema: schema version 2 is not supported; this "
        "Journeybook reads schema 1"
    ]


def test_bad_dates(tmp_path: Path) -> None:
    text = SMALL.replace("due: 2026-12-31", "due: 2026-13-01")
    [problem] = problems_for(tmp_path, text)
    assert problem.startswith(
        "journeys/trip/journey.yaml:53:18: stages[1].touchpoints[0].improvements[0].due: "
        "cannot read `2026-13-01`"
    )
    text = SMALL.replace("due: 2026-12-31", "due: next week")
    [problem] = problems_for(tmp_path / "2", text, "other")
    assert problem == (
        "journeys/other/journey.yaml:53:18: stages[1].touchpoints[0].improvements[0].due: "
        "must be a date written YYYY-MM-DD, like 2026-12-31, got text `next week`"
    )


def test_quoted_date_is_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "journeys" / "kettle"
    folder.mkdir(parents=True)
    (folder / "journey.yaml").write_text(SMALL.replace("due: 2026-12-31", 'due: "2026-12-31"'),
                                         encoding="utf-8")
    [journey], _ = load_sources(tmp_path / "journeys")
    assert journey.stages[1].touchpoints[0].improvements[0].due == datetime.date(2026, 12, 31)


def test_journey_id_comes_from_the_folder(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, "id: other\n" + SMALL)
    assert problems[0].startswith("journeys/trip/journey.yaml:1:1: a journey has no `id` key")
    problems = problems_for(tmp_path / "x", SMALL, journey_id="Bad Name")
    assert problems[0].startswith("journeys/Bad Name/journey.yaml:1:1: journey folder name "
                                  "`Bad Name` is not a valid id")
    assert "`bad-name`" in problems[0]


def test_all_files_reported_together(tmp_path: Path) -> None:
    journeys = tmp_path / "journeys"
    for name, text in {"a": "title: A\n", "b": "title: [\n", "c": SMALL}.items():
        (journeys / name).mkdir(parents=True)
        (journeys / name / "journey.yaml").write_text(text, encoding="utf-8")
    (journeys / "d").mkdir()
    with pytest.raises(JourneybookError) as caught:
        load_sources(journeys, tmp_path)
    files = [p.file for p in caught.value.problems]
    assert files == ["journeys/a/journey.yaml", "journeys/b/journey.yaml",
                     "journeys/d/journey.yaml"]
    assert "has no journey.yaml" in str(caught.value)
    assert str(caught.value).endswith("3 problems found; fix them and build again.")


def test_readme_example_is_a_valid_journey(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    folder = tmp_path / "journeys" / "mua-sam"
    folder.mkdir(parents=True)
    (folder / "journey.yaml").write_text(example, encoding="utf-8")
    [journey], _ = load_sources(tmp_path / "journeys")
    assert journey.stages[0].id == "quyet-dinh"
    assert journey.stages[0].touchpoints[0].moment_of_truth


def test_journey_cache_skips_parsing_unchanged_files(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # The one parser every journey read goes through.
    from journeybook.cache import JourneyCache
    from journeybook.source import yaml as source_yaml

    folder = tmp_path / "journeys" / "kettle"
    folder.mkdir(parents=True)
    (folder / "journey.yaml").write_text(SMALL, encoding="utf-8")
    cache = JourneyCache(tmp_path / "cache")
    [fresh], _ = load_sources(tmp_path / "journeys", cache=cache)

    def no_parsing(*args: object) -> None:
        raise AssertionError("an unchanged journey was parsed again")

    with monkeypatch.context() as patch:
        patch.setattr(source_yaml, "parse_yaml", no_parsing)
        [cached], _ = load_sources(tmp_path / "journeys", cache=JourneyCache(tmp_path / "cache"))
    assert cached == fresh and cached.id == "kettle"
    # An edit is seen at once, and a broken edit is reported even though a copy is cached.
    (folder / "journey.yaml").write_text(SMALL.replace("emotion: -1", "emotion: -2"), "utf-8")
    [edited], _ = load_sources(tmp_path / "journeys", cache=JourneyCache(tmp_path / "cache"))
    assert edited.stages[1].touchpoints[0].emotion == -2
    (folder / "journey.yaml").write_text(SMALL.replace("emotion: -1", "emotion: -3"), "utf-8")
    with pytest.raises(JourneybookError, match="must be a whole number from -2 to 2"):
        load_sources(tmp_path / "journeys", cache=JourneyCache(tmp_path / "cache"))
    # The original and the valid edit; entries are pruned only once unused for days.
    assert len(list((tmp_path / "cache").glob("*.json"))) == 2
