"""MEN is optional: any failure to obtain it skips it with the reason, and the table and report
are still made; a file that arrives but does not match its checksum stays an error."""

import hashlib
import logging
import tarfile

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import MEN_PAIRS
from http_server import FileServer
from test_report import report_captions

from qwemflow.download import ChecksumMismatch
from qwemflow.evaluate import optional_similarity_pairs, read_similarity_pairs
from qwemflow.summary import MODEL_LABELS

MEMBER = "MEN/MEN_dataset_natural_form_full"
LOG = logging.getLogger("test_men")


@pytest.fixture
def served(tmp_path):
    """A directory served over HTTP holding a good MEN archive and a damaged one."""
    source = tmp_path / "src" / "MEN"
    source.mkdir(parents=True)
    (source / "MEN_dataset_natural_form_full").write_text(
        "sun-n sunlight-n 50.0\ncar-n auto-n 48\n"
    )
    root = tmp_path / "srv"
    root.mkdir()
    with tarfile.open(root / "MEN.tar.gz", "w:gz") as tar:
        tar.add(source, arcname="MEN")
    (root / "damaged.tar.gz").write_bytes((root / "MEN.tar.gz").read_bytes()[:100])
    with FileServer(root) as server:
        yield server, root


def fetch(url, sha1, scratch):
    return optional_similarity_pairs(url, sha1, MEMBER, scratch, LOG, retries=1, backoff=0.01)


def sha1(path):
    return hashlib.sha1(path.read_bytes()).hexdigest()


def test_a_good_archive_gives_its_pairs(served, tmp_path):
    server, root = served
    pairs, reason = fetch(server.url("MEN.tar.gz"), sha1(root / "MEN.tar.gz"), tmp_path)
    assert reason == "" and pairs == [("sun", "sunlight", 50.0), ("car", "auto", 48.0)]


@pytest.mark.parametrize(
    ("name", "status", "expected"),
    [
        ("MEN.tar.gz", 403, "403"),  # a proxy's refusal
        ("moved.tar.gz", None, "404"),  # a moved URL
        ("damaged.tar.gz", None, "EOFError"),  # an archive cut short, published that way
    ],
)
def test_any_failure_to_obtain_it_is_a_reason_to_skip(served, tmp_path, name, status, expected):
    server, root = served
    if status is not None:
        server.fail_statuses = [status] * 4
    published = sha1(root / name) if (root / name).exists() else ""
    pairs, reason = fetch(server.url(name), published, tmp_path)
    assert pairs == [] and expected in reason and server.url(name) in reason


def test_a_missing_member_and_an_unreachable_server_are_reasons_to_skip(served, tmp_path):
    server, root = served
    (tmp_path / "a").mkdir()
    pairs, reason = optional_similarity_pairs(
        server.url("MEN.tar.gz"), "", "MEN/elsewhere", tmp_path / "a", LOG, retries=0
    )
    assert pairs == [] and "KeyError" in reason
    with FileServer(root) as closed:
        url = closed.url("MEN.tar.gz")
    (tmp_path / "b").mkdir()
    pairs, reason = fetch(url, "", tmp_path / "b")
    assert pairs == [] and "UnreachableError" in reason


def test_a_checksum_mismatch_is_an_error(served, tmp_path):
    server, _ = served
    with pytest.raises(ChecksumMismatch, match="sha1 mismatch"):
        fetch(server.url("MEN.tar.gz"), "0" * 40, tmp_path)


@pytest.mark.workflow
def test_a_refused_men_leaves_the_table_and_report(refused_men_run, default_run):
    """Under a server that answers 403 (conftest.refuse_men: the default run again, MEN forced),
    the MEN job records why and every model's benchmarks, the table and the report are still
    made, without MEN."""
    workdir, url = refused_men_run
    men = (workdir / "results/datasets/men.tsv").read_text()
    assert men.startswith(f"# unavailable: {url}") and "403" in men
    benchmarks = pd.read_csv(workdir / "results/enwiki-sample/eval/V2000_L16_d50/benchmarks.csv")
    assert "men" not in set(benchmarks["benchmark"]) and benchmarks["model"].nunique() == 7
    # the report was made again (refuse_men removed it) and shows every file the default run's
    # report shows, the table without a MEN column
    assert set(report_captions(workdir / "results/report.html")) == set(
        report_captions(default_run / "results/report.html")
    )
    summary = (workdir / "results/enwiki-sample/summary/V2000_L16_d50/summary.md").read_text()
    header = next(line for line in summary.splitlines() if line.startswith("| model |"))
    assert "Google analogies" in header and "MEN" not in header


def embedding_file(path) -> dict[str, np.ndarray]:
    """A word2vec text file (a "count dim" line, then a word and its numbers a line), read here
    without the workflow's reader."""
    lines = path.read_text().splitlines()[1:]
    return {
        word: np.array(numbers.split(), dtype=float)
        for word, numbers in (line.split(" ", 1) for line in lines)
    }


def spearman_rho(first, second) -> float:
    """Spearman's rho from its definition: Pearson's r of the ranks (ties share their mean rank)."""
    return float(np.corrcoef(pd.Series(first).rank(), pd.Series(second).rank())[0, 1])


@pytest.mark.workflow
def test_a_served_men_gives_the_table_a_men_column_of_rho_computed_here(small_run):
    """The small run fetches MEN from the session's server (conftest.serve_men: MEN's archive
    layout, MEN_PAIRS): each model's MEN row in benchmarks.csv and its cell in the table are
    Spearman's rho of its cosines against the pairs' scores, computed here from its embedding
    file, on the pairs both of whose words it has."""
    assert read_similarity_pairs(small_run / "results/datasets/men.tsv") == list(MEN_PAIRS)
    config = yaml.safe_load((small_run / "config.yaml").read_text())
    setting = f"V{config['vocab_size']}_L{config['window']}_d{config['dim']}"
    results = small_run / "results/enwiki-sample"
    benchmarks = pd.read_csv(results / f"eval/{setting}/benchmarks.csv")
    men = benchmarks[benchmarks["benchmark"] == "men"].set_index("model")
    assert set(men.index) == set(benchmarks["model"]) and (men["category"] == "all").all()
    table = (results / f"eval/{setting}/table.md").read_text()
    header, *rows = [line.split(" | ") for line in table.splitlines() if line.startswith("| ")]
    column = header.index("MEN")
    cells = {row[0].removeprefix("| "): row[column] for row in rows}
    for model, row in men.iterrows():
        vectors = embedding_file(results / f"embeddings/{setting}/{model}.txt")
        known = [(a, b, s) for a, b, s in MEN_PAIRS if a in vectors and b in vectors]
        cosines = [
            vectors[a] @ vectors[b] / np.linalg.norm(vectors[a]) / np.linalg.norm(vectors[b])
            for a, b, _ in known
        ]
        rho = spearman_rho(cosines, [score for _, _, score in known])
        # the job's cosines are float32 (relative error about 1e-7) and these float64: no two
        # cosines lie close enough for that to swap their ranks, so rho agrees to rounding
        assert np.diff(np.sort(cosines)).min() > 1e-5, model
        assert row["score"] == pytest.approx(rho, abs=1e-12), model
        # the two pairs of words outside the vocabulary are left out, and only they
        assert row["n_questions"] == len(known) == len(MEN_PAIRS) - 2, model
        assert row["coverage"] == pytest.approx(len(known) / len(MEN_PAIRS)), model
        assert cells[MODEL_LABELS[model]] == f"{rho:.3f}", model
