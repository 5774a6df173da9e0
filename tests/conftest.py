"""Shared fixtures: the bundled real dump and the DAG runs that tests read (the default DAG end to
end and again with MEN refused, the small test config's table with MEN served, locally and on a
SLURM cluster, its scale study, its counts killed twice and resumed, the synthetic corpus, a
V = 5,000 spectrum, the corpus sources and an enwiki mirror), each run once, in the background,
from the start of the session (or as soon as the run it starts from ends), while the tests that
need none of them run; and the report test's browser, started the same way."""

from __future__ import annotations

import bz2
import hashlib
import io
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import pytest
import yaml
from http_server import FileServer
from slurm_cluster import SlurmCluster, why_unavailable

# One BLAS thread in the test process, set before numpy loads OpenBLAS: its tests run beside the
# background DAG runs, which hold the cores, and a second BLAS thread spinning for a core it does
# not get made the eigensolver tests three times as costly. Snakemake sets each job's own count.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from qwemflow.corpus import iter_tokenized_articles  # noqa: E402
from qwemflow.sources import BUNDLED_DUMP, gensim_test_data  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
# Settings laid over config.yaml for the tests that need a DAG run but not the default numbers.
SMALL_CONFIG = REPO / ".test" / "config" / "config.yaml"


@pytest.fixture(scope="session")
def bundled_dump() -> Path:
    return gensim_test_data(BUNDLED_DUMP)


@pytest.fixture(scope="session")
def bundled_articles(bundled_dump) -> list[list[str]]:
    """The bundled dump's articles of at least 50 words, tokenized (all 106 of them), read once."""
    return list(iter_tokenized_articles(bundled_dump, min_words=50))


def snakemake_command(workdir: Path, *args: str) -> list[str]:
    """The command that runs the repository's workflow with `workdir` as its working directory."""
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        *args,
    ]


