import bz2
import json
import time

import pytest

from qwemflow.corpus import (
    CorpusFormatError,
    corpus_format,
    iter_documents,
    iter_tokenized_articles,
    iter_wiki_pages,
    normalize_text8,
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


def test_bundled_dump_articles(bundled_dump):
    """The real sample: 106 main-namespace articles, all of at least 50 words, markup stripped."""
    documents = list(iter_documents(bundled_dump))
    assert len(documents) == 106
    for marker in ("[[", "]]", "{{", "}}", "<ref", "&lt;", "&amp;", "[http"):
        assert not any(marker in doc for doc in documents), marker
    articles = list(iter_tokenized_articles(bundled_dump, min_words=50))
    assert len(articles) == 106
    assert articles[0][:10] == "anarchism is a political philosophy that advocates self governed societies".split()
    assert 500_000 < sum(map(len, articles)) < 540_000
    assert all(token.isalpha() and token.islower() for article in articles[:5] for token in article)


def test_min_article_words_filters(bundled_dump):
    lengths = [len(a) for a in iter_tokenized_articles(bundled_dump)]
    kept = list(iter_tokenized_articles(bundled_dump, min_words=5000))
    assert len(kept) == sum(n >= 5000 for n in lengths) > 0
    assert len(kept) < len(lengths)


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
    assert list(iter_tokenized_articles(corpus)) == [["first", "line", "two", "words"], ["second", "line"]]


def _wikiextractor_doc(page_id: int, title: str, body: str) -> str:
    """One document as WikiExtractor writes it: the title repeated as the first line."""
    return f'<doc id="{page_id}" url="https://en.wikipedia.org/wiki?curid={page_id}" title="{title}">\n{title}\n\n{body}\n</doc>\n'


WIKIEXTRACTOR = _wikiextractor_doc(12, "Anarchism", "Anarchism is a philosophy.\nIts 2 schools differ.") + _wikiextractor_doc(
    25, "Autism", "Autism is a condition."
)


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
        {"id": "12", "url": "https://en.wikipedia.org/wiki?curid=12", "title": "Anarchism", "text": "Anarchism is a philosophy.\nIt has schools."},
        {"id": "25", "url": "https://en.wikipedia.org/wiki?curid=25", "title": "Autism", "text": "Autism is a condition."},
    ]
    path = tmp_path / "wiki_00.bz2"
    path.write_bytes(bz2.compress("".join(json.dumps(record) + "\n" for record in records).encode()))
    assert [len(a) for a in iter_tokenized_articles(path)] == [7, 4]
    broken = tmp_path / "wiki_01"
    broken.write_text(json.dumps(records[0]) + "\n" + '{"id": "25", "title": "Autism"}\n')
    with pytest.raises(CorpusFormatError, match=r"wiki_01, line 2: .*'text'"):
        list(iter_tokenized_articles(broken))


@pytest.mark.parametrize(
    "text, line, problem",
    [
        (WIKIEXTRACTOR + '<doc id="30" url="u" title="Cut">\nCut\n\nNo end tag.\n', 12, "unterminated <doc>"),
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
