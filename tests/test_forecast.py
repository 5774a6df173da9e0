"""`snakemake forecast`: on empty results it lists exactly the jobs of a dry run (the default
config; the paper preset on the tests' local mirror of a dump), runs and downloads nothing, and
its numbers grow with the corpus and shrink with the cores."""

import csv
import json
from collections import Counter

import pytest
import yaml
from conftest import REPO, enwiki_config, laid_over, make_dump_mirror, run_snakemake, write_config
from http_server import FileServer

from qwemflow.forecast import COLUMNS, forecast, parse_dry_run, schedule
from qwemflow.sources import BUNDLED_DUMP, gensim_test_data

GENSIM = ("word2vec", "tied_word2vec")


def dry_run_counts(workdir, *args) -> Counter:
    """Jobs of each rule in a real dry run of the default target."""
    result = run_snakemake(workdir, "all", "--dry-run", "--cores", "2", *args)
    return Counter(job["rule"] for job in parse_dry_run(result.stdout))


def forecast_rows(workdir, *args) -> tuple[list[dict], dict, str]:
    """`snakemake forecast`: its jobs.csv, summary.json and what it printed."""
    result = run_snakemake(workdir, "forecast", "--cores", "2", *args)
    (folder,) = (workdir / "results").glob("*/forecast")
    with open(folder / "jobs.csv") as source:
        rows = list(csv.DictReader(source))
    return rows, json.loads((folder / "summary.json").read_text()), result.stdout


def made(workdir) -> set:
    """Files under results/ and downloads, the forecast's own left out."""
    return {
        str(path.relative_to(workdir))
        for path in (workdir / "results").rglob("*")
        if path.is_file() and "forecast" not in path.parts
    }


def test_on_empty_results_the_forecast_lists_the_jobs_of_a_dry_run(tmp_path):
    empty, listed = tmp_path / "empty", tmp_path / "listed"
    for workdir in (empty, listed):
        workdir.mkdir()
        write_config(workdir, yaml.safe_load((REPO / "config.yaml").read_text()))
    rows, summary, printed = forecast_rows(empty)
    assert made(empty) == set()  # nothing ran: no manifest, text, download
    assert [list(row) for row in rows[:1]] == [list(COLUMNS)]
    # the dry run needs the checkpoint's manifest to list the parts' jobs: made first (no job of
    # it is listed after), the rest of results/ empty
    run_snakemake(listed, "results/enwiki-sample/raw/manifest.tsv", "--cores", "1")
    expected = dry_run_counts(listed)
    assert Counter(row["rule"] for row in rows) == expected + Counter(corpus_manifest=1)
    assert summary["jobs"] == len(rows) and not any(row["done"] == "True" for row in rows)
    assert summary["remaining_wall_s"] == summary["total_wall_s"] > summary["critical_path_s"] > 0
    assert summary["machine"]["nodes"] == 1 and summary["machine"]["cores_per_node"] == 2
    # every job's benchmark file is its rule's, and the table is printed
    for row in rows:
        if row["rule"] != "all":
            assert row["benchmark"].startswith(
                ("benchmarks/enwiki-sample/", "benchmarks/datasets/")
            )
            assert f"{row['rule']:24} {row['benchmark']}" in printed
    assert "critical path" in printed


def test_the_paper_preset_forecast_lists_the_jobs_of_a_dry_run_on_the_mirror(tmp_path):
    """The enwiki preset against the tests' local dump mirror (2 parts): with its manifest, the
    forecast lists the dry run's jobs; with none and no network, `tokens` gives the parts."""
    preset = str(REPO / "config" / "enwiki-paper.yaml")
    with FileServer(tmp_path / "served") as server:
        make_dump_mirror(server.root / "mirror", gensim_test_data(BUNDLED_DUMP), n_parts=2)
        workdir = tmp_path / "run"
        workdir.mkdir()
        enwiki_config(workdir, server.url("mirror"))
        config = yaml.safe_load((workdir / "config.yaml").read_text())
        config["corpus"]["name"] = "enwiki500"
        mirror = laid_over(yaml.safe_load(open(preset)), {"corpus": config["corpus"]})
        (tmp_path / "mirror.yaml").write_text(yaml.safe_dump(mirror, sort_keys=False))
        args = ("--configfile", str(tmp_path / "mirror.yaml"))
        run_snakemake(workdir, "results/enwiki500/raw/manifest.tsv", "--cores", "1", *args)
        fetched = len(server.requests)
        expected = dry_run_counts(workdir, *args)
        rows, summary, _ = forecast_rows(workdir, *args)
        assert len(server.requests) == fetched  # the forecast downloaded nothing
    assert expected["download_part"] == expected["extract_text"] == 2
    assert Counter(row["rule"] for row in rows) == expected + Counter(corpus_manifest=1)
    assert made(workdir) == {"results/enwiki500/raw/manifest.tsv"}
    done = [row for row in rows if row["done"] == "True"]
    assert [row["rule"] for row in done] == ["corpus_manifest"]
    assert summary["remaining_wall_s"] < summary["total_wall_s"]


