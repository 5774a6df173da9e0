"""Articles out of a corpus file: MediaWiki dumps (stream the XML, strip wiki markup),
WikiExtractor output, text8 archives or plain text; normalized the text8 way.

Markup is stripped with gensim's `filter_wiki` (regular expressions). Measured on the bundled
dump sample (106 articles): 112k tokens/s per core with 0.27% of the tokens being markup
leftovers (px, thumb, isbn, ...), against 49k tokens/s and 0.76% for mwparserfromhell's
`strip_code`, and 167k tokens/s and 0.19% for wikiextractor, which however drops list items and
15% of the text. See bench/README.md, "Corpus extraction".
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import html
import io
import json
import logging
import re
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import TextIO
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from .files import reproducible_gzip_text

log = logging.getLogger(__name__)

_DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
_DIGIT = re.compile(r"[0-9]")
_NOT_LETTER = re.compile(r"[^a-z]+")


# corpus.max_document_mb's default: the most text one document (article, line, <doc> element,
# piece of a text8 archive) may hold, in MB (10^6 characters). Extraction holds a few documents
# at a time, so this bounds its memory (workflow/rules/corpus.smk derives mem_mb from it).
MAX_DOCUMENT_MB = 64
# A text file is decided by its content: its first SNIFF_BYTES (decompressed) may hold no NUL
# byte and at most MAX_BAD_FRACTION of bytes that are not UTF-8; later bad bytes become U+FFFD.
SNIFF_BYTES = 10**6
MAX_BAD_FRACTION = 0.001
_CHUNK = 1 << 16  # bytes (XML) or characters (text) read at a time
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, under errors="surrogateescape"


class CorpusFormatError(ValueError):
    """A corpus file that cannot be read as the format its name promises."""


def _limit(max_document_mb: float) -> int:
    """corpus.max_document_mb in characters."""
    return int(max_document_mb * 10**6)


def _over_limit(max_document_mb: float) -> str:
    return (
        f"the limit of {_limit(max_document_mb)} characters for one document (corpus.max_document_mb = "
        f"{max_document_mb:g}); raise corpus.max_document_mb to take it in"
    )


def normalize_text8(text: str) -> str:
    """Matt Mahoney's text8 normalization: lowercase, digits spelled out, a-z only, single spaces."""
    text = _DIGIT.sub(lambda m: f" {_DIGIT_WORDS[int(m.group())]} ", text.lower())
    return _NOT_LETTER.sub(" ", text).strip()


def text8_tokens(text: str, slice_chars: int = 1 << 20, normalize: bool = True) -> list[str]:
    """normalize_text8(text).split(), normalized a slice at a time: the slices are cut at spaces
    or newlines, which separate tokens anyway, so the tokens are the same, and the temporary
    copies that normalization makes stay small however long the document. Tokens are interned:
    a repeated word is one string, so the list costs 8 bytes a token, not about 70.
    normalize=False: text already normalized, only split."""
    tokens: list[str] = []
    start = 0
    while start < len(text):
        end = start + slice_chars
        if end < len(text):
            cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
            end = cut if cut > start else len(text)
        piece = text[start:end]
        tokens.extend(map(sys.intern, (normalize_text8(piece) if normalize else piece).split()))
        start = end
    return tokens


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _PageCollector:
    """Parser target keeping only what iter_wiki_pages needs of each <page>: its title, ns,
    whether it redirects and its revision's text, which is refused past max_chars (and not kept
    at all for pages known not to be articles). No tree is built."""

    def __init__(self, source: str, max_document_mb: float):
        self.source, self.max_document_mb, self.max_chars = (
            source,
            max_document_mb,
            _limit(max_document_mb),
        )
        self.pages: list[
            tuple[str, str]
        ] = []  # finished articles (title, wikitext), drained by the reader
        self.path: list[str] = []  # local names of the open elements
        self.page: dict | None = None
        self.field: list[str] | None = None  # data of the open title, ns or text element
        self.size = 0

    def start(self, tag, attrib):
        name = _local(tag)
        parent = self.path[-1] if self.path else None
        self.path.append(name)
        if name == "page":
            self.page = {"title": None, "ns": None, "redirect": False, "text": None}
        elif self.page is None:
            return
        elif parent == "page" and name == "redirect":
            self.page["redirect"] = True
        elif (parent == "page" and name in ("title", "ns")) or (
            parent == "revision" and name == "text" and self._may_be_article()
        ):
            self.field, self.size = [], 0

    def _may_be_article(self) -> bool:
        ns = self.page["ns"]
        return not self.page["redirect"] and (ns is None or ns.strip() == "0")

    def data(self, text):
        if self.field is not None:
            self.size += len(text)
            if self.size > self.max_chars:
                title = self.page.get("title")
                what = f"article {title!r}" if title is not None else "a page"
                raise CorpusFormatError(
                    f"{self.source}: {what} has more than {self.max_chars} characters in its <{self.path[-1]}>, "
                    f"{_over_limit(self.max_document_mb)}"
                )
            self.field.append(text)

    def end(self, tag):
        name = self.path.pop()
        if self.field is not None and name in ("title", "ns", "text"):
            self.page[name] = "".join(self.field)
            self.field = None
        elif name == "page" and self.page is not None:
            page = self.page
            if (
                page["ns"] is not None
                and page["ns"].strip() == "0"
                and not page["redirect"]
                and page["text"] is not None
            ):
                self.pages.append((page["title"] or "", page["text"]))
            self.page = None

    def close(self):
        return None


