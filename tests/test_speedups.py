"""The linear stand-ins for library loops give exactly the libraries' results.

(How fast they are is measured by `benchmarks/long_note.py`, not here.)
"""

from __future__ import annotations

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.structure.toc import get_toc

from journeybook.site.speedups import LinearMarkdown, linear_search_index

from .conftest import examples

EXTENSIONS = ["abbr", "attr_list", "tables", "toc", "admonition", "pymdownx.superfences",
              "pymdownx.details", "pymdownx.tasklist"]

words = st.sampled_from(["NPS", "CSAT", "IVR", "khách", "gọi", "**đậm**", "`mã`", "NPS.",
                         "(CSAT)", "a", "b"])
line = st.lists(words, min_size=1, max_size=8).map(" ".join)
block = st.one_of(
    line,
    st.lists(line, min_size=1, max_size=4).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.lists(line, min_size=1, max_size=3).map(lambda ls: "```\n" + "\n".join(ls) + "\n```"),
    st.lists(line, min_size=1, max_size=3).map(lambda ls: "~~~text\n" + "\n".join(ls) + "\n~~~"),
    line.map(lambda text: f"## {text}"),
    line.map(lambda text: f"> {text}"),
    line.map(lambda text: f'!!! note "{text}"\n\n    {text}'),
)
document = st.lists(block, max_size=25).map("\n\n".join).map(
    lambda text: text + "\n\n*[NPS]: Net Promoter Score\n*[CSAT]: Customer satisfaction\n"
                        "*[IVR]: Interactive voice response\n")


@settings(max_examples=examples(150))
@given(text=document)
def test_linear_markdown_renders_exactly_what_the_extensions_render(text: str) -> None:
    plain = markdown.Markdown(extensions=EXTENSIONS).convert(text)
    linear = markdown.Markdown(extensions=[*EXTENSIONS, LinearMarkdown()]).convert(text)
    assert linear == plain


def test_linear_markdown_replaces_only_what_is_there() -> None:
    md = markdown.Markdown(extensions=["toc", LinearMarkdown()])
    assert "abbr" not in md.treeprocessors
    assert md.convert("# a") == '<h1 id="a">a</h1>'


def test_search_finds_the_same_table_of_contents_entry() -> None:
    from material.plugins.search.plugin import SearchIndex

    linear_search_index()
    linear_search_index()  # twice is harmless
    patched = SearchIndex._find_toc_by_id
    original = patched.original
    md = markdown.Markdown(extensions=["toc"])
    md.convert("# A\n\n## B\n\n### C\n\n## B\n\n# D\n\n### E\n\n## F\n")
    toc = get_toc(md.toc_tokens)
    index = SearchIndex()
    for anchor in ["a", "b", "b_1", "c", "d", "e", "f", "missing", ""]:
        assert patched(index, toc, anchor) is original(index, toc, anchor), anchor
    assert patched(index, get_toc([]), "a") is None  # a new page's contents are read anew
