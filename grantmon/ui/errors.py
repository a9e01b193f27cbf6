"""A failure is shown as a short message with a reference; the full trace goes to the server
log under that reference, never to the browser (it names files and queries of the server)."""

import secrets

import streamlit as st
from streamlit.logger import get_logger

from grantmon.i18n import t

LOG = get_logger("grantmon.errors")


def new_reference() -> str:
    """A short reference a person can read out to whoever runs the server."""
    return secrets.token_hex(4).upper()


def report_failure(error: BaseException) -> bool:
    """Log the trace under a new reference and tell the person; True: Streamlit adds nothing."""
    reference = new_reference()
    LOG.error("Error reference %s", reference, exc_info=error)
    st.error(
        t(
            "Something went wrong and this screen could not be shown in full. Nothing you saved "
            "before is lost. If it happens again, tell the administrator the error reference "
            "{reference}.",
            reference=reference,
        ),
        icon=":material/error:",
    )
    return True
