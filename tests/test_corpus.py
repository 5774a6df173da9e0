import bz2
import gzip
import json
import random
import re
import time
import tracemalloc
import zipfile
from collections import Counter

import pytest

from qwemflow.corpus import (
    CorpusFormatError,
    corpus_format,
    corpus_prefix,
    iter_documents,
    iter_tokenized_articles,
    iter_wiki_pages,
    normalize_text8,
    read_articles,
    text8_tokens,
    write_articles,
)


def test_text8_normalization():
    assert normalize_text8("Hello, World! In 1984 ...") == "hello world in one nine eight four"
    assert normalize_text8("Café au-lait_x2") == "caf au lait x two"
    assert normalize_text8("  \n\t ") == ""


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("enwiki-20261101-pages-articles-multistream1.xml-p1p41242.bz2", "mediawiki"),
        ("dump.xml", "mediawiki"),
        ("dump.xml.bz2", "mediawiki"),
        ("text8.zip", "zip"),
        ("corpus.txt.gz", "text"),
        ("corpus.txt", "text"),
    ],
)
def test_corpus_format_from_name(name, fmt):
    assert corpus_format(name) == fmt


def test_bundled_dump_articles(bundled_dump, bundled_articles):
    """The real sample: 106 main-namespace articles, all of at least 50 words, markup stripped."""
    documents = list(iter_documents(bundled_dump))
    assert len(documents) == 106
    for marker in ("[[", "]]", "{{", "}}", "<ref", "&lt;", "&amp;", "[http"):
        assert not any(marker in doc for doc in documents), marker
    articles = bundled_articles
    assert len(articles) == 106
    assert (
        articles[0][:10]
        == "anarchism is a political philosophy that advocates self governed societies".split()
    )
    assert 500_000 < sum(map(len, articles)) < 540_000
    assert all(token.isalpha() and token.islower() for article in articles[:5] for token in article)


def test_min_article_words_filters_and_tallies(bundled_dump, bundled_articles):
    lengths = [len(a) for a in bundled_articles]  # every document (all have 50 words or more)
    tally = Counter()
    kept = list(iter_tokenized_articles(bundled_dump, min_words=5000, tally=tally))
    assert len(kept) == sum(n >= 5000 for n in lengths) > 0
    assert len(kept) < len(lengths)
    assert tally["kept"] == len(kept) and tally["documents"] == 106 > len(kept)


PAGES = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">
  <page><title>Kept</title><ns>0</ns><id>1</id>
    <revision><text>The '''first''' [[article|Article]] has 3 cats.{{citation needed}}</text></revision></page>
  <page><title>Moved</title><ns>0</ns><id>2</id><redirect title="Kept" />
    <revision><text>#REDIRECT [[Kept]]</text></revision></page>
  <page><title>Talk:Kept</title><ns>1</ns><id>3</id>
    <revision><text>a talk page</text></revision></page>
  <page><title>Second</title><ns>0</ns><id>4</id>
    <revision><text>Second &amp; last.</text></revision></page>
</mediawiki>
"""


def test_main_namespace_without_redirects(tmp_path):
    dump = tmp_path / "small.xml.bz2"
    dump.write_bytes(bz2.compress(PAGES.encode()))
    with bz2.open(dump) as stream:
        titles = [title for title, _ in iter_wiki_pages(stream)]
    assert titles == ["Kept", "Second"]
    articles = list(iter_tokenized_articles(dump))
    assert articles == [["the", "first", "article", "has", "three", "cats"], ["second", "last"]]


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lollollollollollollollollollol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<mediawiki><page><title>Bomb</title><ns>0</ns><revision><text>&lol9;</text></revision></page></mediawiki>
"""


def test_entity_expansion_bomb_rejected_at_once(tmp_path):
    dump = tmp_path / "bomb.xml.bz2"
    dump.write_bytes(bz2.compress(BOMB.encode()))
    start = time.monotonic()
    with pytest.raises(CorpusFormatError, match="bomb.xml.bz2.*unsafe XML"):
        list(iter_tokenized_articles(dump))
    # A safety property, not a speed target: expanding this bomb would take gigabytes and minutes.
    assert time.monotonic() - start < 1.0


