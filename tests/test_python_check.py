"""`make` checks the interpreter before it creates .venv (tools/check_python.py).

An unsupported Python, one without venv/ensurepip (Debian's python3.X-venv), or a
PYTHON that is not there stops `make test` with a short message saying what to do,
and leaves no half-made .venv behind. The supported range is declared once, as
requires-python in pyproject.toml, and the README says the same.
"""

import glob
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tools import check_python
from tools.shipped import ROOT

SPEC = check_python.requires_python()


def course_copy(tmp_path: Path) -> Path:
    """The repository's files without any environment, so `make` starts from a fresh clone's state."""
    ignore = shutil.ignore_patterns(".git", ".venv*", "artifacts", "out", "__pycache__", "*.egg-info",
                                    ".pytest_cache", ".ruff_cache", "notebooks")
    target = tmp_path / "course"
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def make_test(folder: Path, python: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS", "VENV", "PYTHON"))}
    return subprocess.run(["make", "--no-print-directory", "test", f"PYTHON={python}"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)


def fake_python(path: Path, body: str) -> str:
    """A shell script standing in for a Python interpreter."""
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_supported_range_is_read_from_pyproject():
    assert check_python.describe(SPEC) == "Python 3.11 to 3.13"
    assert check_python.allowed((3, 11, 0), SPEC) and check_python.allowed((3, 13, 9), SPEC)
    assert not check_python.allowed((3, 10, 13), SPEC)
    assert not check_python.allowed((3, 14, 0), SPEC), "TensorFlow 2.21 has no wheels for Python 3.14"


def test_missing_venv_module_is_explained():
    lines = check_python.problems(SPEC, version=(3, 12, 3), have_module=lambda name: name != "ensurepip")
    assert len(lines) == 1 and "ensurepip" in lines[0] and "python3.12-venv" in lines[0]
    assert check_python.problems(SPEC, version=(3, 12, 3), have_module=lambda name: True) == []


# Pythons outside the range found on this machine (pyenv builds), e.g. 3.10 and 2.7: the check
# itself must run on an old Python.
UNSUPPORTED = [p for v in ("3.10", "2.7") for p in sorted(glob.glob(os.path.expanduser(
    f"~/.pyenv/versions/{v}.*/bin/python{v}")))[-1:]]
TRIED = UNSUPPORTED or [pytest.param(None, marks=pytest.mark.skip(reason="no Python outside the range here"))]


@pytest.mark.parametrize("python", TRIED)
def test_make_test_stops_at_once_on_an_unsupported_python(tmp_path, python):
    course = course_copy(tmp_path)
    done = make_test(course, python)
    version = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True).stdout.strip()
    assert done.returncode != 0
    message = [line for line in done.stderr.splitlines() if line.startswith("make: ") and "***" not in line]
    assert 1 <= len(message) <= 2, done.stderr
    assert f"Python {version}." in message[0] and "not supported" in message[0] and "3.11 to 3.13" in message[0]
    assert "PYTHON=" in done.stderr and "pip" not in done.stdout + done.stderr
    assert not (course / ".venv").exists(), "a half-made .venv was left behind"


def test_make_test_names_a_missing_venv_package_and_a_python_that_is_not_there(tmp_path):
    course = course_copy(tmp_path)
    hide = tmp_path / "debian-without-venv"
    (hide / "ensurepip").mkdir(parents=True)
    (hide / "ensurepip" / "__init__.py").write_text("raise ImportError('ensurepip is not installed')\n")
    python = fake_python(tmp_path / "python3", f'PYTHONPATH={hide} exec "{sys.executable}" "$@"')
    done = make_test(course, python)
    assert done.returncode != 0
    assert "cannot create a virtual environment" in done.stderr and "-venv" in done.stderr, done.stderr
    assert not (course / ".venv").exists()
    done = make_test(course, "python3.99-not-installed")
    assert done.returncode != 0
    assert "cannot run 'python3.99-not-installed'" in done.stderr and "PYTHON=" in done.stderr, done.stderr
    assert not (course / ".venv").exists()


def find(*flag, bin_dir, tmp_path):
    env = {"PATH": str(bin_dir), "PYENV_ROOT": str(tmp_path / "no-pyenv"), "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, str(ROOT / "tools" / "check_python.py"), *flag], env=env,
                          capture_output=True, text=True)


def test_find_names_the_newest_interpreter_that_passes_the_check_and_find_each_one_per_version(tmp_path):
    """What .ci/run uses to pick its Pythons: a name that lies about its version is skipped."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for minor in ("3.11", "3.12"):
        fake_python(bin_dir / f"python{minor}", f'exec "{sys.executable}" "$@"')  # a real supported Python
    if UNSUPPORTED:
        fake_python(bin_dir / "python3.13", f'exec "{UNSUPPORTED[0]}" "$@"')  # named 3.13, is not
    done = find("--find", bin_dir=bin_dir, tmp_path=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == str(bin_dir / "python3.12"), done.stdout + done.stderr
    done = find("--find-each", bin_dir=bin_dir, tmp_path=tmp_path)
    assert done.stdout.split() == [str(bin_dir / f"python3.{m}") for m in (11, 12)], done.stdout + done.stderr
    for minor in ("3.11", "3.12"):
        (bin_dir / f"python{minor}").unlink()
    done = find("--find", bin_dir=bin_dir, tmp_path=tmp_path)
    assert done.returncode == 1 and done.stdout == "", "no supported Python: --find prints nothing, exits 1"
