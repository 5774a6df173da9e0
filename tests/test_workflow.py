"""The real DAG, end to end: the default config offline, and an enwiki dump from a local mirror."""

import hashlib
import itertools
import json
import re
import shutil
import subprocess
import sys
import tarfile
from importlib import metadata

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import (
    CLOSED_MEN_URL,
    REPO,
    cuda_torch,
    drawn_png,
    enwiki_config,
    make_dump_mirror,
    run_snakemake,
    small_config,
    small_workflow_dir,
    workflow_dir,
    write_config,
)
from gensim.models import KeyedVectors
from http_server import FileServer

from qwemflow.corpus import read_articles
from qwemflow.download import user_agent
from qwemflow.evaluate import CATEGORY_NAMES, classic_protocol_analogies, read_similarity_pairs
from qwemflow.sources import gensim_test_data
from qwemflow.vocab import read_word_counts

pytestmark = pytest.mark.workflow

SAMPLE = "results/enwiki-sample"
# the small test config's run (the `small_run` fixture): its vocabulary, window and dimension
SMALL = small_config()
SMALL_V, SMALL_L = SMALL["vocab_size"], SMALL["window"]
SMALL_SETTING = f"V{SMALL_V}_L{SMALL_L}_d{SMALL['dim']}"


def vectorized_counts(ids, offsets, vocab_size, window):
    """An independent implementation of the counts (numpy scatter-add per offset j)."""
    counts = np.zeros((vocab_size, vocab_size))
    article = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    for j in range(1, window + 1):
        same = article[:-j] == article[j:]
        np.add.at(counts, (ids[:-j][same], ids[j:][same]), window + 1 - j)
    return counts + counts.T


def test_default_run_outputs(default_run):
    vocab = list(read_word_counts(default_run / f"{SAMPLE}/vocab/V2000.tsv").items())
    assert len(vocab) == 2000
    assert vocab[:3] == sorted(vocab[:3], key=lambda wc: (-wc[1], wc[0]))
    assert [w for w, _ in vocab[:4]] == ["the", "of", "and", "in"]
    assert all((-a[1], a[0]) < (-b[1], b[0]) for a, b in itertools.pairwise(vocab))

    tokens = np.load(default_run / f"{SAMPLE}/tokens/V2000/001.npz")
    ids, offsets = tokens["ids"], tokens["offsets"]
    assert ids.dtype == np.uint16 and len(offsets) == 107
    stats = np.load(default_run / f"{SAMPLE}/counts/V2000_L16.npz")
    counts = stats["counts"]
    np.testing.assert_array_equal(
        counts, vectorized_counts(ids.astype(np.int64), offsets, 2000, 16)
    )
    np.testing.assert_array_equal(stats["word_counts"], [c for _, c in vocab])
    assert int(stats["window"]) == 16
    p_joint, p_word = stats["p_joint"], stats["p_word"]
    np.testing.assert_array_equal(p_joint, p_joint.T)
    # article ends drop long (light) offsets before short (heavy) ones, so the sum is near, not at, 1
    assert p_joint.sum() == pytest.approx(1.0, abs=0.01)
    assert p_word.sum() == pytest.approx(1.0)
    assert np.isfinite(p_joint).all()


def jobs_run(workdir) -> dict[str, dict[str, str]]:
    """Every job the first Snakemake run in `workdir` ran, by rule and job id, with what it
    declared (log, benchmark, output, ...), read from that run's own log."""
    first = sorted((workdir / ".snakemake/log").glob("*.snakemake.log"))[0]
    jobs = {}
    for block in re.split(r"\n(?=(?:local)?(?:rule|checkpoint) \w+:\n)", first.read_text()):
        header = re.match(r"(?:local)?(?:rule|checkpoint) (\w+):\n", block)
        if header:
            fields = dict(re.findall(r"^    (\w+): (.*)$", block, flags=re.MULTILINE))
            jobs[f"{header.group(1)} {fields['jobid']}"] = fields
    return jobs


