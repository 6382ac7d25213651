"""`journeybook fmt` keeps every comment beside what it was written next to (issue #10).

A comment inside a flow list, after the last item of a list, at the top of the file; line
endings, symbolic links and permissions; and a property test over random commented journeys.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from journeybook.authoring.fmt import format_evaluation, format_yaml
from journeybook.cli import main
from journeybook.source import parse_journey

from .conftest import FIXTURES, write_journey

COMMENTED = (FIXTURES / "commented.yaml").read_text("utf-8")


def data(text: str) -> object:
    return YAML(typ="safe").load(text)


def line_of(text: str, needle: str) -> int:
    [number] = [i for i, line in enumerate(text.splitlines()) if needle in line]
    return number


# --- the bugs of the issue, one by one ----------------------------------------------------

FLOW = """\
title: T
stages:
  - name: S
    touchpoints:
      - emotion: 1
        expects: [one, # why one comes first
          two]
        desired: {think: calm, # the feeling we want
                  feel: safe}
        name: A
"""


def test_a_comment_inside_a_flow_list_is_kept_beside_its_item() -> None:
    result = format_yaml(FLOW)
    assert data(result) == data(FLOW)
    lines = result.splitlines()
    assert lines[line_of(result, "# why one comes first")].strip().startswith("expects: [one,")
    assert lines[line_of(result, "# the feeling we want")].strip().startswith(
        "desired: {think: calm,")
    assert result.count("#") == 2
    assert format_yaml(result) == result


END_OF_LIST = """\
title: T
stages:
  - touchpoints:
      - checklist:
          - Greet
          # end of A's checklist
        name: A
        emotion: 1
      - name: B
        emotion: 0
      # after the last touchpoint of S
    name: S
  - name: S2
    touchpoints:
      - name: C
        emotion: 1