def test_the_paper_preset_forecast_needs_no_network(tmp_path):
    """The README's command: the preset with a size and a machine, its dump unreachable."""
    write_config(tmp_path, yaml.safe_load((REPO / "config.yaml").read_text()))
    args = (
        "--configfile",
        str(REPO / "config" / "enwiki-paper.yaml"),
        "--config",
        "forecast={tokens: 2000000000, nodes: 1, cores_per_node: 32}",
        "corpus={enwiki: {base_url: http://127.0.0.1:9}}",
    )
    rows, summary, printed = forecast_rows(tmp_path, *args)
    parts = Counter(row["rule"] for row in rows)["extract_text"]
    assert parts == summary["parts"] > 1 and summary["tokens"] == 2_000_000_000
    assert {row["threads"] for row in rows if row["rule"] in GENSIM} == {"32"}
    assert summary["machine"]["cores_per_node"] == 32
    assert made(tmp_path) == set()
    # goals (bench/README.md, "Forecast"): within 4 h on the node, each gensim job within 1.5 h
    assert summary["critical_path_s"] <= 4 * 3600
    for row in rows:
        if row["rule"] in GENSIM:
            assert float(row["wall_s"]) <= 1.5 * 3600
    assert "2,000,000,000 words" in printed


def test_without_a_manifest_or_a_size_an_enwiki_forecast_says_what_it_needs(tmp_path):
    config = laid_over(
        yaml.safe_load((REPO / "config.yaml").read_text()),
        yaml.safe_load((REPO / "config" / "enwiki-paper.yaml").read_text()),
    )
    with pytest.raises(ValueError, match="forecast=\\{tokens"):
        forecast(config, str(REPO / "Snakefile"), tmp_path, 2)


def test_the_numbers_grow_with_the_corpus_and_shrink_with_the_cores(tmp_path):
    """One dry run's jobs (the preset, 20 parts), forecast for more words and more cores."""
    config = laid_over(
        yaml.safe_load((REPO / "config.yaml").read_text()),
        yaml.safe_load((REPO / "config" / "enwiki-paper.yaml").read_text()),
    )
    config["corpus"]["enwiki"]["parts"] = 20
    snakefile = str(REPO / "Snakefile")

    def summary(tokens, cores, nodes=1, jobs=None):
        config["forecast"] = {"tokens": tokens, "nodes": nodes, "cores_per_node": cores}
        table, result = forecast(config, snakefile, tmp_path, cores, jobs=jobs)
        return table, result

    table, small = summary(10**9, 16)
    jobs = [{**row, "threads": 32 if row["rule"] in GENSIM else row["threads"]} for row in table]
    _, large = summary(4 * 10**9, 16, jobs=jobs)
    _, wide = summary(10**9, 32, jobs=jobs)
    _, cluster = summary(10**9, 32, nodes=8, jobs=jobs)
    for key in ("critical_path_s", "total_wall_s", "disk_mb"):
        assert large[key] > small[key], key
    assert wide["critical_path_s"] < small["critical_path_s"]
    assert cluster["critical_path_s"] < wide["critical_path_s"]
    assert wide["stages"]["word2vec"]["wall_s"] < small["stages"]["word2vec"]["wall_s"]
    assert cluster["critical_path_s"] >= max(row["wall_s"] for row in table)


def job(name, wall_s, threads=1, inputs=(), priority=0):
    return {
        "rule": name,
        "input": [f"{i}.out" for i in inputs],
        "output": [f"{name}.out"],
        "threads": threads,
        "wall_s": wall_s,
        "priority": priority,
    }


def test_the_schedule_keeps_dependencies_threads_and_priorities():
    jobs = [
        job("a", 10),
        job("b", 5, inputs=["a"]),
        job("c", 20, threads=4),
        job("d", 1, inputs=["b", "c"]),
        job("download_part", 7),
        job("e", 2, priority=10),
    ]
    makespan, start = schedule(jobs, nodes=1, cores_per_node=4)
    when = dict(zip((j["rule"] for j in jobs), start, strict=True))
    assert when["e"] == 0  # the highest priority first
    assert when["b"] >= when["a"] + 10 and when["d"] >= max(when["b"] + 5, when["c"] + 20)
    # c needs the whole node: it waits for the one-core jobs running beside it to end
    assert when["c"] >= 2 and not (when["a"] < when["c"] < when["a"] + 10)
    assert makespan == max(s + j["wall_s"] for s, j in zip(start, jobs, strict=True))
    # on two nodes c runs beside the chain a, b
    wide, start = schedule(jobs, nodes=2, cores_per_node=4)
    assert wide == 20 + 1 < makespan