def iter_wiki_pages(
    stream: io.BufferedIOBase, source: str = "<stream>", max_document_mb: float = MAX_DOCUMENT_MB
) -> Iterator[tuple[str, str]]:
    """Yield (title, wikitext) of main-namespace, non-redirect pages of a MediaWiki XML export.

    Bounded memory: the stream is parsed a chunk at a time into the fields of one page (no tree),
    and an article's wikitext is refused (CorpusFormatError naming the file and the title) once it
    passes max_document_mb, as is a single tag, comment or attribute value longer than that.
    Any DTD (and so any entity declaration, the vehicle of "billion laughs" bombs) is refused
    before expansion.
    """
    collector = _PageCollector(source, max_document_mb)
    try:
        parser = SafeET.DefusedXMLParser(target=collector, forbid_dtd=True)
        fed = 0
        while True:
            chunk = stream.read(_CHUNK)
            if chunk:
                parser.feed(chunk)
                fed += len(chunk)
                # expat holds an unfinished token (tag, comment, attribute value) whole
                if fed - parser.parser.CurrentByteIndex > collector.max_chars + _CHUNK:
                    raise CorpusFormatError(
                        f"{source}: an XML tag, comment or attribute value of more than {collector.max_chars} bytes "
                        f"from byte offset {parser.parser.CurrentByteIndex}, {_over_limit(max_document_mb)}"
                    )
            else:
                parser.close()
            pages, collector.pages = collector.pages[::-1], []
            while pages:  # popped: a page yielded is no longer held here
                yield pages.pop()
            if not chunk:
                break
    except defusedxml.DefusedXmlException as exc:
        raise CorpusFormatError(f"{source}: refused unsafe XML ({exc!r})") from exc
    except ParseError as exc:
        raise CorpusFormatError(f"{source}: not well-formed MediaWiki XML ({exc})") from exc
    except (OSError, EOFError) as exc:
        raise CorpusFormatError(f"{source}: cannot be decompressed or read ({exc})") from exc


def wiki_article_text(wikitext: str) -> str:
    """Plain text of one article's wikitext."""
    # imported here: only the extraction jobs need it, and importing gensim takes 1.2 s
    from gensim.corpora.wikicorpus import filter_wiki

    return filter_wiki(wikitext)


def _open_binary(path: Path) -> io.BufferedIOBase:
    if path.suffix == ".bz2":
        return bz2.open(path, "rb")
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")


def _open_text(path: Path) -> TextIO:
    """The file's text; call check_utf8 on its head first (bytes that are not UTF-8 become U+FFFD)."""
    return io.TextIOWrapper(_open_binary(path), encoding="utf-8", errors="replace")


