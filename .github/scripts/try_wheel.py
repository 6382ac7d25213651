"""Try a built wheel the way a team meets it: installed alone in a fresh virtual environment,
run from an empty folder with no source tree and no Node.js on the PATH.

For each language (vi, en), with and without the form editor, `journeybook init` writes a
playbook; it must pass `journeybook check` and `journeybook fmt --check` and build with
`mkdocs build --strict`; with the form editor its site must carry Decap CMS at admin/, every
file as pinned. The release workflow runs this on the wheel it is about to publish, and the
test suite runs it on the wheel it builds (tests/test_team.py).

    python .github/scripts/try_wheel.py dist/journeybook-0.2.0-py3-none-any.whl
    python .github/scripts/try_wheel.py WHEEL --venv DIR   # reuse DIR if it has the wheel

Exit status 0 when every step passed; otherwise the failing step's output and 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

REPO_URL = "https://github.com/example/playbook"
#: Programs the steps may run besides the virtual environment's: git (the page of changes).
TOOLS = ("git",)


class Failed(Exception):
    pass


def bin_dir(env_dir: Path) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin")


def install(wheel: Path, env_dir: Path) -> None:
    """A fresh environment holding the wheel and what it depends on, nothing else."""
    venv.create(env_dir, with_pip=True, clear=True)
    python = bin_dir(env_dir) / "python"
    run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(wheel)], Path(tempfile.gettempdir()), os.environ.copy())


def team_environment(env_dir: Path, tools: Path) -> dict[str, str]:
    """The environment a team's command runs in: the virtual environment and git on the
    PATH, no PYTHONPATH, no Node.js."""
    tools.mkdir(parents=True, exist_ok=True)
    for name in TOOLS:
        found = shutil.which(name)
        if found and not (tools / name).exists():
            (tools / name).symlink_to(found)
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "NODE_PATH")}
    env["PATH"] = os.pathsep.join([str(bin_dir(env_dir)), str(tools)])
    env["VIRTUAL_ENV"] = str(env_dir)
    env["NO_MKDOCS_2_WARNING"] = "1"
    for program in ("node", "npm", "npx"):
        if shutil.which(program, path=env["PATH"]):
            raise Failed(f"{program} is on the team's PATH; the test needs it absent")
    return env


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise Failed(f"$ {' '.join(command)}  (in {cwd})\n{result.stdout}{result.stderr}")
    return result.stdout + result.stderr


def check_admin(site: Path, env: dict[str, str], cwd: Path) -> None:
    """admin/ holds the editor, each file with the SHA-256 the package pins."""
    pin = json.loads(run(["python", "-c",
                          "from journeybook.authoring.cms_bundle import PIN; "
                          "print(PIN.read_text('utf-8'))"], cwd, env))
    for name, digest in pin["files"].items():
        path = site / "admin" / name
        if not path.is_file():
            raise Failed(f"{path} is missing from the built site")
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise Failed(f"{path} differs from the pinned Decap CMS {pin['version']}")
    for name in ("index.html", "config.yml"):
        if not (site / "admin" / name).is_file():
            raise Failed(f"{site / 'admin' / name} is missing")


def try_playbook(work: Path, env: dict[str, str], language: str, cms: bool) -> str:
    name = f"playbook-{language}{'-cms' if cms else ''}"
    command = ["journeybook", "init", name, "--language", language]
    if cms:
        command += ["--cms", "--repo-url", REPO_URL]
    run(command, work, env)
    folder = work / name
    run(["journeybook", "check"], folder, env)
    run(["journeybook", "fmt", "--check"], folder, env)
    run(["mkdocs", "build", "--strict"], folder, env)
    site = folder / "site"
    if cms:
        check_admin(site, env, folder)
    elif (site / "admin").exists():
        raise Failed(f"{site / 'admin'} exists although the form editor is off")
    pages = sum(1 for _ in site.rglob("index.html"))
    return f"{name}: init, check, fmt --check, mkdocs build --strict ({pages} pages)" + (
        ", admin/ as pinned" if cms else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path)
    parser.add_argument("--venv", type=Path, help="use this environment (created when missing)")
    args = parser.parse_args(argv)
    wheel = args.wheel.resolve()
    with tempfile.TemporaryDirectory(prefix="journeybook-try-wheel-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        env_dir = args.venv.resolve() if args.venv else Path(tmp) / "venv"
        try:
            if not (bin_dir(env_dir) / "journeybook").exists():
                install(wheel, env_dir)
            env = team_environment(env_dir, Path(tmp) / "tools")
            where = run(["python", "-c", "import journeybook; print(journeybook.__file__)"],
                        work, env).strip()
            if not Path(where).resolve().is_relative_to(env_dir.resolve()):
                raise Failed(f"journeybook was imported from {where}, not from {env_dir}")
            for language in ("vi", "en"):
                for cms in (False, True):
                    print(try_playbook(work, env, language, cms), flush=True)
        except Failed as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 1
    print(f"ok: {wheel.name} works as a team gets it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
