"""Check the built book site offline: every internal link and anchor resolves, and the only
assets loaded from the network are the allowed ones (MathJax).

    python tools/check_book.py _build/html

Sphinx's own linkcheck visits external sites, which this check never does: addresses
with a scheme (https:, mailto:) are links out and are not followed. Relative hrefs and
srcs must name a file of the site, and a ``#fragment`` an id (or name) in that file.
Exit status 1 lists every problem.
"""

from __future__ import annotations

import argparse
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Assets a page may load from a CDN when it is viewed (the README lists them).
ALLOWED_REMOTE_ASSETS = (
    "https://cdn.jsdelivr.net/npm/mathjax@",  # formulas
    "https://mybinder.org/badge_logo.svg",  # the README's two badges
    "https://colab.research.google.com/assets/colab-badge.svg",
)


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (attribute, value)
        self.remote_assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            value = attrs.get(key)
            if value is None:
                continue
            is_asset = key == "src" or (tag == "link" and "stylesheet" in (attrs.get("rel") or ""))
            if urlsplit(value).scheme or value.startswith("//"):
                if is_asset:
                    self.remote_assets.append(value)
            else:
                self.links.append((key, value))


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def site_pages(site: Path) -> list[Path]:
    """The site's pages (the theme's template snippets in _static/ are not pages)."""
    return [p for p in sorted(site.rglob("*.html")) if "_static" not in p.relative_to(site).parts]


def check(site: Path) -> tuple[list[str], list[str], int]:
    """(problems, remote assets, number of internal links checked)."""
    pages = {path.resolve(): parse(path) for path in site_pages(site)}
    problems, remote, checked = [], set(), 0
    for path, page in pages.items():
        name = path.relative_to(site.resolve())
        remote.update(page.remote_assets)
        for asset in page.remote_assets:
            if not asset.startswith(ALLOWED_REMOTE_ASSETS):
                problems.append(f"{name}: loads {asset} from the network")
        for attribute, value in page.links:
            parts = urlsplit(value)
            if not parts.path and not parts.fragment:
                continue  # href="" or "#"
            checked += 1
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{name}: {attribute}={value!r} names a file that is not in the site")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if fragment not in ids:
                    problems.append(f"{name}: {attribute}={value!r}: no #{fragment} in {target.name}")
    return problems, sorted(remote), checked


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="the built HTML folder, e.g. _build/html")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} has no index.html: build the book first")
    problems, remote, checked = check(args.site)
    pages = len(site_pages(args.site))
    print(f"{pages} pages, {checked} internal links and anchors checked;"
          f" loaded from the network when viewed: {', '.join(remote) or 'nothing'}")  # fmt: skip
    for problem in problems:
        print("  " + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
