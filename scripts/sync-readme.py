"""Copy generated docs into the README between their markers (run after editing them).

`docs/resources.md` goes between `<!-- resources:begin -->` / `<!-- resources:end -->` (its
title demoted one level) and the voice-AI tables, rendered from the helpers, between the
voice-ai markers. tests/unit/test_readme.py fails when the README is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def blocks() -> dict[str, str]:
    from pulumi_exotel.voice_ai.docs import render_markdown

    resources = (REPO / "docs" / "resources.md").read_text()
    resources = re.sub(r"^# Resources\n", "## Resources\n", resources, count=1)
    resources = re.sub(r"^(#{2,5}) ", r"#\1 ", resources.split("\n", 1)[1], flags=re.M)
    return {"resources": "## Resources\n" + resources, "voice-ai": render_markdown()}


def sync(text: str) -> str:
    for name, body in blocks().items():
        pattern = re.compile(rf"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README has no {name} markers")
        text = pattern.sub(lambda m, b=body: m.group(1) + b.strip() + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    readme = REPO / "README.md"
    readme.write_text(sync(readme.read_text()))
