"""`snakemake forecast`: every job of the default target's DAG with its expected wall time, memory
and disk (qwemflow.runtime, the cost model of the cluster requests), whether it is done, and a
schedule of them on the assumed machine: the critical path, the total, what remains.

The jobs are those of a real dry run: Snakemake itself builds the DAG of `all` in an empty
scratch directory holding only the corpus's manifest (the checkpoint that decides the parts), so
that every job is listed whether or not its outputs exist here. The manifest is this run's where
it exists, else made as corpus_manifest would make it without a download (local files, the bundled
sample, text8, the synthetic parts), or, for a Wikipedia dump whose listing is not here, parts
of ENWIKI_PART_WORDS words each."""

from __future__ import annotations

import csv
import heapq
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from qwemflow import runtime
from qwemflow.sources import (
    BUNDLED_DUMP,
    gensim_test_data,
    local_manifest,
    read_manifest,
    single_file_manifest,
    write_manifest,
)

# A Wikipedia dump part file's words (an assumption, not measured: about 2.2 billion words of
# articles in some 63 pages-articles-multistream files), for a dump whose listing is not here
ENWIKI_PART_WORDS = 35e6
# A Wikipedia dump's bz2 bytes for a word of the articles kept (an assumption: the 2026 dumps hold
# about 22 GB of parts for about 2 billion words in articles of at least 500 words)
ENWIKI_DUMP_BYTES_PER_WORD = 11.0
# text8: 17,005,207 words in one file
TEXT8_WORDS = 17_005_207
# jobs that share the network (they run where Snakemake runs: localrules)
DOWNLOADS = {"download_part", "men_dataset", "corpus_manifest"}
COLUMNS = ("rule", "benchmark", "threads", "wall_s", "mem_mb", "disk_mb", "done")


def manifest_path(corpus: str) -> str:
    return f"results/{corpus}/raw/manifest.tsv"


def source_manifest(config: dict, workdir: Path, tokens: float | None) -> list[dict]:
    """The corpus's manifest: this run's where it exists, else made without any download."""
    corpus = config["corpus"]
    existing = workdir / manifest_path(corpus["name"])
    if existing.exists():
        return read_manifest(existing)
    source = corpus["source"]
    if source == "enwiki-sample":
        return local_manifest([gensim_test_data(BUNDLED_DUMP)])
    if source == "local":
        return local_manifest(corpus["local"]["paths"], corpus["local"]["part_mb"])
    if source == "text8":
        settings = corpus["text8"]
        return single_file_manifest(settings["url"], "text8.zip", settings["size"])
    if source == "synthetic":
        from qwemflow.synthetic import SyntheticCorpus, synthetic_manifest

        return synthetic_manifest(SyntheticCorpus.from_config(corpus["synthetic"]))
    if tokens is None:
        raise ValueError(
            f"forecast: the manifest of corpus {corpus['name']} ({existing}) is not here and the"
            " dump's listing is not downloaded by a forecast: give the corpus's words, e.g."
            " --config 'forecast={tokens: 2000000000}', or run"
            f" `snakemake {existing}` first"
        )
    parts = max(1, math.ceil(tokens / ENWIKI_PART_WORDS))
    if corpus["enwiki"]["parts"] is not None:
        parts = min(parts, corpus["enwiki"]["parts"])
    return [
        {
            "part": f"{part:03d}",
            "filename": f"enwiki-forecast-pages-articles-multistream{part}.xml-p{part}p{part}.bz2",
            "url": f"{corpus['enwiki']['base_url']}/enwiki/forecast/{part}",
            "size": "",
            "md5": "",
            "sha1": "",
        }
        for part in range(1, parts + 1)
    ]