def test_broken_dump_names_the_file(tmp_path):
    truncated = tmp_path / "cut.xml.bz2"
    truncated.write_bytes(bz2.compress(PAGES.encode())[:-40])
    with pytest.raises(CorpusFormatError, match="cut.xml.bz2"):
        list(iter_tokenized_articles(truncated))
    not_xml = tmp_path / "garbage.xml"
    not_xml.write_text("<mediawiki><page>")
    with pytest.raises(CorpusFormatError, match="garbage.xml.*not well-formed"):
        list(iter_tokenized_articles(not_xml))


def test_plain_text_one_document_per_line(tmp_path):
    corpus = tmp_path / "mine.txt"
    corpus.write_text("First line, 2 words\n\nSecond LINE\n")
    assert list(iter_tokenized_articles(corpus)) == [
        ["first", "line", "two", "words"],
        ["second", "line"],
    ]


def _wikiextractor_doc(page_id: int, title: str, body: str) -> str:
    """One document as WikiExtractor writes it: the title repeated as the first line."""
    return f'<doc id="{page_id}" url="https://en.wikipedia.org/wiki?curid={page_id}" title="{title}">\n{title}\n\n{body}\n</doc>\n'


WIKIEXTRACTOR = _wikiextractor_doc(
    12, "Anarchism", "Anarchism is a philosophy.\nIts 2 schools differ."
) + _wikiextractor_doc(25, "Autism", "Autism is a condition.")


@pytest.mark.parametrize("name, compress", [("wiki_00", False), ("wiki_01.bz2", True)])
def test_wikiextractor_documents_without_their_title_line(tmp_path, name, compress):
    path = tmp_path / name
    data = WIKIEXTRACTOR.encode()
    path.write_bytes(bz2.compress(data) if compress else data)
    assert list(iter_tokenized_articles(path)) == [
        "anarchism is a philosophy its two schools differ".split(),
        "autism is a condition".split(),
    ]


def test_wikiextractor_json_lines(tmp_path):
    records = [
        {
            "id": "12",
            "url": "https://en.wikipedia.org/wiki?curid=12",
            "title": "Anarchism",
            "text": "Anarchism is a philosophy.\nIt has schools.",
        },
        {
            "id": "25",
            "url": "https://en.wikipedia.org/wiki?curid=25",
            "title": "Autism",
            "text": "Autism is a condition.",
        },
    ]
    path = tmp_path / "wiki_00.bz2"
    path.write_bytes(
        bz2.compress("".join(json.dumps(record) + "\n" for record in records).encode())
    )
    assert [len(a) for a in iter_tokenized_articles(path)] == [7, 4]
    broken = tmp_path / "wiki_01"
    broken.write_text(json.dumps(records[0]) + "\n" + '{"id": "25", "title": "Autism"}\n')
    with pytest.raises(CorpusFormatError, match=r"wiki_01, line 2: .*'text'"):
        list(iter_tokenized_articles(broken))


@pytest.mark.parametrize(
    "text, line, problem",
    [
        (
            WIKIEXTRACTOR + '<doc id="30" url="u" title="Cut">\nCut\n\nNo end tag.\n',
            12,
            "unterminated <doc>",
        ),
        (WIKIEXTRACTOR.replace("</doc>\n", "", 1), 1, "not closed before the next one at line 6"),
        (WIKIEXTRACTOR + "stray text\n", 12, "expected a <doc"),
    ],
    ids=["unterminated", "nested", "outside"],
)
def test_malformed_wikiextractor_documents_name_file_and_line(tmp_path, text, line, problem):
    path = tmp_path / "wiki_07"
    path.write_text(text)
    with pytest.raises(CorpusFormatError, match=rf"wiki_07, line {line}: .*{problem}"):
        list(iter_tokenized_articles(path))


# Bounded intake (issue 15): one document is capped at corpus.max_document_mb, text files are
# decided by their content, and the text written is the same bytes on every run.


def _peak_bytes(function):
    """function()'s result and the peak of Python memory allocated while it ran."""
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _raised(function):
    try:
        function()
    except CorpusFormatError as exc:
        return exc
    raise AssertionError("no CorpusFormatError")