def failure(command: list[str], returncode: int, stdout: str, stderr: str) -> AssertionError:
    return AssertionError(
        f"{' '.join(command)} failed ({returncode}):\n{stdout[-4000:]}\n{stderr[-4000:]}"
    )


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the repository's workflow with `workdir` as its working directory."""
    command = snakemake_command(workdir, *args)
    result = subprocess.run(command, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise failure(command, result.returncode, result.stdout, result.stderr)
    return result


def write_config(workdir: Path, config: dict) -> None:
    """config.yaml in `workdir`, keys in their order: mappings such as figures.ablation.panels
    mean their order (the ablation's reading order), which a sorted dump would lose."""
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def workflow_dir(path: Path) -> Path:
    """A working directory holding a copy of the default config."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "config.yaml", path / "config.yaml")
    return path


# A port on this machine where nothing listens: MEN "offline" whether or not the machine has a
# network, so the default run's numbers and its MEN message are the same everywhere.
CLOSED_MEN_URL = "http://127.0.0.1:9/MEN.tar.gz"


def default_workflow_dir(path: Path) -> Path:
    """The default config, with MEN (an optional download) pointed at CLOSED_MEN_URL."""
    workflow_dir(path)
    config = yaml.safe_load((path / "config.yaml").read_text())
    config["evaluate"]["men"]["url"] = CLOSED_MEN_URL
    write_config(path, config)
    return path


def laid_over(base: dict, settings: dict) -> dict:
    """`base` with `settings` laid over it, nested mappings key by key (as --configfile does)."""
    merged = dict(base)
    for key, value in settings.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = laid_over(base[key], value)
        else:
            merged[key] = value
    return merged


def small_config() -> dict:
    """The default config with the small test settings (.test/config/config.yaml) laid over it."""
    default = yaml.safe_load((REPO / "config.yaml").read_text())
    return laid_over(default, yaml.safe_load(SMALL_CONFIG.read_text()))


def small_workflow_dir(path: Path) -> Path:
    """A working directory whose config.yaml is the small test config, written out whole."""
    path.mkdir(parents=True, exist_ok=True)
    write_config(path, small_config())
    return path


# A small MEN in the real archive's layout (MEN.tar.gz holding MEN/MEN_dataset_natural_form_full,
# one "word1 word2 score" line a pair, scores on MEN's 0 to 50 scale): pairs of words that the
# small run keeps, each score its own, and two pairs of words it does not keep (coverage).
MEN_PAIRS = (
    ("animal", "animals", 48.0),
    ("country", "countries", 47.0),
    ("metal", "metals", 46.0),
    ("war", "army", 45.0),
    ("war", "military", 44.0),
    ("water", "sea", 42.0),
    ("water", "river", 41.0),
    ("animal", "species", 40.0),
    ("moon", "space", 35.0),
    ("philosophy", "science", 32.0),
    ("music", "art", 30.0),
    ("oil", "water", 25.0),
    ("god", "earth", 20.0),
    ("alaska", "alabama", 18.0),
    ("film", "acid", 3.0),
    ("zebra", "stair", 2.0),
    ("sunlight", "xylophone", 1.0),
)
MEN_MEMBER = "MEN/MEN_dataset_natural_form_full"
_MEN_ARCHIVE_LOCK = threading.Lock()  # the runs that serve it are prepared side by side


def serve_men(server: FileServer) -> dict:
    """MEN_PAIRS as MEN's archive on the session's server (not at the URL that refuse_men
    refuses); the config's `evaluate.men` block that fetches it."""
    archive = server.root / "men" / "MEN.tar.gz"
    with _MEN_ARCHIVE_LOCK:
        if not archive.exists():
            archive.parent.mkdir(parents=True)
            text = "".join(f"{a} {b} {score:.6f}\n" for a, b, score in MEN_PAIRS).encode()
            member = tarfile.TarInfo(MEN_MEMBER)
            member.size = len(text)
            with tarfile.open(archive, "w:gz") as tar:
                tar.addfile(member, io.BytesIO(text))
    return {
        "url": server.url("men/MEN.tar.gz"),
        "sha1": hashlib.sha1(archive.read_bytes()).hexdigest(),
        "member": MEN_MEMBER,
    }


def small_workflow_dir_with_men(path: Path, server: FileServer) -> Path:
    """small_workflow_dir, with MEN (MEN_PAIRS) served by the session's server."""
    small_workflow_dir(path)
    config = yaml.safe_load((path / "config.yaml").read_text())
    config["evaluate"]["men"] = serve_men(server)
    write_config(path, config)
    return path


class BackgroundRun:
    """A Snakemake run in its own process, started before the tests that read it are reached: at
    once, or, with `after`, as soon as that run has finished, from a copy of its directory.
    `prepare` makes the working directory (or changes the copy); `nice` lowers the run's CPU
    priority, so that the runs whose tests wait on them keep the cores."""

    def __init__(
        self,
        workdir: Path,
        args: tuple[str, ...],
        prepare: Callable[[Path], object],
        after: BackgroundRun | None = None,
        nice: int = 0,
    ):
        self.workdir = workdir
        self.command = [
            *(["nice", "-n", str(nice)] if nice else []),
            *snakemake_command(workdir, *args),
        ]
        self.stdout = workdir.parent / f"{workdir.name}.stdout"
        self.stderr = workdir.parent / f"{workdir.name}.stderr"
        self.process: subprocess.Popen | None = None
        self.error: BaseException | None = None
        self._starter = threading.Thread(target=self._start, args=(prepare, after), daemon=True)
        self._starter.start()

    def _start(self, prepare: Callable[[Path], object], after: BackgroundRun | None) -> None:
        try:
            if after is not None:
                shutil.copytree(after.finished(), self.workdir, symlinks=True)
            prepare(self.workdir)
            with self.stdout.open("w") as out, self.stderr.open("w") as err:
                # its own process group, so that stopping it stops its jobs too
                self.process = subprocess.Popen(
                    self.command, stdout=out, stderr=err, start_new_session=True
                )
        except BaseException as error:  # noqa: BLE001 - raised again by finished()
            self.error = error

    def _started(self) -> subprocess.Popen:
        self._starter.join()
        if self.error is not None:
            raise AssertionError(f"{' '.join(self.command)} did not start: {self.error!r}")
        return self.process

    def finished(self) -> Path:
        """Wait for the run; its working directory, or an AssertionError with its output."""
        returncode = self._started().wait()
        if returncode != 0:
            raise failure(
                self.command, returncode, self.stdout.read_text(), self.stderr.read_text()
            )
        return self.workdir

    def written(self, *paths: str) -> Path:
        """Wait until the run has written `paths` (relative to its working directory), while it
        goes on: the rules write through atomic_output, so a file that exists is whole."""
        process = self._started()
        while not all((self.workdir / path).exists() for path in paths):
            if process.poll() is not None:
                self.finished()
                missing = [path for path in paths if not (self.workdir / path).exists()]
                raise AssertionError(f"{' '.join(self.command)} ended without writing {missing}")
            time.sleep(0.5)
        return self.workdir

    def stop(self) -> None:
        """End the run and its jobs if the session ends first (a failure, Ctrl-C). Stop the run
        it starts after first: then it will not start."""
        self._starter.join()
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def processes_in_group(group: int) -> dict[int, str]:
    """The processes of a process group on this machine: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == group:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue  # ended while we looked
    return {pid: command.decode(errors="replace") for pid, command in found.items()}


# The small config's counts (KilledRun): the text part that extraction writes, the job it kills
# the second time, and the outputs that must equal the uninterrupted small run's.
KILLED_SAMPLE = "results/enwiki-sample"
KILLED_COUNT_JOB = "count_part.py"


class KilledRun:
    """The small config's `counts` killed with SIGKILL, its whole process group at once (as a
    power loss, the out-of-memory killer or a cluster's time limit ends it), twice: while
    extraction writes its text (its `.tmp-<pid>-` file exists), and in the middle of a job (the
    count job has started: its process exists, its output does not). After each kill, Snakemake
    is started again as it is (which must refuse, naming --unlock), then with --unlock, then
    again; the last start must finish. Run in the background from the start of the session, at
    `nice`; `record` holds what each step saw."""

    def __init__(self, workdir: Path, nice: int):
        self.workdir = workdir
        self.prefix = ["nice", "-n", str(nice)]
        self.record: dict = {}
        self.error: BaseException | None = None
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._drive, daemon=True)
        self._thread.start()

    def _command(self, *args: str) -> list[str]:
        return [*self.prefix, *snakemake_command(self.workdir, "--cores", "2", "counts", *args)]

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        if self._stopping.is_set():  # the session ends: no further start
            raise AssertionError("stopped before it resumed")
        return subprocess.run(self._command(*args), capture_output=True, text=True)

    def _kill_when(self, ready: Callable[[int], bool]) -> None:
        """Start the run; SIGKILL its process group as soon as `ready(group)` holds."""
        self.process = subprocess.Popen(
            self._command(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        while not ready(self.process.pid):
            if self.process.poll() is not None or self._stopping.is_set():
                output = self.process.communicate()[0]
                raise AssertionError(f"the run ended before it was killed:\n{output[-4000:]}")
            time.sleep(0.02)
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def _drive(self) -> None:
        try:
            small_workflow_dir(self.workdir)
            results = self.workdir / KILLED_SAMPLE
            self._kill_when(lambda group: bool(list(results.glob("text/.tmp-*-001.txt.gz"))))
            self.record["temporaries after the first kill"] = sorted(
                path.name for path in (results / "text").iterdir()
            )
            self.record["locks after the first kill"] = sorted(
                path.name for path in (self.workdir / ".snakemake/locks").iterdir()
            )
            self.record["refused"] = self._run()
            self.record["first unlock"] = self._run("--unlock")
            count = results / "counts/V{V}_L{L}/001.npz".format(
                V=small_config()["vocab_size"], L=small_config()["window"]
            )
            self._kill_when(
                lambda group: any(
                    KILLED_COUNT_JOB in command for command in processes_in_group(group).values()
                )
            )
            self.record["count written before the second kill"] = count.exists()
            self.record["second unlock"] = self._run("--unlock")
            self.record["resumed"] = self._run()
        except BaseException as error:  # noqa: BLE001 - raised again by finished()
            self.error = error

    def finished(self) -> tuple[Path, dict]:
        """Wait for the last start; the working directory and the record."""
        self._thread.join()
        if self.error is not None:
            raise AssertionError(f"the killed run's driver failed: {self.error!r}")
        resumed = self.record["resumed"]
        if resumed.returncode != 0:
            raise failure(resumed.args, resumed.returncode, resumed.stdout, resumed.stderr)
        return self.workdir, self.record

    def stop(self) -> None:
        self._stopping.set()
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self._thread.join()


def synthetic_workflow_dir(path: Path) -> Path:
    """The default synthetic corpus (4M tokens, 2 parts) with V = 500, d = 12 (the rank of the
    planted structure: topic contrasts, attribute contrasts, a few more), the paper's word2vec
    (tied gensim) for 3 epochs on 2 worker threads (the multi-worker path) and its full-batch
    cross-check, the sgns-tied-gd dynamics run."""
    workflow_dir(path)
    config = yaml.safe_load((path / "config.yaml").read_text())
    config["corpus"].update(name="synthetic", source="synthetic")
    config.update(vocab_size=500, dim=12)
    config["tied_word2vec"].update(epochs=3, workers=2)
    config["dynamics"]["runs"]["sgns-tied-gd"] = {
        "loss": "sgns",
        "reweighting": "word2vec",
        "init": 1e-12,
    }
    write_config(path, config)
    return path


def spectrum_5000_workflow_dir(path: Path) -> Path:
    """The default config with M*'s readers cut to 200 eigenpairs (no dynamics run in its
    eigenbasis, Figure 4 and the appendix cut to 200), so that a V = 5,000 spectrum takes the
    block Lanczos path (tests/test_eigensolver.py)."""
    workflow_dir(path)
    config = yaml.safe_load((path / "config.yaml").read_text())
    readers = {
        "figures": {"fig4": {"max_dim": 200}, "appendix": {"spectra_rank": 200}},
        "dynamics": {
            "runs": {"qwem": {"batch_size": 20000}, "qwem-init0.1": {"batch_size": 20000}}
        },
    }
    write_config(path, laid_over(config, readers))
    return path


@cache
def source_documents(bundled: Path) -> tuple[str, ...]:
    """The bundled dump's first 40 articles of at least 50 words, each one line of text."""
    articles = iter_tokenized_articles(bundled, min_words=50)
    return tuple(" ".join(article) for article in itertools.islice(articles, 40))