def part_words(config: dict, workdir: Path, rows: list[dict], tokens: float | None) -> dict:
    """Words of each part: from its extracted text's word counts where all exist (and no
    forecast.tokens is given), else `tokens` or the source's size shared by the parts' sizes."""
    from qwemflow.vocab import read_word_counts

    corpus = config["corpus"]["name"]
    parts = list(dict.fromkeys(row["part"] for row in rows))
    counts = {part: workdir / f"results/{corpus}/text/{part}.wordcounts.tsv" for part in parts}
    if tokens is None and all(path.exists() for path in counts.values()):
        return {part: sum(read_word_counts(path).values()) for part, path in counts.items()}
    source = config["corpus"]["source"]
    estimate = {}
    for part in parts:
        mine = [row for row in rows if row["part"] == part]
        if source == "synthetic":
            estimate[part] = sum(int(row["size"]) for row in mine)
        elif source == "text8":
            estimate[part] = TEXT8_WORDS
        elif all(str(row["size"]).strip() for row in mine):
            names = [row["filename"] for row in mine]
            estimate[part], _ = runtime.source_words(names, [int(row["size"]) for row in mine])
        else:
            estimate[part] = ENWIKI_PART_WORDS
    if tokens is not None:
        total = sum(estimate.values()) or 1
        estimate = {part: tokens * words / total for part, words in estimate.items()}
    return estimate


JOB = re.compile(r"^(?:local)?(?:rule|checkpoint) (\S+):$")


def parse_dry_run(text: str) -> list[dict]:
    """The jobs a `snakemake --dry-run` printed: rule, input, output, benchmark, wildcards,
    threads."""
    jobs, job = [], None
    for line in text.splitlines():
        match = JOB.match(line.strip()) if not line.startswith(" ") else None
        if match:
            job = {"rule": match.group(1), "input": [], "output": [], "benchmark": ""}
            job.update(wildcards={}, threads=1)
            jobs.append(job)
            continue
        if job is None or not line.startswith("    "):
            job = None if not line.startswith("    ") else job
            continue
        key, _, value = line.strip().partition(": ")
        if key in ("input", "output"):
            job[key] = [path for path in value.split(", ") if path]
        elif key == "benchmark":
            job["benchmark"] = value
        elif key == "threads":
            job["threads"] = int(value)
        elif key == "priority":
            job["priority"] = int(value)
        elif key == "wildcards":
            job["wildcards"] = dict(item.split("=", 1) for item in value.split(", "))
    return jobs


