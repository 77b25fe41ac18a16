"""Check that this Python can build the course's environment, before `make` creates .venv.

    python3.12 tools/check_python.py --goal test    # exit 0, or 1 with a short message saying what to do
    python3 tools/check_python.py --find            # print the newest supported Python on this machine
    python3 tools/check_python.py --find-each       # one supported Python per 3.X found, one a line (CI)

Run by the Makefile's `.venv/bin/python` rule with the interpreter named by PYTHON. The range
is `requires-python` in pyproject.toml; `venv` and `ensurepip` must be there (Debian ships them
in python3.X-venv). Written to run on any Python (even 2.7), so an old one gets the message.
"""

from __future__ import print_function

import glob
import operator
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYPROJECT = os.path.join(ROOT, "pyproject.toml")
CLAUSE = re.compile(r"^\s*(>=|<=|==|!=|<|>)\s*(\d+(?:\.\d+)*)\s*$")


def requires_python(path=PYPROJECT):
    """The ``requires-python`` string of pyproject.toml (read with a regex: no tomllib before 3.11)."""
    with open(path) as f:
        match = re.search(r'^\s*requires-python\s*=\s*"([^"]+)"', f.read(), flags=re.M)
    if not match:
        raise SystemExit("tools/check_python.py: no requires-python line in %s" % path)
    return match.group(1)


COMPARE = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq,
           "!=": operator.ne}


def allowed(version, spec):
    """Whether ``version`` (a tuple such as (3, 12, 1)) satisfies ``spec`` (e.g. ">=3.11,<3.14")."""
    for part in spec.split(","):
        match = CLAUSE.match(part)
        if not match:
            raise SystemExit("tools/check_python.py: cannot read the clause %r of requires-python %r"
                             % (part, spec))
        bound = tuple(int(n) for n in match.group(2).split("."))
        # Compare only as many parts as the bound names: "<3.14" excludes 3.14.2, ">=3.11" admits 3.11.0.
        if not COMPARE[match.group(1)]((tuple(version) + (0,) * len(bound))[:len(bound)], bound):
            return False
    return True


def supported_minors(spec):
    """The 3.X minor versions the spec admits, e.g. [11, 12, 13] (searched up to 3.40)."""
    return [m for m in range(0, 41) if allowed((3, m, 0), spec) and allowed((3, m, 99), spec)]


def describe(spec):
    minors = supported_minors(spec)
    if not minors:
        return "Python %s" % spec
    if len(minors) == 1:
        return "Python 3.%d" % minors[0]
    return "Python 3.%d to 3.%d" % (minors[0], minors[-1])


def candidates(spec):
    """Interpreters on this machine that may be supported: python3.X on PATH, then pyenv builds."""
    found = []
    for m in reversed(supported_minors(spec)):
        name = "python3.%d" % m
        for folder in os.environ.get("PATH", "").split(os.pathsep):
            path = os.path.join(folder, name)
            if os.path.isfile(path) and os.access(path, os.X_OK):
                found.append(path)
        pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
        pattern = os.path.join(pyenv_root, "versions", "3.%d.*" % m, "bin", name)
        found.extend(sorted(glob.glob(pattern), reverse=True))
    return found


def _works(path):
    try:
        with open(os.devnull, "w") as devnull:
            return subprocess.call([path, os.path.abspath(__file__), "--quiet"], stdout=devnull,
                                   stderr=devnull) == 0
    except OSError:
        return False


def find_each(spec):
    """One interpreter for each supported 3.X on this machine that passes this check, oldest first."""
    found = {}
    for path in candidates(spec):
        minor = int(re.search(r"python3\.(\d+)$", path).group(1))
        if minor not in found and _works(path):
            found[minor] = path
    return [found[m] for m in sorted(found)]


def find_newest(spec):
    """The newest interpreter on this machine that passes this check, or None."""
    return (find_each(spec) or [None])[-1]


def problems(spec, version=None, have_module=None):
    """What stops this interpreter from building the course's .venv: a list of (short, advice) lines."""
    version = tuple(sys.version_info[:3]) if version is None else version
    if have_module is None:
        def have_module(name):
            try:
                __import__(name)
                return True
            except ImportError:
                return False
    found = "Python %d.%d.%d (%s)" % (version[0], version[1], version[2], sys.executable)
    if not allowed(version, spec):
        return ["%s is not supported: the course needs %s (requires-python \"%s\" in pyproject.toml; "
                "TensorFlow publishes no wheels outside it)." % (found, describe(spec), spec)]
    missing = [m for m in ("venv", "ensurepip") if not have_module(m)]
    if missing:
        return ["%s cannot create a virtual environment: the module%s %s %s missing "
                "(Debian and Ubuntu: sudo apt-get install python%d.%d-venv)."
                % (found, "s" if len(missing) > 1 else "", " and ".join(missing),
                   "are" if len(missing) > 1 else "is", version[0], version[1])]
    return []


def advice(spec, goal):
    minors = supported_minors(spec)
    newest = "3.%d" % minors[-1] if minors else "3"
    goal = goal or "test"
    lines = ["Point make at a supported one: make %s PYTHON=python%s (or a full path)." % (goal, newest)]
    here = find_newest(spec)
    if here:
        lines[0] += " This machine has one: make %s PYTHON=%s" % (goal, here)
    else:
        lines.append("To get one: pyenv install %s, or uv python install %s, or your distribution's "
                     "python%s package; see the README's 'Which Python'." % (newest, newest, newest))
    return lines


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    spec = requires_python()
    if "--find-each" in argv:
        for path in find_each(spec):
            print(path)
        return 0
    if "--find" in argv:
        newest = find_newest(spec)
        if newest is None:
            return 1
        print(newest)
        return 0
    goal = argv[argv.index("--goal") + 1] if "--goal" in argv and argv.index("--goal") + 1 < len(argv) else ""
    found = problems(spec)
    if not found:
        return 0
    if "--quiet" not in argv:
        for line in found + advice(spec, goal):
            print("make: " + line, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
