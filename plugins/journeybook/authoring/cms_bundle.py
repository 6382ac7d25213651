"""The form editor's code: Decap CMS, shipped inside this package and copied into the built
site's `admin/`, so the editor loads nothing from a third-party CDN and a playbook builds it
with Python alone (no Node, no `npm ci`).

The files are the pinned npm release's prebuilt bundle, put into the package when it is built
and checked there against the SHA-256 sums in `decap-cms.json` (see setup.py). They are checked
again here, once per process, so that a damaged installation is a clear message instead of an
editor that fails in the browser.

`decap-cms.js` is not one file: it loads its lazy chunks (`NNNN.decap-cms.js`) and two
WebAssembly files from the folder it was loaded from (webpack's automatic public path), so
the whole set goes beside it, with its licence notices.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

#: Where the editor lives in the built site.
ADMIN = "admin"
BUNDLE = "decap-cms.js"
_HERE = Path(__file__).resolve().parent
#: The pin: version, tarball and the SHA-256 of every shipped file.
PIN = _HERE / "decap-cms.json"
#: The shipped files.
FOLDER = _HERE / "decap-cms"


def pinned() -> dict[str, object]:
    """The pin as written in `decap-cms.json` (package, version, files and their SHA-256)."""
    data: dict[str, object] = json.loads(PIN.read_text("utf-8"))
    return data


@functools.cache
def bundle_files() -> dict[str, Path] | None:
    """The files to put in the built site, by their path there (``admin/decap-cms.js``, the
    chunks and WebAssembly it loads, the licence notices and package.json), each with the
    installed file to copy; None when any is missing or differs from its pinned SHA-256."""
    files = pinned()["files"]
    assert isinstance(files, dict)
    found = {}
    for name, digest in files.items():
        path = FOLDER / name
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                return None
        except OSError:
            return None
        found[f"{ADMIN}/{name}"] = path
    return found


def missing_bundle() -> str:
    """The one warning when the editor is on and its files are missing or damaged."""
    return (f"the form editor ({ADMIN}/) needs Decap CMS {pinned()['version']}, which ships "
            f"inside Journeybook, but {FOLDER} is missing or damaged: reinstall Journeybook "
            "(`pip install --force-reinstall journeybook`; in a clone of its repository, "
            "`pip install -e .`), then build again")
