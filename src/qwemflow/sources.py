"""Where each corpus comes from: a manifest of its part files with URLs and published checksums.

A manifest is a table of files (one row each) with columns part, filename, url, size, md5, sha1;
the part is the unit that later stages scatter over, and local files that share one are
extracted by one job. Local files have a file:// URL and are read in place.
"""

from __future__ import annotations

import csv
import glob
import importlib.metadata
import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from .download import fetch_text

MANIFEST_COLUMNS = ("part", "filename", "url", "size", "md5", "sha1")

BUNDLED_DUMP = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


def gensim_test_data(name: str) -> Path:
    """A file that the gensim wheel ships under gensim/test/test_data. Found without importing
    gensim (1.2 s), and only when asked for, so that the Snakefile parses in an env without
    gensim (--sdm conda)."""
    spec = importlib.util.find_spec("gensim")
    if spec is None:
        raise FileNotFoundError(f"{name}: gensim, which ships it, is not installed")
    path = Path(spec.submodule_search_locations[0]) / "test" / "test_data" / name
    if not path.exists():
        version = importlib.metadata.version("gensim")
        raise FileNotFoundError(f"{path}: not found in the installed gensim {version}")
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
    base_url: str,
    date: str,
    parts: int | None,
    wiki: str = "enwiki",
    fetch: Callable[[str], str] = fetch_text,
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
    pattern = re.compile(
        rf"^{re.escape(wiki)}-(\d{{8}})-pages-articles-multistream(\d+)\.xml-p(\d+)p(\d+)\.bz2$"
    )
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


def single_file_manifest(
    url: str, filename: str, size: int | None = None, md5: str = "", sha1: str = ""
) -> list[dict]:
    """A corpus that is one downloaded file (text8)."""
    return [
        {
            "part": "001",
            "filename": filename,
            "url": url,
            "size": size or "",
            "md5": md5,
            "sha1": sha1,
        }
    ]


def expand_local_paths(paths: list[str | Path]) -> list[Path]:
    """The files that configured local paths name: a file as is; a folder's files, recursively,
    in sorted order and leaving out hidden ones (a WikiExtractor output tree); a glob pattern's
    matches, sorted. A path that names nothing, a folder or pattern with no files, and the same
    file named twice (which would count it twice) are errors."""
    files: list[Path] = []
    for entry in paths:
        text = str(Path(entry).expanduser())
        matches = sorted(glob.glob(text, recursive=True)) if glob.has_magic(text) else [text]
        if not matches:
            raise FileNotFoundError(f"{entry}: no corpus file matches this pattern")
        for match in matches:
            path = Path(match).resolve()
            if path.is_dir():
                found = sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and not any(n.startswith(".") for n in p.relative_to(path).parts)
                )
                if not found:
                    raise FileNotFoundError(f"{path}: the corpus folder holds no files")
                files.extend(found)
            elif path.is_file():
                files.append(path)
            else:
                raise FileNotFoundError(f"{path}: corpus file not found")
    seen: set[Path] = set()
    for path in files:
        if path in seen:
            raise ValueError(
                f"{path}: named more than once by corpus.local.paths (it would be counted twice)"
            )
        seen.add(path)
    return files


def group_into_parts(sizes: list[int], part_bytes: int | None) -> list[int]:
    """The part (0, 1, ...) of each file: consecutive files share a part until it would exceed
    part_bytes; a larger file is a part of its own. None: one part per file."""
    groups, part, total = [], -1, 0
    for size in sizes:
        if part < 0 or part_bytes is None or total + size > part_bytes:
            part, total = part + 1, 0
        groups.append(part)
        total += size
    return groups


def local_manifest(paths: list[str | Path], part_mb: float | None = None) -> list[dict]:
    """Corpus files on this machine, read in place, a row each, grouped into parts of about
    part_mb MB on disk (None: one part per file), so that many small files (WikiExtractor's)
    make a few jobs and a large extract makes many."""
    files = expand_local_paths(paths)
    sizes = [path.stat().st_size for path in files]
    groups = group_into_parts(sizes, None if part_mb is None else int(part_mb * 1e6))
    return [
        {
            "part": f"{group + 1:03d}",
            "filename": path.name,
            "url": path.as_uri(),
            "size": size,
            "md5": "",
            "sha1": "",
        }
        for path, size, group in zip(files, sizes, groups, strict=True)
    ]


def write_manifest(rows: list[dict], path: str | Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as sink:
        writer = csv.DictWriter(
            sink, fieldnames=MANIFEST_COLUMNS, delimiter="\t", lineterminator="\n"
        )
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
