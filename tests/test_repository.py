"""The repository's public URL is written once (``lessonlib.REPOSITORY_URL``), and every
link that Binder, Colab or a ``pip install`` from git follows is derived from it.

Expected forms, for ``REPOSITORY_URL = https://github.com/OWNER/REPO``:

- Binder: ``https://mybinder.org/v2/gh/OWNER/REPO/main?urlpath=lab/tree/notebooks/00_start_here.ipynb``
  (the README must have this badge);
- Colab: ``https://colab.research.google.com/github/OWNER/REPO/blob/main/notebooks/NN_name.ipynb``;
- pip: ``lessonlib @ git+https://github.com/OWNER/REPO@main``.

Both editions are checked: the README and ``notebooks/NN_name.ipynb``, and the Korean
``README.ko.md`` and ``notebooks/ko/NN_name.ipynb`` once they exist. A Korean document's
Colab and Binder links open Korean notebooks, and every relative link of every document
resolves from its own folder (with its ``#anchor``, if any, a heading of the target).

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
KOREAN_NOTEBOOKS = sorted((ROOT / "notebooks" / "ko").glob("[0-9][0-9]_*.ipynb"))
READMES = [name for name in ("README.md", "README.ko.md") if (ROOT / name).exists()]
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


def cell_sources(path, kind=None):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in nb["cells"]
        if kind is None or c["cell_type"] == kind
    ]


def documents():
    """(name, text) of the READMEs and of every notebook's cells, both editions."""
    found = [(name, (ROOT / name).read_text(encoding="utf-8")) for name in READMES]
    for path in NOTEBOOKS + KOREAN_NOTEBOOKS:
        found.append((path.relative_to(ROOT).as_posix(), "\n".join(cell_sources(path))))
    return found


def is_korean(name):
    return name == "README.ko.md" or name.startswith("notebooks/ko/")


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
            elif target and is_korean(name) and not target.group(1).replace("%2F", "/").startswith("notebooks/ko/"):
                problems.append(f"{name}: Binder link {url} opens an English notebook from the Korean edition")
        elif "colab.research.google.com/github/" in url:
            m = COLAB.fullmatch(url)
            if not m or m["slug"] != slug() or m["branch"] != "main":
                problems.append(f"{name}: Colab link {url} is not for {slug()}@main")
            elif not (ROOT / m["path"]).exists():
                problems.append(f"{name}: Colab link {url} opens {m['path']}, which does not exist")
            elif is_korean(name) and m["path"].startswith("notebooks/") and not m["path"].startswith("notebooks/ko/"):
                problems.append(f"{name}: Colab link {url} opens an English notebook from the Korean edition")
    for m in GIT_INSTALL.finditer(text):
        if m["url"] != lessonlib.REPOSITORY_URL or m["ref"] != "@main":
            problems.append(
                f"{name}: installs from {m.group(0)}, not git+{lessonlib.REPOSITORY_URL}@main"
            )
    return problems


MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_LINK = re.compile(r"<(?:a|img)\s[^>]*(?:href|src)=[\"']([^\"']+)[\"']")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def heading_anchors(texts):
    """The anchors JupyterLab gives the headings of ``texts`` (the heading's text with
    spaces as '-'), as written and lower-cased, plus explicit ``id``/``name`` anchors."""
    anchors = set()
    for text in texts:
        for heading in HEADING.findall(text):
            plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text
            plain = re.sub(r"[*_`]", "", plain)
            for form in (plain, plain.lower()):
                anchors.add(form.replace(" ", "-"))
        anchors |= set(re.findall(r"<a\s[^>]*(?:id|name)=[\"']([^\"']+)[\"']", text))
    return anchors


def relative_link_problems(name, text):
    """Every relative link of the document ``name`` (repository-relative) that does not
    resolve from its folder, or whose ``#anchor`` is no heading of its target."""
    from urllib.parse import unquote

    problems = []
    folder = (ROOT / name).parent
    for target in MARKDOWN_LINK.findall(text) + HTML_LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("//"):
            continue  # https:, mailto:, data: ...
        path_part, _, anchor = target.partition("#")
        path = (folder / unquote(path_part)).resolve() if path_part else ROOT / name
        if path_part and not path.exists():
            problems.append(f"{name}: the link {target!r} leads nowhere ({path_part} from {folder.relative_to(ROOT) or '.'}/)")
            continue
        if anchor and path.suffix == ".ipynb":
            anchors = heading_anchors(cell_sources(path, "markdown"))
            if unquote(anchor) not in anchors and unquote(anchor).lower() not in anchors:
                problems.append(f"{name}: the link {target!r}: {path.name} has no heading with the anchor #{anchor}")
    return problems


