"""Puts the pinned form editor (Decap CMS) inside the package when it is built.

Everything else about the package is in pyproject.toml. A team's playbook turns the form
editor on with `cms: true` and builds with Python alone, so the wheel carries the editor's
prebuilt bundle: `decap-cms.js`, the chunks and WebAssembly it loads from beside itself, its
third-party licence notices and its package.json. They come from the npm registry's tarball of
the version pinned in `plugins/journeybook/authoring/decap-cms.json`, which also holds the
tarball's SHA-256 and each shipped file's SHA-256: a download or a `node_modules` copy that
does not match is refused, and the build stops.

Where the bundle comes from, in order: the files already in the package folder (a previous
build, or an sdist, which carries them) when they match; `node_modules/decap-cms` after
`npm ci` when it matches; the tarball at ``JOURNEYBOOK_DECAP_TARBALL`` (a local path, for a
build without network); the registry.

To move to another Decap CMS release: pin it in package.json, `npm install`, then
`python setup.py pin-decap` rewrites decap-cms.json from the registry's tarball (review the
change like code).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
PIN = HERE / "plugins" / "journeybook" / "authoring" / "decap-cms.json"
TARGET = HERE / "plugins" / "journeybook" / "authoring" / "decap-cms"
NODE_PACKAGE = HERE / "node_modules" / "decap-cms"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _matches(folder: Path, files: dict[str, str]) -> bool:
    return all((folder / name).is_file() and _sha256((folder / name).read_bytes()) == digest
               for name, digest in files.items())


def _from_tarball(data: bytes, names: list[str]) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        found = {}
        for name in names:
            member = archive.extractfile(f"package/{_source(name)}")
            if member is None:
                raise SystemExit(f"decap-cms tarball: {name} is missing")
            found[name] = member.read()
    return found


def _source(name: str) -> str:
    # Shipped flat; package.json sits at the package's top, everything else in dist/.
    return name if name == "package.json" else f"dist/{name}"


def _tarball(pin: dict[str, object]) -> bytes:
    local = os.environ.get("JOURNEYBOOK_DECAP_TARBALL")
    if local:
        data = Path(local).read_bytes()
    else:
        url = str(pin["tarball"])
        print(f"journeybook: downloading {url}", file=sys.stderr)
        with urllib.request.urlopen(url, timeout=120) as response:
            data = response.read()
    if _sha256(data) != pin["sha256"]:
        raise SystemExit(f"decap-cms tarball: SHA-256 {_sha256(data)} is not the pinned "
                         f"{pin['sha256']} ({PIN.name}); refusing to ship it")
    return data


def vendor_decap() -> None:
    """Make TARGET hold exactly the pinned files, verified."""
    pin = json.loads(PIN.read_text("utf-8"))
    files: dict[str, str] = pin["files"]
    if _matches(TARGET, files):
        return
    if _matches(NODE_PACKAGE, {_source(name): digest for name, digest in files.items()}):
        contents = {name: (NODE_PACKAGE / _source(name)).read_bytes() for name in files}
    else:
        contents = _from_tarball(_tarball(pin), list(files))
    for name, data in contents.items():
        if _sha256(data) != files[name]:
            raise SystemExit(f"decap-cms {pin['version']}: {name} does not match its pinned "
                             f"SHA-256 ({PIN.name}); refusing to ship it")
    # Written beside the target and swapped in: a build stopped half-way leaves no half set.
    staging = Path(tempfile.mkdtemp(prefix=".decap-", dir=TARGET.parent))
    for name, data in contents.items():
        (staging / name).write_bytes(data)
    old = Path(tempfile.mkdtemp(prefix=".decap-old-", dir=TARGET.parent))
    try:
        if TARGET.exists():
            TARGET.rename(old / "decap-cms")
        staging.rename(TARGET)
    except OSError:
        # Another build of this tree swapped its own verified copy in first: that one will do.
        if not _matches(TARGET, files):
            raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)


def pin_decap() -> None:
    """Rewrite the pin from package-lock.json's decap-cms and the registry's tarball."""
    lock = json.loads((HERE / "package-lock.json").read_text("utf-8"))
    package = lock["packages"]["node_modules/decap-cms"]
    # The lock records no download address (npm's registry is implied).
    url = package.get("resolved") or (
        f"https://registry.npmjs.org/decap-cms/-/decap-cms-{package['version']}.tgz")
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if integrity != package["integrity"]:
        raise SystemExit("the tarball does not match package-lock.json's integrity")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        dist = sorted(m.name.removeprefix("package/dist/") for m in archive.getmembers()
                      if m.name.startswith("package/dist/")
                      and (m.name.endswith("decap-cms.js") or m.name.endswith(".wasm")
                           or m.name.endswith("decap-cms.js.LICENSE.txt")))
    names = [*dist, "package.json"]
    contents = _from_tarball(data, names)
    PIN.write_text(json.dumps({
        "comment": "The form editor shipped in the package (see setup.py). Generated by "
                   "`python setup.py pin-decap`; do not edit by hand.",
        "package": "decap-cms", "version": package["version"], "license": "MIT",
        "tarball": url, "sha256": _sha256(data), "integrity": package["integrity"],
        "files": {name: _sha256(contents[name]) for name in names},
    }, indent=2) + "\n", "utf-8")
    print(f"pinned decap-cms {package['version']}: {len(names)} files", file=sys.stderr)


class BuildPy(build_py):
    def run(self) -> None:
        vendor_decap()
        super().run()


class Sdist(sdist):
    def run(self) -> None:
        vendor_decap()
        super().run()


if __name__ == "__main__" and sys.argv[1:] == ["pin-decap"]:
    pin_decap()
else:
    setup(cmdclass={"build_py": BuildPy, "sdist": Sdist})
