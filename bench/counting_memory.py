"""Peak memory of repeated co-occurrence counts in one process.

Each V x V output should be freed when its last reference goes, so that several calls in a row
(a notebook, a test run, a script counting several corpora) peak at about one output matrix, not
one per call. Runs `--calls` counts of the same Zipf tokens, dropping each result before the next.

    python bench/counting_memory.py                    # 2M tokens, V=10000, L=16, 3 calls

Prints the resident memory after each call, after dropping it, and the process's peak.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qwemflow.counts import cooccurrence_counts

sys.path.insert(0, str(Path(__file__).parent))
from cooccurrence import proc_status_mb, zipf_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tokens", type=int, default=2_000_000)
    parser.add_argument("--vocab", type=int, default=10_000)
    parser.add_argument("--window", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    ids, offsets = zipf_corpus(args.tokens, args.vocab, 1000, args.seed)
    matrix_mb = args.vocab**2 * 8 / 2**20
    print(f"{args.tokens:,} Zipf tokens, V={args.vocab}, L={args.window}, {args.threads} threads")
    print(f"output matrix {matrix_mb:.0f} MiB; resident before: {proc_status_mb('VmRSS'):.0f} MiB")
    for call in range(1, args.calls + 1):
        counts = cooccurrence_counts(ids, offsets, args.vocab, args.window, args.threads)
        after_call = proc_status_mb("VmRSS")
        del counts
        print(
            f"call {call}: resident {after_call:.0f} MiB with the result, "
            f"{proc_status_mb('VmRSS'):.0f} MiB after del"
        )
    print(f"peak resident over {args.calls} calls: {proc_status_mb('VmHWM'):.0f} MiB")


if __name__ == "__main__":
    main()
