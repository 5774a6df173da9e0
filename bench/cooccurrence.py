"""Co-occurrence counting throughput: qwemflow's kernel against the authors' style of loop.

The reference is the straightforward compiled per-pair loop (numba): two dense V x V float32
matrices, weighted and unweighted, with both (w, v) and (v, w) incremented for every pair. Both
run on the same Zipf-distributed tokens in this process, after a warm-up that compiles them.

    python bench/cooccurrence.py                       # 20M tokens, V=10000, L=16, 2 threads
    python bench/cooccurrence.py --tokens 2000000      # quicker

Prints tokens/s of each, the speed ratio, whether the weighted counts are identical, and the peak
memory of the kernel measured in a separate process. --csv appends the numbers to a file.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

from qwemflow.counts import cooccurrence_counts, count_pairs

FLOAT32_EXACT = 2**24  # float32 holds every integer up to here; beyond it sums round


@njit(cache=True)
def reference_counts(ids, offsets, window, weighted, unweighted):
    for a in range(len(offsets) - 1):
        start, end = offsets[a], offsets[a + 1]
        for i in range(start, end):
            w = ids[i]
            for j in range(1, window + 1):
                if i + j >= end:
                    break
                v = ids[i + j]
                weight = window + 1 - j
                weighted[w, v] += weight
                weighted[v, w] += weight
                unweighted[w, v] += 1
                unweighted[v, w] += 1


def zipf_corpus(n_tokens: int, vocab_size: int, mean_article: int, seed: int):
    """Token ids with P(rank r) proportional to 1/r, cut into articles of random lengths."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, vocab_size + 1)
    ids = rng.choice(vocab_size, size=n_tokens, p=p / p.sum()).astype(
        np.uint16 if vocab_size < 65535 else np.uint32
    )
    lengths = rng.geometric(1.0 / mean_article, size=2 * n_tokens // mean_article + 10)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    offsets = np.concatenate([offsets[offsets < n_tokens], [n_tokens]]).astype(np.int64)
    return ids, offsets


def proc_status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def best_time(function, repeats: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def kernel_peak_memory(args) -> dict:
    """Run only our kernel in a fresh process and read its peak resident memory."""
    command = [
        sys.executable,
        __file__,
        "--kernel-only",
        "--tokens",
        str(args.tokens),
        "--vocab",
        str(args.vocab),
        "--window",
        str(args.window),
        "--threads",
        str(args.threads),
        "--seed",
        str(args.seed),
    ]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tokens", type=int, default=20_000_000)
    parser.add_argument("--vocab", type=int, default=10_000)
    parser.add_argument("--window", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--mean-article", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--kernel-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    ids, offsets = zipf_corpus(args.tokens, args.vocab, args.mean_article, args.seed)
    small = slice(0, 1000)
    cooccurrence_counts(
        ids[small], np.array([0, 1000]), args.vocab, args.window, args.threads
    )  # compile
    if args.kernel_only:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: restart the peak-RSS count here
        before = proc_status_mb("VmRSS")
        cooccurrence_counts(ids, offsets, args.vocab, args.window, args.threads)
        print(json.dumps({"peak_rss_mb": proc_status_mb("VmHWM"), "before_mb": before}))
        return

    vv = (args.vocab, args.vocab)
    reference_counts(
        ids[small],
        np.array([0, 1000]),
        args.window,
        np.zeros(vv, np.float32),
        np.zeros(vv, np.float32),
    )

    def run_reference():
        weighted, unweighted = np.zeros(vv, np.float32), np.zeros(vv, np.float32)
        reference_counts(ids, offsets, args.window, weighted, unweighted)
        return weighted, unweighted

    t_ref, (ref_weighted, ref_unweighted) = best_time(run_reference, args.repeats)
    t_ours, counts = best_time(
        lambda: cooccurrence_counts(ids, offsets, args.vocab, args.window, args.threads),
        args.repeats,
    )

    exact = ref_weighted < FLOAT32_EXACT
    identical_exact_range = bool(
        np.array_equal(counts[exact], ref_weighted[exact].astype(np.float64))
    )
    above = ~exact
    drift = (
        float(np.max(np.abs(counts[above] - ref_weighted[above]) / counts[above]))
        if above.any()
        else 0.0
    )
    n_pairs = count_pairs(np.diff(offsets), args.window)
    matrix_mb = counts.nbytes / 2**20
    memory = kernel_peak_memory(args)
    row = {
        "tokens": args.tokens,
        "vocab": args.vocab,
        "window": args.window,
        "threads": args.threads,
        "reference_s": round(t_ref, 3),
        "ours_s": round(t_ours, 3),
        "reference_mtok_s": round(args.tokens / t_ref / 1e6, 3),
        "ours_mtok_s": round(args.tokens / t_ours / 1e6, 3),
        "speedup": round(t_ref / t_ours, 2),
        "identical_where_float32_exact": identical_exact_range,
        "cells_beyond_float32": int(above.sum()),
        "reference_drift_beyond": drift,
        "n_pairs": n_pairs,
        "reference_unweighted_sum": float(ref_unweighted.sum(dtype=np.float64)),
        "kernel_extra_memory_mb": round(memory["peak_rss_mb"] - memory["before_mb"], 1),
        "output_matrix_mb": round(matrix_mb, 1),
    }
    print(f"{args.tokens:,} Zipf tokens, V={args.vocab}, L={args.window}, {args.threads} threads")
    print(f"reference loop : {t_ref:7.2f} s  {row['reference_mtok_s']:6.2f} M tokens/s")
    print(f"qwemflow kernel: {t_ours:7.2f} s  {row['ours_mtok_s']:6.2f} M tokens/s")
    print(f"speedup        : {row['speedup']:.2f}x")
    print(
        f"weighted counts identical on all {int(exact.sum()):,} cells below 2^24: {identical_exact_range}; "
        f"{row['cells_beyond_float32']} cells beyond, where the float32 reference drifts by up to {drift:.1e} (ours: exact)"
    )
    print(
        f"N_pairs {n_pairs:,} (reference's unweighted matrix sums to {row['reference_unweighted_sum']:,.0f})"
    )
    print(
        f"kernel memory above the input: {row['kernel_extra_memory_mb']} MB (output matrix {matrix_mb:.0f} MB)"
    )
    if args.csv:
        new = not args.csv.exists()
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        with open(args.csv, "a", newline="") as sink:
            writer = csv.DictWriter(sink, fieldnames=list(row))
            if new:
                writer.writeheader()
            writer.writerow(row)
    if not identical_exact_range:
        sys.exit("weighted counts differ from the reference")


if __name__ == "__main__":
    main()