def test_every_job_wrote_log_and_benchmark(default_run):
    """Each job of the default run, by name: the log and benchmark file it declared exist, and
    the benchmark holds its measurement."""
    jobs = jobs_run(default_run)
    rules = {name.split()[0] for name in jobs}
    # every rule of the default DAG ran (a rule without a job would go unchecked)
    assert {"extract_text", "count_part", "spectrum", "dynamics", "tied_word2vec"} <= rules
    assert len(jobs) > 50
    for name, fields in jobs.items():
        if name.startswith("all "):
            continue
        assert "log" in fields and "benchmark" in fields, f"{name} declares no log or benchmark"
        assert (default_run / fields["log"]).is_file(), f"{name}: no {fields['log']}"
        measured = pd.read_csv(default_run / fields["benchmark"], sep="\t")
        assert len(measured) == 1 and measured["s"].iloc[0] > 0, f"{name}: {fields['benchmark']}"
    assert "tokens/s" in (default_run / "logs/enwiki-sample/text/001.log").read_text()


def test_summary_records_the_commit_config_and_versions(default_run):
    setting = "enwiki-sample/summary/V2000_L16_d50"
    record = json.loads((default_run / f"results/{setting}/provenance.json").read_text())
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    )
    assert record["git"]["commit"] == head.stdout.strip()
    assert isinstance(record["git"]["dirty"], bool)
    config = yaml.safe_load((default_run / "config.yaml").read_text())
    del config["figures"]["style"]
    assert record["config"] == config
    assert {"qwemflow", "snakemake", "numpy", "gensim"} <= set(record["packages"])
    summary = (default_run / f"results/{setting}/summary.md").read_text()
    assert f"Code: `{head.stdout.strip()[:12]}`" in summary


RULE = re.compile(r"^(?:rule|checkpoint) (\w+):\n((?:(?:    .*)?\n)*)", re.MULTILINE)


def test_every_rule_with_a_job_has_a_log_and_a_benchmark_and_the_others_are_named():
    """docs/usage.md: every rule that runs something has a log, a benchmark, threads, resources
    and the conda env; the target rules it names run nothing and have none."""
    rules = {}
    for path in [REPO / "Snakefile", *sorted((REPO / "workflow/rules").glob("*.smk"))]:
        rules.update(dict(RULE.findall(path.read_text())))
    directives = ("log:", "benchmark:", "threads:", "resources:", "conda:")
    runs = ("script:", "shell:", "run:", "notebook:", "wrapper:")
    targets = sorted(name for name, body in rules.items() if not any(d in body for d in runs))
    # the forecast target prints where Snakemake runs, every time: a benchmark file would count
    # as its output and keep it from running again
    printed = {"forecast"}
    assert [
        n
        for n, body in rules.items()
        if n not in [*targets, *printed]
        and not all(f"\n    {d}" in f"\n{body}" for d in directives)
    ] == []
    for name in printed:
        assert "log:" in rules[name] and "conda:" in rules[name] and "benchmark:" not in rules[name]
    assert all(not any(d in rules[name] for d in directives) for name in targets)
    sentence = re.search(
        r"The target rules (.*?) only name files",
        " ".join((REPO / "docs/usage.md").read_text().split()),
    )
    assert sorted(re.findall(r"`(\w+)`", sentence.group(1))) == targets


def test_imported_as_a_module_from_another_directory(tmp_path, small_run):
    """A catalog-style `module` import: the installed package serves the rules, no path set up."""
    workdir = small_workflow_dir(tmp_path / "importer")
    (workdir / "Snakefile").write_text(
        'configfile: "config.yaml"\n\n\n'
        f'module qwem:\n    snakefile:\n        "{REPO / "Snakefile"}"\n'
        "    config:\n        config\n\n\n"
        "use rule * from qwem as qwem_*\n"
    )
    subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", "qwem_counts"],
        cwd=workdir,
        check=True,
        capture_output=True,
    )
    counts = f"{SAMPLE}/counts/V{SMALL_V}_L{SMALL_L}.npz"
    with np.load(workdir / counts) as imported, np.load(small_run / counts) as direct:
        np.testing.assert_array_equal(imported["counts"], direct["counts"])


