"""Reading journey files as they were at a git revision, without checking anything out."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """git failed; the message is git's own explanation."""


def _git(repo: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                                encoding="utf-8", errors="replace", check=False)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if result.returncode != 0:
        raise GitError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result.stdout


def repository_root(folder: Path) -> Path:
    return Path(_git(folder, "rev-parse", "--show-toplevel").strip())


def files_at(repo: Path, ref: str, folder: str) -> list[str]:
    """Paths (relative to the repository) of every file under ``folder`` at ``ref``."""
    _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    listing = _git(repo, "ls-tree", "-r", "--name-only", "-z", ref, "--", folder)
    return [path for path in listing.split("\0") if path]


def read_at(repo: Path, ref: str, path: str) -> str:
    return _git(repo, "show", f"{ref}:{path}")
