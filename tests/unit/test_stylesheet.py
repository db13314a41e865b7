"""The stylesheet stays well formed: an unclosed block silently swallows every rule after it."""
from pathlib import Path

import re

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"


def test_every_block_of_the_stylesheet_is_closed():
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"a block closes twice at line {number}"
    assert depth == 0, "a block is never closed"
    assert not re.search(r"^(<<<<<<<|=======|>>>>>>>)", text, flags=re.M), "a merge marker was left in"
