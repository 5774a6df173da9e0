"""MEN is optional: any failure to obtain it skips it with the reason, and the table and report
are still made; a file that arrives but does not match its checksum stays an error."""

import hashlib
import logging
import tarfile

import pandas as pd
import pytest
from http_server import FileServer

from qwemflow.download import ChecksumMismatch
from qwemflow.evaluate import optional_similarity_pairs

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
def test_a_refused_men_leaves_the_table_and_report(refused_men_run):
    """Under a server that answers 403 (conftest.refuse_men: the default run again, MEN forced),
    the MEN job records why and every model's benchmarks, the table and the report are still
    made, without MEN."""
    workdir, url = refused_men_run
    men = (workdir / "results/datasets/men.tsv").read_text()
    assert men.startswith(f"# unavailable: {url}") and "403" in men
    benchmarks = pd.read_csv(workdir / "results/enwiki-sample/eval/V2000_L16_d50/benchmarks.csv")
    assert "men" not in set(benchmarks["benchmark"]) and benchmarks["model"].nunique() == 7
    assert (workdir / "results/report.html").stat().st_size > 100_000