def source_workflow_dir(path: Path, server: FileServer, source: str) -> None:
    """The same 40 articles (source_documents) as corpus source `source` at V = 500: text8 (a
    zip holding them as one unbroken text, served over HTTP with its size), local (a plain-text
    file, one document a line) or wikiextractor (a WikiExtractor tree: a .bz2 file and a plain
    one, each its own part)."""
    documents = source_documents(gensim_test_data(BUNDLED_DUMP))
    workflow_dir(path)
    config = yaml.safe_load((path / "config.yaml").read_text())
    config["corpus"].update(name=source, source="local" if source == "wikiextractor" else source)
    config["vocab_size"] = 500
    if source == "text8":
        archive = server.root / "text8.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("text8", " " + " ".join(documents))
        config["corpus"]["text8"].update(url=server.url("text8.zip"), size=archive.stat().st_size)
    elif source == "local":
        (path / "my-corpus.txt").write_text("\n".join(documents) + "\n")
        config["corpus"]["local"].update(paths=[str(path / "my-corpus.txt")], part_mb=0.001)
    else:
        extract = path / "extract" / "AA"
        extract.mkdir(parents=True)
        pages = [
            f'<doc id="{i}" url="https://en.wikipedia.org/wiki?curid={i}" title="Title {i}">\n'
            f"Title {i}\n\n{document}\n</doc>\n"
            for i, document in enumerate(documents)
        ]
        (extract / "wiki_00.bz2").write_bytes(bz2.compress("".join(pages[:20]).encode()))
        (extract / "wiki_01").write_text("".join(pages[20:]))
        config["corpus"]["local"].update(paths=[str(extract.parent)], part_mb=0.001)
    write_config(path, config)


