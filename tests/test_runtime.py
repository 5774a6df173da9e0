"""The cluster requests: each rule's runtime and mem_mb come from the cost model
(qwemflow.runtime) through the functions the rules call, on a job's input files. Time requests
divide by the threads a job gets and grow with each retry; before the inputs exist a request is
the floor; the paper preset asks no job over 24 h of a 32-core node."""

import re

import pytest
import yaml
from conftest import REPO, laid_over, run_snakemake, write_config

from qwemflow import runtime
from qwemflow.forecast import parse_dry_run
from qwemflow.vocab import top_words, write_word_counts

# The sample's word frequencies at the scale of the paper's corpus: its counts x 4,000 (2.1
# billion words of which 1.6 in a V = 10,000 vocabulary)
SCALE = 4000


def preset(*names) -> dict:
    """config.yaml with the named presets laid over it, as --configfile does."""
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    for name in names:
        config = laid_over(config, yaml.safe_load((REPO / "config" / name).read_text()))
    return config


@pytest.fixture(scope="module")
def scaled_vocab(bundled_articles, tmp_path_factory) -> tuple:
    """The enwiki preset's working directory holding only a V = 10,000 vocabulary: the bundled
    sample's top 10,000 words, counts x SCALE."""
    counts = {}
    for article in bundled_articles:
        for word in article:
            counts[word] = counts.get(word, 0) + 1
    workdir = tmp_path_factory.mktemp("enwiki-requests")
    vocab = workdir / "results" / "enwiki500" / "vocab" / "V10000.tsv"
    vocab.parent.mkdir(parents=True)
    write_word_counts([(w, c * SCALE) for w, c in top_words(counts, 10_000)], vocab)
    write_config(workdir, preset("enwiki-paper.yaml"))
    return workdir, vocab


WORD2VEC = {"corpus": "enwiki500", "V": "10000", "L": "16", "d": "200"}


def requests_of(output: str, rule: str) -> list[dict]:
    """The resources of each job of `rule` in a dry run's output."""
    jobs, current = [], None
    for line in output.splitlines():
        match = re.match(r"^(?:local)?(?:rule|checkpoint) (\S+):$", line)
        if match:
            current = match.group(1)
        elif current == rule and line.startswith("    resources: "):
            pairs = (item.split("=", 1) for item in line.split(": ", 1)[1].split(", "))
            jobs.append({key: value for key, value in pairs})
    return jobs


@pytest.mark.parametrize("rule", ["word2vec", "tied_word2vec"])
def test_gensim_requests_divide_by_threads_and_grow_with_attempt(scaled_vocab, rule):
    workdir, vocab = scaled_vocab
    config = preset("enwiki-paper.yaml")
    request = runtime.time_request(config, rule)
    inputs = {"tokens": [], "vocab": str(vocab)}
    minutes = {
        (threads, attempt): request(WORD2VEC, inputs, threads, attempt)
        for threads in (1, 2, 16, 32)
        for attempt in (1, 2, 3)
    }
    for attempt in (1, 2, 3):
        assert minutes[1, attempt] > minutes[2, attempt] > minutes[16, attempt]
        assert minutes[16, attempt] > minutes[32, attempt]
    for threads in (1, 2, 16, 32):
        assert minutes[threads, 1] < minutes[threads, 2] < minutes[threads, 3]
    # the excess over the floor divides by gensim's speed-up and multiplies by the attempt
    floor = runtime.FLOOR_MINUTES
    speedup = (minutes[1, 1] - floor) / (minutes[32, 1] - floor)
    assert speedup == pytest.approx(runtime.gensim_speedup(32), rel=0.05)
    assert (minutes[32, 2] - floor) == pytest.approx(2 * (minutes[32, 1] - floor), abs=1)
    # on the paper preset's 32 workers the retry still fits a day
    assert minutes[32, 2] < 24 * 60


def test_a_dry_run_requests_what_the_functions_give(scaled_vocab):
    workdir, vocab = scaled_vocab
    target = "results/enwiki500/embeddings/V10000_L16_d200/sgns.txt"
    requested = {}
    for threads in (8, 32):
        result = run_snakemake(
            workdir, target, "--dry-run", "--cores", "32", "--set-threads", f"word2vec={threads}"
        )
        (job,) = requests_of(result.stdout, "word2vec")
        requested[threads] = int(job["runtime"])
        inputs = {"tokens": [], "vocab": str(vocab)}
        function = runtime.time_request(preset("enwiki-paper.yaml"), "word2vec")
        assert requested[threads] == function(WORD2VEC, inputs, threads, 1)
    assert requested[8] > requested[32] > runtime.FLOOR_MINUTES


