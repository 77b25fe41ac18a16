"""`make kernel` registers the course's environment as a Jupyter kernel; `make uninstall-kernel` removes it.

Run against a temporary JUPYTER_DATA_DIR, so the user's own kernels are never touched.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = os.environ.get("VENV", ".venv")  # CI's second Python runs the tests with VENV=.venv-py3.X
STAMP = ROOT / VENV / ".installed"


def kernels(env) -> dict:
    done = subprocess.run([str(ROOT / VENV / "bin" / "jupyter"), "kernelspec", "list", "--json"], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["kernelspecs"]


def make(target, env):
    # -o: use the environment as installed; never reinstall it from inside a test.
    return subprocess.run(["make", "--no-print-directory", "-o", f"{VENV}/.installed", target, f"VENV={VENV}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(not STAMP.exists(), reason=f"needs the installed {VENV}")
def test_make_kernel_registers_the_course_environment_and_uninstall_removes_it(tmp_path):
    env = {**os.environ, "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    env.pop("MAKEFLAGS", None)
    assert "autoencoders-course" not in kernels(env)

    done = make("kernel", env)
    assert done.returncode == 0, done.stdout + done.stderr
    spec = kernels(env).get("autoencoders-course")
    assert spec is not None, f"`make kernel` did not register the kernel: {done.stdout}"
    assert Path(spec["resource_dir"]).is_relative_to(tmp_path), "installed outside JUPYTER_DATA_DIR"
    kernel = spec["spec"]
    assert kernel["display_name"].startswith("Autoencoders course"), kernel["display_name"]
    assert Path(kernel["argv"][0]) == ROOT / VENV / "bin" / "python", "the kernel must run the course's Python"
    from helpers import __version__

    assert f"v{__version__}" in kernel["display_name"]

    done = make("uninstall-kernel", env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "autoencoders-course" not in kernels(env)
