"""The forecast (qwemflow.forecast, the cost model of the cluster requests) against a finished run's
benchmark files, and the forecast of a preset on several machines.

    python bench/forecast.py compare RUN_DIR [--cores 2] [--min-seconds 30] [--out FILE.csv]
    python bench/forecast.py project --configfile config/enwiki-paper.yaml --tokens 2e9 \
        --machine 1x16 --machine 1x32 --machine 8x32

compare: every job of the run's DAG with its forecast wall time, its measured wall time and CPU
time (Snakemake's benchmark: s, cpu_time) and the load while it ran (mean_load), and the ratio
forecast / measured for the jobs of at least --min-seconds of CPU time a thread.
project: the preset's forecast (no network: --tokens words) on each machine (NODESxCORES): each
stage's jobs, wall time and window in the schedule, the critical path, memory and disk peaks.

RUN_DIR is the run's working directory; its config is the one the run's report was written with
(.snakemake/report-config.yaml, the whole config of a run that reached its report), else
RUN_DIR/config.yaml with any --configfile laid over it. The forecast reads the run's own corpus
size (its extracted text and vocabulary) and assumes one node of --cores cores (the run's).

On a shared machine the wall time of a job grows with the load (a job gets about cores / load of
a core); the CPU time of a one-thread job does not, which makes it the measure to hold the forecast
to there (the forecast is of wall time on an idle machine: CPU time / threads).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import yaml
from snakemake.utils import update_config

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from qwemflow.forecast import forecast  # noqa: E402


def run_config(run: Path, configfiles: list[str]) -> dict:
    recorded = run / ".snakemake" / "report-config.yaml"
    if recorded.exists() and not configfiles:
        return yaml.safe_load(recorded.read_text())
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    if (run / "config.yaml").exists():
        update_config(config, yaml.safe_load((run / "config.yaml").read_text()))
    for path in configfiles:
        update_config(config, yaml.safe_load(Path(path).read_text()))
    return config


def measured(path: Path) -> dict | None:
    """The last row of a benchmark file (s, cpu_time, mean_load), or None."""
    if not path.exists():
        return None
    with open(path) as source:
        rows = list(csv.DictReader(source, delimiter="\t"))
    if not rows:
        return None
    row = rows[-1]
    return {key: float(row[key]) for key in ("s", "cpu_time", "mean_load") if row.get(key)}


def compare(args) -> None:
    config = run_config(args.run, args.configfile)
    config["forecast"] = {"nodes": 1, "cores_per_node": args.cores, "tokens": None}
    table, summary = forecast(config, str(REPO / "Snakefile"), args.run.resolve(), args.cores)
    rows = []
    for job in table:
        if not job["benchmark"]:
            continue
        bench = measured(args.run / job["benchmark"])
        if bench is None:
            continue
        cpu = bench.get("cpu_time", 0.0) / job["threads"]
        # Snakemake samples a job's CPU time every 0.5 s for 15 s, then every 30 s: what it used
        # after the last sample is missed. At the job's average rate that is at most 30 s of its
        # wall time: its CPU time lies between cpu and cpu x s / (s - 30)
        most = cpu * bench["s"] / (bench["s"] - 30) if bench["s"] > 60 else float("nan")
        rows.append(
            {
                "rule": job["rule"],
                "benchmark": job["benchmark"],
                "threads": job["threads"],
                "forecast_s": job["wall_s"],
                "wall_s": bench["s"],
                "cpu_s_per_thread": round(cpu, 2),
                "cpu_s_per_thread_at_most": round(most, 2),
                "mean_load": bench.get("mean_load", float("nan")),
                "forecast_over_wall": round(job["wall_s"] / bench["s"], 2),
                "forecast_over_cpu": round(job["wall_s"] / cpu, 2) if cpu else float("nan"),
                "forecast_over_cpu_at_least": round(job["wall_s"] / most, 2),
            }
        )
    rows.sort(key=lambda row: -row["cpu_s_per_thread"])
    # the jobs of --min-seconds alone: their CPU time a thread (the wall time of a job on a
    # shared machine is its CPU time stretched by the load)
    long = [r for r in rows if r["cpu_s_per_thread"] >= args.min_seconds]
    print(
        f"{args.run}: {len(rows)} jobs with a benchmark file; forecast of the whole DAG on 1 node"
        f" of {args.cores} cores: critical path {summary['critical_path_s']:.0f} s, all jobs"
        f" {summary['total_wall_s']:.0f} s"
    )
    print(
        "| job | threads | forecast | wall [load] | CPU / thread | forecast / wall | forecast / CPU |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in long:
        print(
            f"| {row['benchmark']} | {row['threads']} | {row['forecast_s']:.0f} s"
            f" | {row['wall_s']:.0f} s [{row['mean_load']:.0f}]"
            f" | {row['cpu_s_per_thread']:.0f} to {row['cpu_s_per_thread_at_most']:.0f} s"
            f" | {row['forecast_over_wall']:.2f}"
            f" | {row['forecast_over_cpu_at_least']:.2f} to {row['forecast_over_cpu']:.2f} |"
        )
    within = [
        r
        for r in long
        if 1 / 1.5 <= r["forecast_over_cpu"] <= 1.5
        and 1 / 1.5 <= r["forecast_over_cpu_at_least"] <= 1.5
    ]
    print(
        f"{len(within)} of {len(long)} jobs of >= {args.min_seconds:.0f} s of CPU a thread within"
        " a factor of 1.5 of it"
    )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", newline="") as sink:
            writer = csv.DictWriter(sink, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


# the stages of the projection: rules taken together
STAGES = {
    "download": ["download_part"],
    "extraction": ["extract_text"],
    "vocabulary and tokens": ["vocabulary", "tokenize"],
    "counts": ["count_part", "merge_counts"],
    "spectra (M*: all eigenpairs)": ["spectrum"],
    "gensim word2vec (untied)": ["word2vec"],
    "the paper's word2vec (tied)": ["tied_word2vec"],
    "its expected loss": ["tied_word2vec_loss"],
    "dynamics runs": ["dynamics"],
    "evaluation, figures, summary": [],  # every other rule
}


def clock(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 5400 else f"{seconds / 60:.0f} min"


def project(args) -> None:
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    for path in args.configfile:
        update_config(config, yaml.safe_load(Path(path).read_text()))
    named = {rule for rules in STAGES.values() for rule in rules}
    results = {}
    for machine in args.machine:
        nodes, cores = (int(n) for n in machine.split("x"))
        config["forecast"] = {"nodes": nodes, "cores_per_node": cores, "tokens": int(args.tokens)}
        table, summary = forecast(config, str(REPO / "Snakefile"), Path(args.workdir), cores)
        results[machine] = summary
    print(f"Forecast: {int(args.tokens):,} words, {summary['parts']} parts, {summary['jobs']} jobs")
    header = "| stage | jobs | " + " | ".join(
        f"{m.split('x')[0]} x {m.split('x')[1]} cores: work [window]" for m in args.machine
    )
    print(header + " |")
    print("|---" * (2 + len(args.machine)) + "|")
    for stage, rules in STAGES.items():
        cells, count = [], 0
        for machine in args.machine:
            stages = results[machine]["stages"]
            mine = [s for r, s in stages.items() if (r in rules) or (not rules and r not in named)]
            mine = [s for s in mine if s["jobs"]]
            count = sum(s["jobs"] for s in mine)
            work = sum(s["wall_s"] for s in mine)
            begin = min((s["start_s"] for s in mine), default=0)
            end = max((s["end_s"] for s in mine), default=0)
            longest = max((s["longest_s"] for s in mine), default=0)
            cells.append(
                f"{clock(work)} (longest job {clock(longest)}) [{clock(begin)} to {clock(end)}]"
            )
        print(f"| {stage} | {count} | " + " | ".join(cells) + " |")
    for key, label in (
        ("critical_path_s", "**critical path**"),
        ("total_wall_s", "all jobs, one after another"),
    ):
        print(f"| {label} | | " + " | ".join(clock(results[m][key]) for m in args.machine) + " |")
    print(
        "| memory peak (one node) / largest job | | "
        + " | ".join(
            f"{results[m]['peak_mem_mb'] / 1000:.0f} GB / {results[m]['largest_job_mem_mb'] / 1000:.1f} GB"
            for m in args.machine
        )
        + " |"
    )
    print(
        "| disk (results, downloads included) | | "
        + " | ".join(f"{results[m]['disk_mb'] / 1000:.0f} GB" for m in args.machine)
        + " |"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("compare", help="the forecast against a run's benchmark files")
    one.add_argument("run", type=Path)
    one.add_argument("--configfile", action="append", default=[])
    one.add_argument("--cores", type=int, default=2)
    one.add_argument("--min-seconds", type=float, default=30.0)
    one.add_argument("--out", type=Path)
    other = commands.add_parser("project", help="a preset's forecast on several machines")
    other.add_argument("--configfile", action="append", default=[])
    other.add_argument("--tokens", type=float, required=True)
    other.add_argument("--machine", action="append", default=[], help="NODESxCORES, e.g. 1x32")
    other.add_argument("--workdir", default="/nonexistent-qwemflow-forecast")
    args = parser.parse_args(argv)
    (compare if args.command == "compare" else project)(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
