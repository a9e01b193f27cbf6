"""Text people typed, put on screen as typed: never read as Markdown, links or chart markup.

Streamlit reads Markdown in text, captions, alerts, labels, help and metric labels; GitHub
Markdown also turns bare web and e-mail addresses into links after escapes are read, and Plotly
reads HTML tags in chart text. Every typed value shown in those places goes through here.
"""

import math
import re

from data_model.common import is_web_link

# The signs that start or end a Markdown construct (emphasis, code, links and images, headings,
# lists, tables, quotes, HTML, maths, entities, Streamlit's :directives[]), each escaped.
MARKDOWN_SIGNS = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:&=])")
# An invisible word joiner after ':' and before '@' or 'www.''s dot breaks the patterns that
# turn addresses into links (and :emoji: or :material/icon: codes) without changing the text.
LINK_PATTERN_SIGNS = re.compile(r"(:)|(?=@)|(?i:(?<=www)(?=\.))")
WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """Typed text for any Markdown place (st.markdown, captions, alerts, labels, help)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    unlinked = LINK_PATTERN_SIGNS.sub(lambda m: (m.group(1) or "") + WORD_JOINER, str(text))
    return MARKDOWN_SIGNS.sub(r"\\\1", unlinked)


def evidence_link(url: object) -> str:
    """A stored evidence address as one Markdown link when well formed, else as plain text."""
    shown = plain(url)
    if isinstance(url, str) and is_web_link(url):
        return f"[{shown}](<{url}>)"
    return shown