"""


def test_a_comment_after_the_last_item_of_a_list_stays_after_that_item() -> None:
    result = format_yaml(END_OF_LIST)
    assert data(result) == data(END_OF_LIST)
    lines = result.splitlines()
    # Right after the checklist's last item, still inside touchpoint A…
    assert lines[line_of(result, "# end of A's checklist") - 1].strip() == "- Greet"
    # …and after touchpoint B, the last of stage S, not above stage S.
    after = line_of(result, "# after the last touchpoint of S")
    assert lines[after - 1].strip() == "emotion: 0"
    assert lines[after + 1].strip() == "- name: S2"
    assert format_yaml(result) == result


def test_the_header_comment_stays_first() -> None:
    result = format_yaml(COMMENTED)
    assert result.startswith(
        "# yaml-language-server: $schema=../../schema/journey.schema.json\n"
        "# A journey whose keys are out of order, full of comments in odd places.\n\n"
        "schema: 1\ntitle: Calling the contact center")
    assert format_yaml(result) == result


def test_crlf_files_keep_crlf_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journey = write_journey(tmp_path / "journeys", "hotline", "")
    journey.write_bytes(COMMENTED.replace("\n", "\r\n").encode("utf-8"))
    note = journey.parent / "evaluations" / "2026-03-01.md"
    note.parent.mkdir()
    note.write_bytes(b"---\r\nscores: {hotline: 1}  # measured\r\ndate: 2026-03-01\r\n---\r\n"
                     b"\r\n## Hotline\r\n\r\nWaited   long.\r\n")
    monkeypatch.chdir(tmp_path)
    assert main(["fmt"]) == 0
    for path in (journey, note):
        raw = path.read_bytes()
        assert raw.count(b"\n") == raw.count(b"\r\n") > 5, path
    assert journey.read_bytes().decode("utf-8").replace("\r\n", "\n") == format_yaml(COMMENTED)
    assert note.read_bytes() == (b"---\r\ndate: 2026-03-01\r\nscores: {hotline: 1}  # measured"
                                 b"\r\n---\r\n\r\n## Hotline\r\n\r\nWaited   long.\r\n")
    assert main(["fmt", "--check"]) == 0


def test_links_are_followed_and_kept_and_the_mode_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared" / "hotline.yaml"
    shared.parent.mkdir()
    shared.write_text(COMMENTED, "utf-8")
    link = tmp_path / "journeys" / "hotline" / "journey.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(os.path.relpath(shared, link.parent))
    private = write_journey(tmp_path / "journeys", "private", COMMENTED)
    private.chmod(0o640)
    monkeypatch.chdir(tmp_path)
    assert main(["fmt"]) == 0
    assert link.is_symlink() and link.resolve() == shared.resolve()
    assert shared.read_text("utf-8") == format_yaml(COMMENTED)
    assert stat.S_IMODE(private.stat().st_mode) == 0o640
    assert private.read_text("utf-8") == format_yaml(COMMENTED)


@pytest.mark.parametrize(("text", "where", "message"), [
    ("title: T\nstages: &s [1]\nagain: *s\n", ":2:9:", "anchors"),
    ("title: [oops\n# comment\n", ":3:1:", "not valid YAML"),
    ("title: T\nstages:\n  - name: S\n    touchpoints: []\n...\n", ":5:1:", "cannot place"),
])
def test_a_file_fmt_cannot_handle_is_left_byte_for_byte_with_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    text: str, where: str, message: str,
) -> None:
    path = write_journey(tmp_path / "journeys", "odd", text)
    before = path.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert main(["fmt"]) == 1
    err = capsys.readouterr().err
    assert f"error: journeys/odd/journey.yaml{where}" in err and message in err
    assert path.read_bytes() == before


def test_evaluation_front_matter_keeps_its_header_and_comments() -> None:
    note = ("---\n# measured by the mystery shoppers\nscores:\n  b: 1  # late\n  a: -1\n"
            "date: 2026-03-01   # the visit\n---\nBody # not a comment\n")
    result = format_evaluation(note)
    assert result == ("---\n# measured by the mystery shoppers\ndate: 2026-03-01   # the visit\n"
                      "scores:\n  b: 1  # late\n  a: -1\n---\nBody # not a comment\n")


# --- property: random journeys with comments everywhere ----------------------------------

def _last_line(node: Node) -> int:
    if isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _last_line(last[1] if isinstance(node, MappingNode) else last)
    end = node.end_mark
    return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line


def anchors(text: str) -> dict[str, tuple[str, frozenset[object]]]:
    """Where each `# cN` comment sits, in terms of key paths (from ruamel's line numbers).

    ``("on", {path})``: on a line of that key's entry (its key line, or inside its flow value);
    ``("above", paths)``: right above the line where those keys/items start ("header" when no
    content comes before it); ``("after", {path})``: after the last entry of that block
    mapping or list, indented under it.
    """
    lines = text.splitlines()
    entries: list[tuple[tuple[object, ...], int, int]] = []
    blocks: list[tuple[tuple[object, ...], int, int, int]] = []

    def walk(node: Node, path: tuple[object, ...]) -> None:
        if isinstance(node, ScalarNode) or node.flow_style or not node.value:
            return
        if isinstance(node, MappingNode):
            blocks.append((path, node.value[0][0].start_mark.column, node.start_mark.line,
                           _last_line(node)))
            for key, value in node.value:
                entries.append(((*path, key.value), key.start_mark.line, _last_line(value)))
                walk(value, (*path, key.value))
        else:
            blocks.append((path, node.start_mark.column, node.start_mark.line,
                           _last_line(node)))
            for index, item in enumerate(node.value):
                entries.append(((*path, index), item.start_mark.line, _last_line(item)))
                walk(item, (*path, index))

    walk(YAML(typ="rt").compose(text), ())
    content = [i for i, line in enumerate(lines)
               if line.strip() and not line.lstrip().startswith("#")]
    found: dict[str, tuple[str, frozenset[object]]] = {}
    for number, line in enumerate(lines):
        for name in re.findall(r"# (c\d+)\b", line):
            assert name not in found, f"{name} appears twice"
            stripped = line.lstrip()
            if not stripped.startswith("#"):
                around = [e for e in entries if e[1] <= number <= e[2]]
                path = max(around, key=lambda e: (e[1], len(e[0])))[0]
                found[name] = ("on", frozenset([path]))
                continue
            column = len(line) - len(stripped)
            below = next((i for i in content if i > number), None)
            above = next((i for i in reversed(content) if i < number), None)
            if below is not None and len(lines[below]) - len(lines[below].lstrip()) >= column:
                paths = {e[0] for e in entries if e[1] == below}
                found[name] = ("above", frozenset(paths | ({"header"} if above is None else set())))
            else:
                assert above is not None
                under = [b for b in blocks if b[2] <= above <= b[3] and b[1] <= column]
                found[name] = ("after", frozenset([max(under, key=lambda b: len(b[0]))[0]]))
    return found


WORDS = ["Greet", "call back", "Hà Nội", "đặt hàng", "a quick fix", "wait", "IVR menu",
         "pay once"]


class _Writer:
    """Writes a random journey as YAML, keys shuffled, comments `# cN` dropped at random
    places; remembers where each comment was meant to be."""

    def __init__(self, draw: st.DataObject) -> None:
        self.draw = draw.draw
        self.lines: list[str] = []
        self.meant: dict[str, tuple[str, tuple[object, ...]]] = {}
        self.touchpoints = 0

    def maybe(self, kind: str, path: tuple[object, ...]) -> str:
        """`# cN` (remembered as meant for ``path``) a quarter of the time, else ''."""
        if not self.draw(st.sampled_from([False, False, False, True])):
            return ""
        name = f"c{len(self.meant) + 1}"
        self.meant[name] = (kind, path)
        return f"# {name}"

    def own_line(self, column: int, kind: str, path: tuple[object, ...]) -> None:
        comment = self.maybe(kind, path)
        if comment:
            if self.draw(st.booleans()):
                self.lines.append("")
            self.lines.append(" " * column + comment)

    def text(self) -> str:
        word = self.draw(st.sampled_from(WORDS))
        style = self.draw(st.sampled_from(["plain", "single", "double"]))
        return {"plain": word, "single": f"'{word}'", "double": f'"{word}"'}[style]

    # Values: ("scalar", text) | ("flow", [texts]) | ("fmap", [(k, text)]) | ("folded", text)
    #         | ("map", [(key, value)]) | ("seq", [value])

    def journey(self) -> list[tuple[str, object]]:
        entries: list[tuple[str, object]] = [("title", ("scalar", self.text()))]
        if self.draw(st.booleans()):
            entries.append(("summary", ("folded", "A folded summary\nover two lines.")))
        if self.draw(st.booleans()):
            entries.append(("persona", ("map", [("name", ("scalar", "Hà")),
                                                ("goals", self.texts())])))
        if self.draw(st.booleans()):
            entries.append(("schema", ("scalar", "1")))
        stages = [self.stage(i) for i in range(self.draw(st.integers(1, 2)))]
        entries.append(("stages", ("seq", stages)))
        return self.draw(st.permutations(entries))

    def stage(self, index: int) -> object:
        entries: list[tuple[str, object]] = [("name", ("scalar", f"Stage {index + 1}"))]
        if self.draw(st.booleans()):
            entries.append(("goal", ("scalar", self.text())))
        touchpoints = [self.touchpoint() for _ in range(self.draw(st.integers(1, 2)))]
        entries.append(("touchpoints", ("seq", touchpoints)))
        return ("map", self.draw(st.permutations(entries)))

    def touchpoint(self) -> object:
        self.touchpoints += 1
        entries: list[tuple[str, object]] = [
            ("name", ("scalar", f"Điểm chạm {self.touchpoints}")),
            ("emotion", ("scalar", str(self.draw(st.integers(-2, 2))))),
        ]
        if self.draw(st.booleans()):
            entries.append(("target", ("scalar", "1")))
        if self.draw(st.booleans()):
            entries.append(("checklist", self.texts()))
        if self.draw(st.booleans()):
            entries.append(("expects", self.texts()))
        if self.draw(st.booleans()):
            entries.append(("desired", ("fmap", [("think", self.text()), ("feel", self.text())])
                            if self.draw(st.booleans()) else
                            ("map", [("feel", ("scalar", self.text())),
                                     ("do", ("scalar", self.text()))])))
        if self.draw(st.booleans()):
            entries.append(("improvements", ("seq", [
                ("map", self.draw(st.permutations([("status", ("scalar", "done")),
                                                   ("action", ("scalar", self.text()))])))])))
        return ("map", self.draw(st.permutations(entries)))

    def texts(self) -> object:
        items = [self.text() for _ in range(self.draw(st.integers(1, 3)))]
        return ("flow", items) if self.draw(st.booleans()) else (
            "seq", [("scalar", item) for item in items])

    # -- writing ------------------------------------------------------------------------

    def mapping(self, entries: list[tuple[str, object]], column: int,
                path: tuple[object, ...], dash: str = "") -> None:
        for index, (key, value) in enumerate(entries):
            here = (*path, key)
            if dash and index == 0:
                start = dash  # the sequence wrote this item's own-line comments
            else:
                self.own_line(column, "above", here)
                start = " " * column
            self.value(f"{start}{key}:", value, column, here)
        self.own_line(column, "after", path)

    def sequence(self, items: list[object], column: int, path: tuple[object, ...]) -> None:
        for index, item in enumerate(items):
            here = (*path, index)
            self.own_line(column, "above", here)
            if item[0] == "map":
                self.mapping(item[1], column + 2, here, dash=" " * column + "- ")
            else:
                self.lines.append(f"{' ' * column}- {item[1]}"
                                  + self.spaced(self.maybe("on", here)))
        self.own_line(column, "after", path)

    def spaced(self, comment: str) -> str:
        return " " * self.draw(st.integers(1, 3)) + comment if comment else ""

    def value(self, head: str, value: object, column: int, here: tuple[object, ...]) -> None:
        kind, body = value
        if kind in ("map", "seq"):
            self.lines.append(head + self.spaced(self.maybe("on", here)))
            inner = column + self.draw(st.sampled_from([2, 4]))
            if kind == "map":
                self.mapping(body, inner, here)
            else:
                self.sequence(body, inner, here)
            return
        if kind == "folded":
            self.lines.append(f"{head} >-" + self.spaced(self.maybe("on", here)))
            self.lines += [" " * (column + 2) + part for part in body.split("\n")]
            return
        if kind in ("flow", "fmap"):
            items = body if kind == "flow" else [f"{k}: {v}" for k, v in body]
            opening, closing = ("[", "]") if kind == "flow" else ("{", "}")
            line = f"{head} {opening}"
            for position, item in enumerate(items):
                line += item + ("," if position < len(items) - 1 else "")
                comment = self.maybe("on", here)
                if comment:  # inside the flow collection, after this item
                    self.lines.append(f"{line} {comment}")
                    line = " " * (column + 4)
                elif position < len(items) - 1:
                    line += " "
            self.lines.append(line + closing + self.spaced(self.maybe("on", here)))
            return
        self.lines.append(f"{head} {body}" + self.spaced(self.maybe("on", here)))

    def write(self) -> str:
        header = self.maybe("header", ())
        if header:
            self.lines += [header, ""]
        self.mapping(self.journey(), 0, ())
        return "\n".join(self.lines) + "\n"


EXAMPLES = 60 if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci" else settings().max_examples


@pytest.mark.slow
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(st.data())
def test_every_comment_stays_next_to_the_same_key(draw: st.DataObject) -> None:
    writer = _Writer(draw)
    text = writer.write()
    journey, problems = parse_journey(text, "journey.yaml", "random")
    assert journey is not None, problems
    before = anchors(text)
    for name, (kind, path) in writer.meant.items():  # the helper reads the input as meant
        assert (kind == "header" and "header" in before[name][1]) or (
            before[name][0] == kind and path in before[name][1]), (name, before[name])

    result = format_yaml(text)

    assert data(result) == data(text)
    assert sorted(re.findall(r"# (c\d+)\b", result)) == sorted(writer.meant)
    after = anchors(result)
    for name, (kind, paths) in before.items():
        assert after[name][0] == kind and paths & after[name][1], (name, before[name],
                                                                   after[name])
    assert format_yaml(result) == result
