"""How a result was made: the config, the code's git state, package versions and the machine.

Written beside each summary, so a table or figure can be traced to the commit and settings that
produced it, and a rerun a year later can be compared like with like.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

# the distributions whose versions can change a number in the results
PACKAGES = (
    "qwemflow",
    "snakemake",
    "numpy",
    "scipy",
    "pandas",
    "matplotlib",
    "gensim",
    "numba",
    "array-api-compat",
    "torch",
    "cupy",
)


def git_state(repo: str | Path) -> dict:
    """The checkout's commit and whether tracked files differ from it; None for both outside git
    (an unpacked release), since then the package version is the only code identity."""

    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(
                ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    changes = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if changes is None else bool(changes)}


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Installed versions of `names`; the ones not installed are left out."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def run_record(config: dict, git: dict, started: datetime | None = None) -> dict:
    """The provenance record of a run: effective config, git state, versions, machine, time."""
    started = started or datetime.now(UTC)
    return {
        "started": started.isoformat(timespec="seconds"),
        "git": git,
        "packages": package_versions(),
        "platform": {
            "system": platform.platform(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
        },
        "config": config,
    }


def provenance_markdown(record: dict) -> str:
    """The record as a short Markdown section for the summary (the config is in the JSON file)."""
    git = record["git"]
    if git["commit"] is None:
        code = "not a git checkout"
    else:
        code = f"`{git['commit'][:12]}`" + (
            " with uncommitted changes" if git["dirty"] else " (clean)"
        )
    versions = ", ".join(f"{name} {version}" for name, version in record["packages"].items())
    machine = record["platform"]
    return "\n".join(
        [
            "## Provenance",
            "",
            f"- Started: {record['started']}",
            f"- Code: {code}",
            f"- Packages: {versions}",
            f"- Machine: {machine['system']}, {machine['cpus']} CPUs",
            "- Config: the effective config is in `provenance.json` beside this summary",
            "",
        ]
    )
