"""The sidebar filters every page shares; they persist between pages and live in the URL."""

import streamlit as st

from data_model.common import ALL
from grantmon.formatting import quarter_label
from grantmon.i18n import t
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import (
    FilterOptions,
    Filters,
    describe,
    filter_options,
    parse_filters,
)
from grantmon.ui.runtime import carry_choices, load

FILTERS_KEY = "grantmon_filters"
WIDGET_KEYS = ("f_from", "f_to", "f_region", "f_partner", "f_component")


def _initialise_from_url(options: FilterOptions) -> None:
    filters, problems = parse_filters(st.query_params.to_dict(), options)
    st.session_state.f_from = filters.start
    st.session_state.f_to = filters.end
    st.session_state.f_region = filters.region
    st.session_state.f_partner = filters.partner
    st.session_state.f_component = filters.component
    for problem in problems:
        st.warning(problem, icon=":material/link_off:")


def _period_still_valid(options: FilterOptions) -> bool:
    return all(st.session_state.get(key) in options.quarters for key in ("f_from", "f_to"))


def sidebar_filters(actor: Actor) -> Filters:
    """Draw the filters, keep the URL in step with them, and return them."""
    options = load(filter_options, actor)
    if not all(key in st.session_state for key in WIDGET_KEYS) or not _period_still_valid(options):
        _initialise_from_url(options)
    carry_choices(*WIDGET_KEYS)
    with st.sidebar:
        st.subheader(t("Filters"))
        first, last = st.columns(2)
        first.selectbox(
            t("From quarter"), options.quarters, key="f_from", format_func=quarter_label
        )
        last.selectbox(t("To quarter"), options.quarters, key="f_to", format_func=quarter_label)
        st.selectbox(
            t("Region"),
            [ALL, *options.regions],
            key="f_region",
            format_func=lambda code: t("All regions") if code == ALL else options.regions[code],
        )
        st.selectbox(
            t("Partner"),
            [ALL, *options.partners],
            key="f_partner",
            format_func=lambda code: t("All partners") if code == ALL else code,
        )
        st.selectbox(
            t("Component"),
            [ALL, *options.components],
            key="f_component",
            format_func=lambda name: t("All components") if name == ALL else name,
        )
    start, end = sorted((st.session_state.f_from, st.session_state.f_to))
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
