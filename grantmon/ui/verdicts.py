"""The verdict of the award and of each area, and the one "as of" line every screen states."""

import streamlit as st

from grantmon.charts.style import status_label
from grantmon.formatting import long_date, quarter_label
from grantmon.i18n import t
from grantmon.services.progress.as_of import AsOf
from grantmon.services.progress.verdicts import Verdict, Verdicts
from grantmon.ui.navigation import screen_link
from grantmon.ui.text import plain

# Streamlit's own colours for Markdown text; the glyph and the word say it without colour.
LEVEL_COLOURS = {"on track": "green", "at risk": "orange", "behind": "red", "not assessed": "gray"}


def level_text(level: str, headline: bool = False) -> str:
    """A verdict level as glyph and word in its colour, e.g. ':red[**▼ behind**]'; a headline
    starts with a capital ('▼ Behind')."""
    label = status_label(level)
    if headline:
        glyph, _, words = label.partition(" ")
        label = f"{glyph} {words[:1].upper()}{words[1:]}"
    return f":{LEVEL_COLOURS.get(level, 'gray')}[**{label}**]"


def as_of_sentence(moment: AsOf) -> str:
    """The as-of date in words: which quarter it ends, and what the reader's figures are."""
    values = {"day": long_date(moment.day), "quarter": quarter_label(moment.quarter)}
    if not moment.has_figures:
        if moment.approved_only:
            return t("As of {day}: no approved quarter yet.", **values)
        return t("As of {day}: no figures reported yet.", **values)
    if moment.approved_only:
        return t("As of {day}, the end of {quarter}, the latest approved quarter.", **values)
    if moment.includes_unapproved:
        return t(
            "As of {day}, the end of {quarter}, the latest reported quarter; figures marked * "
            "include some not yet approved.",
            **values,
        )
    return t("As of {day}, the end of {quarter}, the latest reported quarter.", **values)


def as_of_line(moment: AsOf) -> None:
    """State the screen's as-of date once, in words."""
    st.markdown(f":material/event: {plain(as_of_sentence(moment))}")


def _area_row(verdict: Verdict) -> None:
    """One area: its verdict, its reason with figures, and the screen that explains it."""
    level, reason, link = st.columns([2, 7, 3], vertical_alignment="center")
    level.markdown(f"**{plain(verdict.name)}**  \n{level_text(verdict.level)}")
    reason.markdown(plain(verdict.reason))
    with link:
        screen_link(verdict.screen)


def verdict_panel(verdicts: Verdicts) -> None:
    """The award's verdict with its reason and date, then one line per area."""
    with st.container(border=True):
        award = verdicts.award
        st.markdown(f"### {level_text(award.level, headline=True)}")
        st.markdown(f"**{plain(award.reason)}**")
        st.caption(
            plain(as_of_sentence(verdicts.as_of))
            + " "
            + t("Milestones are read on {today}.", today=long_date(verdicts.as_of.today))
        )
        for verdict in verdicts.areas:
            _area_row(verdict)
