"""The sidebar filters every page shares; they persist between pages and live in the URL."""

import streamlit as st

from data_model.common import ALL
from grantmon.i18n import t
from services.access import Actor
from services.filters import FilterOptions, Filters, describe, filter_options, parse_filters
from ui.runtime import load

FILTERS_KEY = "grantmon_filters"
WIDGET_KEYS = ("f_period", "f_region", "f_partner", "f_component")


def _initialise_from_url(options: FilterOptions) -> None:
    filters, problems = parse_filters(st.query_params.to_dict(), options)
    st.session_state.f_period = (filters.start, filters.end)
    st.session_state.f_region = filters.region
    st.session_state.f_partner = filters.partner
    st.session_state.f_component = filters.component
    for problem in problems:
        st.warning(problem, icon=":material/link_off:")


def _period_still_valid(options: FilterOptions) -> bool:
    period = st.session_state.get("f_period") or ()
    return len(period) == 2 and all(q in options.quarters for q in period)


def sidebar_filters(actor: Actor) -> Filters:
    """Draw the filters, keep the URL in step with them, and return them."""
    options = load(filter_options, actor)
    if not all(key in st.session_state for key in WIDGET_KEYS) or not _period_still_valid(options):
        _initialise_from_url(options)
    everything = t("All")
    with st.sidebar:
        st.subheader(t("Filters"))
        st.select_slider(t("Period"), options=options.quarters, key="f_period")
        st.selectbox(
            t("Region"),
            [ALL, *options.regions],
            key="f_region",
            format_func=lambda code: everything if code == ALL else options.regions[code],
        )
        st.selectbox(
            t("Partner"),
            [ALL, *options.partners],
            key="f_partner",
            format_func=lambda code: everything if code == ALL else code,
        )
        st.selectbox(
            t("Component"),
            [ALL, *options.components],
            key="f_component",
            format_func=lambda name: everything if name == ALL else name,
        )
    start, end = st.session_state.f_period
    filters = Filters(
        start=start,
        end=end,
        region=st.session_state.f_region,
        partner=st.session_state.f_partner,
        component=st.session_state.f_component,
    )
    st.query_params.from_dict(filters.to_params())
    st.session_state[FILTERS_KEY] = filters
    return filters


def current_filters() -> Filters:
    """The filters chosen in the sidebar on this run."""
    filters = st.session_state[FILTERS_KEY]
    assert isinstance(filters, Filters)
    return filters


def filters_text(filters: Filters, actor: Actor) -> str:
    """The active filters in words."""
    return describe(filters, load(filter_options, actor))