def _read_head(stream: io.BufferedIOBase, size: int = SNIFF_BYTES) -> tuple[bytes, bool]:
    """Up to `size` first bytes of a stream, and whether that is all of it."""
    head = bytearray()
    while len(head) < size and (block := stream.read(size - len(head))):
        head += block
    return bytes(head), len(head) < size or not stream.read(1)


def check_utf8(head: bytes, whole: bool, source: str) -> None:
    """Refuse a "text" file that is not text, from its first bytes: any NUL byte, or more than
    MAX_BAD_FRACTION of them not decodable as UTF-8. The error names the byte offset of the first
    bad byte (in the decompressed text). whole: `head` is the whole file (its end is no cut)."""
    nul = head.find(b"\x00")
    if nul >= 0:
        raise CorpusFormatError(
            f"{source}: not text: a NUL byte at byte offset {nul} (binary data named as text?)"
        )
    text = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(head, final=whole)
    bad = len(_ESCAPED.findall(text))
    if bad > MAX_BAD_FRACTION * len(head):
        first = _ESCAPED.search(text).start()
        offset = len(text[:first].encode("utf-8", "surrogateescape"))
        raise CorpusFormatError(
            f"{source}: not UTF-8 text: {bad} of its first {len(head)} bytes are not UTF-8 (at most "
            f"{MAX_BAD_FRACTION:.1%} may be), the first at byte offset {offset}; convert it to UTF-8 "
            "(e.g. iconv -f latin1 -t utf-8) or leave it out of the corpus"
        )


def _bounded_lines(stream: TextIO, source: str, max_document_mb: float) -> Iterator[str]:
    """The lines of a text stream, none read past the document limit: a longer line (a file
    without newlines, say) is an error naming the line, raised before it is held whole."""
    limit = _limit(max_document_mb)
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            raise CorpusFormatError(
                f"{source}, line {number}: more than {limit} characters without a newline, {_over_limit(max_document_mb)}"
            )
        yield line


def _pieces_at_whitespace(stream: TextIO, source: str, max_document_mb: float) -> Iterator[str]:
    """One unbroken text (text8) cut at whitespace into documents of at most max_document_mb,
    read a chunk at a time. Only windows across a cut are lost: with L = 16, 272 of text8's
    3.4 billion ordered pairs per cut (one cut at the default limit)."""
    limit = _limit(max_document_mb)
    parts, size, offset = [], 0, 0
    while chunk := stream.read(min(_CHUNK, max(limit, 1))):
        parts.append(chunk)
        size += len(chunk)
        while size > limit:
            text = "".join(parts)
            cut = max(text.rfind(space, 0, limit + 1) for space in " \n\t\r\f\v")
            if cut < 0:
                raise CorpusFormatError(
                    f"{source}: no whitespace in the {limit + 1} characters from character {offset}, {_over_limit(max_document_mb)}"
                )
            piece = text[:cut]
            parts, size, offset = [text[cut + 1 :]], len(text) - cut - 1, offset + cut + 1
            del text
            if piece.strip():
                yield piece
            del piece
    if "".join(parts).strip():
        yield "".join(parts)


def corpus_format(path: str | Path) -> str:
    """'mediawiki', 'zip' (text8-style archive) or 'text', from the name.

    A 'text' file is read by its content (text_layout): WikiExtractor's <doc> elements, its
    --json lines, or one document a line.
    """
    name = Path(path).name.lower()
    for suffix in (".bz2", ".gz"):
        name = name.removesuffix(suffix)
    if re.search(r"\.xml(-[^.]*)?$", name):  # Wikimedia parts: ...xml-p1p41242.bz2
        return "mediawiki"
    if name.endswith(".zip"):
        return "zip"
    return "text"


def text_layout(first_line: str) -> str:
    """How a text file holds its documents, from its first non-blank line: 'wikiextractor'
    (<doc> elements), 'wikiextractor-json' (one JSON object a line with a 'text' field) or
    'lines' (one document a line)."""
    line = first_line.strip()
    if line.startswith("<doc"):
        return "wikiextractor"
    if line.startswith("{"):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return "lines"
        if isinstance(record, dict) and "text" in record:
            return "wikiextractor-json"
    return "lines"


