"""ecomops.proc_tree: a process tree's memory, grandchildren included (Linux /proc)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from ecomops.proc_tree import TreeSampler, tree

pytestmark = pytest.mark.skipif(not pathlib.Path("/proc/self/stat").exists(), reason="needs Linux /proc")

# A grandchild (started by a shell, as pyspark starts the JVM) that holds 200 MiB for a second.
GRANDCHILD = (f"{sys.executable} -c \"import time; block = bytearray(200 * 1024 * 1024); "
              "block[::4096] = b'x' * len(block[::4096]); time.sleep(1.0)\" & wait")


def test_the_peak_counts_a_grandchild_nobody_waits_for() -> None:
    proc = subprocess.Popen(["bash", "-c", GRANDCHILD])
    with TreeSampler(proc.pid, interval=0.1) as sampled:
        proc.wait()
    assert sampled.peak_rss_bytes >= 200 * 1024 * 1024
    assert sampled.peak_rss_bytes < 2 * 1024 ** 3


def test_tree_holds_the_root_and_its_descendants_only() -> None:
    proc = subprocess.Popen(["bash", "-c", "sleep 2 & wait"])
    try:
        members = {}
        for _attempt in range(50):
            members = tree(proc.pid)
            if len(members) == 2:
                break
            subprocess.run(["sleep", "0.05"], check=True)
        assert proc.pid in members and len(members) == 2
        assert tree(proc.pid + 10 ** 7) == {}
    finally:
        proc.kill()
        proc.wait()