def enwiki_config(workdir: Path, base_url: str, vocab_size: int = 2000) -> None:
    """The default config reading the enwiki dump of the mirror at base_url ("latest")."""
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    config["corpus"].update(name="enwiki-mirror", source="enwiki")
    config["corpus"]["enwiki"].update(date="latest", parts=None, base_url=base_url)
    config["vocab_size"] = vocab_size
    write_config(workdir, config)


def enwiki_mirror_workflow_dir(path: Path, server: FileServer) -> None:
    """The default config reading the bundled dump cut in two parts, from a mirror on the
    session's server."""
    make_dump_mirror(server.root / "mirror", gensim_test_data(BUNDLED_DUMP), n_parts=2)
    path.mkdir(parents=True)
    enwiki_config(path, server.url("mirror"))


def refuse_men(path: Path, server: FileServer) -> None:
    """A copy of the default run with MEN's URL refused (403) by the session's server, and its
    report removed."""
    server.refused["MEN.tar.gz"] = 403
    config = yaml.safe_load((path / "config.yaml").read_text())
    config["evaluate"]["men"]["url"] = server.url("MEN.tar.gz")
    write_config(path, config)
    (path / "results/report.html").unlink()


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
]


def why_no_browser() -> str:
    """Why headless Chromium cannot run here, or "" when it can."""
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return ""
    return "Debian's chromium and chromium-driver are not installed (install them as root with .ci/install-packages)"


