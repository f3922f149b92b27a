"""The documentation names every setting: a setting nobody can find does not exist."""

import re
from pathlib import Path

from filet.settings import SETTINGS

DOCS = Path(__file__).parent.parent / "docs"


def test_every_setting_is_documented_with_its_default() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        row = f"| `{setting.name}` | `{setting.env_var}` | `{setting.default}` | {setting.help} |"
        assert row in text, f"docs/settings.md lacks or misstates the row for {setting.name}"


def test_readme_links_point_to_existing_files() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#:]+)\)", readme)
    assert "docs/getting-started.md" in targets
    missing = [target for target in targets if not (DOCS.parent / target).exists()]
    assert missing == []
