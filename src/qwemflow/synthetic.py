"""A generated corpus of any size with known structure: Zipfian background words, planted topics
and planted analogy families. It serves scale benchmarks and is a ground truth for M*.

Every document draws a topic; a fraction of the documents are also "analogy documents" about the
topic's family member with a random bit vector b (n_attributes binary attributes). Each token of
a document is, independently:
- with probability topic_weight, one of its topic's words (uniform);
- in an analogy document, with probability family_weight, the family word w(topic, b), and with
  probability marker_weight a marker word of one attribute k (uniform) for the value b_k;
- otherwise a background word drawn from a Zipf law (P(rank r) proportional to r^-s).

Why this plants what the paper predicts M* recovers: topic words co-occur only inside their
topic's documents, so M* has one block per topic and its top eigenvectors span the topic
indicators. The row of M* of w(c, b) is a sum of terms on disjoint word sets: its topic's
words (depending on c only), the marker words (on b only) and its own entry, so
w(c, b') - w(c, b) is the same for every family c, and the eigen-embeddings (a linear map of
those rows) solve w(c, b) : w(c, b') :: w(c', b) : w(c', b').

Each part is generated from (seed, part) alone, in chunks, so parts are separate jobs and a part
of any size is written in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import product
from pathlib import Path

import numpy as np

from .files import reproducible_gzip_text
from .vocab import id_dtype

# Tokens generated (and written) at a time: bounds a part's memory whatever its size.
CHUNK_TOKENS = 1 << 20


@dataclass(frozen=True)
class SyntheticCorpus:
    n_tokens: int
    parts: int
    seed: int
    base_words: int
    zipf_exponent: float
    document_length: int
    n_topics: int
    topic_words: int
    topic_weight: float
    n_attributes: int
    marker_words: int
    analogy_fraction: float
    family_weight: float
    marker_weight: float

    def __post_init__(self):
        if self.topic_weight + self.family_weight + self.marker_weight >= 1:
            raise ValueError(
                "corpus.synthetic: topic, family and marker weights must sum to less than 1"
            )
        if self.parts > self.n_tokens:
            raise ValueError(
                f"corpus.synthetic: {self.parts} parts for only {self.n_tokens} tokens"
            )

    @classmethod
    def from_config(cls, settings: dict) -> SyntheticCorpus:
        """From the config block corpus.synthetic."""
        topics, analogies = settings["topics"], settings["analogies"]
        return cls(
            n_tokens=settings["n_tokens"],
            parts=settings["parts"],
            seed=settings["seed"],
            base_words=settings["base_words"],
            zipf_exponent=settings["zipf_exponent"],
            document_length=settings["document_length"],
            n_topics=topics["count"],
            topic_words=topics["words"],
            topic_weight=topics["weight"],
            n_attributes=analogies["attributes"],
            marker_words=analogies["marker_words"],
            analogy_fraction=analogies["document_fraction"],
            family_weight=analogies["family_weight"],
            marker_weight=analogies["marker_weight"],
        )

    # The generator's vocabulary: background words, then topic words (topic-major), family words
    # (topic-major, bit vectors in binary order), marker words (attribute, value, index).

    @cached_property
    def _first_topic_word(self) -> int:
        return self.base_words

    @cached_property
    def _first_family_word(self) -> int:
        return self.base_words + self.n_topics * self.topic_words

    @cached_property
    def _first_marker_word(self) -> int:
        return self._first_family_word + self.n_topics * 2**self.n_attributes

    @cached_property
    def words(self) -> np.ndarray:
        """Names of the generator's words, indexed by generator id (object array of str)."""
        names = [f"w{rank}" for rank in range(self.base_words)]
        names += [f"topic{t}word{i}" for t in range(self.n_topics) for i in range(self.topic_words)]
        names += [
            self.family_word(t, bits) for t in range(self.n_topics) for bits in self._bit_vectors()
        ]
        names += [
            f"attribute{k}is{value}marker{i}"
            for k in range(self.n_attributes)
            for value in (0, 1)
            for i in range(self.marker_words)
        ]
        return np.array(names, dtype=object)

    def _bit_vectors(self) -> list[tuple[int, ...]]:
        return list(product((0, 1), repeat=self.n_attributes))

    def family_word(self, topic: int, bits: tuple[int, ...]) -> str:
        return f"family{topic}is" + "".join(map(str, bits))

    def topics(self) -> list[list[str]]:
        """The planted topics: the words of each."""
        first = self._first_topic_word
        return [
            list(self.words[first + t * self.topic_words : first + (t + 1) * self.topic_words])
            for t in range(self.n_topics)
        ]

    def analogy_sections(self) -> dict[str, list[tuple[str, str, str, str]]]:
        """Planted analogies in the questions-words layout: per attribute k, the pairs
        (w(c, b), w(c, b with b_k = 1)) for every family c and every b with b_k = 0, each question
        joining one pair to the next (the paper protocol then takes every couple of pairs)."""
        sections = {}
        for k in range(self.n_attributes):
            pairs = [
                (self.family_word(t, bits), self.family_word(t, bits[:k] + (1,) + bits[k + 1 :]))
                for t in range(self.n_topics)
                for bits in self._bit_vectors()
                if bits[k] == 0
            ]
            sections[f"attribute-{k}"] = [
                (*pairs[i], *pairs[(i + 1) % len(pairs)]) for i in range(len(pairs))
            ]
        return sections

    def expected_frequencies(self) -> np.ndarray:
        """P(word) of the generator, by generator id (document lengths average out)."""
        n_bits = self.n_attributes
        zipf = self._zipf()
        f = self.analogy_fraction
        background = 1 - self.topic_weight - f * (self.family_weight + self.marker_weight)
        topic = np.full(
            self.n_topics * self.topic_words, self.topic_weight / (self.n_topics * self.topic_words)
        )
        family = np.full(
            self.n_topics * 2**n_bits, f * self.family_weight / (self.n_topics * 2**n_bits)
        )
        marker = np.full(
            2 * n_bits * self.marker_words,
            f * self.marker_weight / (2 * n_bits * self.marker_words),
        )
        return np.concatenate([background * zipf, topic, family, marker])

    def _zipf(self) -> np.ndarray:
        weights = np.arange(1, self.base_words + 1, dtype=np.float64) ** -self.zipf_exponent
        return weights / weights.sum()

    def part_tokens(self, part: int) -> int:
        """Tokens of part (1-based): n_tokens split as evenly as possible."""
        if not 1 <= part <= self.parts:
            raise ValueError(f"part {part} of a synthetic corpus of {self.parts} parts")
        return self.n_tokens // self.parts + (1 if part <= self.n_tokens % self.parts else 0)

    def iter_chunks(
        self, part: int, chunk_tokens: int = CHUNK_TOKENS
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(generator ids, document offsets) of whole documents, about chunk_tokens at a time;
        the part's last document is cut so that the part has exactly part_tokens(part) tokens."""
        rng = np.random.default_rng([self.seed, part])
        zipf_cdf = np.cumsum(self._zipf())
        remaining = self.part_tokens(part)
        while remaining > 0:
            lengths = rng.geometric(
                1 / self.document_length, size=max(1, chunk_tokens // self.document_length)
            )
            ends = np.cumsum(lengths)
            if ends[-1] >= remaining:
                lengths = lengths[: np.searchsorted(ends, remaining) + 1]
                lengths[-1] -= ends[len(lengths) - 1] - remaining
            ids = self._draw(rng, lengths, zipf_cdf)
            remaining -= len(ids)
            yield ids, np.concatenate([[0], np.cumsum(lengths)])

    def _draw(
        self, rng: np.random.Generator, lengths: np.ndarray, zipf_cdf: np.ndarray
    ) -> np.ndarray:
        """Tokens of documents of the given lengths, all draws vectorized."""
        n_docs, n = len(lengths), int(lengths.sum())
        topic = rng.integers(self.n_topics, size=n_docs)
        analogy = rng.random(n_docs) < self.analogy_fraction
        bits = rng.integers(2, size=(n_docs, self.n_attributes))
        doc_topic, doc_analogy, doc_bits = (
            np.repeat(a, lengths, axis=0) for a in (topic, analogy, bits)
        )
        u = rng.random(n)
        pick = rng.random(n)  # which word of the chosen group
        ids = np.searchsorted(zipf_cdf, pick * zipf_cdf[-1]).astype(np.int64)
        ids = np.minimum(ids, self.base_words - 1)
        is_topic = u < self.topic_weight
        ids[is_topic] = (
            self._first_topic_word
            + doc_topic[is_topic] * self.topic_words
            + (pick[is_topic] * self.topic_words).astype(np.int64)
        )
        family_cut = self.topic_weight + self.family_weight
        is_family = doc_analogy & (u >= self.topic_weight) & (u < family_cut)
        bit_code = doc_bits @ (1 << np.arange(self.n_attributes)[::-1])
        ids[is_family] = (
            self._first_family_word
            + doc_topic[is_family] * 2**self.n_attributes
            + bit_code[is_family]
        )
        is_marker = doc_analogy & (u >= family_cut) & (u < family_cut + self.marker_weight)
        slot = (pick[is_marker] * self.n_attributes * self.marker_words).astype(np.int64)
        attribute, index = np.divmod(slot, self.marker_words)
        value = doc_bits[is_marker][np.arange(len(slot)), attribute]
        ids[is_marker] = (
            self._first_marker_word + (2 * attribute + value) * self.marker_words + index
        )
        return ids

    def vocabulary_ids(self, part: int, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
        """(ids, offsets) of part over its vocab_size most probable words, out-of-vocabulary
        tokens dropped: what the tokenize stage makes of the part's text, without the text
        (for benchmarks). Ids rank the words by expected frequency, in id_dtype(vocab_size)."""
        if vocab_size > len(self.words):
            raise ValueError(
                f"vocab_size {vocab_size} but the generator has only {len(self.words)} words"
            )
        rank = np.full(len(self.words), vocab_size, dtype=np.int64)
        rank[np.argsort(-self.expected_frequencies(), kind="stable")[:vocab_size]] = np.arange(
            vocab_size
        )
        dtype = id_dtype(vocab_size)
        chunks, lengths = [], []
        for ids, offsets in self.iter_chunks(part):
            ranks = rank[ids]
            kept = ranks < vocab_size
            chunks.append(ranks[kept].astype(dtype))
            lengths.append(np.add.reduceat(kept, offsets[:-1]))
        return np.concatenate(chunks), np.concatenate([[0], np.cumsum(np.concatenate(lengths))])

    def write_part(self, part: int, path: str | Path) -> dict[str, int]:
        """Write part as text (one document a line, gzip, the format of the extraction stage,
        byte-identical on every run) and return its word counts (words that occur)."""
        counts = np.zeros(len(self.words), dtype=np.int64)
        spaced = np.array([word + " " for word in self.words], dtype=object)
        ended = np.array([word + "\n" for word in self.words], dtype=object)
        with reproducible_gzip_text(path, compresslevel=1) as sink:
            for ids, offsets in self.iter_chunks(part):
                text = spaced[ids]
                last = offsets[1:] - 1  # documents are never empty
                text[last] = ended[ids[last]]
                sink.write("".join(text.tolist()))
                counts += np.bincount(ids, minlength=len(counts))
        return {str(self.words[i]): int(counts[i]) for i in counts.nonzero()[0]}


def synthetic_manifest(corpus: SyntheticCorpus) -> list[dict]:
    """Manifest rows of the parts; the URL records what generates each part."""
    return [
        {
            "part": f"{part:03d}",
            "filename": f"synthetic-{part:03d}.txt.gz",
            "url": f"synthetic:seed={corpus.seed}&part={part}",
            "size": corpus.part_tokens(part),
            "md5": "",
            "sha1": "",
        }
        for part in range(1, corpus.parts + 1)
    ]
