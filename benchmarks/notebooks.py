"""Execute one notebook top to bottom in a fresh kernel; measure its time, memory and claims.

:func:`run_notebook` runs every cell with nbclient in a new ``python3`` kernel with the
environment given. A thread samples the resident memory (RSS) of every process below this
one (the kernel and what it starts) every 0.2 s. After the last cell one probe cell asks the
kernel for its own peak RSS (``resource.getrusage``, which catches a spike between two
samples) and evaluates the expressions it is given (a notebook's claims and figures,
``tests.claims.probe_source``) in the notebook's namespace. The probe is removed again before
the notebook is written back; a notebook written back has its solutions collapsed, the
installed kernelspec and no per-cell timing metadata, so it opens unchanged in JupyterLab.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from tests import claims
from tools import solutions

RSS_PROBE = ("import resource as _r\n"
             "print('AE_BENCH_MAXRSS_KB', max(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss, "
             "_r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss))\n"
             "del _r\n")
PROBE_TAG = "benchmark-probe"
TIMING_KEYS = ("execution", "ExecuteTime")  # nbclient's record_timing, JupyterLab's execute-time extension


def kernelspec() -> dict:
    """The ``python3`` kernel's metadata as JupyterLab writes it (another name would mark the notebook changed)."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    return {"display_name": spec.display_name, "language": spec.language, "name": "python3"}


def strip_execution_metadata(nb) -> None:
    for cell in nb["cells"]:
        for key in TIMING_KEYS:
            cell.get("metadata", {}).pop(key, None)


class TreeSampler(threading.Thread):
    """The peak summed RSS of this process's descendants, sampled in the background."""

    def __init__(self, interval: float = 0.2):
        super().__init__(daemon=True)
        self.interval, self.peak_rss = interval, 0
        self._done = threading.Event()

    def sample(self) -> None:
        total = 0
        for p in psutil.Process().children(recursive=True):
            try:
                total += p.memory_info().rss
            except psutil.Error:  # it ended between the listing and the reading
                pass
        self.peak_rss = max(self.peak_rss, total)

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self.sample()
        self._done.set()
        self.join()


def environment(changes: dict | None) -> dict:
    """This process's environment with ``changes`` applied (a value None removes the key)."""
    env = {**os.environ, **{key: str(value) for key, value in (changes or {}).items() if value is not None}}
    return {key: value for key, value in env.items() if (changes or {}).get(key, "") is not None}


def run_notebook(path, env: dict | None = None, exprs: list[str] = (), timeout: int = 3000,
                 write_back: bool = False, kernel_log=None) -> dict:
    """Execute ``path``; return status, error, wall_seconds, peak_rss_bytes and ``values`` of ``exprs``.

    env: changes to this process's environment for the kernel (a value None removes the key).
    write_back: write the executed notebook over ``path`` if every cell ran without error.
    kernel_log: a file for the kernel process's own stdout and stderr.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell(RSS_PROBE + claims.probe_source(list(exprs)),
                                      metadata={"tags": [PROBE_TAG]})
    nb.cells.append(probe)
    kernel_env = environment(env)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False, store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    log = open(kernel_log, "w", encoding="utf-8") if kernel_log else None  # noqa: SIM115 (closed below)
    launch = {"env": kernel_env, **({"stdout": log, "stderr": log} if log else {})}
    sampler = TreeSampler()
    sampler.start()
    status, error, start = "ok", None, time.perf_counter()
    try:
        client.execute(**launch)
    except Exception as exc:  # a cell raised, timed out, or the kernel died or did not start
        name = getattr(exc, "ename", None) or type(exc).__name__
        value = getattr(exc, "evalue", None) or (str(exc).strip().splitlines() or [""])[-1]
        status, error = "error", f"{name}: {value}"[:300]
    finally:
        wall = time.perf_counter() - start
        sampler.stop()
        if log:
            log.close()
    kernel_rss = [int(line.split()[-1]) * 1024 for out in probe.get("outputs", [])  # Linux reports kB
                  for line in out.get("text", "").splitlines() if line.startswith("AE_BENCH_MAXRSS_KB")]
    try:
        values = claims.parse(probe.get("outputs", []))
    except LookupError:  # the notebook stopped before the probe
        values = {}
    nb.cells.remove(probe)
    written = write_back and status == "ok"
    if written:
        solutions.collapse(nb)
        nb.metadata["kernelspec"] = kernelspec()
        strip_execution_metadata(nb)
        nbformat.write(nb, path)
    return {"notebook": path.stem, "status": status, "error": error, "wall_seconds": round(wall, 2),
            "peak_rss_bytes": max([sampler.peak_rss, *kernel_rss]) or None, "values": values,
            "written": written}
