"""A persistent cache of drawn charts, keyed by a hash of exactly what each chart draws."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

MANIFEST = "manifest.json"


class JourneyCache:
    """Validated journeys as JSON, keyed by a hash of the file's bytes and the loader's code.

    A warm build reads these instead of parsing and validating YAML again.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.used: set[str] = set()

    def get(self, key: str) -> str | None:
        self.used.add(key)
        try:
            return (self.directory / f"{key}.json").read_text("utf-8")
        except OSError:
            return None

    def put(self, key: str, text: str) -> None:
        self.used.add(key)
        self.directory.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.directory / f"{key}.json", text.encode("utf-8"))

    def prune(self) -> None:
        """Forget journeys this build did not ask for."""
        if self.directory.is_dir():
            for path in self.directory.glob("*.json"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)


class ChartCache:
    """Light and dark SVGs of each chart, stored as ``<key>-<variant>.svg`` files.

    ``manifest.json`` lists the keys of the last build; :meth:`keep` drops charts no build
    uses any more, so the folder does not grow while `mkdocs serve` runs for days.
    """

    def __init__(self, directory: Path, variants: tuple[str, ...] = ("light", "dark")) -> None:
        self.directory = directory
        self.variants = variants

    def path(self, key: str, variant: str) -> Path:
        return self.directory / f"{key}-{variant}.svg"

    def has(self, key: str) -> bool:
        return all(self.path(key, v).is_file() for v in self.variants)

    def put(self, key: str, svgs: dict[str, bytes]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for variant in self.variants:
            _write_atomic(self.path(key, variant), svgs[variant])

    def keep(self, keys: set[str]) -> None:
        """Forget every chart whose key is not in ``keys``."""
        if not self.directory.is_dir():
            return
        for path in self.directory.glob("*.svg"):
            if path.name.rsplit("-", 1)[0] not in keys:
                path.unlink(missing_ok=True)
        manifest = json.dumps({"charts": sorted(keys)}, indent=0).encode("utf-8")
        _write_atomic(self.directory / MANIFEST, manifest)


def _write_atomic(path: Path, data: bytes) -> None:
    # Write beside the target, then rename: a reader (or a killed build) never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