def test_zip_member_is_streamed_in_pieces_cut_at_whitespace(tmp_path):
    """A zip bomb (56 MB of text in a small zip) is read a chunk at a time: no piece is longer
    than the cap, the pieces hold every word in order, and memory stays far below the text."""
    words = " ".join(f"w{i % 997}x" for i in range(100_000))  # 690 kB, no article boundaries
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        with out.open("text8", "w") as member:
            for _ in range(96):
                member.write(words.encode() + b" ")
    assert archive.stat().st_size < 2e6
    start = time.monotonic()
    sizes, peak = _peak_bytes(
        lambda: [len(piece) for piece in iter_documents(archive, max_document_mb=1)]
    )
    assert time.monotonic() - start < 60  # a hang detector, not a speed target
    assert sum(sizes) > 56e6 and max(sizes) <= 1_000_000 and len(sizes) >= 57
    assert peak < 8e6, peak  # a few pieces of 1 MB, not the 56 MB text
    small = tmp_path / "small.zip"
    with zipfile.ZipFile(small, "w") as out:
        out.writestr("text8", words)
    pieces = list(iter_documents(small, max_document_mb=0.1))
    assert all(len(piece) <= 100_000 for piece in pieces) and len(pieces) >= 6
    assert " ".join(pieces).split() == words.split()


def _write_bz2(path, parts):
    with bz2.open(path, "wb", compresslevel=1) as sink:
        for part in parts:
            sink.write(part.encode())


def test_long_article_in_dump_is_refused_naming_file_and_title(tmp_path):
    dump = tmp_path / "long.xml.bz2"
    line = "A '''long''' line of [[wiki]] text &amp; more.\n" * 20_000  # 0.94 MB
    _write_bz2(
        dump,
        [
            '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">',
            "<page><title>Short</title><ns>0</ns><revision><text>A short article.</text></revision></page>",
            "<page><title>Huge Article</title><ns>0</ns><revision><text>",
            *[line] * 16,
            "</text></revision></page>",
            "</mediawiki>",
        ],
    )
    documents = []
    exc, peak = _peak_bytes(
        lambda: _raised(lambda: documents.extend(iter_documents(dump, max_document_mb=1)))
    )
    assert len(documents) == 1
    message = str(exc)
    assert (
        "long.xml.bz2" in message
        and "'Huge Article'" in message
        and "corpus.max_document_mb" in message
    )
    assert "1000000" in message
    assert peak < 5e6, peak  # not the 16 MB article
    # The same article under a larger cap is taken in whole.
    with bz2.open(dump) as stream:
        assert [len(text) for _, text in iter_wiki_pages(stream, str(dump), max_document_mb=20)][
            1
        ] == 16 * len(line.replace("&amp;", "&"))


def test_large_pages_outside_the_main_namespace_are_not_held(tmp_path):
    dump = tmp_path / "talk.xml"
    dump.write_text(
        "<mediawiki><page><title>Talk:X</title><ns>1</ns><revision><text>"
        + "chat " * 400_000
        + "</text></revision></page><page><title>Kept</title><ns>0</ns><revision><text>Body text.</text></revision></page></mediawiki>"
    )
    assert list(iter_tokenized_articles(dump, max_document_mb=1)) == [["body", "text"]]


def test_endless_xml_comment_is_refused_without_holding_it(tmp_path):
    """expat holds an unfinished token whole: it is bounded by the same limit."""
    dump = tmp_path / "comment.xml.bz2"
    _write_bz2(dump, ["<mediawiki><page><title>X</title><!-- ", "never closed " * 600_000])
    exc, peak = _peak_bytes(lambda: _raised(lambda: list(iter_documents(dump, max_document_mb=1))))
    assert re.search(
        r"comment.xml.bz2: an XML tag, comment or attribute value of more than 1000000 bytes from byte offset 33, .*corpus.max_document_mb",
        str(exc),
    ), exc
    assert peak < 5e6, peak


def test_wikiextractor_document_over_the_cap_names_file_line_and_title(tmp_path):
    path = tmp_path / "wiki_00.bz2"
    _write_bz2(
        path,
        [
            _wikiextractor_doc(1, "Small", "Fine."),
            _wikiextractor_doc(7, "Endless", "Many words here.\n" * 400_000),
        ],
    )
    documents = []
    exc, peak = _peak_bytes(
        lambda: _raised(lambda: documents.extend(iter_documents(path, max_document_mb=1)))
    )
    assert documents == ["\nFine.\n"]
    assert re.search(
        r"wiki_00.bz2, line 6: .*'Endless'.*1000000 characters.*corpus.max_document_mb", str(exc)
    ), exc
    assert peak < 5e6, peak


