"""Where each corpus comes from: a manifest of its part files with URLs and published checksums.

A manifest is a table (one row per part, the unit that later stages scatter over) with columns
part, filename, url, size, md5, sha1. Local files have a file:// URL and are read in place.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlparse

from .download import fetch_text

MANIFEST_COLUMNS = ("part", "filename", "url", "size", "md5", "sha1")

BUNDLED_DUMP = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


def gensim_test_data(name: str) -> Path:
    """A file that the gensim wheel ships under gensim/test/test_data."""
    import gensim  # here, so that the Snakefile can parse in an env without gensim (--sdm conda)

    path = Path(gensim.__file__).parent / "test" / "test_data" / name
    if not path.exists():
        raise FileNotFoundError(f"{path}: not found in the installed gensim {gensim.__version__}")
    return path


def parse_checksum_listing(text: str) -> dict[str, str]:
    """'<hexdigest>  <filename>' lines (md5sum/sha1sum output) as {filename: hexdigest}."""
    listing = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 2:
            digest, filename = fields
            listing[filename.lstrip("*")] = digest.lower()
    return listing


def enwiki_manifest(
    base_url: str, date: str, parts: int | None, wiki: str = "enwiki", fetch: Callable[[str], str] = fetch_text
) -> list[dict]:
    """The pages-articles multistream part files of one dump, with Wikimedia's md5 and sha1 sums.

    date is 'latest' or YYYYMMDD. The 'latest' listings name the dated files, so the concrete
    date is read from them and the files are taken from the dated directory.
    """
    base = base_url.rstrip("/")
    sums = {}
    for algorithm in ("md5", "sha1"):
        url = f"{base}/{wiki}/{date}/{wiki}-{date}-{algorithm}sums.txt"
        sums[algorithm] = parse_checksum_listing(fetch(url))
        sums[f"{algorithm}_url"] = url
    pattern = re.compile(rf"^{re.escape(wiki)}-(\d{{8}})-pages-articles-multistream(\d+)\.xml-p(\d+)p(\d+)\.bz2$")
    found = []
    for filename in sums["sha1"]:
        match = pattern.match(filename)
        if match:
            found.append((int(match.group(2)), int(match.group(3)), match.group(1), filename))
    if not found:
        raise ValueError(f"{sums['sha1_url']}: lists no pages-articles-multistream part files")
    found.sort()
    if parts is not None:
        found = found[:parts]
    rows = []
    for index, (_, _, dump_date, filename) in enumerate(found, 1):
        if filename not in sums["md5"]:
            raise ValueError(f"{sums['md5_url']}: has no md5 for {filename}")
        rows.append(
            {
                "part": f"{index:03d}",
                "filename": filename,
                "url": f"{base}/{wiki}/{dump_date}/{filename}",
                "size": "",
                "md5": sums["md5"][filename],
                "sha1": sums["sha1"][filename],
            }
        )
    return rows


def single_file_manifest(url: str, filename: str, size: int | None = None, md5: str = "", sha1: str = "") -> list[dict]:
    """A corpus that is one downloaded file (text8)."""
    return [{"part": "001", "filename": filename, "url": url, "size": size or "", "md5": md5, "sha1": sha1}]


def local_manifest(paths: list[str | Path]) -> list[dict]:
    """Corpus files on this machine, read in place; each is one part."""
    rows = []
    for index, path in enumerate(paths, 1):
        path = Path(path).expanduser().resolve()
        if not path.is_file():
            raise FileNotFoundError(f"{path}: corpus file not found")
        rows.append(
            {"part": f"{index:03d}", "filename": path.name, "url": path.as_uri(), "size": path.stat().st_size, "md5": "", "sha1": ""}
        )
    return rows


def write_manifest(rows: list[dict], path: str | Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as sink:
        writer = csv.DictWriter(sink, fieldnames=MANIFEST_COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_manifest(path: str | Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source, delimiter="\t"))
    if not rows or set(rows[0]) != set(MANIFEST_COLUMNS):
        raise ValueError(f"{path}: not a corpus manifest (columns {', '.join(MANIFEST_COLUMNS)})")
    return rows


def is_local(row: dict) -> bool:
    return row["url"].startswith("file://")


def local_path(row: dict) -> Path:
    """Path of a file:// manifest row."""
    return Path(unquote(urlparse(row["url"]).path))
