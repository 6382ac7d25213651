"""Search that ignores diacritics: what the site's search index and its worker need.

Staff often type Vietnamese without tone marks ("tong dai" for "tổng đài"). Material's search
(lunr, in a web worker) matches words exactly. Neither offers a setting to fold diacritics,
and its `pipeline` option takes only lunr's built-in steps; but its worker loads a lunr
"language" script for every language named in the index's `config.lang`. So the index names
one more, ``fold``, and the site carries ``lunr.fold.min.js`` (``assets/lunr.fold.js``), which
adds a folding step to the worker's pipelines (see that file). The index itself does not grow.
"""

from __future__ import annotations

import importlib.resources
import json
import unicodedata
from pathlib import Path

from ..files import write_atomic

#: The lunr "language" the worker loads to fold diacritics.
FOLD_LANGUAGE = "fold"
#: Where Material's worker looks for it (next to its own lunr languages).
FOLD_SCRIPT = "assets/javascripts/lunr/min/lunr.fold.min.js"
#: Where Material's search plugin writes the index.
SEARCH_INDEX = "search/search_index.json"


def fold(text: str) -> str:
    """Text without diacritics, as the worker folds it: "Tổng đài" → "Tong dai"."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")
                   ).replace("\u0111", "d").replace("\u0110", "D")


def fold_script() -> bytes:
    return (importlib.resources.files("journeybook") / "site" / "assets"
            / "lunr.fold.js").read_bytes()


#: How Material's search plugin starts the index: its settings come first.
_CONFIG_FIRST = '{"config":'


def fold_search(site_dir: Path) -> bool:
    """Make the built site's search ignore diacritics: name the folding language in the
    search index and add its script. False when the site has no search index of Material's
    (another theme, or search turned off); then nothing is written.

    Runs after every build, `mkdocs serve`'s rebuilds included, and a big playbook's index
    runs to megabytes: only the settings at its start are read and changed, the documents
    are copied through as the search plugin wrote them."""
    index_path = site_dir / SEARCH_INDEX
    worker = site_dir / "assets" / "javascripts" / "workers"
    try:
        text = index_path.read_text("utf-8")
        if not text.startswith(_CONFIG_FIRST):
            return False
        config, end = json.JSONDecoder().raw_decode(text, len(_CONFIG_FIRST))
    except (OSError, ValueError):
        return False
    languages = config.get("lang") if isinstance(config, dict) else None
    if not isinstance(languages, list) or not worker.is_dir():
        return False
    if FOLD_LANGUAGE not in languages:
        config["lang"] = [*languages, FOLD_LANGUAGE]
        settings = json.dumps(config, separators=(",", ":"))
        write_atomic(index_path, _CONFIG_FIRST + settings + text[end:])
    (site_dir / FOLD_SCRIPT).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(site_dir / FOLD_SCRIPT, fold_script())
    return True
