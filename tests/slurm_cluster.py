"""A real one-node SLURM cluster on this machine, from Debian's slurm-wlm and munge, for the tests.

The daemons (munged, slurmctld, slurmd) run in the foreground as children of the test process,
with their key, config, state, spool and logs in one temporary directory, on free ports, without
an accounting database. Client commands find the config through SLURM_CONF and, for the `srun`
that Snakemake's job step runs inside each job (its environment is stripped of SLURM_*
variables), through /run/slurm/conf: where slurmd in configless mode leaves its config.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

PACKAGES = ("slurm-wlm", "munge")
COMMANDS = (
    "munged",
    "mungekey",
    "slurmctld",
    "slurmd",
    "sbatch",
    "squeue",
    "sinfo",
    "srun",
    "scancel",
)
RUN_CONF = Path("/run/slurm/conf")
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")


def why_unavailable() -> str | None:
    """None when a private cluster can be started here; else why not. Installs nothing: the
    packages come from .ci/install-packages (README, "Run the tests")."""
    if os.geteuid() != 0:
        return "a private SLURM cluster needs root (its daemons and /run/slurm/conf)"
    missing = [command for command in COMMANDS if not shutil.which(command)]
    if missing:
        return (
            f"Debian's {' and '.join(PACKAGES)} are not installed (no {', '.join(missing)});"
            " install them as root with .ci/install-packages"
        )
    if SYSTEM_CONF.exists():
        return f"{SYSTEM_CONF} exists: this machine has its own SLURM config, which srun would read before ours"
    if RUN_CONF.is_symlink() and not cluster_daemons_alive(RUN_CONF):
        RUN_CONF.unlink()  # left by a test cluster whose process was killed before its teardown
    if RUN_CONF.exists():
        return f"{RUN_CONF} exists: a slurmd in configless mode (or another test cluster) runs here"
    return None


def cluster_daemons_alive(root: Path) -> bool:
    """Whether a daemon of the test cluster in `root` still runs: its pid files name a live slurm process."""
    for name in ("slurmctld.pid", "slurmd.pid"):
        try:
            pid = int((root / name).read_text().split()[0])
            command = Path(f"/proc/{pid}/comm").read_text()
        except (OSError, ValueError, IndexError):
            continue
        if command.startswith("slurm"):
            return True
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def total_memory_mb() -> int:
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    raise RuntimeError("/proc/meminfo has no MemTotal")


class SlurmCluster:
    """One node (this host, 2 CPUs) in one partition; `with SlurmCluster(dir) as cluster:`."""

    def __init__(self, root: Path, cpus: int = 2, job_nice: int = 0):
        self.root = root
        # the jobs' CPU priority: slurmd's, which its jobs inherit (SLURM's default
        # PropagatePrioProcess=0)
        self.job_nice = job_nice
        self.node = socket.gethostname().split(".")[0]  # hostname -s: slurmd's own node name
        self.cpus = cpus
        self.conf = root / "slurm.conf"
        self.munge_socket = root / "munge" / "munge.socket"
        self.daemons: list[subprocess.Popen] = []
        self.previous_slurm_conf = os.environ.get("SLURM_CONF")

    def __enter__(self) -> SlurmCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def write_conf(self) -> None:
        root = self.root
        for directory in ("state", "spool", "log"):
            (root / directory).mkdir()
        settings = {
            "ClusterName": "qwemtest",
            "SlurmctldHost": f"{self.node}(127.0.0.1)",
            "SlurmctldPort": free_port(),
            "SlurmdPort": free_port(),
            "SlurmUser": "root",
            "SlurmdUser": "root",
            "AuthType": "auth/munge",
            "CredType": "cred/munge",
            "AuthInfo": f"socket={self.munge_socket}",
            "StateSaveLocation": root / "state",
            "SlurmdSpoolDir": root / "spool",
            "SlurmctldPidFile": root / "slurmctld.pid",
            "SlurmdPidFile": root / "slurmd.pid",
            "SlurmctldLogFile": root / "log" / "slurmctld.log",
            "SlurmdLogFile": root / "log" / "slurmd.log",
            # no cgroups (containers, CI): plain process tracking, no task binding
            "ProctrackType": "proctrack/linuxproc",
            "TaskPlugin": "task/none",
            "MpiDefault": "none",
            # no accounting database: what makes --slurm-no-account and squeue necessary
            "AccountingStorageType": "accounting_storage/none",
            "JobAcctGatherType": "jobacct_gather/none",
            "SchedulerType": "sched/backfill",
            "SelectType": "select/cons_tres",
            "SelectTypeParameters": "CR_Core_Memory",  # CPUs and memory are both allotted
            "ReturnToService": 2,
            "MinJobAge": 300,  # finished jobs stay visible to squeue for 5 minutes
        }
        lines = [f"{key}={value}" for key, value in settings.items()]
        real_memory = int(total_memory_mb() * 0.9)
        lines.append(
            f"NodeName={self.node} NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={real_memory} State=UNKNOWN"
        )
        lines.append(f"PartitionName=main Nodes={self.node} Default=YES MaxTime=INFINITE State=UP")
        self.conf.write_text("\n".join(lines) + "\n")

    def spawn(self, *command: str | Path, nice: int = 0) -> None:
        log = open(self.root / "log" / f"{Path(command[0]).name}.out", "w")
        prefix = ["nice", "-n", str(nice)] if nice else []
        self.daemons.append(
            subprocess.Popen(
                [*prefix, *(str(part) for part in command)], stdout=log, stderr=subprocess.STDOUT
            )
        )
        log.close()

    def start(self) -> None:
        self.write_conf()
        munge = self.munge_socket.parent
        munge.mkdir(mode=0o700)
        subprocess.run(["mungekey", "--create", f"--keyfile={munge / 'munge.key'}"], check=True)
        self.spawn(
            "munged", "--foreground", "--force", f"--key-file={munge / 'munge.key'}", f"--socket={self.munge_socket}",
            f"--pid-file={munge / 'munged.pid'}", f"--log-file={munge / 'munged.log'}", f"--seed-file={munge / 'munged.seed'}",
        )  # fmt: skip
        wait_for(self.munge_socket.exists, 20, f"munged did not create {self.munge_socket}")
        os.environ["SLURM_CONF"] = str(self.conf)
        RUN_CONF.parent.mkdir(parents=True, exist_ok=True)
        RUN_CONF.symlink_to(self.root, target_is_directory=True)
        self.spawn("slurmctld", "-D", "-f", self.conf)
        self.spawn("slurmd", "-D", "-f", self.conf, nice=self.job_nice)
        wait_for(
            lambda: self.node_state() == "idle",
            60,
            f"node {self.node} never became idle:\n{self.logs()}",
        )

    def node_state(self) -> str:
        result = subprocess.run(
            ["sinfo", "--noheader", "--format=%T", "--nodes", self.node],
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    def logs(self) -> str:
        return "\n".join(
            f"== {path.name}\n{path.read_text()[-2000:]}"
            for path in sorted((self.root / "log").iterdir())
        )

    def stop(self) -> None:
        """Cancel what is left of the jobs, then end the daemons this cluster started (newest first)."""
        if self.daemons and self.conf.exists():
            subprocess.run(["scancel", "--full", "--partition=main"], capture_output=True)
        for daemon in reversed(self.daemons):
            daemon.terminate()
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        self.daemons.clear()
        if RUN_CONF.is_symlink() and RUN_CONF.resolve() == self.root.resolve():
            RUN_CONF.unlink()
        if self.previous_slurm_conf is None:
            os.environ.pop("SLURM_CONF", None)
        else:
            os.environ["SLURM_CONF"] = self.previous_slurm_conf


def wait_for(condition, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(message)
        time.sleep(0.5)
