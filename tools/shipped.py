"""The notebooks as shipped (committed) versus a learner's own working copies.

    python -m tools.shipped status   # which notebooks differ from the shipped course
    python -m tools.shipped reset    # back up your versions, then restore the shipped ones
                                     # (what `make reset-notebooks` runs)

The checks on the shipped course read git's index (the committed notebook, or a contributor's
staged change), never a learner's working copy; outside a git clone, the files. ``reset`` copies
each changed notebook into ``notebooks-backup/<UTC time>/`` first, and leaves your own alone.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BACKUPS = ROOT / "notebooks-backup"
PATTERN = "[0-9][0-9]_*.ipynb"


def _git(*args: str, root: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def in_git(root: Path = ROOT) -> bool:
    """True in a git clone of the course (git installed and ``root`` the top of a work tree)."""
    try:
        result = _git("rev-parse", "--show-toplevel", root=root)
    except FileNotFoundError:  # no git program
        return False
    return result.returncode == 0 and Path(result.stdout.strip()).resolve() == root.resolve()


def notebook_paths(root: Path = ROOT) -> list[Path]:
    """The course's notebooks: in a git clone the tracked ones (a learner's copies such as
    ``01_…-Copy1.ipynb`` are not part of the course), otherwise every ``NN_*.ipynb``."""
    folder = root / "notebooks"
    if in_git(root):
        listed = _git("ls-files", "-z", "--", f"notebooks/{PATTERN}", root=root).stdout.split("\0")
        return sorted(root / name for name in listed if name and "/" not in name[len("notebooks/"):])
    return sorted(folder.glob(PATTERN))


def shipped_text(path: Path, root: Path = ROOT) -> str:
    """The shipped text of ``path``: git's index version in a clone (the committed one, or a
    contributor's staged change), the file itself otherwise or for a file git does not track."""
    path = Path(path).resolve()
    if in_git(root):
        result = _git("show", f":{path.relative_to(root.resolve()).as_posix()}", root=root)
        if result.returncode == 0:
            return result.stdout
    return path.read_text(encoding="utf-8")


def changed_notebooks(root: Path = ROOT) -> list[Path]:
    """Course notebooks whose working copy differs from the last commit (edited, run, or deleted)."""
    if not in_git(root):
        raise SystemExit("this folder is not a git clone of the course, so the shipped notebooks cannot be "
                         "told apart from your own versions or restored. Get the course again with "
                         "`git clone`, or download it again, into another folder.")
    names = _git("diff", "--name-only", "-z", "HEAD", "--", f"notebooks/{PATTERN}", root=root).stdout.split("\0")
    return sorted(root / n for n in names if n)


def reset(root: Path = ROOT) -> int:
    changed = changed_notebooks(root)
    own = [p for p in sorted((root / "notebooks").glob("*.ipynb")) if p not in notebook_paths(root)]
    if not changed:
        print("notebooks/ is as shipped: nothing to restore.")
    else:
        backup = root / BACKUPS.name / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        backup.mkdir(parents=True, exist_ok=False)
        saved = []
        for path in changed:
            if path.exists():
                shutil.copy2(path, backup / path.name)
                saved.append(path.name)
        restored = _git("checkout", "HEAD", "--", *[str(p.relative_to(root)) for p in changed], root=root)
        if restored.returncode != 0:
            print(f"git could not restore the notebooks:\n{restored.stderr}"
                  f"Your versions are safe in {backup.relative_to(root)}/.", file=sys.stderr)
            return 1
        if saved:
            print(f"Your versions of {len(saved)} notebook(s) are saved in {backup.relative_to(root)}/:")
            for name in saved:
                print(f"  {name}")
        else:
            backup.rmdir()
        print(f"Restored as shipped: {', '.join(p.name for p in changed)}")
    if own:
        print(f"Left alone (your own notebooks, not part of the course): {', '.join(p.name for p in own)}")
    return 0


def status(root: Path = ROOT) -> int:
    changed = changed_notebooks(root)
    if changed:
        print("Differ from the shipped course (your runs or edits): " + ", ".join(p.name for p in changed))
        print("`make reset-notebooks` backs them up and restores the shipped versions.")
    else:
        print("notebooks/ is as shipped.")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["status", "reset"])
    args = parser.parse_args(argv)
    return reset() if args.command == "reset" else status()


if __name__ == "__main__":
    sys.exit(main())
