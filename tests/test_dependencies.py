"""Dependencies: declared where they are used, pinned once, installed as locked."""

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pins(path: Path) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", path.read_text(encoding="utf-8"), flags=re.M)
    return {canonical(name): version for name, version in found}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_direct_pin_is_the_locked_version():
    locked = pins(ROOT / "constraints.txt")
    for requirements in ("requirements.txt", "requirements-browser.txt"):
        for name, version in pins(ROOT / requirements).items():
            assert locked.get(name) == version, (
                f"{requirements} pins {name}=={version} but constraints.txt has {locked.get(name)}: run make lock")


def test_pyproject_declares_every_package_helpers_imports():
    declared = {canonical(re.split(r"[<>=!~ \[]", d, maxsplit=1)[0])
                for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    imported = set()
    for path in (ROOT / "helpers").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    distributions = metadata.packages_distributions()  # import name -> the installed distributions
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name != "helpers"}
    missing = {name: distributions.get(name) for name in third_party
               if not {canonical(d) for d in distributions.get(name, [])} & declared}
    assert not missing, f"helpers imports these, pyproject.toml does not declare them: {missing}"


def test_the_environment_is_the_locked_one():
    locked = pins(ROOT / "constraints.txt")
    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    different = {name: (version, installed[name]) for name, version in locked.items()
                 if name in installed and installed[name] != version}
    assert not different, f"installed versions differ from constraints.txt (locked, installed): {different}"
    requirements = pins(ROOT / "requirements.txt")
    absent = sorted(set(requirements) - set(installed))
    assert not absent, f"requirements.txt packages not installed: {absent}"