class BackgroundBrowser:
    """Headless Chromium under chromedriver, started in a thread when the session starts: its
    start reads a few hundred MB from disk, which then overlaps the DAG runs instead of holding
    up the report test at the end."""

    def __init__(self, profile: Path):
        self.driver = None
        self.error: BaseException | None = None
        self._starter = threading.Thread(target=self._start, args=(profile,), daemon=True)
        self._starter.start()

    def _start(self, profile: Path) -> None:
        try:
            from selenium import webdriver

            options = webdriver.ChromeOptions()
            options.binary_location = shutil.which("chromium")
            for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
                options.add_argument(flag)
            service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
            self.driver = webdriver.Chrome(options=options, service=service)
        except BaseException as error:  # noqa: BLE001 - raised again by ready()
            self.error = error

    def ready(self):
        """The WebDriver, once Chromium has started."""
        self._starter.join()
        if self.error is not None:
            raise self.error
        return self.driver

    def stop(self) -> None:
        self._starter.join()
        if self.driver is not None:
            self.driver.quit()


@dataclass(frozen=True)
class DagRun:
    """A background run: `prepare(path, server)` makes its working directory, or changes the
    copy of the finished run `after` (server: the session's FileServer, for the runs that
    download); Snakemake's arguments; `nice`, its CPU priority below the test process's and the
    default run's and its rerun's, whose ends the last tests wait for."""

    prepare: Callable[[Path, FileServer], object]
    args: tuple[str, ...]
    after: str | None = None
    nice: int = 5


def fresh(make_dir: Callable[[Path], object]) -> Callable[[Path, FileServer], object]:
    """prepare of a run whose directory needs no server."""
    return lambda path, server: make_dir(path)


def unchanged(path: Path, server: FileServer) -> None:
    """prepare of a run that starts from its `after` run's directory as it is."""


# The DAG runs that tests read, by the name of their fixture. The runs that the selected tests
# read (and the runs they start after) start when the session does.
DAG_RUNS = {
    # the default DAG, end to end, on the bundled dump
    "default_run": DagRun(fresh(default_workflow_dir), ("--cores", "2"), nice=0),
    # the small test config's benchmark table: every kind of job, from extraction to a figure,
    # with MEN served (serve_men)
    "small_run": DagRun(small_workflow_dir_with_men, ("--cores", "2", "table")),
    # tests/test_synthetic.py: up to the M* embeddings and the tied word2vec's (gensim and GD)
    "synthetic_run": DagRun(
        fresh(synthetic_workflow_dir),
        (
            "--cores",
            "2",
            "results/synthetic/embeddings/V500_L16_d12/mstar.txt",
            "results/synthetic/spectra/V500_L16/mstar.npz",
            "results/synthetic/embeddings/V500_L16_d12/sgns-tied.txt",
            "results/synthetic/embeddings/V500_L16_d12/sgns-tied-gd.txt",
        ),
    ),
    # tests/test_eigensolver.py: M* of 5,000 words from the bundled dump
    "spectrum_5000_run": DagRun(
        fresh(spectrum_5000_workflow_dir),
        ("--cores", "2", "results/enwiki-sample/spectra/V5000_L16/mstar.npz"),
    ),
    # test_text8_and_local_sources: one corpus through three sources, to its counts
    **{
        f"{source}_run": DagRun(
            partial(source_workflow_dir, source=source), ("--cores", "2", "counts")
        )
        for source in ("text8", "local", "wikiextractor")
    },
    # test_enwiki_parts_from_a_mirror_equal_the_single_file_run
    "enwiki_mirror_run": DagRun(enwiki_mirror_workflow_dir, ("--cores", "2", "counts")),
    # test_scale_study_on_a_prefix: `snakemake scale_study` after the small run's table
    "scale_study_run": DagRun(unchanged, ("--cores", "2", "scale_study"), after="small_run"),
    # test_a_refused_men_leaves_the_table_and_report: the default DAG again, MEN refused (the
    # last run to end, at the default run's priority)
    "refused_men_run": DagRun(
        refuse_men, ("--cores", "2", "--forcerun", "men_dataset"), after="default_run", nice=0
    ),
    # tests/test_slurm.py: the small config's table again, every job submitted to the session's
    # SLURM cluster (its waits on the scheduler overlap with the other tests)
    "slurm_run": DagRun(
        small_workflow_dir_with_men,
        (
            "table",
            "--profile",
            str(REPO / "profiles" / "slurm"),
            # profiles/default would override the SLURM profile's keys (docs/usage.md)
            "--workflow-profile",
            "none",
            # this cluster has no accounting database (docs/usage.md, "Run on a cluster")
            "--slurm-no-account",
            "--slurm-status-command",
            "squeue",
            # the jobs of this small DAG take seconds: the first status check 5 s after a
            # submission finds most of them done (each check that finds none adds 10 s to the wait)
            "--slurm-init-seconds-before-status-checks",
            "5",
            "--latency-wait",
            "5",
        ),
    ),
}


