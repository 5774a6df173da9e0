"""Shared fixtures: the bundled real dump and one end-to-end run of the default DAG."""

from __future__ import annotations

import bz2
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qwemflow.sources import BUNDLED_DUMP, gensim_test_data

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def bundled_dump() -> Path:
    return gensim_test_data(BUNDLED_DUMP)


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the repository's workflow with `workdir` as its working directory."""
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


def workflow_dir(path: Path) -> Path:
    """A working directory holding a copy of the default config."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "config.yaml", path / "config.yaml")
    return path


@pytest.fixture(scope="session")
def default_run(tmp_path_factory) -> Path:
    """The default DAG run once, end to end, on the bundled dump; tests read its outputs."""
    workdir = workflow_dir(tmp_path_factory.mktemp("default-run"))
    run_snakemake(workdir, "--cores", "2")
    return workdir


def split_dump(bundled: Path, n_parts: int) -> list[bytes]:
    """The bundled dump cut into n_parts real MediaWiki dumps (whole pages each), as bz2 bytes."""
    xml = bz2.decompress(bundled.read_bytes()).decode("utf-8")
    head, _, rest = xml.partition("  <page>")
    body, _, _ = ("  <page>" + rest).rpartition("</mediawiki>")
    pages = [p for p in body.split("  <page>") if p.strip()]
    size = -(-len(pages) // n_parts)
    return [
        bz2.compress(
            (
                head + "".join("  <page>" + p for p in pages[i : i + size]) + "</mediawiki>\n"
            ).encode()
        )
        for i in range(0, len(pages), size)
    ]


def make_dump_mirror(
    root: Path,
    bundled: Path,
    date: str = "20261101",
    n_parts: int = 2,
    wrong_sha1_part: int | None = None,
) -> None:
    """A directory laid out like dumps.wikimedia.org/enwiki: dated parts, md5/sha1 listings, latest/."""
    dated = root / "enwiki" / date
    dated.mkdir(parents=True)
    listings = {"md5": [], "sha1": []}
    for number, data in enumerate(split_dump(bundled, n_parts), 1):
        name = f"enwiki-{date}-pages-articles-multistream{number}.xml-p{number * 1000}p{number * 1000 + 999}.bz2"
        (dated / name).write_bytes(data)
        sha1 = hashlib.sha1(data).hexdigest()
        if number == wrong_sha1_part:
            sha1 = hashlib.sha1(b"not this file").hexdigest()
        listings["md5"].append(f"{hashlib.md5(data).hexdigest()}  {name}")
        listings["sha1"].append(f"{sha1}  {name}")
    # Other files of a real dump that must not be taken for parts.
    listings["md5"].append(
        f"{'0' * 32}  enwiki-{date}-pages-articles-multistream-index1.txt-p1p41242.bz2"
    )
    listings["sha1"].append(
        f"{'0' * 40}  enwiki-{date}-pages-articles-multistream-index1.txt-p1p41242.bz2"
    )
    latest = root / "enwiki" / "latest"
    latest.mkdir()
    for algorithm, lines in listings.items():
        text = "\n".join(lines) + "\n"
        (dated / f"enwiki-{date}-{algorithm}sums.txt").write_text(text)
        (latest / f"enwiki-latest-{algorithm}sums.txt").write_text(text)


def cuda_torch():
    """PyTorch, on a machine with a CUDA GPU; the calling test is skipped elsewhere."""
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU on this machine")
    return torch