_DOC_TITLE = re.compile(r'\stitle="(.*)"\s*>$')


def iter_wikiextractor_documents(
    lines: Iterable[str], source: str, max_document_mb: float = MAX_DOCUMENT_MB
) -> Iterator[str]:
    """Text of each <doc ...> ... </doc> element of WikiExtractor's output.

    WikiExtractor repeats the title as the first line of each document: that line is left out,
    so that every title is not counted as text once more. Text outside a <doc> element, a <doc>
    opened inside another, and one left open at the end of the file are errors naming the line;
    so is a document longer than max_document_mb, raised as soon as it passes the limit.
    """
    limit = _limit(max_document_mb)
    opened_at = None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if opened_at is None:
            if not stripped:
                continue
            if not (
                stripped.startswith("<doc")
                and stripped.endswith(">")
                and stripped[4:5] in (" ", ">")
            ):
                raise CorpusFormatError(
                    f"{source}, line {number}: expected a <doc ...> line, found {stripped[:80]!r}"
                )
            title_match = _DOC_TITLE.search(stripped)
            opened_at, title, body, size = (
                number,
                html.unescape(title_match.group(1)) if title_match else None,
                [],
                0,
            )
        elif stripped == "</doc>":
            if body and title is not None and body[0].strip() == title:
                del body[0]
            yield "".join(body)
            opened_at = None
        elif stripped.startswith("<doc ") or stripped == "<doc>":
            raise CorpusFormatError(
                f"{source}, line {opened_at}: <doc> element not closed before the next one at line {number}"
            )
        else:
            size += len(line)
            if size > limit:
                raise CorpusFormatError(
                    f"{source}, line {opened_at}: the <doc> element {title!r} is longer than {limit} characters, "
                    f"{_over_limit(max_document_mb)}"
                )
            body.append(line)
    if opened_at is not None:
        raise CorpusFormatError(
            f"{source}, line {opened_at}: unterminated <doc> element (no </doc> before the end of the file)"
        )