def dry_run_jobs(config: dict, snakefile: str, rows: list[dict], cores: int) -> list[dict]:
    """The jobs of `all` from empty results, listed by Snakemake's dry run in a scratch directory
    that holds only `rows` as the corpus's manifest, on a node of `cores` cores (a rule's threads
    are capped at it); the checkpoint that writes the manifest is added."""
    with tempfile.TemporaryDirectory(prefix="qwemflow-forecast-") as scratch:
        scratch = Path(scratch)
        manifest = scratch / manifest_path(config["corpus"]["name"])
        manifest.parent.mkdir(parents=True)
        write_manifest(rows, manifest)
        (scratch / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        command = [
            sys.executable,
            "-m",
            "snakemake",
            "all",
            "--snakefile",
            str(snakefile),
            "--directory",
            str(scratch),
            "--configfile",
            str(scratch / "config.yaml"),
            "--dry-run",
            "--cores",
            str(cores),
            "--nolock",
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"forecast: the dry run failed ({' '.join(command)}):\n{result.stderr[-4000:]}"
            )
    jobs = parse_dry_run(result.stdout)
    corpus = config["corpus"]["name"]
    manifest_job = {
        "rule": "corpus_manifest",
        "input": [],
        "output": [manifest_path(corpus)],
        "benchmark": f"benchmarks/{corpus}/raw/manifest.tsv",
        "wildcards": {"corpus": corpus},
        "threads": 1,
    }
    return [manifest_job, *jobs]


def job_sizes(job: dict, config: dict, rows: list[dict], words: dict, counts) -> dict:
    """The sizes the cost model needs of one job, from the forecast's corpus."""
    wildcards = job["wildcards"]
    vocab_size = int(wildcards.get("V", config["vocab_size"]))
    tokens = sum(words.values())
    share = runtime.vocab_share(vocab_size)
    if counts is not None and len(counts) == vocab_size:
        share = sum(counts) / tokens if tokens else share
    sizes = {"tokens": tokens, "parts": len(words)}
    part = wildcards.get("part")
    if part is not None and part in words:
        sizes["part_tokens"] = words[part]
        sizes["part_vocab_tokens"] = words[part] * share
        mine = [row for row in rows if row["part"] == part]
        sizes["mediawiki"] = config["corpus"]["source"] in ("enwiki", "enwiki-sample") or any(
            ".xml" in row["filename"] for row in mine
        )
    if part is not None and part in words:
        known = [row for row in rows if row["part"] == part and str(row["size"]).strip()]
        if config["corpus"]["source"] == "enwiki" or not known:
            sizes["source_bytes"] = words[part] * ENWIKI_DUMP_BYTES_PER_WORD
            sizes["parsed_words"] = sizes["source_bytes"] / runtime.MEDIAWIKI_BZ2_BYTES_PER_WORD
        elif config["corpus"]["source"] != "synthetic":
            names, bytes_ = [r["filename"] for r in known], [int(r["size"]) for r in known]
            sizes["source_bytes"] = sum(bytes_)
            sizes["parsed_words"], _ = runtime.source_words(names, bytes_)
    if "filename" in wildcards:
        row = next((row for row in rows if row["filename"] == wildcards["filename"]), None)
        if row is not None and str(row["size"]).strip():
            sizes["source_bytes"] = int(row["size"])
        elif row is not None:
            sizes["source_bytes"] = words.get(row["part"], 0) * ENWIKI_DUMP_BYTES_PER_WORD
    if "words" in wildcards:  # a prefix corpus (the scale study)
        sizes["part_tokens"] = int(wildcards["words"])
    sizes["wordcounts_mb"] = sum(runtime.wordcounts_mb(w) for w in words.values())
    sizes["max_part_vocab_tokens"] = max(words.values(), default=0) * share
    sizes["vocab_tokens"] = tokens * share
    if counts is not None and len(counts) == vocab_size:
        sizes["counts"] = counts
    return sizes


def schedule(jobs: list[dict], nodes: int, cores_per_node: int) -> tuple[float, list[float]]:
    """A list schedule of the jobs on `nodes` nodes of `cores_per_node` cores: each ready job,
    longest remaining chain first, starts on the first node with its threads free, after every
    job whose output it reads (Snakemake's priority first, then the longest chain to the end);
    the downloads take turns on the network. Returns the makespan and
    each job's start."""
    producer = {path: index for index, job in enumerate(jobs) for path in job["output"]}
    parents = [
        {producer[path] for path in job["input"] if path in producer} - {index}
        for index, job in enumerate(jobs)
    ]
    children = [[] for _ in jobs]
    for index, before in enumerate(parents):
        for parent in before:
            children[parent].append(index)
    order = topological(parents)
    chain = [0.0] * len(jobs)  # the longest path from a job to the end
    for index in reversed(order):
        chain[index] = jobs[index]["wall_s"] + max((chain[c] for c in children[index]), default=0)
    waiting = [len(before) for before in parents]
    # the downloads share the network: one at a time, in a lane of their own (node `nodes`)
    free = [cores_per_node] * nodes + [1]
    start = [0.0] * len(jobs)
    # Snakemake's priority first (the counts' 10 before gensim's 1), then the longest chain
    ready = [
        (-jobs[i].get("priority", 0), -chain[i], i) for i in range(len(jobs)) if not waiting[i]
    ]
    heapq.heapify(ready)
    running: list[tuple[float, int, int]] = []  # (end, job, node)
    while ready or running:
        now = running[0][0] if running else 0.0
        if running:
            _, index, node = heapq.heappop(running)
            free[node] += 1 if node == nodes else min(jobs[index]["threads"], cores_per_node)
            for child in children[index]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    heapq.heappush(ready, (-jobs[child].get("priority", 0), -chain[child], child))
        if running and running[0][0] <= now:
            continue  # every job that ends now frees its cores first
        waiting_for_cores = []
        while ready:
            key = heapq.heappop(ready)
            index = key[-1]
            threads = min(jobs[index]["threads"], cores_per_node)
            node = max(range(nodes), key=lambda n: free[n])
            if jobs[index]["rule"] in DOWNLOADS:
                node, threads = nodes, 1
            if free[node] < threads:
                waiting_for_cores.append(key)
                continue
            free[node] -= threads
            start[index] = now
            heapq.heappush(running, (now + jobs[index]["wall_s"], index, node))
        for key in waiting_for_cores:
            heapq.heappush(ready, key)
        if not running and ready:
            raise RuntimeError("forecast: a job needs more cores than a node has")
    makespan = max((start[i] + jobs[i]["wall_s"] for i in range(len(jobs))), default=0.0)
    return makespan, start


def topological(parents: list[set]) -> list[int]:
    order, seen = [], set()

    def visit(index):
        stack = [(index, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            stack.extend((parent, False) for parent in parents[node] if parent not in seen)

    for index in range(len(parents)):
        visit(index)
    return order


def peak_memory(jobs: list[dict], start: list[float], nodes: int) -> float:
    """The most memory the jobs running at once hold, on the busiest node (jobs spread over
    nodes as the schedule would: counted together, divided by the nodes, at least the largest)."""
    events = sorted(
        [(start[i], jobs[i]["mem_mb"]) for i in range(len(jobs))]
        + [(start[i] + jobs[i]["wall_s"], -jobs[i]["mem_mb"]) for i in range(len(jobs))],
        key=lambda event: (event[0], event[1]),
    )
    held = peak = 0.0
    for _, change in events:
        held += change
        peak = max(peak, held)
    largest = max((job["mem_mb"] for job in jobs), default=0)
    return max(largest, peak / nodes)


def forecast(
    config: dict,
    snakefile: str,
    workdir: Path,
    cores: int,
    jobs: list[dict] | None = None,
) -> tuple[list[dict], dict]:
    """The forecast's rows (COLUMNS) and summary for `config` run in `workdir` with `cores` (the
    jobs of an earlier forecast of the same DAG may be given: no dry run then)."""
    settings = config.get("forecast") or {}
    nodes = settings.get("nodes") or 1
    cores_per_node = settings.get("cores_per_node") or cores
    tokens = settings.get("tokens")
    rows = source_manifest(config, workdir, tokens)
    words = part_words(config, workdir, rows, tokens)
    if jobs is None:
        jobs = dry_run_jobs(config, snakefile, rows, cores_per_node)
    jobs = [{**job, "threads": min(job["threads"], cores_per_node)} for job in jobs]
    counts = None
    vocab = workdir / f"results/{config['corpus']['name']}/vocab/V{config['vocab_size']}.tsv"
    if tokens is None and vocab.exists():
        from qwemflow.vocab import read_word_counts

        counts = list(read_word_counts(vocab).values())
    disk = 0.0
    for job in jobs:
        sizes = job_sizes(job, config, rows, words, counts)
        rule, wildcards, threads = job["rule"], job["wildcards"], job["threads"]
        job["wall_s"] = runtime.expected_seconds(rule, wildcards, config, sizes, threads)
        job["mem_mb"] = runtime.mem_mb(rule, wildcards, config, sizes) if rule != "all" else 0
        written = runtime.output_mb(rule, wildcards, config, sizes) if job["output"] else 0.0
        job["disk_mb"] = written + runtime.disk_mb(rule, wildcards, config, sizes)
        disk += written
        job["done"] = bool(job["output"]) and all((workdir / p).exists() for p in job["output"])
    makespan, start = schedule(jobs, nodes, cores_per_node)
    stages: dict[str, dict] = {}
    for job, begin in zip(jobs, start, strict=True):
        stage = stages.setdefault(
            job["rule"],
            {"jobs": 0, "wall_s": 0.0, "longest_s": 0.0, "start_s": begin, "end_s": 0.0},
        )
        stage["jobs"] += 1
        stage["wall_s"] = round(stage["wall_s"] + job["wall_s"], 1)
        stage["longest_s"] = max(stage["longest_s"], round(job["wall_s"], 1))
        stage["start_s"] = round(min(stage["start_s"], begin), 1)
        stage["end_s"] = round(max(stage["end_s"], begin + job["wall_s"]), 1)
    summary = {
        "critical_path_s": round(makespan, 1),
        "total_wall_s": round(sum(job["wall_s"] for job in jobs), 1),
        "remaining_wall_s": round(sum(job["wall_s"] for job in jobs if not job["done"]), 1),
        "core_s": round(sum(job["wall_s"] * job["threads"] for job in jobs), 1),
        "peak_mem_mb": round(peak_memory(jobs, start, nodes)),
        "largest_job_mem_mb": max(job["mem_mb"] for job in jobs),
        # every output (the temporary per-part counts, deleted after the merge, included) and the
        # largest scratch: an upper bound of the peak
        "disk_mb": round(disk + max(job["disk_mb"] for job in jobs)),
        "jobs": len(jobs),
        "done": sum(job["done"] for job in jobs),
        "tokens": round(sum(words.values())),
        "parts": len(words),
        "machine": {
            "nodes": nodes,
            "cores_per_node": cores_per_node,
            "rates": runtime.MACHINE,
            "safety_factor_of_requests": runtime.SAFETY,
        },
        # each rule's jobs: how many, their wall time together and the longest, when the schedule
        # starts the first and ends the last
        "stages": stages,
    }
    table = [
        {
            "rule": job["rule"],
            "wildcards": job["wildcards"],
            "priority": job.get("priority", 0),
            "input": job["input"],
            "output": job["output"],
            "benchmark": job["benchmark"],
            "threads": job["threads"],
            "wall_s": round(job["wall_s"], 1),
            "mem_mb": job["mem_mb"],
            "disk_mb": round(job["disk_mb"], 1),
            "done": job["done"],
        }
        for job in jobs
    ]
    return table, summary


def hours(seconds: float) -> str:
    return f"{seconds / 3600:.2f} h" if seconds >= 3600 else f"{seconds / 60:.1f} min"


def format_table(table: list[dict], summary: dict) -> str:
    """The forecast as text: a line per job, then the summary."""
    width = max(len(row["benchmark"]) for row in table)
    lines = [f"{'rule':24} {'benchmark':{width}} {'thr':>3} {'wall':>10} {'mem_mb':>8} done"]
    for row in table:
        lines.append(
            f"{row['rule']:24} {row['benchmark']:{width}} {row['threads']:>3}"
            f" {hours(row['wall_s']):>10} {row['mem_mb']:>8} {'yes' if row['done'] else 'no'}"
        )
    machine = summary["machine"]
    lines.append(
        f"{summary['jobs']} jobs ({summary['done']} done) for {summary['tokens']:,} words in"
        f" {summary['parts']} parts on {machine['nodes']} node(s) of"
        f" {machine['cores_per_node']} cores: critical path {hours(summary['critical_path_s'])},"
        f" all jobs {hours(summary['total_wall_s'])}, remaining"
        f" {hours(summary['remaining_wall_s'])}; peak memory {summary['peak_mem_mb']:,} MB,"
        f" disk {summary['disk_mb']:,} MB"
    )
    return "\n".join(lines)


def write_forecast(table: list[dict], summary: dict, jobs_csv: str, summary_json: str) -> None:
    Path(jobs_csv).parent.mkdir(parents=True, exist_ok=True)
    with open(jobs_csv, "w", newline="") as sink:
        writer = csv.DictWriter(sink, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(table)
    Path(summary_json).write_text(json.dumps(summary, indent=2) + "\n")


def main(config: dict, snakefile: str, cores: int, jobs_csv: str, summary_json: str) -> str:
    table, summary = forecast(config, snakefile, Path(os.getcwd()), cores)
    write_forecast(table, summary, jobs_csv, summary_json)
    return format_table(table, summary)
