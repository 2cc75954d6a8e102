"""The repository's public URL is written once (``lessonlib.REPOSITORY_URL``), and every
link that Binder, Colab or a ``pip install`` from git follows is derived from it.

Expected forms, for ``REPOSITORY_URL = https://github.com/OWNER/REPO``:

- Binder: ``https://mybinder.org/v2/gh/OWNER/REPO/main?urlpath=lab/tree/notebooks/00_start_here.ipynb``
  (the README must have this badge);
- Colab: ``https://colab.research.google.com/github/OWNER/REPO/blob/main/notebooks/NN_name.ipynb``;
- pip: ``lessonlib @ git+https://github.com/OWNER/REPO@main``.

Also what Binder (repo2docker) reads: its own ``binder/`` folder (see
``test_binder_has_its_own_folder``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import lessonlib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
URL = re.compile(r"https?://[^\s)\"'<>\]]+")
BINDER = re.compile(
    r"https://mybinder\.org/v2/gh/(?P<slug>[^/]+/[^/]+)/(?P<branch>[^/?]+)(?P<rest>\S*)"
)
COLAB = re.compile(
    r"https://colab\.research\.google\.com/github/(?P<slug>[^/]+/[^/]+)/blob/(?P<branch>[^/]+)/(?P<path>\S+)"
)
GIT_INSTALL = re.compile(r"git\+(?P<url>https://[^\s\"'@]+)(?P<ref>@[^\s\"']*)?")


def slug():
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", lessonlib.REPOSITORY_URL)
    assert match, (
        f"REPOSITORY_URL must be https://github.com/OWNER/REPO: {lessonlib.REPOSITORY_URL!r}"
    )
    assert not match.group(2).endswith(".git")
    return f"{match.group(1)}/{match.group(2)}"


def binder_url(notebook="00_start_here.ipynb"):
    return f"https://mybinder.org/v2/gh/{slug()}/main?urlpath=lab/tree/notebooks/{notebook}"


def colab_url(notebook):
    return f"https://colab.research.google.com/github/{slug()}/blob/main/notebooks/{notebook}"


def documents():
    """(name, text) of the README and of every notebook's cells."""
    found = [("README.md", (ROOT / "README.md").read_text(encoding="utf-8"))]
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        sources = (
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"]
        )
        found.append((f"notebooks/{path.name}", "\n".join(sources)))
    return found


def problems_with_links(name, text):
    problems = []
    for url in URL.findall(text):
        url = url.rstrip(".,;")
        if "mybinder.org/v2/" in url:
            m = BINDER.fullmatch(url)
            if not m or m["slug"] != slug() or m["branch"] != "main":
                problems.append(f"{name}: Binder link {url} is not for {slug()}@main")
                continue
            target = re.search(
                r"(?:urlpath=lab/tree/|labpath=)(notebooks(?:/|%2F)[\w.-]+\.ipynb)", m["rest"]
            )
            if target and not (ROOT / target.group(1).replace("%2F", "/")).exists():
                problems.append(f"{name}: Binder link {url} opens a notebook that does not exist")
        elif "colab.research.google.com/github/" in url:
            m = COLAB.fullmatch(url)
            if not m or m["slug"] != slug() or m["branch"] != "main":
                problems.append(f"{name}: Colab link {url} is not for {slug()}@main")
            elif not (ROOT / m["path"]).exists():
                problems.append(f"{name}: Colab link {url} opens {m['path']}, which does not exist")
    for m in GIT_INSTALL.finditer(text):
        if m["url"] != lessonlib.REPOSITORY_URL or m["ref"] != "@main":
            problems.append(
                f"{name}: installs from {m.group(0)}, not git+{lessonlib.REPOSITORY_URL}@main"
            )
    return problems


def test_repository_url_is_a_github_repository():
    slug()


def test_readme_has_the_binder_badge():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    expected = binder_url()
    assert f"]({expected})" in readme, (
        f"README.md needs the Binder badge: [![Binder](https://mybinder.org/badge_logo.svg)]({expected})"
    )


