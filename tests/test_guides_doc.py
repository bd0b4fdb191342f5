"""The role guides (docs/guides/): every guide is indexed and linked from the README, and every
relative link and image in them points at a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDES = ROOT / "docs" / "guides"
ROLE_GUIDES = ("focal-point.md", "analyst.md", "steering-committee.md", "administrator.md")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def relative_targets(markdown: Path) -> list[str]:
    """The relative targets of the links and images in ``markdown`` (without #anchors)."""
    targets = []
    for target in LINK.findall(markdown.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # http:, mailto:, or an anchor in the same page
        targets.append(target.split("#", 1)[0])
    return targets


@pytest.mark.parametrize(
    "markdown", [*sorted(GUIDES.glob("*.md")), ROOT / "README.md"], ids=lambda p: p.name
)
def test_links_and_images_exist(markdown: Path) -> None:
    missing = [t for t in relative_targets(markdown) if not (markdown.parent / t).exists()]
    assert not missing, f"{markdown.relative_to(ROOT)} points at missing files: {missing}"


def test_every_role_has_a_guide_in_the_index_and_the_readme() -> None:
    index = set(relative_targets(GUIDES / "README.md"))
    readme = set(relative_targets(ROOT / "README.md"))
    for name in ROLE_GUIDES:
        assert (GUIDES / name).is_file(), name
        assert name in index, f"docs/guides/README.md does not link {name}"
        assert f"docs/guides/{name}" in readme, f"README.md does not link {name}"


def test_the_link_pattern_sees_images_and_links() -> None:
    sample = '![a](img/x.png) and [b](../y.md#z "title") and [c](https://e.org) [d](#here)'
    found = LINK.findall(sample)
    assert found == ["img/x.png", "../y.md#z", "https://e.org", "#here"]
