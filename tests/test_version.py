"""One version number: helpers.__version__, read by pyproject.toml, cited by CITATION.cff, shown by every notebook."""

import json
import re
import sys
from pathlib import Path

import helpers

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import shipped  # noqa: E402  (the shipped notebooks, never a learner's runs or copies)


def cff_field(name: str) -> str:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    match = re.search(rf'^{name}:\s*"?([^"\n]+)"?\s*$', text, flags=re.M)
    assert match, f"CITATION.cff has no '{name}:' line"
    return match.group(1).strip()


def cff_abstract() -> str:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    block = re.search(r"^abstract: >-\n((?:  .*\n)+)", text, flags=re.M)
    assert block, "CITATION.cff has no folded 'abstract: >-' block"
    return " ".join(block.group(1).split())


def test_version_is_written_once():
    assert re.fullmatch(r"\d+\.\d+\.\d+", helpers.__version__)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^dynamic\s*=\s*\[[^]]*"version"', pyproject, flags=re.M), "pyproject must read the version"
    assert 'version = {attr = "helpers.__version__"}' in pyproject
    assert not re.search(r'^version\s*=\s*"', pyproject, flags=re.M), "a second version string in pyproject.toml"


def test_citation_matches_the_course():
    assert cff_field("version") == helpers.__version__, "CITATION.cff's version differs from helpers.__version__"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    title = re.search(r"^# (.+)$", readme, flags=re.M).group(1).strip()
    assert cff_field("title") == title, "CITATION.cff's title differs from the README's"
    first_paragraph = " ".join(readme.split("\n\n")[1].split())
    assert cff_abstract() == first_paragraph, "CITATION.cff's abstract is not the README's description"


def test_licences_are_there_and_stated():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    content = (ROOT / "LICENSE-CONTENT.md").read_text(encoding="utf-8")
    assert "https://creativecommons.org/licenses/by/4.0/" in content
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    licence = readme.split("\n## Licence", 1)[1]
    for needed in ("LICENSE", "LICENSE-CONTENT.md", "CC BY 4.0", "MIT", "CITATION.cff", "MNIST", "CC BY-SA 3.0"):
        assert needed in licence, f"the README's licence section does not mention {needed}"


def test_every_notebook_prints_the_course_version():
    for path in shipped.notebook_paths():
        nb = json.loads(shipped.shipped_text(path))
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        assert re.search(r"setup\.import_keras\(\)", code), f"{path.name} does not call setup.import_keras()"