def test_before_the_vocabulary_exists_a_gensim_request_is_the_floor(tmp_path):
    write_config(tmp_path, preset("enwiki-paper.yaml"))
    target = "results/enwiki500/embeddings/V10000_L16_d200/sgns.txt"
    result = run_snakemake(tmp_path, target, "--dry-run", "--cores", "32")
    (job,) = requests_of(result.stdout, "word2vec")
    assert int(job["runtime"]) == runtime.request_minutes(runtime.START_SECONDS)
    assert int(job["runtime"]) == runtime.FLOOR_MINUTES + 1
    # a retry of it asks for the floor's margin again
    function = runtime.time_request(preset("enwiki-paper.yaml"), "word2vec")
    missing = {"tokens": [], "vocab": str(tmp_path / "no-vocabulary.tsv")}
    assert function(WORD2VEC, missing, 32, 3) == runtime.request_minutes(runtime.START_SECONDS, 3)


@pytest.mark.parametrize("run", ["qwem", "sgns-word2vec-sgd"])
def test_dynamics_requests_divide_by_threads_and_grow_with_attempt(run):
    config = preset("enwiki-paper.yaml")
    request = runtime.time_request(config, "dynamics")
    wildcards = {**WORD2VEC, "run": run}
    one, four = request(wildcards, {}, 1, 1), request(wildcards, {}, 4, 1)
    assert one > four > runtime.FLOOR_MINUTES
    assert request(wildcards, {}, 1, 2) > one
    assert request(wildcards, {}, 1, 2) - runtime.FLOOR_MINUTES == pytest.approx(
        2 * (one - runtime.FLOOR_MINUTES), abs=1
    )


def test_count_requests_read_the_parts_tokens_and_divide_by_threads(tmp_path):
    """A count job's request grows with its token file and divides by its threads."""
    import numpy as np

    config = preset("enwiki-paper.yaml")
    request = runtime.time_request(config, "count_part")
    memory = runtime.memory_request(config, "count_part")
    wildcards = {"corpus": "enwiki500", "V": "10000", "L": "16", "part": "001"}
    sizes = {}
    for words in (10**6, 10**8):
        path = tmp_path / f"{words}.npz"
        np.savez(path, ids=np.zeros(words, dtype=np.uint16), offsets=np.array([0, words]))
        sizes[words] = [str(path)]

    def seconds(words, threads):  # from the sizes the requests read of the token file
        job = runtime.job_sizes(config, "count_part", wildcards, sizes[words])
        return runtime.expected_seconds("count_part", wildcards, config, job, threads)

    assert seconds(10**8, 1) > seconds(10**8, 2) > seconds(10**6, 2)
    counting = seconds(10**8, 1) - seconds(10**6, 1)
    assert counting == pytest.approx(2 * (seconds(10**8, 2) - seconds(10**6, 2)))
    assert request(wildcards, sizes[10**8], 1, 3) > request(wildcards, sizes[10**8], 1, 1)
    # memory: the V x V matrices and 60 bytes a token of the part
    assert memory(wildcards, sizes[10**8]) - memory(wildcards, sizes[10**6]) == pytest.approx(
        60 * (10**8 - 10**6) / 1e6, abs=2
    )


def test_the_paper_preset_asks_no_job_over_a_day_on_a_32_core_node(tmp_path):
    """Every job of the enwiki preset's forecast (2 billion words on a 32-core node), requested
    on its second try, is under SLURM's 24 h."""
    from qwemflow.forecast import forecast

    config = preset("enwiki-paper.yaml")
    config["forecast"] = {"tokens": 2_000_000_000, "nodes": 1, "cores_per_node": 32}
    table, _ = forecast(config, str(REPO / "Snakefile"), tmp_path, 32)
    longest = max(table, key=lambda row: row["wall_s"])
    assert longest["threads"] <= 32
    for row in table:
        assert runtime.request_minutes(row["wall_s"], attempt=2) < 24 * 60, row
    # the same under the SLURM profile: its dry run asks the floor of each job before its
    # inputs exist, none more than the forecast's
    write_config(tmp_path, config)
    result = run_snakemake(
        tmp_path, "--dry-run", "--profile", str(REPO / "profiles" / "slurm"), "--cores", "32"
    )
    for job in parse_dry_run(result.stdout):
        assert job["threads"] <= 32
    minutes = [int(m) for m in re.findall(r"runtime=(\d+)", result.stdout)]
    assert minutes and max(minutes) < 24 * 60
