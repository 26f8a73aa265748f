"""The README stays a front page (at most 250 lines, every page of docs/ linked from it), and every relative
link in README.md and docs/*.md reaches a file that exists and, for an #anchor, a heading of that page
(as GitHub names a heading's anchor)."""
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(([^)\s]+)\)|<(?:img|a)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"")
HEADING = re.compile(r"^#{1,6} +(.+?)(?: +#+)? *$", re.M)


def prose(page: Path) -> str:
    """The page without its code: a `[x](y)` or `# x` inside a code block or span is no link or heading."""
    return CODE_SPAN.sub("", FENCE.sub("", page.read_text()))


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation but hyphens and underscores dropped, spaces to
    hyphens; a repeated heading gets -1, -2..."""
    seen, out = Counter(), set()
    for heading in HEADING.findall(FENCE.sub("", page.read_text())):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
        seen[slug] += 1
    return out


def links(page: Path) -> list[str]:
    return [a or b for a, b in LINK.findall(prose(page))]


def broken(page: Path) -> list[str]:
    """The relative links of `page` that reach no file, or no heading of the page they name."""
    out = []
    for link in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:|//", link):  # https:, mailto:...: not this repository's
            continue
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.is_file():
            out.append(f"{link}: no such file")
        elif anchor and target.suffix == ".md" and anchor not in anchors(target):
            out.append(f"{link}: no heading #{anchor} in {target.name}")
    return out


def test_the_readme_is_a_front_page_of_at_most_250_lines():
    lines = len((ROOT / "README.md").read_text().splitlines())
    assert lines <= 250, f"README.md has {lines} lines: move the detail to a page in docs/ and link it"


def test_every_page_of_docs_is_linked_from_the_readme():
    linked = {(ROOT / link.partition("#")[0]).resolve() for link in links(ROOT / "README.md")}
    assert [p.name for p in PAGES[1:] if p.resolve() not in linked] == []


def test_every_relative_link_reaches_a_file_and_its_anchor_a_heading():
    assert sum(len(links(p)) for p in PAGES) > 30  # the pages link each other: the check below has work
    assert {p.name: broken(p) for p in PAGES if broken(p)} == {}


def test_the_check_finds_a_missing_file_a_missing_heading_and_ignores_code(tmp_path):
    (tmp_path / "other.md").write_text("# Order intake and channels (seed 003)\n\n## Timers\n\n## Timers\n")
    (tmp_path / "shot.png").write_bytes(b"")
    page = tmp_path / "page.md"
    page.write_text(
        "# Top\n\n[fine](other.md#order-intake-and-channels-seed-003) [again](other.md#timers-1) [here](#top)\n"
        '<img src="shot.png" alt=""> [web](https://example.com/x.md)\n'
        "[gone](missing.md) [no heading](other.md#capacity) [self](#nowhere) <img src=\"nope.png\">\n"
        "`[in a span](span.md)`\n```sh\n[in a block](block.md)\n# not a heading\n```\n")
    assert broken(page) == ["missing.md: no such file", "other.md#capacity: no heading #capacity in other.md",
                            "#nowhere: no heading #nowhere in page.md", "nope.png: no such file"]
