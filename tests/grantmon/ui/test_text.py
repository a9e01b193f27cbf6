"""Typed text for Markdown places: every construct escaped, addresses unlinked, nothing lost."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grantmon.ui.text import WORD_JOINER, evidence_link, plain
from tests.pages.visible_text import as_read

MARKDOWN_SIGNS = "\\`*_{}[]()#+-.!<>|~$:&="
AUTOLINKS = re.compile(r"(?i)https?://|www\.|[\w.+-]@")


def unescaped_signs(shown: str) -> list[str]:
    """The Markdown signs left unescaped (a backslash escapes the character after it)."""
    found, position = [], 0
    while position < len(shown):
        if shown[position] == "\\":
            position += 1
        elif shown[position] in MARKDOWN_SIGNS:
            found.append(shown[position])
        position += 1
    return found


@pytest.mark.parametrize(
    "typed",
    [
        "https://example.org/ ![ev](http://127.0.0.1:18999/evidence.png)",
        "<img src=x onerror=alert(1)> **bold** [link](javascript:alert(1))",
        "Call www.example.org or write to someone@example.net :smile: :red[alert]",
        "Title\n===\n1. list\n# heading\n> quote | table |",
        "5 &amp; 6 $x^2$ ~~gone~~ `code`",
    ],
)
def test_typed_text_reads_as_typed_and_interprets_nothing(typed):
    shown = plain(typed)
    assert as_read(shown) == typed
    assert unescaped_signs(shown) == []
    assert not AUTOLINKS.search(shown.replace("\\", ""))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters=WORD_JOINER), max_size=40))
def test_any_text_reads_as_typed_with_no_link_or_markup_left(typed):
    shown = plain(typed)
    assert as_read(shown) == typed
    assert not AUTOLINKS.search(shown.replace("\\", ""))
    assert unescaped_signs(shown) == []


def test_only_a_well_formed_evidence_link_becomes_a_link():
    assert evidence_link("https://example.org/a(1).pdf") == (
        f"[https\\:{WORD_JOINER}//example\\.org/a\\(1\\)\\.pdf](<https://example.org/a(1).pdf>)"
    )
    bad = "https://example.org/ ![ev](http://127.0.0.1:18999/evidence.png)"
    assert evidence_link(bad) == plain(bad)
    assert evidence_link(None) == ""