# The background runs in the order they finish on 2 cores (docs/usage.md, "Test time"): the V =
# 5,000 spectrum, the sources and the mirror within 1.5 min, the small and synthetic runs at about
# 3 (the default run's statistics before), the scale study (after the small run) at 5.5, the SLURM
# run, the default run at about 7 and its rerun with MEN refused.
FINISHING_ORDER = (
    "spectrum_5000_run",
    "text8_run",
    "local_run",
    "wikiextractor_run",
    "enwiki_mirror_run",
    "killed_run",
    "small_run",
    "synthetic_run",
    "default_statistics",
    "scale_study_run",
    "slurm_run",
    "default_run",
    "refused_men_run",
)


def pytest_collection_modifyitems(items):
    """Tests that read no background run first, then those that read the runs that end first
    (pytest's sort is stable: files and tests otherwise keep their order), so that the test
    process never waits for a run while other tests could go on."""

    def last_run_read(item) -> int:
        names = getattr(item, "fixturenames", ())
        return max(
            (FINISHING_ORDER.index(name) + 1 for name in names if name in FINISHING_ORDER),
            default=0,
        )

    items.sort(key=last_run_read)


# Numba compiles the counting kernels on their first call, for each type of word ids and (the row
# kernel, which holds it as a constant) each window, and caches them beside their source
# (cache=True): 6 to 12 s of CPU each time. In a fresh clone, each of the dozen count jobs that the
# background runs start together would compile them, and the test process would compile those of
# the tests that count while the tests behind them wait. Two processes compile them while pytest
# collects the tests: the config's window, which dag_runs waits for, and the tests'.
COUNT_KERNELS = pytest.StashKey[list[subprocess.Popen]]()
# (window, type of the word ids) of the tests that count (test_counts.py, test_synthetic.py,
# test_targets.py use these windows only), besides the config's window on uint16 ids
TEST_COUNTS_KERNELS = ((1, "uint16"), (2, "uint16"), (5, "uint16"), (2, "uint32"))