@pytest.mark.parametrize("name", ["oneline.txt", "oneline.txt.gz"])
def test_line_without_newline_is_refused_without_holding_it(tmp_path, name):
    path = tmp_path / name
    data = ("word " * 1_600_000).encode()  # 8 MB, no newline
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    exc, peak = _peak_bytes(lambda: _raised(lambda: list(iter_documents(path, max_document_mb=1))))
    assert re.search(
        rf"{re.escape(name)}, line 1: .*more than 1000000 characters.*corpus.max_document_mb",
        str(exc),
    ), exc
    assert peak < 5e6, peak
    # a line as long as the cap is a document
    path = tmp_path / "short.txt"
    path.write_text("ab " * 10 + "\n" + "x" * 100 + "\n")
    assert [len(d) for d in iter_documents(path, max_document_mb=0.0001)] == [31, 101]


def test_binary_file_named_txt_is_refused(tmp_path):
    rng = random.Random(0)
    binary = tmp_path / "random.txt"
    binary.write_bytes(
        bytes(rng.randrange(1, 256) for _ in range(200_000)).replace(b"\x00", b"\x01")
    )
    with pytest.raises(
        CorpusFormatError, match=r"random.txt: not UTF-8 text: .* the first at byte offset \d+"
    ):
        list(iter_documents(binary))
    with_nul = tmp_path / "nul.txt.gz"
    with_nul.write_bytes(gzip.compress(b"plain text\nmore text" + b"\x00" + b"tail\n"))
    with pytest.raises(
        CorpusFormatError, match=r"nul.txt.gz: not text: a NUL byte at byte offset 20"
    ):
        list(iter_documents(with_nul))
    archive = tmp_path / "latin.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("text8", "caf\xe9 na\xefve ".encode("latin-1") * 1000)
    with pytest.raises(
        CorpusFormatError, match=r"latin.zip: text8: not UTF-8 text: .* byte offset 3\b"
    ):
        list(iter_documents(archive))


def test_a_few_bad_bytes_in_text_are_tolerated(tmp_path):
    path = tmp_path / "mostly.txt"
    path.write_bytes(b"good words here\n" * 1000 + b"one bad \xff byte\n")
    documents = list(iter_documents(path))
    assert len(documents) == 1001 and documents[-1] == "one bad \ufffd byte\n"


def test_written_text_is_byte_identical_across_runs(tmp_path):
    articles = [["first", "article"], ["second", "one", "here"]]
    first, second = tmp_path / ".tmp-1-000.txt.gz", tmp_path / ".tmp-22-000.txt.gz"
    counts = write_articles(articles, first)
    time.sleep(1.1)  # a gzip header's time has a resolution of one second
    write_articles(articles, second)
    assert first.read_bytes() == second.read_bytes()
    assert list(read_articles(first)) == articles and counts["article"] == 1


def test_tokens_normalized_in_slices_are_the_same(bundled_dump):
    document = next(iter_documents(bundled_dump))
    for slice_chars in (7, 100, 10**6):
        assert text8_tokens(document, slice_chars) == normalize_text8(document).split()
    assert text8_tokens("ab cd\nef", 3, normalize=False) == ["ab", "cd", "ef"]
    assert text8_tokens("nospaceshere", 3) == ["nospaceshere"]


def test_corpus_prefix_is_the_first_words_with_the_last_article_cut():
    articles = [["a", "b", "c"], ["d", "e"], ["f", "g", "h", "i"]]
    assert list(corpus_prefix(iter(articles), 3)) == [["a", "b", "c"]]
    assert list(corpus_prefix(iter(articles), 6)) == [["a", "b", "c"], ["d", "e"], ["f"]]
    # nested: each prefix starts the next one
    words = [w for article in corpus_prefix(iter(articles), 8) for w in article]
    assert words == list("abcdefgh")


def test_corpus_prefix_longer_than_the_corpus_is_an_error_naming_it():
    with pytest.raises(ValueError, match=r"corpus X has 9 words, fewer than the 10 asked"):
        list(corpus_prefix(iter([["a"] * 4, ["b"] * 5]), 10, "corpus X"))
    with pytest.raises(ValueError, match="positive"):
        list(corpus_prefix(iter([["a"]]), 0))
