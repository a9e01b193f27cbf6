"""Sections and menus built only once a person opens them.

What a collapsed section or a closed menu holds still costs the browser on arrival: its
elements are sent, drawn and, for a table, a large table component is fetched and compiled.
Built on opening instead, it costs nothing until then, and one short rerun when it opens.
"""

import streamlit as st
from streamlit.delta_generator import DeltaGenerator


def folded(label: str, key: str) -> DeltaGenerator | None:
    """A collapsed section: its container once the person has opened it, else None."""
    section = st.expander(label, key=key, on_change="rerun")
    return section if section.open else None


def menu(label: str, key: str, icon: str) -> DeltaGenerator | None:
    """A button opening a small menu: its container while it is open, else None."""
    popover = st.popover(label, icon=icon, key=key, on_change="rerun")
    return popover if popover.open else None


def tabs(labels: list[str], key: str) -> list[DeltaGenerator | None]:
    """Tabs: the chosen one's container, None for the others."""
    shown = st.tabs(labels, key=key, on_change="rerun")
    return [tab if tab.open else None for tab in shown]