def test_documented_default_numbers_are_those_of_this_commits_run(default_run):
    """docs/usage.md quotes the default run's table; gensim with one worker makes it exact."""
    table = (default_run / f"{SAMPLE}/eval/V2000_L16_d50/table.md").read_text()
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    documented = (REPO / "docs/usage.md").read_text()
    assert len(rows) == 8  # the header and seven models
    assert [row for row in rows if row not in documented] == []


def test_scale_study_on_a_prefix(scale_study_run, small_run):
    """`snakemake scale_study` after the small run: a prefix is the corpus's first N words, run
    as a corpus with its own vocabulary; the whole corpus's point is the ordinary run's own
    table."""
    workdir = scale_study_run
    # another target than the default writes no report (the default run's is checked elsewhere)
    assert not (workdir / "results/report.html").exists()
    figures = workdir / f"{SAMPLE}/figures/{SMALL_SETTING}"
    table = pd.read_csv(figures / "scale_study.csv")
    drawn_png(figures / "scale_study.png", dpi=SMALL["figures"]["style"]["dpi"])
    assert (figures / "scale_study.pdf").read_bytes().startswith(b"%PDF")

    whole = sum(
        sum(read_word_counts(path).values())
        for path in (small_run / f"{SAMPLE}/text").glob("*.wordcounts.tsv")
    )
    (prefix_words,) = SMALL["scale_study"]["prefix_words"]
    points = table.groupby("corpus", sort=False).first()
    assert list(points.index) == [f"enwiki-sample/prefix{prefix_words}", "enwiki-sample"]
    assert list(points["words"]) == [prefix_words, whole]
    assert table.groupby("corpus").size().eq(len(SMALL["scale_study"]["models"])).all()
    # fewer words, a vocabulary of rarer words, fewer of the questions kept
    assert list(points["n_questions"]) == sorted(points["n_questions"])
    assert points["n_questions"].iloc[0] < points["n_questions"].iloc[-1]

    ours = pd.read_csv(small_run / f"{SAMPLE}/eval/{SMALL_SETTING}/table.csv")
    full = table[table["corpus"] == "enwiki-sample"].set_index("label")["accuracy"]
    expected = ours.set_index("model").loc[full.index, "Google analogies"]
    np.testing.assert_allclose(full.to_numpy(), expected.to_numpy(), rtol=1e-12)

    parent = [
        word
        for part in sorted((small_run / f"{SAMPLE}/text").glob("*.txt.gz"))
        for article in read_articles(part)
        for word in article
    ]
    prefix = workdir / f"{SAMPLE}/prefix{prefix_words}"
    words = [word for article in read_articles(prefix / "text/001.txt.gz") for word in article]
    assert words == parent[:prefix_words]
    vocab = read_word_counts(prefix / f"vocab/V{SMALL_V}.tsv")
    assert len(vocab) == SMALL_V and sum(vocab.values()) < prefix_words
    assert vocab != read_word_counts(small_run / f"{SAMPLE}/vocab/V{SMALL_V}.tsv")


def test_prefix_longer_than_the_corpus_fails_naming_it(tmp_path, small_run):
    workdir = tmp_path / "run"
    shutil.copytree(small_run, workdir, symlinks=True)
    target = f"{SAMPLE}/prefix900000000/text/001.txt.gz"
    result = run_snakemake(workdir, "--cores", "1", target, check=False)
    assert result.returncode != 0
    log = (workdir / "logs/enwiki-sample/prefix900000000/text/prefix.log").read_text()
    assert "fewer than the 900000000 asked of its prefix" in log
    assert "corpus enwiki-sample" in log
    written = workdir / f"{SAMPLE}/prefix900000000/text"
    assert not written.exists() or not list(written.iterdir())


