"""SLURM time requests cover what the presets' long jobs took when measured (bench/README.md,
"Time requests"), scaled to each preset's own settings."""

import pytest
import yaml
from conftest import REPO

from qwemflow.runtime import dynamics_minutes, gensim_minutes, tau1_bound

# measured on the 2-core VM on the 32M-word extract (31M in-vocabulary tokens), V = 10,000,
# L = 16, d = 200 (bench/README.md): minutes of wall time
GENSIM_BASELINE_5_EPOCHS_NEGATIVE_5 = 17.3
TIED_SGNS_FULL_BATCH_STEP_SECONDS = 0.78  # numpy, 2 cores
QWEM_EIGENBASIS_30_TAU1 = 4.6
EXTRACT_TOKENS = 31_000_000


def preset(*names):
    """config.yaml with the named presets given after it, as --configfile does (a shallow merge
    of each top-level block's keys is enough for the keys read here)."""
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    for name in names:
        for key, value in yaml.safe_load((REPO / "config" / name).read_text()).items():
            if isinstance(value, dict) and isinstance(config.get(key), dict):
                config[key] = {**config[key], **value}
            else:
                config[key] = value
    return config


@pytest.mark.parametrize("name", ["wikiextractor-paper.yaml", "enwiki-paper.yaml"])
def test_gensim_requests_cover_the_measured_rate(name):
    config = preset(name)
    d, window = config["dim"], config["window"]
    measured_rate = (  # updates a minute of the measured baseline run
        EXTRACT_TOKENS * 5 * window * 6 * d / GENSIM_BASELINE_5_EPOCHS_NEGATIVE_5
    )
    for block in ("word2vec", "tied_word2vec"):
        settings = config[block]
        for tokens in (EXTRACT_TOKENS, 1_600_000_000):  # the extract, all of Wikipedia
            needed = tokens * settings["epochs"] * window * (settings["negative"] + 1) * d
            requested = gensim_minutes(tokens, settings["epochs"], window, settings["negative"], d)
            assert requested >= 1.5 * needed / measured_rate, (block, tokens)


def test_full_batch_cross_check_request_covers_its_steps():
    config = preset("wikiextractor-paper.yaml", "with-full-batch-sgns.yaml")
    run = config["dynamics"]["runs"]["sgns-tied-gd"]
    vocab_size, d = config["vocab_size"], config["dim"]
    # the V = 10,000 run measured tau_1 = 229 steps (22,900 to 100 tau_1); the bound is above it
    assert tau1_bound(vocab_size, run["init"], config["dynamics"]["learning_rate"]) > 229
    requested = dynamics_minutes(
        vocab_size, d, run["init"], 0.1, run["t_max_over_tau1"], None, in_eigenbasis=False
    )
    assert requested >= 1.5 * 22_900 * TIED_SGNS_FULL_BATCH_STEP_SECONDS / 60
    # the former request, 30 + V^2 d / 1e8 minutes, was under the run's 5 h
    assert requested > 5 * 60


def test_qwem_request_covers_its_measured_run():
    config = preset("wikiextractor-paper.yaml")
    run = config["dynamics"]["runs"]["qwem"]
    requested = dynamics_minutes(
        config["vocab_size"], config["dim"], run["init"], 0.1, 30, None, in_eigenbasis=True
    )
    assert requested >= 1.5 * QWEM_EIGENBASIS_30_TAU1
