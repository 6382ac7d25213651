"""The form editor's code: Decap CMS as `npm ci` installed it from package.json, copied into
the built site's `admin/` so the editor loads nothing from a third-party CDN.

`dist/decap-cms.js` is not one file: it loads its lazy chunks (`NNNN.decap-cms.js`) and two
WebAssembly files from the folder it was loaded from (webpack's automatic public path), so
the whole set goes beside it.
"""

from __future__ import annotations

from pathlib import Path

#: Where the editor lives in the built site.
ADMIN = "admin"
#: The pinned package and its prebuilt bundle, as `npm ci` lays them out.
PACKAGE = Path("node_modules") / "decap-cms"
BUNDLE = "decap-cms.js"


def _package(project_root: Path) -> Path | None:
    # Found where Node would find it: `node_modules` beside mkdocs.yml or in a folder above,
    # so a playbook in a sub-folder of a repository uses the repository's package.json.
    for folder in (project_root.resolve(), *project_root.resolve().parents):
        if (folder / PACKAGE / "dist" / BUNDLE).is_file():
            return folder / PACKAGE
    return None


def bundle_files(project_root: Path) -> dict[str, Path] | None:
    """The files to put in the built site, by their path there (``admin/decap-cms.js`` and the
    chunks and WebAssembly it loads), each with the installed file to copy; None when
    `npm ci` has not been run. Source maps and the other builds in ``dist/`` are left out."""
    package = _package(project_root)
    if package is None:
        return None
    dist = package / "dist"
    names = [BUNDLE, f"{BUNDLE}.LICENSE.txt",
             *sorted(path.name for path in dist.glob(f"*.{BUNDLE}")),
             *sorted(path.name for path in dist.glob("*.wasm"))]
    return {f"{ADMIN}/{name}": dist / name for name in names if (dist / name).is_file()}


def missing_bundle(project_root: Path) -> str:
    """The one warning when the editor is on and its bundle is not installed: what to run."""
    return (f"the form editor ({ADMIN}/) needs Decap CMS: run `npm ci` in {project_root} "
            "(package.json pins it), then build again")
