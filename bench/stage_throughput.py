"""Throughput of the corpus stages (extraction, vocabulary, tokens, counting, merging) on a
WikiExtractor extract at several sizes and core counts: the workflow's own jobs (target `counts`
of a preset), each size and core count from an empty directory, timed by Snakemake's benchmark
files.

    python bench/stage_throughput.py PATH/enwiki-extract --configfile config/wikiextractor-paper.yaml \
        --sizes half whole double --cores 1 2 --workdir /tmp/stages \
        --out bench/results/stage_throughput.csv

Sizes are made of the extract's top folders (WikiExtractor's AA, AB, ...): `half` is the first
half of them, `whole` all of them, `double` all of them and a copy of each (the same articles
twice: right for throughput, not for statistics). Each job is a row: its stage, part, words (the
part's words as extracted, or the whole corpus's for the vocabulary and the merge), wall and CPU
seconds, words per second of wall time, and the run's whole wall time.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml
from csv_rows import append_rows
from snakemake.utils import update_config

from qwemflow.vocab import read_word_counts

REPO = Path(__file__).resolve().parents[1]
# a job's stage from its benchmark file under benchmarks/<corpus>/
STAGES = {
    "text": "extraction",
    "vocab": "vocabulary",
    "tokens": "tokens",
    "counts": "counting",
}
COLUMNS = ("size", "cores", "stage", "part", "words", "wall_s", "cpu_s", "words_per_s", "run_s")


def size_paths(extract: Path, size: str, scratch: Path) -> list[Path]:
    folders = sorted(p for p in extract.iterdir() if p.is_dir() and not p.name.startswith("."))
    if size == "half":
        return folders[: max(1, len(folders) // 2)]
    if size == "whole":
        return folders
    copies = scratch / "copies"
    if not copies.exists():
        for folder in folders:
            shutil.copytree(folder, copies / folder.name)
    return [*folders, copies]


def stage_rows(workdir: Path, corpus: str, size: str, cores: int, run_s: float) -> list[tuple]:
    part_words = {
        path.name.split(".")[0]: sum(read_word_counts(path).values())
        for path in (workdir / "results" / corpus / "text").glob("*.wordcounts.tsv")
    }
    rows = []
    for bench in sorted((workdir / "benchmarks" / corpus).rglob("*.tsv")):
        relative = bench.relative_to(workdir / "benchmarks" / corpus)
        stage = STAGES.get(relative.parts[0])
        if stage is None:
            continue
        part = bench.stem if bench.stem in part_words else "all"
        if stage == "counting" and part == "all":
            stage = "merging"
        words = part_words[part] if part != "all" else sum(part_words.values())
        with open(bench) as source:
            measured = next(csv.DictReader(source, delimiter="\t"))
        wall, cpu = float(measured["s"]), float(measured["cpu_time"])
        rows.append(
            (size, cores, stage, part, words, wall, cpu, round(words / wall), round(run_s, 1))
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", type=Path, help="a WikiExtractor output folder")
    parser.add_argument(
        "--configfile", nargs="+", default=[str(REPO / "config/wikiextractor-paper.yaml")]
    )
    parser.add_argument("--sizes", nargs="+", choices=("half", "whole", "double"), required=True)
    parser.add_argument("--cores", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    for path in args.configfile:
        update_config(config, yaml.safe_load(Path(path).read_text()))
    corpus = config["corpus"]["name"]
    for size in args.sizes:
        paths = size_paths(args.extract.resolve(), size, args.workdir)
        for cores in args.cores:
            workdir = args.workdir / f"{size}-{cores}cores"
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir(parents=True)
            config["corpus"]["local"]["paths"] = [str(p) for p in paths]
            (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
            command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]
            command += ["--directory", str(workdir), "--cores", str(cores), "counts"]
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            run_s = time.perf_counter() - start
            append_rows(args.out, COLUMNS, stage_rows(workdir, corpus, size, cores, run_s))


if __name__ == "__main__":
    main()