def compile_count_kernels(kernels) -> subprocess.Popen:
    """A process that runs the counting kernels once for each (window, word id type), on int64
    offsets, as the count jobs and tests call them."""
    code = (
        "import numpy as np\n"
        "from qwemflow.counts import cooccurrence_counts\n"
        f"for window, dtype in {tuple(kernels)}:\n"
        "    ids = (np.arange(64) % 8).astype(dtype)\n"
        "    cooccurrence_counts(ids, np.array([0, 64]), 8, window)\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def pytest_sessionstart(session):
    window = yaml.safe_load((REPO / "config.yaml").read_text())["window"]
    session.config.stash[COUNT_KERNELS] = [
        compile_count_kernels([(window, "uint16")]),  # the id type of every test run's vocabulary
        compile_count_kernels(TEST_COUNTS_KERNELS),
    ]


def count_kernels_compiled(process: subprocess.Popen) -> None:
    """Wait for a compilation that pytest_sessionstart started; an error with its output."""
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise failure(process.args, process.returncode, stdout, stderr)


@pytest.fixture(scope="session", autouse=True)
def dag_runs(request, tmp_path_factory):
    """Starts, side by side with the tests, the DAG runs that the selected tests read (with a
    FileServer for the runs that download), and the browser if they use it."""
    config_window, test_windows = request.config.stash[COUNT_KERNELS]
    count_kernels_compiled(config_window)
    needed = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    runs = {}
    if "slurm_run" in needed:
        try:
            request.getfixturevalue("slurm_cluster")
        except (Exception, pytest.skip.Exception, pytest.fail.Exception):
            # no cluster: the slurm_run fixture, asking for it again, skips or fails with the reason
            needed.discard("slurm_run")
    if "browser" in needed and not why_no_browser():
        runs["browser"] = BackgroundBrowser(tmp_path_factory.mktemp("chromium-profile"))
    if "default_statistics" in needed:  # read from the default run while it goes on
        needed.add("default_run")
    for name in reversed(DAG_RUNS):  # a run starts after the runs listed before it
        if name in needed and DAG_RUNS[name].after:
            needed.add(DAG_RUNS[name].after)
    with FileServer(tmp_path_factory.mktemp("served")) as server:
        for name, run in DAG_RUNS.items():
            if name in needed:
                runs[name] = BackgroundRun(
                    tmp_path_factory.mktemp(name.replace("_", "-")) / "run",
                    run.args,
                    partial(run.prepare, server=server),
                    after=runs[run.after] if run.after else None,
                    nice=run.nice,
                )
        if "killed_run" in needed:
            runs["killed_run"] = KilledRun(tmp_path_factory.mktemp("killed-run") / "run", nice=5)
        yield runs
        for run in runs.values():  # a run before the runs that start after it
            run.stop()
    count_kernels_compiled(test_windows)


@pytest.fixture(scope="session")
def count_kernels(request):
    """The tests' counting kernels, compiled by pytest_sessionstart's process: a test that counts
    waits for it rather than compile them a second time beside it."""
    count_kernels_compiled(request.config.stash[COUNT_KERNELS][1])


@pytest.fixture(scope="session")
def browser(dag_runs):
    """Headless Chromium (Debian's chromium and chromedriver), started with the session."""
    reason = why_no_browser()
    if reason:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(reason)
    return dag_runs["browser"].ready()


@pytest.fixture(scope="session")
def default_statistics(dag_runs) -> Path:
    """The default run's working directory once it has written the counts and M*'s spectrum (in
    its first minutes), for the tests that read only those."""
    return dag_runs["default_run"].written(
        "results/enwiki-sample/counts/V2000_L16.npz",
        "results/enwiki-sample/spectra/V2000_L16/mstar.npz",
    )


def finished_run(name: str):
    """The session fixture `name`: the working directory of that DAG_RUNS run, once finished."""

    @pytest.fixture(scope="session", name=name)
    def fixture(dag_runs) -> Path:
        return dag_runs[name].finished()

    return fixture


# The runs that tests read as they are (test_synthetic.py, test_slurm.py and refused_men_run
# below read more than the directory).
default_run = finished_run("default_run")
small_run = finished_run("small_run")
spectrum_5000_run = finished_run("spectrum_5000_run")
text8_run = finished_run("text8_run")
local_run = finished_run("local_run")
wikiextractor_run = finished_run("wikiextractor_run")
enwiki_mirror_run = finished_run("enwiki_mirror_run")
scale_study_run = finished_run("scale_study_run")


@pytest.fixture(scope="session")
def killed_run(dag_runs) -> tuple[Path, dict]:
    """The small config's counts, killed twice and resumed (KilledRun): its directory and record."""
    return dag_runs["killed_run"].finished()


@pytest.fixture(scope="session")
def refused_men_run(dag_runs) -> tuple[Path, str]:
    """The default run's copy rerun with MEN refused (refuse_men), and its MEN URL."""
    workdir = dag_runs["refused_men_run"].finished()
    config = yaml.safe_load((workdir / "config.yaml").read_text())
    return workdir, config["evaluate"]["men"]["url"]


@pytest.fixture(scope="session")
def slurm_cluster(tmp_path_factory):
    """A private one-node SLURM cluster for the session (tests/slurm_cluster.py)."""
    reason = why_unavailable()
    if reason:
        # CI installs the packages as root (.ci/run calls .ci/install-packages): there, not
        # running the SLURM tests is a failure.
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            f"no private SLURM cluster: {reason}"
        )
    # its jobs (the SLURM run's) at the priority of the other background runs
    with SlurmCluster(tmp_path_factory.mktemp("slurm"), job_nice=DagRun.nice) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def slurm_run(slurm_cluster, dag_runs) -> tuple[Path, str]:
    """The small test config's table through `--profile profiles/slurm`: a job of every kind
    (corpus, counts, spectra, word2vec, dynamics, evaluation, a figure) in seconds each (the
    default config's would add minutes of training for nothing more checked); returns the
    working directory and Snakemake's output."""
    run = dag_runs["slurm_run"]
    workdir = run.finished()
    return workdir, run.stdout.read_text() + run.stderr.read_text()


