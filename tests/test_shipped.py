"""A learner's own work is safe: the checks read the shipped notebooks, reset keeps a backup,
and solutions cannot be shipped revealed (tools/shipped.py, tools/solutions.py)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tools import shipped, solutions

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program")


def notebook(text: str, solution_meta: dict | None = None) -> dict:
    cells = [{"cell_type": "code", "execution_count": 1, "id": "a", "metadata": {}, "outputs": [],
              "source": [text]}]
    if solution_meta is not None:
        cells.append({"cell_type": "code", "execution_count": 2, "id": "b", "metadata": solution_meta,
                      "outputs": [], "source": ["print('the answer')"]})
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def course(tmp_path):
    """A git clone-like course with one committed notebook."""
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    (root / "notebooks" / "01_lesson.ipynb").write_text(json.dumps(notebook("x = 1")), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "notebooks")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "course")
    return root


@needs_git
def test_checks_read_the_shipped_notebook_not_the_learners(course):
    lesson = course / "notebooks" / "01_lesson.ipynb"
    lesson.write_text(json.dumps(notebook("x = 2  # my edit")), encoding="utf-8")
    (course / "notebooks" / "01_lesson-Copy1.ipynb").write_text("{}", encoding="utf-8")
    assert shipped.notebook_paths(course) == [lesson], "a learner's copy is not part of the course"
    assert "my edit" not in shipped.shipped_text(lesson, course)
    assert shipped.changed_notebooks(course) == [lesson]
    git(course, "add", "notebooks/01_lesson.ipynb")  # a contributor stages a change: that is checked
    assert "my edit" in shipped.shipped_text(lesson, course)


@needs_git
def test_reset_backs_up_then_restores(course, capsys):
    lesson = course / "notebooks" / "01_lesson.ipynb"
    shipped_version = lesson.read_text(encoding="utf-8")
    mine = json.dumps(notebook("x = 2  # my edit"))
    lesson.write_text(mine, encoding="utf-8")
    own = course / "notebooks" / "Untitled.ipynb"
    own.write_text("{}", encoding="utf-8")

    assert shipped.reset(course) == 0
    said = capsys.readouterr().out
    assert lesson.read_text(encoding="utf-8") == shipped_version
    backups = list((course / "notebooks-backup").glob("*/01_lesson.ipynb"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == mine, "the learner's version is lost"
    assert str(backups[0].parent.relative_to(course)) in said, f"reset does not say where: {said}"
    assert own.read_text(encoding="utf-8") == "{}" and "Untitled.ipynb" in said

    assert shipped.reset(course) == 0  # nothing left to restore: no empty backup folder
    assert "nothing to restore" in capsys.readouterr().out
    assert len(list((course / "notebooks-backup").iterdir())) == 1


def test_outside_git_reset_stops_with_a_clear_message(tmp_path):
    (tmp_path / "notebooks").mkdir()
    with pytest.raises(SystemExit, match="not a git clone"):
        shipped.changed_notebooks(tmp_path)


def test_a_revealed_solution_is_rejected_and_collapse_fixes_it():
    for meta in ({"tags": ["solution"]}, {"tags": ["solution"], "jupyter": {"source_hidden": True}}):
        nb = notebook("x = 1", meta)
        assert solutions.revealed(nb), f"not caught: {meta}"
        assert solutions.collapse(nb) is True
        assert solutions.revealed(nb) == []
        assert nb["cells"][1]["metadata"]["jupyter"] == {"outputs_hidden": True, "source_hidden": True}
        assert solutions.collapse(nb) is False, "collapse is idempotent"
    assert solutions.revealed(notebook("x = 1", {"tags": ["other"]})) == []
