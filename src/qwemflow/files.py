"""Write-then-rename, so that an interrupted job never leaves a file that looks finished; and
.npz inputs read with errors that name the damaged file and the rule that rebuilds it."""

from __future__ import annotations

import contextlib
import glob
import gzip
import io
import logging
import os
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TextIO

import numpy as np

log = logging.getLogger(__name__)


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def remove_stale_temporaries(path: str | Path) -> list[Path]:
    """Remove the `.tmp-<pid>-<name>` files that atomic_output left beside `path` in processes
    that no longer run (a job killed with SIGKILL skips its cleanup); return them. Liveness is
    judged on this machine: a writer still running on another node of a cluster loses its
    temporary file, and its job fails instead of finishing (Snakemake never runs two jobs for one
    output at once, so that writer belongs to an abandoned run)."""
    path = Path(path)
    removed = []
    for sibling in path.parent.glob(f".tmp-*-{glob.escape(path.name)}"):
        pid = sibling.name[len(".tmp-") : -len(path.name) - 1]
        if pid.isdigit() and not _alive(int(pid)):
            sibling.unlink(missing_ok=True)
            log.info("removed %s, left by process %s, which no longer runs", sibling, pid)
            removed.append(sibling)
    return removed


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds.

    The temporary name keeps the final suffixes (numpy and gzip look at them). Temporary files of
    `path` left by killed processes are removed first (remove_stale_temporaries).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def reproducible_gzip_text(path: str | Path, compresslevel: int) -> Iterator[TextIO]:
    """A UTF-8 text stream gzipped into `path`, whose header holds neither a time nor a file name,
    so that the same text gives the same bytes on every run (and under any temporary name)."""
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(
            filename="", mode="wb", compresslevel=compresslevel, fileobj=raw, mtime=0
        ) as packed,
    ):
        with io.TextIOWrapper(packed, encoding="utf-8") as sink:
            yield sink


class DamagedFileError(ValueError):
    """An input file the workflow wrote that cannot be read back (cut short or damaged)."""


def _damaged(path, rule: str, what: str, exc: BaseException) -> DamagedFileError:
    return DamagedFileError(
        f"{path}: cannot be read as .npz{what} ({type(exc).__name__}: {exc}); it was cut short (a full disk, "
        f"a killed copy) or damaged: delete it, or rerun with `snakemake -R {rule}`, to rebuild it"
    )


_NPZ_ERRORS = (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error)


class NpzInput(Mapping):
    """The arrays of an .npz file, read lazily as np.load reads them; a member that cannot be
    read raises DamagedFileError naming the file, the array and the rule that rebuilds it."""

    def __init__(self, npz, path, rule: str):
        self._npz, self.path, self.rule = npz, path, rule

    def __getitem__(self, key):
        try:
            return self._npz[key]
        except KeyError:
            raise
        except _NPZ_ERRORS as exc:
            raise _damaged(self.path, self.rule, f" (array {key!r})", exc) from exc

    def __iter__(self):
        return iter(self._npz.files)

    def __len__(self):
        return len(self._npz.files)

    @property
    def files(self) -> list[str]:
        return self._npz.files

    def close(self) -> None:
        self._npz.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def load_npz(path: str | Path, rule: str) -> NpzInput:
    """np.load of an .npz that rule `rule` wrote, with errors (DamagedFileError) that name the file
    and say how to rebuild it, instead of numpy's `BadZipFile: File is not a zip file`."""
    try:
        npz = np.load(path)
    except FileNotFoundError:
        raise
    except _NPZ_ERRORS as exc:
        raise _damaged(path, rule, "", exc) from exc
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise DamagedFileError(
            f"{path}: a single array, not an .npz archive; delete it, or rerun with `snakemake -R {rule}`, to rebuild it"
        )
    return NpzInput(npz, path, rule)