@pytest.fixture(scope="session")
def small_corpus(bundled_articles):
    """30 real articles on their 500 most frequent words: (sentences, word counts, vocab)."""
    articles = bundled_articles[:30]
    counts = {}
    for article in articles:
        for word in article:
            counts[word] = counts.get(word, 0) + 1
    vocab = sorted(counts, key=lambda w: (-counts[w], w))[:500]
    kept = set(vocab)
    return [[w for w in a if w in kept] for a in articles], {w: counts[w] for w in vocab}, vocab


def split_dump(bundled: Path, n_parts: int) -> list[bytes]:
    """The bundled dump cut into n_parts real MediaWiki dumps (whole pages each), as bz2 bytes."""
    xml = bz2.decompress(bundled.read_bytes()).decode("utf-8")
    head, _, rest = xml.partition("  <page>")
    body, _, _ = ("  <page>" + rest).rpartition("</mediawiki>")
    pages = [p for p in body.split("  <page>") if p.strip()]
    size = -(-len(pages) // n_parts)
    return [
        bz2.compress(
            (
                head + "".join("  <page>" + p for p in pages[i : i + size]) + "</mediawiki>\n"
            ).encode()
        )
        for i in range(0, len(pages), size)
    ]


def make_dump_mirror(
    root: Path,
    bundled: Path,
    date: str = "20261101",
    n_parts: int = 2,
    wrong_sha1_part: int | None = None,
) -> None:
    """A directory laid out like dumps.wikimedia.org/enwiki: dated parts, md5/sha1 listings, latest/."""
    dated = root / "enwiki" / date
    dated.mkdir(parents=True)
    listings = {"md5": [], "sha1": []}
    for number, data in enumerate(split_dump(bundled, n_parts), 1):
        name = f"enwiki-{date}-pages-articles-multistream{number}.xml-p{number * 1000}p{number * 1000 + 999}.bz2"
        (dated / name).write_bytes(data)
        sha1 = hashlib.sha1(data).hexdigest()
        if number == wrong_sha1_part:
            sha1 = hashlib.sha1(b"not this file").hexdigest()
        listings["md5"].append(f"{hashlib.md5(data).hexdigest()}  {name}")
        listings["sha1"].append(f"{sha1}  {name}")
    # Other files of a real dump that must not be taken for parts.
    listings["md5"].append(
        f"{'0' * 32}  enwiki-{date}-pages-articles-multistream-index1.txt-p1p41242.bz2"
    )
    listings["sha1"].append(
        f"{'0' * 40}  enwiki-{date}-pages-articles-multistream-index1.txt-p1p41242.bz2"
    )
    latest = root / "enwiki" / "latest"
    latest.mkdir()
    for algorithm, lines in listings.items():
        text = "\n".join(lines) + "\n"
        (dated / f"enwiki-{date}-{algorithm}sums.txt").write_text(text)
        (latest / f"enwiki-latest-{algorithm}sums.txt").write_text(text)


def cuda_torch():
    """PyTorch, on a machine with a CUDA GPU; the calling test is skipped elsewhere."""
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU on this machine")
    return torch


def drawn_png(path: Path, dpi: float, colours: int = 50) -> tuple[int, int]:
    """Open a figure's PNG (an error if it does not decode) and check that it was drawn at `dpi`
    (figures.style.dpi, its pHYs chunk) and holds more than `colours` colours (a blank or
    one-line figure has a handful); its (width, height) in pixels."""
    import matplotlib.image
    import numpy as np

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    chunks, offset = {}, 8
    while offset < len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        chunks[data[offset + 4 : offset + 8]] = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    per_metre = int.from_bytes(chunks[b"pHYs"][:4], "big")
    assert round(per_metre * 0.0254) == dpi, f"{path}: {per_metre * 0.0254:.1f} dpi, not {dpi}"
    pixels = matplotlib.image.imread(path)
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > colours, path
    return pixels.shape[1], pixels.shape[0]