@pytest.mark.parametrize(
    ("compute", "logged"),
    [
        ("{library: array-api-strict}", "array_api_strict on"),
        pytest.param("{device: cuda}", "torch on cuda", marks=pytest.mark.gpu),
    ],
)
def test_spectrum_and_dynamics_run_on_another_array_library(tmp_path, small_run, compute, logged):
    """compute off numpy through the real rules (array-api-strict, the standard's bare namespace;
    on a GPU, PyTorch on CUDA): M* diagonalized whole and QWEM trained on it give the numpy
    run's numbers."""
    if "cuda" in compute:
        cuda_torch()
    workdir = tmp_path / "run"
    shutil.copytree(small_run, workdir, symlinks=True)
    (workdir / "compute.yaml").write_text(f"compute: {compute}\n")
    run = f"{SAMPLE}/dynamics/{SMALL_SETTING}/qwem.npz"
    run_snakemake(workdir, run, "--cores", "2", "--configfile", str(workdir / "compute.yaml"))
    spectrum_log = f"spectra/V{SMALL_V}_L{SMALL_L}/mstar.log"
    for log in [spectrum_log, f"dynamics/{SMALL_SETTING}/qwem.log"]:
        assert logged in (workdir / "logs/enwiki-sample" / log).read_text()
    with np.load(workdir / run) as strict, np.load(small_run / run) as numpy_run:
        np.testing.assert_allclose(strict["loss"], numpy_run["loss"], rtol=1e-9)
        np.testing.assert_allclose(
            strict["singular_values"], numpy_run["singular_values"], rtol=1e-8, atol=1e-12
        )


