"""`journeybook fmt` on the shapes of issue 14: `personas:`, emotions and targets by persona
(flow or block mappings), touchpoint links, rated improvements. The random journeys of
test_fmt_comments.py, with these shapes in them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeybook.authoring.fmt import format_yaml
from journeybook.source import parse_journey

from .conftest import examples
from .test_fmt_comments import _Writer, anchors, data

#: Persona ids and their names; a persona written without `id:` gets its name's slug.
PERSONAS = {"chi-ha": "Chị Hà", "anh-minh": "Anh Minh", "co-lan": "Cô Lan"}


class _PersonasWriter(_Writer):
    """A random journey with one to three personas, each emotion and target one number or a
    number per persona (a flow or a block mapping), links and rated improvements; comments
    anywhere."""

    ids: list[str]

    def journey(self) -> list[tuple[str, object]]:
        self.ids = self.draw(st.lists(st.sampled_from(list(PERSONAS)), min_size=1, max_size=3,
                                      unique=True))
        personas = [("map", self.draw(st.permutations(
            [("name", ("scalar", PERSONAS[i]))]
            + ([("id", ("scalar", i))] if self.draw(st.booleans()) else []))))
            for i in self.ids]
        entries: list[tuple[str, object]] = [
            ("title", ("scalar", self.text())),
            ("personas", ("seq", personas)),
            ("stages", ("seq", [self.stage(i) for i in range(self.draw(st.integers(1, 2)))])),
        ]
        if self.draw(st.booleans()):
            entries.append(("group", ("scalar", self.text())))
        return self.draw(st.permutations(entries))

    def feeling(self) -> object:
        shape = self.draw(st.sampled_from(["number", "flow", "block"]))
        if shape == "number":
            return ("scalar", str(self.draw(st.integers(-2, 2))))
        numbers = [(i, str(self.draw(st.integers(-2, 2)))) for i in
                   self.draw(st.permutations(self.ids))]
        if shape == "flow":
            return ("fmap", numbers)
        return ("map", [(i, ("scalar", n)) for i, n in numbers])

    def touchpoint(self) -> object:
        self.touchpoints += 1
        entries: list[tuple[str, object]] = [
            ("name", ("scalar", f"Điểm chạm {self.touchpoints}")),
            ("emotion", self.feeling()),
        ]
        if self.draw(st.booleans()):
            entries.append(("target", self.feeling()))
        if self.draw(st.booleans()):
            entries.append(("link", ("scalar", self.draw(st.sampled_from(
                ["other-journey", "other-journey/a-stage", "'other-journey'"])))))
        if self.draw(st.booleans()):
            entries.append(("checklist", self.texts()))
        if self.draw(st.booleans()):
            rated = [("action", ("scalar", self.text())),
                     ("impact", ("scalar", str(self.draw(st.integers(1, 3)))))]
            if self.draw(st.booleans()):
                rated.append(("effort", ("scalar", str(self.draw(st.integers(1, 3))))))
            entries.append(("improvements", ("seq", [("map", self.draw(st.permutations(
                rated)))])))
        return ("map", self.draw(st.permutations(entries)))


@pytest.mark.slow
@settings(max_examples=examples(40), derandomize=True, deadline=None)
@given(st.data())
def test_fmt_keeps_personas_mappings_links_and_every_comment(draw: st.DataObject) -> None:
    writer = _PersonasWriter(draw)
    text = writer.write()
    journey, problems = parse_journey(text, "journey.yaml", "random")
    assert journey is not None, (problems, text)
    before = anchors(text)

    result = format_yaml(text)

    assert data(result) == data(text)
    formatted, _ = parse_journey(result, "journey.yaml", "random")
    assert formatted == journey
    assert sorted(re.findall(r"# (c\d+)\b", result)) == sorted(writer.meant)
    after = anchors(result)
    for name, (kind, paths) in before.items():
        assert after[name][0] == kind and paths & after[name][1], (name, before[name],
                                                                   after[name])
    assert format_yaml(result) == result
    # Keys in the format's order: `personas` before `stages`; a flow mapping stays a flow.
    top = [line.split(":")[0] for line in result.splitlines() if line[:1].isalpha()]
    assert top.index("personas") < top.index("stages")
    assert result.count("{") == text.count("{")


def test_fmt_orders_persona_before_personas_and_keeps_mapping_styles() -> None:
    text = """\
stages:
  - name: S
    touchpoints:
      - improvements:
          - effort: 1  # cheap
            impact: 3
            action: Fewer fields
        link: other/s  # continues there
        target:
          # by persona, as a block
          chi-ha: 1  # Hà first
          anh-minh: 2
        emotion: {chi-ha: -1,   anh-minh: 1}  # as a flow
        name: A
personas:
  - name: Anh Minh
  - id: chi-ha
    name: Chị Hà
title: T
"""
    result = format_yaml(text)
    assert result == """\
title: T
personas:
  - name: Anh Minh
  - id: chi-ha
    name: Chị Hà
stages:
  - name: S
    touchpoints:
      - name: A
        emotion: {chi-ha: -1, anh-minh: 1}    # as a flow
        target:
          # by persona, as a block
          chi-ha: 1  # Hà first
          anh-minh: 2
        link: other/s  # continues there
        improvements:
          - action: Fewer fields
            impact: 3
            effort: 1  # cheap
"""
    assert format_yaml(result) == result
    # The shorthand and the list side by side (an error `check` reports): the model's order.
    both = "personas:\n  - name: X\npersona:\n  name: Y\ntitle: T\n"
    assert format_yaml(both) == "title: T\npersona:\n  name: Y\npersonas:\n  - name: X\n"
