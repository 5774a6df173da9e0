"""Eigen-embeddings of a symmetric target matrix: W = U_d diag(sqrt(lambda_d)), and eigenfeatures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def eigen_embeddings(values: np.ndarray, vectors: np.ndarray, dim: int) -> np.ndarray:
    """W = U_d diag(sqrt(lambda_d)) from the top dim eigenpairs; negative eigenvalues count as 0."""
    if dim > len(values):
        raise ValueError(f"dim={dim} but only {len(values)} eigenpairs were computed")
    return vectors[:, :dim] * np.sqrt(np.clip(values[:dim], 0.0, None))


def save_word2vec(words: list[str], vectors: np.ndarray, path: str | Path) -> None:
    """word2vec's text format, as gensim's KeyedVectors.save_word2vec_format writes it: a
    "count dim" line, then each word and its float32 coordinates (9 significant digits, which
    give the same float32 back). Written here rather than through gensim because importing gensim
    costs the small jobs that write or read an embedding 1.2 s each (it loads scipy.stats)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or len(words) != len(vectors):
        raise ValueError(f"{path}: {len(words)} words for vectors of shape {vectors.shape}")
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"{vectors.shape[0]} {vectors.shape[1]}\n")
        for word, row in zip(words, vectors.tolist(), strict=True):
            out.write(f"{word} {' '.join(f'{value:.9g}' for value in row)}\n")


def load_word2vec(path: str | Path) -> tuple[list[str], np.ndarray]:
    """The words and float32 vectors of a word2vec text-format file, read as gensim's
    KeyedVectors.load_word2vec_format reads it (a line is a word and its coordinates, split on
    single spaces); a header or line that does not fit is an error naming the file and line."""
    with open(path, encoding="utf-8") as lines:
        header = lines.readline().split()
        if len(header) != 2 or not all(field.isdigit() for field in header):
            raise ValueError(f"{path}: line 1 is not a word2vec header 'count dim': {header}")
        count, dim = map(int, header)
        words, values = [], []
        for number, line in enumerate(lines, start=2):
            word, *coordinates = line.rstrip().split(" ")
            if len(coordinates) != dim:
                raise ValueError(f"{path}, line {number}: {len(coordinates)} values, not {dim}")
            words.append(word)
            values.append(coordinates)
    if len(words) != count:
        raise ValueError(f"{path}: the header announces {count} vectors, the file has {len(words)}")
    return words, np.array(values, dtype=np.float32).reshape(count, dim)


def eigenfeature_words(
    vectors: np.ndarray, words: list[str], n_features: int, n_words: int
) -> pd.DataFrame:
    """Words with the largest and smallest entries of each of the top eigenvectors.

    An eigenvector's sign is arbitrary, so each is oriented to put its largest-magnitude entry on
    the positive ("top") side.
    """
    words_arr = np.asarray(words, dtype=object)
    rows = []
    for k in range(min(n_features, vectors.shape[1])):
        v = vectors[:, k]
        v = v if v[np.argmax(np.abs(v))] > 0 else -v
        order = np.argsort(v)
        rows.append(
            {
                "eigenvector": k + 1,
                "top_words": " ".join(words_arr[order[::-1][:n_words]]),
                "bottom_words": " ".join(words_arr[order[:n_words]]),
            }
        )
    return pd.DataFrame(rows)