@pytest.mark.parametrize("name, text", documents(), ids=[name for name, _ in documents()])
def test_relative_links_resolve(name, text):
    problems = relative_link_problems(name, text)
    assert not problems, "\n".join(problems)


def test_relative_link_checker_catches_wrong_links():
    text = "[a](01_zero_init_fails.ipynb) [b](../README.md) [c](no_such.ipynb) [d](01_zero_init_fails.ipynb#no-such-heading) [e](https://x.org/y)"
    found = relative_link_problems("notebooks/00_start_here.ipynb", text)
    assert len(found) == 2 and "no_such.ipynb" in found[0] and "#no-such-heading" in found[1], found
    # from the Korean folder, the same sibling link means the Korean sibling, and ../README.md is wrong
    found = relative_link_problems("notebooks/ko/00_start_here.ipynb", "[r](../README.md) [r](../../README.md)")
    assert found == ["notebooks/ko/00_start_here.ipynb: the link '../README.md' leads nowhere (../README.md from notebooks/ko/)"]
    headings = ["## 3. Why zeros fail\n", "## 4. 가중치 초기화의 **크기**\n"]
    assert {"3.-Why-zeros-fail", "4.-가중치-초기화의-크기"} <= heading_anchors(headings)


def test_korean_documents_open_korean_notebooks_on_colab_and_binder():
    colab = f"https://colab.research.google.com/github/{slug()}/blob/main/notebooks/{NOTEBOOKS[0].name}"
    assert problems_with_links("notebooks/ko/00_start_here.ipynb", f"[c]({colab})") == [
        f"notebooks/ko/00_start_here.ipynb: Colab link {colab} opens an English notebook from the Korean edition"
    ]
    assert problems_with_links("notebooks/00_start_here.ipynb", f"[c]({colab})") == []


def test_repository_url_is_a_github_repository():
    slug()


def test_readme_has_the_binder_badge():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    expected = binder_url()
    assert f"]({expected})" in readme, (
        f"README.md needs the Binder badge: [![Binder](https://mybinder.org/badge_logo.svg)]({expected})"
    )


def test_the_korean_readme_once_it_exists_has_badges_to_the_korean_notebooks():
    """README.ko.md mirrors the README: Binder and Colab badges open notebooks/ko/, and
    the README links it (and a Korean notebook exists for each English one: test_i18n)."""
    if not (ROOT / "README.ko.md").exists():
        return  # (written with the translations)
    korean = (ROOT / "README.ko.md").read_text(encoding="utf-8")
    for url in (binder_url("ko/00_start_here.ipynb"), colab_url("ko/00_start_here.ipynb")):
        assert f"]({url})" in korean, f"README.ko.md needs a badge linking {url}"
    assert "](README.ko.md)" in (ROOT / "README.md").read_text(encoding="utf-8"), "README.md must link README.ko.md"
    assert "](README.md)" in korean, "README.ko.md must link README.md"


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


def test_the_book_lists_every_notebook_of_both_editions_in_order():
    toc = (ROOT / "book" / "_toc.yml").read_text(encoding="utf-8")
    listed = [line.split("file:")[1].strip() for line in toc.splitlines() if "file: notebooks/" in line]
    english = [f"notebooks/{path.stem}" for path in NOTEBOOKS]
    korean = [f"notebooks/ko/{path.stem}" for path in KOREAN_NOTEBOOKS]
    assert [page for page in listed if not page.startswith("notebooks/ko/")] == english, (
        "book/_toc.yml must list every notebook, in order"
    )
    assert [page for page in listed if page.startswith("notebooks/ko/")] == korean, (
        "book/_toc.yml's Korean part must list every Korean notebook, in order (python tools/i18n.py build writes it)"
    )
    if korean:
        part = toc.split("caption: 한국어판", 1)[1]
        assert [line.split("file:")[1].strip() for line in part.splitlines() if "file: notebooks/" in line] == korean

