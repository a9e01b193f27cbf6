"""Notices every screen shows: local mode, demo data, provenance."""

import streamlit as st

from grantmon.i18n import t


def local_mode_banner() -> None:
    """Say plainly that nobody signed in and the app serves this machine only."""
    st.info(
        t(
            "Local mode: no sign-in is configured, so the dashboard serves this machine "
            "only (127.0.0.1)."
        ),
        icon=":material/lock:",
    )


def demo_banner() -> None:
    """Mark demo figures wherever they are shown."""
    st.warning(
        t("DEMO DATA: figures marked demo are illustrative, not real results of the grant."),
        icon=":material/science:",
    )


def provenance(text: str) -> None:
    """A small line under a figure saying where it comes from."""
    st.caption(t("Source: {text}", text=text))
