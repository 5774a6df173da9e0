"""Does the tied word2vec rise early because of SGD's noise? Its modes' half-times on the theory's
clock (qwemflow.clock) at a falling learning rate, over the same gradient-flow time: alpha and
epochs in inverse proportion, so that the expected dynamics are the same and only the noise per
unit of time falls (by alpha). And the same question for minibatch SGD on word2vec's expected
loss (the dynamics runs' sampler): half-times at several batch sizes against full batch.

    python bench/clock_noise.py results/enwiki-sample --setting V2000_L16_d50 \
        --alphas 0.025 0.0025 --epochs 3 --batch-sizes 2000 20000 50000 --csv out.csv

Reads a workflow run's tokens, vocabulary and counts (results/<corpus>/...); trains with the
config's tied settings otherwise (negative, sample, init 1e-12, one worker). Prints, per mode,
measured over predicted half-time at each alpha; predicted is the linearization of the model's
own loss and weights from its initial W (stream_modes, with the stream's subsampled pairs), the
same at every alpha.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from qwemflow.clock import stream_modes, subsampled_pair_counts
from qwemflow.dynamics import keep_probabilities, log_spaced_steps, run_dynamics
from qwemflow.vocab import read_word_counts
from qwemflow.word2vec import TokenStream, Trajectory, train_sgns


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results", type=Path, help="results/<corpus> of a workflow run")
    parser.add_argument("--setting", default="V2000_L16_d50")
    parser.add_argument("--alphas", type=float, nargs="+", default=[0.025, 0.0025])
    parser.add_argument("--epochs", type=int, default=3, help="epochs at the first alpha")
    parser.add_argument("--negative", type=int, default=1)
    parser.add_argument("--sample", type=float, default=1e-4)
    parser.add_argument("--init", type=float, default=1e-12)
    parser.add_argument("--modes", type=int, default=20)
    parser.add_argument("--batch-sizes", type=int, nargs="*", default=[])
    parser.add_argument("--top-words", type=int, default=500, help="minibatch runs' words")
    parser.add_argument("--csv", type=Path)
    args = parser.parse_args()
    vocab_size, window, dim = (int(part[1:]) for part in args.setting.split("_"))
    counts = np.load(args.results / f"counts/V{vocab_size}_L{window}.npz")
    word_counts = list(read_word_counts(args.results / f"vocab/V{vocab_size}.tsv").values())
    tokens = sorted((args.results / f"tokens/V{vocab_size}").glob("*.npz"))

    def token_chunks():
        for path in tokens:
            with np.load(path) as part:
                yield part["ids"], part["offsets"]

    stream_counts = subsampled_pair_counts(
        token_chunks(),
        keep_probabilities(counts["p_word"], args.sample),
        vocab_size,
        window,
    )
    rows = []
    for alpha in args.alphas:
        epochs = round(args.epochs * args.alphas[0] / alpha)
        stream = TokenStream.from_token_files(tokens)
        total = epochs * stream.words_per_epoch
        trajectory = Trajectory(log_spaced_steps(total, 200), [], total)
        settings = {"negative": args.negative, "sample": args.sample, "alpha": alpha}
        train_sgns(
            stream,
            word_counts,
            dim=dim,
            window=window,
            negative=args.negative,
            sample=args.sample,
            epochs=epochs,
            alpha=alpha,
            init_scale=args.init,
            tied=True,
            stops=trajectory.record,
            on_stop=trajectory,
        )
        modes, _, _ = stream_modes(
            counts["p_joint"],
            counts["p_word"],
            int(counts["n_pairs"]),
            int(counts["word_counts"].sum()),
            window,
            settings,
            trajectory.arrays(),
            stream_counts,
        )
        modes = modes.head(args.modes).assign(alpha=alpha, epochs=epochs)
        modes["measured_over_predicted"] = modes["half_time_measured"] / modes["half_time_theory"]
        modes["measured_over_thinned"] = modes["half_time_measured"] / modes["half_time_thinned"]
        rows.append(modes)
        print(
            f"alpha {alpha:g}, {epochs} epochs: measured / predicted half-time, modes 1..{args.modes}:",
            " ".join(f"{r:.3f}" for r in modes["measured_over_predicted"]),
            flush=True,
        )
    # minibatch SGD (and full batch, batch None) on the same loss and weights, t = eta x steps
    run = {
        "loss": "sgns",
        "reweighting": "word2vec",
        "init": args.init,
        "top_words": args.top_words,
    }
    shared = {
        "learning_rate": 0.2,
        "t_max_over_tau1": 10,
        "n_records": 300,
        "psi": float(args.negative),
        "seed": 0,
    }
    for batch_size in [None, *args.batch_sizes]:
        result = run_dynamics(
            counts["p_joint"],
            counts["p_word"],
            run,
            {**shared, "batch_size": batch_size},
            dim,
            args.sample,
            name=f"batch {batch_size}",
        )
        modes = result.modes.head(args.modes).assign(batch_size=batch_size or 0)
        modes["measured_over_predicted"] = modes["half_time_measured"] / modes["half_time_theory"]
        rows.append(modes)
        print(
            f"batch {batch_size or 'full'}: measured / predicted half-time, modes 1..{args.modes}:",
            " ".join(f"{r:.3f}" for r in modes["measured_over_predicted"]),
            flush=True,
        )
    table = pd.concat(rows, ignore_index=True)
    if args.csv:
        table.to_csv(args.csv, index=False)


if __name__ == "__main__":
    main()
