"""Time requests (minutes, SLURM's --time) of the long jobs, derived from what each will do:
gensim's words and negatives on the threads it is given, a dynamics run's steps and the cost of
one. The rates are this project's measurements on a 2-core VM (bench/README.md, "Time
requests"); a safety factor covers slower nodes and a shared machine, and each retry of a job
that ran out of time asks for that much more again."""

from __future__ import annotations

import math

SAFETY = 2.0
# gensim skip-gram, one worker: (in-vocabulary word, window offset, sample) updates of d floats a
# minute, measured at V = 10,000, d = 200, L = 16 on 31M in-vocabulary tokens (bench/README.md)
GENSIM_UPDATES_PER_MINUTE = 1.7e11
# gensim's corpus_file training on w threads runs w / (1 + SERIAL (w - 1)) times as fast as on one:
# its release notes (3.6.0) measured 12x at 16 workers and 20x at 32 on English Wikipedia
GENSIM_SERIAL_FRACTION = 0.021
# one full-batch step on numpy: 0.78 s for V^2 d = 2e10 (tied SGNS at V = 10,000, d = 200)
FULL_BATCH_SECONDS_PER_VVD = 3.9e-11
# one step in M*'s eigenbasis: 9,920 QWEM steps of V d^2 = 4e8 in 4.6 min
EIGENBASIS_SECONDS_PER_VDD = 7e-11
# one minibatch step: sampled pairs x d, with the sparse products around them
MINIBATCH_SECONDS_PER_PAIR_DIM = 2e-8


def gensim_speedup(threads: int) -> float:
    """How many times faster gensim trains on `threads` workers than on one."""
    return threads / (1 + GENSIM_SERIAL_FRACTION * (threads - 1))


def gensim_minutes(
    tokens: int,
    epochs: int,
    window: int,
    negative: int,
    dim: int,
    threads: int = 1,
    attempt: int = 1,
) -> int:
    """A gensim skip-gram job on `tokens` in-vocabulary tokens on `threads` workers, its
    `attempt`-th try: each word of each epoch (fewer after subsampling, not counted on) updates
    up to `window` context pairs with 1 + negative samples, each an update of d floats."""
    updates = tokens * epochs * window * (negative + 1) * dim
    minutes = updates / GENSIM_UPDATES_PER_MINUTE / gensim_speedup(threads)
    return 10 + math.ceil(SAFETY * attempt * minutes)


def tau1_bound(vocab_size: int, init: float, learning_rate: float) -> float:
    """An upper bound on tau_1 in steps, ln(lambda_1 / init^2) / (2 ln(1 + eta lambda_1)), before
    lambda_1 is known: the targets' entries lie in [-2, 2], so lambda_1 <= 2 V."""
    return math.log(max(2 * vocab_size / init**2, math.e)) / (2 * math.log1p(learning_rate))


def dynamics_minutes(
    words: int,
    dim: int,
    init: float,
    learning_rate: float,
    t_max_over_tau1: float,
    batch_size: int | None,
    in_eigenbasis: bool,
) -> int:
    """A dynamics run of t_max_over_tau1 times tau_1 (bounded) steps on `words` words: O(V d^2)
    a step in M*'s eigenbasis (after one full eigendecomposition), O(batch d) by minibatches,
    O(V^2 d) for a full-batch step otherwise; plus the recorded spectra and the loss."""
    steps = t_max_over_tau1 * tau1_bound(words, init, learning_rate)
    if in_eigenbasis:
        seconds = steps * words * dim**2 * EIGENBASIS_SECONDS_PER_VDD + 1e-9 * words**3
    elif batch_size is not None:
        seconds = steps * 2 * batch_size * dim * MINIBATCH_SECONDS_PER_PAIR_DIM
        seconds += 300 * words**2 * dim * FULL_BATCH_SECONDS_PER_VVD  # the recorded losses
    else:
        seconds = steps * words**2 * dim * FULL_BATCH_SECONDS_PER_VVD
    return 30 + math.ceil(SAFETY * seconds / 60)