def test_readme_colab_badge_if_any_matches():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    badges = re.findall(r"\]\((https://colab\.research\.google\.com/github/[^)]+)\)", readme)
    for url in badges:
        name = url.rsplit("/", 1)[-1]
        assert url == colab_url(name), f"README Colab link {url}; expected {colab_url(name)}"


@pytest.mark.parametrize("name, text", documents(), ids=[name for name, _ in documents()])
def test_links_are_derived_from_repository_url(name, text):
    problems = problems_with_links(name, text)
    assert not problems, "\n".join(problems)


def test_link_checker_catches_wrong_links():
    wrong = (
        "[b](https://mybinder.org/v2/gh/someone/fork/main?urlpath=lab/tree/notebooks/00_start_here.ipynb) "
        f"[c](https://colab.research.google.com/github/{slug()}/blob/dev/notebooks/x.ipynb) "
        f"[c]({colab_url('99_missing.ipynb')}) "
        '%pip install "lessonlib @ git+https://github.com/someone/fork@main"'
    )
    assert len(problems_with_links("x", wrong)) == 4
    assert (
        problems_with_links(
            "x", f"[b]({binder_url()}) [c]({colab_url(NOTEBOOKS[0].name)})" if NOTEBOOKS else ""
        )
        == []
    )


def test_binder_has_its_own_folder():
    """binder/: a runtime.txt at or above requires-python, requirements that do not
    reference the repository (so repo2docker can cache their install) and leave the base
    image's JupyterLab and notebook alone, and a postBuild that installs lessonlib once.
    .ci/binder builds that environment and runs `pip check` and a notebook in it."""
    binder = ROOT / "binder"
    runtime = (binder / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert match, f"binder/runtime.txt must read python-3.X, not {runtime!r}"
    requires = re.search(
        r'requires-python\s*=\s*">=3\.(\d+)"', (ROOT / "pyproject.toml").read_text()
    )
    assert requires and int(match.group(1)) >= int(requires.group(1)), (
        "binder/runtime.txt is below requires-python"
    )
    lines = [
        line.split("#", 1)[0].strip()
        for line in (binder / "requirements.txt").read_text().splitlines()
    ]
    lines = [line for line in lines if line]
    local = [line for line in lines if line.startswith(("-e", ".", "/", "file:", "-r", "-c"))]
    assert not local, f"binder/requirements.txt refers to files (no cached install): {local}"
    names = {re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0].lower() for line in lines}
    assert not names & {"jupyterlab", "notebook", "lessonlib"}, (
        "binder/requirements.txt must leave the base image's jupyterlab/notebook alone"
        " (notebook 7.4 needs jupyterlab < 4.5) and not install lessonlib (postBuild does)"
    )
    post_build = binder / "postBuild"
    assert post_build.stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert re.search(r"pip install .*--no-deps", post_build.read_text()), (
        "binder/postBuild installs lessonlib without dependencies"
    )
    assert not (ROOT / ".binder").exists(), "binder/ and .binder/ at once is an error for repo2docker"


def test_repository_url_written_once_in_code():
    """No other Python file spells the URL out: they import it."""
    spelled = [
        str(path.relative_to(ROOT))
        for folder in ("lessonlib", "tools", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if lessonlib.REPOSITORY_URL in path.read_text(encoding="utf-8")
        and path.name != "__init__.py"
    ]
    assert not spelled, f"use lessonlib.REPOSITORY_URL instead of spelling it out in {spelled}"


def test_readme_links_the_lecture_video_and_slides():
    import importlib.util

    spec = importlib.util.spec_from_file_location("notebook_cells", ROOT / "tools" / "notebook_cells.py")
    notebook_cells = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(notebook_cells)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for url in (notebook_cells.LECTURE_VIDEO, notebook_cells.LECTURE_SLIDES, notebook_cells.COURSE_PAGE):
        assert f"]({url})" in readme, f"README.md does not link {url} (the notebooks' lecture header does)"


def test_the_book_lists_every_notebook_in_order():
    toc = (ROOT / "book" / "_toc.yml").read_text(encoding="utf-8")
    listed = [line.split("file:")[1].strip() for line in toc.splitlines() if "file: notebooks/" in line]
    notebooks = [f"notebooks/{path.stem}" for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    assert listed == notebooks, "book/_toc.yml must list every notebook, in order"

