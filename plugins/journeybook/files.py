"""Writing files safely: the one atomic writer every part of Journeybook uses."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` beside ``path`` and rename it over the file, so a reader (or a killed
    run) never sees half a file.

    A symbolic link is followed and kept: its target is replaced, the link stays a link. An
    existing file keeps its permission bits. Text is written as UTF-8 exactly as given (no
    newline translation), so a file's line endings are whatever the caller passes.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
        try:
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    # The process umask can only be read by setting it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
