"""Point the whole series at another GitHub repository (a teacher's fork, say).

    python tools/retarget.py https://github.com/ORG/REPO

Rewrites ``REPOSITORY_URL`` in lessonlib/__init__.py and every address derived from it
in the repository's text files: README and CONTRIBUTING badges and links, every notebook's
Colab set-up cell and Colab/Binder links, binder/ and book/ files. Afterwards it checks that
the old address is gone and that the notebooks match tools/notebook_cells.py's templates
for the new address. Commit the result and push it to the new repository's ``main``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_cells  # noqa: E402

ROOT = notebook_cells.ROOT
GITHUB = re.compile(r"https://github\.com/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?P<repo>[A-Za-z0-9._-]{1,100})")
SKIP_DIRS = {".git", "__pycache__", "_build", ".venv", "build", "dist", "artifacts", ".ipynb_checkpoints"}


def parse_url(url: str) -> str:
    """``https://github.com/OWNER/REPO`` (a trailing ``/`` or ``.git`` is dropped), or an error."""
    cleaned = url.strip().rstrip("/")
    cleaned = cleaned[: -len(".git")] if cleaned.endswith(".git") else cleaned
    match = GITHUB.fullmatch(cleaned)
    if not match or match["repo"] in {".", ".."}:
        raise ValueError(
            f"{url!r} is not a GitHub repository address; expected https://github.com/OWNER/REPO"
            " (Binder and Colab open notebooks from GitHub only)"
        )
    return cleaned


def text_files(root: Path):
    """Every text file of the checkout (tracked ones when git knows them)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
        ).stdout.decode().split("\0")
        paths = [root / name for name in listed if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [p for p in root.rglob("*") if not SKIP_DIRS & set(p.relative_to(root).parts)]
    for path in sorted(paths):
        if not path.is_file():
            continue
        try:
            yield path, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary (the data, pictures)


def slug(url: str) -> str:
    return url.removeprefix("https://github.com/")


def retarget(root: Path, new_url: str) -> list[Path]:
    """Rewrite every address; return the files changed. Raises ValueError on bad input."""
    new_url = parse_url(new_url)
    old_url = notebook_cells.repository_url(root)
    old, new = slug(old_url), slug(new_url)
    replacements = [
        (old_url, new_url),                                   # the URL, the pip install line
        (f"mybinder.org/v2/gh/{old}/", f"mybinder.org/v2/gh/{new}/"),      # Binder links
        (f"colab.research.google.com/github/{old}/", f"colab.research.google.com/github/{new}/"),
    ]  # fmt: skip
    changed = []
    for path, text in text_files(root):
        updated = text
        for before, after in replacements:
            updated = updated.replace(before, after)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed.append(path)
    return changed


def leftovers(root: Path, old_url: str) -> list[str]:
    old = re.compile("/" + re.escape(slug(old_url)) + r"(?![\w.-])")
    return [
        f"{path.relative_to(root)}:{number}: {line.strip()[:120]}"
        for path, text in text_files(root)
        for number, line in enumerate(text.splitlines(), 1)
        if old.search(line)
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the new repository, https://github.com/OWNER/REPO")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    old_url = notebook_cells.repository_url(root)
    try:
        new_url = parse_url(args.url)
    except ValueError as exc:
        parser.error(str(exc))
    if new_url == old_url:
        print(f"already pointing at {new_url}: nothing to do")
        return 0
    changed = retarget(root, new_url)
    for path in changed:
        print(f"rewrote {path.relative_to(root)}")
    problems = leftovers(root, old_url)
    if notebook_cells.main(["--check", "--root", str(root)]) != 0:
        problems.append("notebooks differ from tools/notebook_cells.py's templates (set-up cell or lecture header)")
    if problems:
        print(f"the old address {old_url} is still in:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"{len(changed)} files now point at {new_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