def iter_wikiextractor_json_documents(lines: Iterable[str], source: str) -> Iterator[str]:
    """The 'text' field of each line of WikiExtractor's --json output (which holds no title line)."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusFormatError(
                f"{source}, line {number}: not a JSON object ({exc.msg})"
            ) from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise CorpusFormatError(f"{source}, line {number}: a JSON line without a 'text' string")
        yield record["text"]


def _iter_text_documents(
    lines: Iterator[str], source: str, max_document_mb: float = MAX_DOCUMENT_MB
) -> Iterator[str]:
    """Documents of a text file, in the layout its first non-blank line shows."""
    head = []
    for line in lines:
        head.append(line)
        if line.strip():
            break
    lines = chain(head, lines)
    layout = text_layout(head[-1] if head else "")
    if layout == "wikiextractor":
        yield from iter_wikiextractor_documents(lines, source, max_document_mb)
    elif layout == "wikiextractor-json":
        yield from iter_wikiextractor_json_documents(lines, source)
    else:
        yield from (line for line in lines if line.strip())


def iter_documents(path: str | Path, max_document_mb: float = MAX_DOCUMENT_MB) -> Iterator[str]:
    """Raw text of each document of a corpus file, streamed.

    MediaWiki dumps give one document per article; a zip (text8) gives its single member, which
    has no article boundaries, cut at whitespace into documents of at most max_document_mb (only
    the windows across a cut are lost); WikiExtractor output gives its <doc> elements (or JSON
    lines); other text gives one document per line. Any of the text forms may be compressed
    (.bz2, .gz), as WikiExtractor's --compress writes them. A longer article, <doc> element or
    line is an error naming the file and the article or line (corpus.max_document_mb), raised
    before it is held whole; a text file (or zip member) that is not UTF-8 text is refused
    (check_utf8).
    """
    path = Path(path)
    fmt = corpus_format(path)
    if fmt == "mediawiki":
        with _open_binary(path) as stream:
            for _title, wikitext in iter_wiki_pages(stream, str(path), max_document_mb):
                text = wiki_article_text(wikitext)
                del wikitext
                yield text
    elif fmt == "zip":
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise CorpusFormatError(
                        f"{path}: expected one text file in the zip, found {len(members)}"
                    )
                source = f"{path}: {members[0].filename}"
                with archive.open(members[0]) as member:
                    check_utf8(*_read_head(member), source)
                with archive.open(members[0]) as member:
                    yield from _pieces_at_whitespace(
                        io.TextIOWrapper(member, encoding="utf-8", errors="replace"),
                        source,
                        max_document_mb,
                    )
        except zipfile.BadZipFile as exc:
            raise CorpusFormatError(f"{path}: not a zip archive ({exc})") from exc
    else:
        try:
            with _open_binary(path) as stream:
                check_utf8(*_read_head(stream), str(path))
            with _open_text(path) as stream:
                yield from _iter_text_documents(
                    _bounded_lines(stream, str(path), max_document_mb), str(path), max_document_mb
                )
        except (OSError, EOFError) as exc:
            raise CorpusFormatError(f"{path}: cannot be decompressed or read ({exc})") from exc


def iter_tokenized_articles(
    paths: str | Path | Iterable[str | Path],
    min_words: int = 0,
    max_document_mb: float = MAX_DOCUMENT_MB,
    tally: Counter | None = None,
) -> Iterator[list[str]]:
    """text8-normalized token lists of the documents of one corpus file (or of several, in turn)
    with at least min_words words. tally, if given, counts the 'documents' read and those 'kept'."""
    tally = Counter() if tally is None else tally
    for path in [paths] if isinstance(paths, (str, Path)) else paths:
        for document in iter_documents(path, max_document_mb):
            tally["documents"] += 1
            tokens = text8_tokens(document)
            del document
            if tokens and len(tokens) >= min_words:
                tally["kept"] += 1
                yield tokens


def write_articles(
    articles: Iterable[list[str]], out: Path, progress_every: float = 10.0
) -> Counter:
    """Write one article per line (gzip) and return the word counts; logs progress.

    The same articles give the same bytes on every run: the gzip header holds neither a time nor
    the (temporary) file name."""
    counts: Counter = Counter()
    n_articles = n_tokens = 0
    start = last = time.monotonic()
    with reproducible_gzip_text(out, compresslevel=3) as sink:
        for tokens in articles:
            sink.write(" ".join(tokens))
            sink.write("\n")
            counts.update(tokens)
            n_articles += 1
            n_tokens += len(tokens)
            now = time.monotonic()
            if now - last >= progress_every:
                log.info(
                    "%d articles, %d tokens, %.0f tokens/s",
                    n_articles,
                    n_tokens,
                    n_tokens / (now - start),
                )
                last = now
    elapsed = max(time.monotonic() - start, 1e-9)
    log.info(
        "done: %d articles, %d tokens in %.1f s (%.0f tokens/s)",
        n_articles,
        n_tokens,
        elapsed,
        n_tokens / elapsed,
    )
    return counts


def corpus_prefix(
    articles: Iterable[list[str]], n_words: int, source: str = "the corpus"
) -> Iterator[list[str]]:
    """The first n_words words of a corpus, its articles in order, the last one cut where the
    count is reached: nested prefixes of one corpus, for a study of accuracy against size.

    A corpus shorter than n_words is an error naming source: a prefix as long as the corpus
    itself would only repeat the whole-corpus run under another name."""
    if n_words <= 0:
        raise ValueError(f"a corpus prefix needs a positive number of words, not {n_words}")
    left = n_words
    for tokens in articles:
        if len(tokens) >= left:
            yield tokens[:left]
            return
        left -= len(tokens)
        yield tokens
    raise ValueError(
        f"{source} has {n_words - left} words, fewer than the {n_words} asked of its prefix"
    )


def read_articles(path: str | Path) -> Iterator[list[str]]:
    """Token lists of a text/{part}.txt.gz file written by write_articles (interned: a line of
    corpus.max_document_mb costs about 1.5 times its size, not 12)."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield text8_tokens(line, normalize=False)
