"""Execute a notebook top to bottom in a fresh kernel and measure what it costs.

:func:`run_notebook` executes every cell with nbclient (as ``jupyter nbconvert
--execute`` does) in a new ``python3`` kernel started from this process, with the
environment you give it (``AE_RESULTS_DIR``, ``AE_FAST``, ...). Meanwhile a thread
samples, every ``interval`` seconds, the resident memory (RSS) and CPU time of every
process below this one, that is the kernel and anything it starts. After the last
cell a probe asks the kernel for its own peak RSS (``resource.getrusage``), which
catches a spike between two samples; the probe is removed again before the notebook
is returned or written. A notebook written back carries no execution-timing metadata
(:func:`strip_execution_metadata`): the run records no per-cell timing, and timing left
from an earlier run would contradict the outputs beside it.

Returns a dict: ``notebook``, ``path``, ``status`` ("ok" or "error"), ``error`` (the
failing cell's exception), ``wall_seconds``, ``cpu_seconds`` (user + system of the
kernel tree), ``peak_rss_bytes`` (the larger of the sampled tree peak and the
kernel's own), ``sampled_peak_rss_bytes``, ``kernel_maxrss_bytes``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import solutions  # noqa: E402  (tools/solutions.py)

PROBE = ("import resource as _r\n"
         "print('AE_BENCH_MAXRSS_KB', max(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss, "
         "_r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss))")
PROBE_TAG = "benchmark-probe"
# per-cell timing written by nbclient (record_timing) and by JupyterLab's execute-time extension
TIMING_KEYS = ("execution", "ExecuteTime")


def kernelspec() -> dict:
    """The notebook metadata of the installed ``python3`` kernel, as JupyterLab writes it when it
    starts the kernel (a different display name marks an untouched notebook as changed)."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    return {"display_name": spec.display_name, "language": spec.language, "name": "python3"}


def strip_execution_metadata(nb) -> int:
    """Remove per-cell execution-timing metadata (in place); return how many cells had some."""
    stripped = 0
    for cell in nb["cells"]:
        metadata = cell.get("metadata", {})
        if any(key in metadata for key in TIMING_KEYS):
            stripped += 1
            for key in TIMING_KEYS:
                metadata.pop(key, None)
    return stripped


class TreeSampler(threading.Thread):
    """Peak summed RSS and total CPU time of this process's descendants, sampled in the background."""

    def __init__(self, interval: float = 0.2):
        super().__init__(daemon=True)
        import psutil

        self._psutil = psutil
        self.interval = interval
        self.peak_rss = 0
        self._cpu: dict[tuple[int, float], float] = {}  # (pid, create time) -> last user+sys seen
        self._stop_event = threading.Event()
        self._me = psutil.Process(os.getpid())

    def sample(self) -> None:
        psutil = self._psutil
        total = 0
        try:
            children = self._me.children(recursive=True)
        except psutil.Error:
            return
        for p in children:
            try:
                with p.oneshot():
                    total += p.memory_info().rss
                    times = p.cpu_times()
                    self._cpu[(p.pid, p.create_time())] = times.user + times.system
            except psutil.Error:  # it ended between the listing and the reading
                continue
        self.peak_rss = max(self.peak_rss, total)

    @property
    def cpu_seconds(self) -> float:
        return float(sum(self._cpu.values()))

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self.sample()
        self._stop_event.set()
        self.join()


def _error_summary(exc) -> str:
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None)
    if value is None:
        value = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
    return f"{name}: {value}"[:300]


def cells_up_to(cells, text: str, name: str = "the notebook") -> list:
    """The cells up to and including the first code cell whose source contains ``text``."""
    last = next((i for i, c in enumerate(cells) if c["cell_type"] == "code" and text in c["source"]), None)
    if last is None:
        raise ValueError(f"{name} has no code cell containing {text!r} to stop after")
    return cells[:last + 1]


def run_notebook(path, env: dict | None = None, timeout: int = 3000, write_back: bool = False,
                 interval: float = 0.2, kernel_name: str = "python3", kernel_log=None,
                 stop_after: str | None = None) -> dict:
    """Execute ``path`` top to bottom in a fresh kernel; see the module docstring.

    env:
        the kernel's whole environment (default: this process's). A key with value
        None is removed (e.g. ``{"AE_FAST": None}`` for full mode).
    write_back:
        write the executed notebook over ``path`` (only when every cell ran without
        error), so that committed outputs come from this very run.
    kernel_log:
        a file for the kernel process's own stdout/stderr (start-up warnings, C-level
        log lines); default: they go to this process's terminal.
    stop_after:
        run only up to the first code cell whose source contains this text (e.g. a
        headline's ``results.record`` call); never written back. An error if no cell has it.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if stop_after is not None:
        nb.cells, write_back = cells_up_to(nb.cells, stop_after, path.name), False
    probe = nbformat.v4.new_code_cell(PROBE, metadata={"tags": [PROBE_TAG]})
    nb.cells.append(probe)
    kernel_env = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            kernel_env.pop(key, None)
        else:
            kernel_env[key] = str(value)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, allow_errors=False,
                            store_widget_state=False, record_timing=False,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    launch = {"env": kernel_env}
    log_file = None
    if kernel_log is not None:
        Path(kernel_log).parent.mkdir(parents=True, exist_ok=True)
        log_file = open(kernel_log, "w", encoding="utf-8")  # closed after the run
        launch.update(stdout=log_file, stderr=log_file)
    sampler = TreeSampler(interval)
    sampler.start()
    status, error = "ok", None
    start = time.perf_counter()
    try:
        client.execute(**launch)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        status, error = "error", _error_summary(exc)
    except Exception as exc:  # the kernel did not start, or died in a way nbclient does not name
        status, error = "error", _error_summary(exc)
    finally:
        wall = time.perf_counter() - start
        sampler.stop()
        if log_file is not None:
            log_file.close()

    kernel_maxrss = None
    for output in probe.get("outputs", []):
        text = output.get("text", "")
        if "AE_BENCH_MAXRSS_KB" in text:
            kernel_maxrss = int(text.split()[-1]) * 1024  # Linux reports kilobytes
    nb.cells = [c for c in nb.cells if PROBE_TAG not in c.get("metadata", {}).get("tags", [])]
    if write_back and status == "ok":
        solutions.collapse(nb)  # worked solutions stay collapsed, code and outputs (tools/solutions.py)
        nb.metadata["kernelspec"] = kernelspec()  # as JupyterLab would write it: the notebook opens unchanged
        strip_execution_metadata(nb)  # no stale timing from an earlier run
        nbformat.write(nb, path)
    peaks = [p for p in (sampler.peak_rss or None, kernel_maxrss) if p]
    return {
        "notebook": path.stem,
        "path": str(path),
        "status": status,
        "error": error,
        "wall_seconds": wall,
        "cpu_seconds": sampler.cpu_seconds,
        "peak_rss_bytes": max(peaks) if peaks else None,
        "sampled_peak_rss_bytes": sampler.peak_rss or None,
        "kernel_maxrss_bytes": kernel_maxrss,
        "written": bool(write_back and status == "ok"),
        "kernel_log": None if kernel_log is None else str(kernel_log),
    }
