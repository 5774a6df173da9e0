"""Manifests of the corpus sources, against a real HTTP server laid out like Wikimedia's."""

from pathlib import Path

import pytest
from conftest import make_dump_mirror
from http_server import FileServer

from qwemflow.download import DownloadError
from qwemflow.sources import (
    enwiki_manifest,
    local_manifest,
    parse_checksum_listing,
    read_manifest,
    write_manifest,
)


def test_latest_resolves_to_the_dated_parts(tmp_path, bundled_dump):
    make_dump_mirror(tmp_path, bundled_dump, date="20261101", n_parts=3)
    with FileServer(tmp_path) as server:
        base = server.url("").rstrip("/")
        rows = enwiki_manifest(base, "latest", parts=None)
        assert [r["part"] for r in rows] == ["001", "002", "003"]
        assert (
            rows[0]["url"]
            == f"{base}/enwiki/20261101/enwiki-20261101-pages-articles-multistream1.xml-p1000p1999.bz2"
        )
        assert all(len(r["md5"]) == 32 and len(r["sha1"]) == 40 for r in rows)
        assert [r["filename"] for r in enwiki_manifest(base, "20261101", parts=2)] == [
            r["filename"] for r in rows[:2]
        ]
        with pytest.raises(DownloadError, match="20991231"):
            enwiki_manifest(base, "20991231", parts=None)


def test_parts_sorted_by_number_not_text():
    names = [f"enwiki-20261101-pages-articles-multistream{n}.xml-p{n}p{n}.bz2" for n in (10, 2, 1)]
    listing = "\n".join(f"{'a' * 40}  {name}" for name in names)
    rows = enwiki_manifest(
        "http://mirror",
        "20261101",
        parts=None,
        fetch=lambda url: listing.replace("a" * 40, "b" * (32 if "md5" in url else 40)),
    )
    assert [r["filename"] for r in rows] == names[::-1]


def test_checksum_listing_and_manifest_round_trip(tmp_path):
    assert parse_checksum_listing("abc  x.bz2\n\nDEF *y.bz2\n") == {"x.bz2": "abc", "y.bz2": "def"}
    corpus = tmp_path / "my corpus.txt"
    corpus.write_text("one document\n")
    rows = local_manifest([corpus])
    write_manifest(rows, tmp_path / "manifest.tsv")
    assert read_manifest(tmp_path / "manifest.tsv")[0]["url"] == corpus.as_uri()
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        local_manifest([tmp_path / "missing.txt"])


def test_wikiextractor_tree_grouped_into_parts(tmp_path):
    """A folder is read recursively in sorted order; consecutive files share a part up to part_mb."""
    tree = tmp_path / "extract"
    sizes = {
        "AA/wiki_00": 400_000,
        "AA/wiki_01": 400_000,
        "AA/wiki_02": 400_000,
        "AB/wiki_00": 900_000,
        "AB/wiki_01": 100,
    }
    for name, size in sizes.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_bytes(b"x" * size)
    (tree / ".hidden").write_text("not a corpus file")
    rows = local_manifest([tree], part_mb=1.0)
    assert [
        (r["part"], Path(r["url"][len("file://") :]).relative_to(tree).as_posix()) for r in rows
    ] == [
        ("001", "AA/wiki_00"),
        ("001", "AA/wiki_01"),
        ("002", "AA/wiki_02"),
        ("003", "AB/wiki_00"),
        ("003", "AB/wiki_01"),
    ]
    assert [r["part"] for r in local_manifest([tree], part_mb=None)] == [
        "001",
        "002",
        "003",
        "004",
        "005",
    ]
    assert [r["filename"] for r in local_manifest([str(tree / "A*" / "wiki_01")])] == [
        "wiki_01",
        "wiki_01",
    ]
    with pytest.raises(ValueError, match="wiki_00: named more than once"):
        local_manifest([tree, tree / "AA" / "wiki_00"])
    with pytest.raises(FileNotFoundError, match="no corpus file matches"):
        local_manifest([str(tree / "ZZ" / "*")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="empty: the corpus folder holds no files"):
        local_manifest([tmp_path / "empty"])
