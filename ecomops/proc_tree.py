"""Peak memory and CPU of a process and all its descendants (Linux /proc).

``resource.getrusage(RUSAGE_CHILDREN)`` counts only children that were
waited for. Spark's JVM is started by pyspark inside dbt and is not waited
for, so its memory and CPU would be missing from a benchmark step.
``TreeSampler`` polls ``/proc`` while the step runs: the peak of the summed
resident memory of the tree, and the CPU seconds of every process seen (the
last reading of each). Where ``/proc`` is missing it reports zeros.
"""

from __future__ import annotations

import os
import pathlib
import threading

PROC = pathlib.Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _stat(pid: int) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds, resident bytes) of a process, or None when it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces.
    fields = text[text.rindex(")") + 2:].split()
    parent, utime, stime, rss_pages = int(fields[1]), int(fields[11]), int(fields[12]), int(fields[21])
    return parent, (utime + stime) / CLOCK_TICKS, rss_pages * PAGE_BYTES


def tree(root: int) -> dict[int, tuple[float, int]]:
    """pid -> (CPU seconds, resident bytes) of `root` and its descendants now."""
    stats = {}
    for entry in PROC.glob("[0-9]*"):
        stat = _stat(int(entry.name))
        if stat is not None:
            stats[int(entry.name)] = stat
    members, frontier = {}, [root]
    while frontier:
        pid = frontier.pop()
        if pid in stats and pid not in members:
            members[pid] = (stats[pid][1], stats[pid][2])
            frontier.extend(child for child, stat in stats.items() if stat[0] == pid)
    return members


class TreeSampler:
    """Polls the tree of `root` every `interval` seconds until stopped."""

    def __init__(self, root: int, interval: float = 0.5) -> None:
        self.root, self.interval = root, interval
        self.peak_rss_bytes = 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        members = tree(self.root)
        self.peak_rss_bytes = max(self.peak_rss_bytes, sum(rss for _cpu, rss in members.values()))
        for pid, (cpu, _rss) in members.items():
            self._cpu[pid] = max(cpu, self._cpu.get(pid, 0.0))

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values())

    def __enter__(self) -> TreeSampler:
        if PROC.exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
