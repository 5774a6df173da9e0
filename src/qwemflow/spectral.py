"""Eigen-embeddings of a symmetric target matrix: W = U_d diag(sqrt(lambda_d)), and eigenfeatures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from gensim.models import KeyedVectors


def eigen_embeddings(values: np.ndarray, vectors: np.ndarray, dim: int) -> np.ndarray:
    """W = U_d diag(sqrt(lambda_d)) from the top dim eigenpairs; negative eigenvalues count as 0."""
    if dim > len(values):
        raise ValueError(f"dim={dim} but only {len(values)} eigenpairs were computed")
    return vectors[:, :dim] * np.sqrt(np.clip(values[:dim], 0.0, None))


def save_word2vec(words: list[str], vectors: np.ndarray, path: str | Path) -> None:
    """word2vec text format, loadable with KeyedVectors.load_word2vec_format."""
    keyed = KeyedVectors(vector_size=vectors.shape[1], dtype=np.float32)
    keyed.add_vectors(words, vectors.astype(np.float32))
    keyed.save_word2vec_format(str(path), binary=False)


def load_word2vec(path: str | Path) -> tuple[list[str], np.ndarray]:
    keyed = KeyedVectors.load_word2vec_format(str(path), binary=False)
    return list(keyed.index_to_key), keyed.vectors


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
