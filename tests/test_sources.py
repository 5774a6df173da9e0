"""Manifests of the corpus sources, against a real HTTP server laid out like Wikimedia's."""

import pytest

from conftest import make_dump_mirror
from http_server import FileServer
from qwemflow.download import DownloadError
from qwemflow.sources import enwiki_manifest, local_manifest, parse_checksum_listing, read_manifest, write_manifest


def test_latest_resolves_to_the_dated_parts(tmp_path, bundled_dump):
    make_dump_mirror(tmp_path, bundled_dump, date="20261101", n_parts=3)
    with FileServer(tmp_path) as server:
        base = server.url("").rstrip("/")
        rows = enwiki_manifest(base, "latest", parts=None)
        assert [r["part"] for r in rows] == ["001", "002", "003"]
        assert rows[0]["url"] == f"{base}/enwiki/20261101/enwiki-20261101-pages-articles-multistream1.xml-p1000p1999.bz2"
        assert all(len(r["md5"]) == 32 and len(r["sha1"]) == 40 for r in rows)
        assert [r["filename"] for r in enwiki_manifest(base, "20261101", parts=2)] == [r["filename"] for r in rows[:2]]
        with pytest.raises(DownloadError, match="20991231"):
            enwiki_manifest(base, "20991231", parts=None)


def test_parts_sorted_by_number_not_text():
    names = [f"enwiki-20261101-pages-articles-multistream{n}.xml-p{n}p{n}.bz2" for n in (10, 2, 1)]
    listing = "\n".join(f"{'a' * 40}  {name}" for name in names)
    rows = enwiki_manifest("http://mirror", "20261101", parts=None, fetch=lambda url: listing.replace("a" * 40, "b" * (32 if "md5" in url else 40)))
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
