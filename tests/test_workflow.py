"""The real DAG, end to end: the default config offline, and an enwiki dump from a local mirror."""

import numpy as np
import pytest
import yaml

from conftest import REPO, make_dump_mirror, run_snakemake, workflow_dir
from http_server import FileServer
from qwemflow.vocab import read_word_counts

pytestmark = pytest.mark.workflow

SAMPLE = "results/enwiki-sample"


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
    assert all((-a[1], a[0]) < (-b[1], b[0]) for a, b in zip(vocab, vocab[1:]))

    tokens = np.load(default_run / f"{SAMPLE}/tokens/V2000/001.npz")
    ids, offsets = tokens["ids"], tokens["offsets"]
    assert ids.dtype == np.uint16 and len(offsets) == 107
    stats = np.load(default_run / f"{SAMPLE}/counts/V2000_L16.npz")
    counts = stats["counts"]
    np.testing.assert_array_equal(counts, vectorized_counts(ids.astype(np.int64), offsets, 2000, 16))
    np.testing.assert_array_equal(stats["word_counts"], [c for _, c in vocab])
    assert int(stats["window"]) == 16
    p_joint, p_word = stats["p_joint"], stats["p_word"]
    np.testing.assert_array_equal(p_joint, p_joint.T)
    # article ends drop long (light) offsets before short (heavy) ones, so the sum is near, not at, 1
    assert p_joint.sum() == pytest.approx(1.0, abs=0.01)
    assert p_word.sum() == pytest.approx(1.0)
    assert np.isfinite(p_joint).all()


def test_every_job_wrote_log_and_benchmark(default_run):
    logs = list((default_run / "logs").rglob("*.log"))
    benchmarks = list((default_run / "benchmarks").rglob("*.tsv"))
    assert len(logs) == len(benchmarks) > 6
    assert all(log.stat().st_size > 0 for log in (default_run / "logs").rglob("*.log"))
    assert "tokens/s" in (default_run / "logs/enwiki-sample/text/001.log").read_text()


def test_second_run_has_nothing_to_do(default_run):
    result = run_snakemake(default_run, "--cores", "2", "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_lint_is_clean(tmp_path):
    result = run_snakemake(workflow_dir(tmp_path), "--lint", check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Lints for" not in output


def enwiki_config(workdir, base_url, vocab_size=2000):
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    config["corpus"].update(name="enwiki-mirror", source="enwiki")
    config["corpus"]["enwiki"].update(date="latest", parts=None, base_url=base_url)
    config["vocab_size"] = vocab_size
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))


def test_enwiki_parts_from_a_mirror_equal_the_single_file_run(tmp_path, bundled_dump, default_run):
    """Two dump parts downloaded over HTTP and verified give exactly the counts of the whole file."""
    make_dump_mirror(tmp_path / "mirror", bundled_dump, n_parts=2)
    workdir = workflow_dir(tmp_path / "wf")
    with FileServer(tmp_path / "mirror") as server:
        enwiki_config(workdir, server.url("").rstrip("/"))
        run_snakemake(workdir, "--cores", "2")
    results = workdir / "results/enwiki-mirror"
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
        result = run_snakemake(workdir, "--cores", "1", "--keep-going", check=False)
    assert result.returncode != 0
    bad = "enwiki-20261101-pages-articles-multistream2.xml-p2000p2999.bz2"
    log = (workdir / f"logs/enwiki-mirror/raw/{bad}.log").read_text()
    assert f"{base}/enwiki/20261101/{bad}: sha1 mismatch: expected" in log
    files = workdir / "results/enwiki-mirror/raw/files"
    assert not (files / bad).exists() and not (files / f"{bad}.part").exists()
    assert (files / "enwiki-20261101-pages-articles-multistream1.xml-p1000p1999.bz2").exists()
