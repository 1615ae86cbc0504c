"""Every source a file cites is one docs/sources.md explains, with a public address.

Tags like T2025 or REF-old used to point at notes outside the repository; the page now says
what each one is. This keeps new citations from pointing outside again.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "docs" / "sources.md"
# Tag shapes used in citations: a letters-and-year tag (T2025), a variant (REF-old, DEV-old), and
# the Exotel source names of sources.md.
TAG_RE = re.compile(
    r"\b(?:[A-Z]\d{4}|[A-Z]{2,}-old|REF|TALQ|DEV|CREDDOC|PMGEN|SNIP|BLOG|VSIP|GUIDE)\b"
)


def tracked_text_files() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.split()
    suffixes = {".py", ".md", ".yml", ".yaml", ".toml", ".cfg", ".sh", ".txt"}
    return [REPO / n for n in names if Path(n).suffix in suffixes and n != "CHANGELOG.md"]


def listed_tags() -> set[str]:
    tags: set[str] = set()
    for line in SOURCES.read_text().splitlines():
        if line.startswith("| ") and not line.startswith("| Tag"):
            first_cell = line.split("|")[1]
            tags.update(t.strip() for t in first_cell.split(","))
    return tags


def test_every_cited_source_tag_is_listed_with_an_address() -> None:
    listed = listed_tags()
    cited: dict[str, str] = {}
    for path in tracked_text_files():
        if path in (SOURCES, Path(__file__).resolve()) or not path.exists():
            continue
        for tag in TAG_RE.findall(path.read_text(errors="replace")):
            cited.setdefault(tag, str(path.relative_to(REPO)))
    unlisted = {tag: where for tag, where in cited.items() if tag not in listed}
    assert unlisted == {}, f"cited but not in docs/sources.md: {unlisted}"
    for line in SOURCES.read_text().splitlines():
        if line.startswith("| ") and not line.startswith(("| Tag", "|---")):
            assert "https://" in line, line


def test_no_file_points_at_notes_outside_the_repository() -> None:
    outside = [
        str(p.relative_to(REPO))
        for p in tracked_text_files()
        if p.exists() and re.search(r"exotel-api\.md|\.\./shared/", p.read_text(errors="replace"))
    ]
    assert outside == []