def test_second_run_has_nothing_to_do(default_run):
    result = run_snakemake(default_run, "--cores", "2", "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_lint_is_clean(tmp_path):
    result = run_snakemake(workflow_dir(tmp_path), "--lint", check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Lints for" not in output


def test_enwiki_parts_from_a_mirror_equal_the_single_file_run(enwiki_mirror_run, default_run):
    """Two dump parts downloaded over HTTP and verified give exactly the counts of the whole file."""
    results = enwiki_mirror_run / "results/enwiki-mirror"
    assert sorted(p.name for p in (results / "raw/files").iterdir()) == [
        "enwiki-20261101-pages-articles-multistream1.xml-p1000p1999.bz2",
        "enwiki-20261101-pages-articles-multistream2.xml-p2000p2999.bz2",
    ]
    assert not list((results / "raw/files").glob("*.part"))
    whole = np.load(default_run / f"{SAMPLE}/counts/V2000_L16.npz")
    parts = np.load(results / "counts/V2000_L16.npz")
    for key in ("counts", "word_counts", "n_pairs"):
        np.testing.assert_array_equal(parts[key], whole[key])


def test_checksum_mismatch_fails_the_run_and_keeps_nothing(tmp_path, bundled_dump):
    make_dump_mirror(tmp_path / "mirror", bundled_dump, n_parts=2, wrong_sha1_part=2)
    workdir = workflow_dir(tmp_path / "wf")
    with FileServer(tmp_path / "mirror") as server:
        base = server.url("").rstrip("/")
        enwiki_config(workdir, base, vocab_size=100)
        result = run_snakemake(workdir, "--cores", "1", "--keep-going", "counts", check=False)
    assert result.returncode != 0
    bad = "enwiki-20261101-pages-articles-multistream2.xml-p2000p2999.bz2"
    log = (workdir / f"logs/enwiki-mirror/raw/{bad}.log").read_text()
    assert f"{base}/enwiki/20261101/{bad}: sha1 mismatch: expected" in log
    files = workdir / "results/enwiki-mirror/raw/files"
    assert not (files / bad).exists() and not (files / f"{bad}.part").exists()
    assert (files / "enwiki-20261101-pages-articles-multistream1.xml-p1000p1999.bz2").exists()


def test_downloads_name_their_operator_and_at_most_two_run_at_once(tmp_path, bundled_dump):
    """Four dump parts on 4 cores, each transfer held open for a while: the server sees every
    request carry qwemflow's version, URL and download.contact, and never more than
    download.max_concurrent (2) connections at once; `--resources downloads=4` lifts the cap."""
    make_dump_mirror(tmp_path / "mirror", bundled_dump, n_parts=4)
    workdir = workflow_dir(tmp_path / "wf")
    names = [
        f"enwiki-20261101-pages-articles-multistream{n}.xml-p{n * 1000}p{n * 1000 + 999}.bz2"
        for n in range(1, 5)
    ]
    targets = [f"results/enwiki-mirror/raw/files/{name}" for name in names]
    with FileServer(tmp_path / "mirror") as server:
        enwiki_config(workdir, server.url("").rstrip("/"), vocab_size=100)
        config = yaml.safe_load((workdir / "config.yaml").read_text())
        config["download"]["contact"] = "ops@example.org"
        write_config(workdir, config)
        server.delay = {f"enwiki/20261101/{name}": 2.0 for name in names}
        run_snakemake(workdir, "--cores", "4", *targets)
        capped, server.most_open = server.most_open, 0
        # the targets first: --resources and --forcerun take every word after them
        run_snakemake(
            workdir, *targets, "--cores", "4", "--resources", "downloads=4", "--forcerun", *targets
        )
        uncapped = server.most_open
        agents = {request.user_agent for request in server.requests}
    assert (capped, uncapped) == (2, 4)
    assert agents == {user_agent("ops@example.org")}
    version = metadata.version("qwemflow")
    assert f"qwemflow/{version} (" in user_agent("ops@example.org")
    assert "ops@example.org" in user_agent("ops@example.org")


def test_benchmark_table_and_figures(default_run):
    setting = f"{SAMPLE}/eval/V2000_L16_d50"
    benchmarks = pd.read_csv(default_run / f"{setting}/benchmarks.csv")
    assert list(benchmarks.columns) == [
        "model",
        "benchmark",
        "category",
        "score",
        "n_questions",
        "coverage",
    ]
    assert set(benchmarks["model"]) == {
        "sgns",
        "sgns-tied",
        "qwem",
        "mstar",
        "pmi",
        "ppmi",
        "ppmi-cds",
    }
    assert {"analogy-paper", "analogy-classic", "ws353", "simlex999"} <= set(
        benchmarks["benchmark"]
    )
    pooled = benchmarks[
        (benchmarks["benchmark"] == "analogy-paper") & (benchmarks["category"] == "full")
    ]
    # the paper's digest counted 424 with gensim's tokenizer; text8 normalization leaves a slightly other vocabulary
    assert pooled["n_questions"].nunique() == 1 and 350 < pooled["n_questions"].iloc[0] < 450
    assert (pooled["score"] > 0.15).all()  # all models learn analogies (about 28% on the sample)
    table = (default_run / f"{setting}/table.md").read_text()
    # the paper's numbers stand beside their own models: its word2vec (tied) 68%, QWEM 66%,
    # PPMI 51%; the untied gensim baseline's row has none
    rows = {line.split(" | ")[0]: line for line in table.splitlines() if line.startswith("| ")}
    assert rows["| word2vec (paper: tied SGNS)"].endswith("| 68.0% |")
    assert rows["| QWEM"].endswith("| 66.0% |") and rows["| PPMI"].endswith("| 51.0% |")
    assert rows["| M* (closed form)"].endswith("| — |")
    assert rows["| word2vec (gensim)"].endswith("| — |")
    for figure in ("figures/V2000_L16_d50/table", "figures/V2000_L16/eigenfeatures"):
        drawn_png(default_run / f"{SAMPLE}/{figure}.png", dpi=150)  # figures.style.dpi
        assert (default_run / f"{SAMPLE}/{figure}.pdf").read_bytes().startswith(b"%PDF")
    features = pd.read_csv(default_run / f"{SAMPLE}/spectra/V2000_L16/mstar_eigenfeatures.csv")
    assert len(features) == 10 and features["top_words"].str.split().str.len().eq(12).all()


def test_men_skipped_offline_with_a_message(default_run):
    men = (default_run / "results/datasets/men.tsv").read_text()
    assert men.startswith(f"# unavailable: {CLOSED_MEN_URL}: giving up after 1 retries")
    assert (
        "MEN skipped"
        in (default_run / "logs/enwiki-sample/eval/V2000_L16_d50/sgns.log").read_text()
    )


def test_classic_protocol_equals_gensim_on_exported_word2vec(default_run):
    path = default_run / f"{SAMPLE}/embeddings/V2000_L16_d50/sgns.txt"
    keyed = KeyedVectors.load_word2vec_format(str(path))
    questions = gensim_test_data("questions-words.txt")
    total, sections = keyed.evaluate_word_analogies(str(questions))
    ours = classic_protocol_analogies(keyed.index_to_key, keyed.vectors, questions).set_index(
        "category"
    )
    assert ours.loc["full", "accuracy"] == pytest.approx(total)
    gensim_sections = {s["section"]: s for s in sections}
    for section, name in CATEGORY_NAMES.items():
        expected = gensim_sections[section]
        assert ours.loc[name, "n_correct"] == len(expected["correct"])
        assert ours.loc[name, "n_questions"] == len(expected["correct"]) + len(
            expected["incorrect"]
        )


def test_men_downloaded_and_verified_from_a_server(tmp_path):
    source = tmp_path / "src" / "MEN"
    source.mkdir(parents=True)
    (source / "MEN_dataset_natural_form_full").write_text(
        "sun sunlight 50.000000\nautomobile car 50.000000\nstair zebra 1.0\n"
    )
    archive = tmp_path / "srv" / "MEN.tar.gz"
    archive.parent.mkdir()
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source, arcname="MEN")
    workdir = workflow_dir(tmp_path / "wf")
    config = yaml.safe_load((workdir / "config.yaml").read_text())
    with FileServer(archive.parent) as server:
        config["evaluate"]["men"]["url"] = server.url("MEN.tar.gz")
        config["evaluate"]["men"]["sha1"] = hashlib.sha1(archive.read_bytes()).hexdigest()
        write_config(workdir, config)
        run_snakemake(workdir, "--cores", "1", "results/datasets/men.tsv")
        assert read_similarity_pairs(workdir / "results/datasets/men.tsv") == [
            ("sun", "sunlight", 50.0),
            ("automobile", "car", 50.0),
            ("stair", "zebra", 1.0),
        ]
        config["evaluate"]["men"]["sha1"] = "0" * 40
        write_config(workdir, config)
        # the target goes first: --forcerun takes every name after it, and a target read as
        # one more rule to force would leave the default target, the whole DAG
        failed = run_snakemake(
            workdir,
            "results/datasets/men.tsv",
            "--cores",
            "1",
            "--forcerun",
            "men_dataset",
            check=False,
        )
    assert failed.returncode != 0
    assert "sha1 mismatch" in (workdir / "logs/datasets/men.log").read_text()
    assert not (workdir / "results/enwiki-sample").exists()  # the dataset alone was (re)made


def test_text8_and_local_sources(text8_run, local_run, wikiextractor_run):
    """text8 (a zip with one unbroken text, fetched over HTTP with its size checked), a local
    plain-text corpus (one document a line) and the same documents as a WikiExtractor tree (a
    .bz2 file and a plain one, each its own part) run through the same stages
    (conftest.source_workflow_dir)."""
    parts = [
        np.load(wikiextractor_run / f"results/wikiextractor/tokens/V500/{part}.npz")
        for part in ("001", "002")
    ]
    extracted = np.load(wikiextractor_run / "results/wikiextractor/counts/V500_L16.npz")
    local_counts = np.load(local_run / "results/local/counts/V500_L16.npz")
    np.testing.assert_array_equal(
        np.concatenate([part["ids"] for part in parts]),
        np.load(local_run / "results/local/tokens/V500/001.npz")["ids"],
    )
    for key in ("counts", "n_pairs", "word_counts"):
        np.testing.assert_array_equal(extracted[key], local_counts[key])
    text8 = np.load(text8_run / "results/text8/tokens/V500/001.npz")
    by_line = np.load(local_run / "results/local/tokens/V500/001.npz")
    assert (
        len(text8["offsets"]) == 2 and len(by_line["offsets"]) == 41
    )  # one document vs 40 articles
    np.testing.assert_array_equal(text8["ids"], by_line["ids"])  # same words, same vocabulary
    text8_counts = np.load(text8_run / "results/text8/counts/V500_L16.npz")
    local_counts = np.load(local_run / "results/local/counts/V500_L16.npz")
    # text8 has no article boundaries, so it counts the pairs across them too
    assert text8_counts["n_pairs"] > local_counts["n_pairs"]
    np.testing.assert_array_equal(text8_counts["word_counts"], local_counts["word_counts"])
