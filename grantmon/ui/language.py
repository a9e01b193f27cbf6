"""The language of this browser session, chosen by each person and kept in the URL as lang=fr.

A shared link's `lang` wins; then the choice made in this session; then, once signed in, the
language kept with the person's user record; then the browser's language when we speak it;
then GRANTMON_LOCALE. The sidebar switch changes it at once, and for a signed-in person it is
kept with their record for next time (local mode keeps it for the session only).
"""

import streamlit as st

from grantmon.i18n import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    browser_language,
    current_language,
    default_language,
    known_language,
    set_language,
    t,
)
from grantmon.services.core.access import Actor
from grantmon.services.core.preferences import remember_language, stored_language
from grantmon.ui.runtime import load, write

URL_KEY = "lang"
LANGUAGE_KEY = "grantmon_language"  # the language this session speaks
SETTLED_KEY = "grantmon_language_settled"  # set by a link or the switch, or adopted from the record
TO_REMEMBER_KEY = "grantmon_language_to_remember"  # switched before the record was known
SWITCH_KEY = "language_switch"


def _browser_default() -> str:
    """The browser's language when we speak it (Accept-Language first), else GRANTMON_LOCALE."""
    header = st.context.headers.get("Accept-Language") or ""
    return browser_language(header) or known_language(st.context.locale) or default_language()


def start_run() -> str:
    """Decide this run's language and speak it for the whole run; call before drawing anything."""
    asked = st.query_params.get(URL_KEY)
    if asked is not None and known_language(asked) is None:
        st.warning(t("Unknown language in the link was ignored."), icon=":material/link_off:")
    elif asked is not None:
        st.session_state[LANGUAGE_KEY] = known_language(asked)
        st.session_state[SETTLED_KEY] = True
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = _browser_default()
    set_language(st.session_state[LANGUAGE_KEY])
    return current_language()


def _switched() -> None:
    chosen = known_language(st.session_state.get(SWITCH_KEY))
    if chosen is None:
        return
    st.session_state[LANGUAGE_KEY] = chosen
    st.session_state[SETTLED_KEY] = True
    st.session_state[TO_REMEMBER_KEY] = chosen
    st.query_params[URL_KEY] = chosen


def language_switch() -> None:
    """English / Français in the sidebar; every screen follows at once."""
    st.session_state[SWITCH_KEY] = current_language()
    st.sidebar.segmented_control(
        t("Language"),
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=SWITCH_KEY,
        required=True,
        on_change=_switched,
    )


def settle_for(actor: Actor, *, signed_in: bool) -> None:
    """Keep a signed-in person's switch with their record, or adopt the one kept there."""
    if not signed_in:
        st.session_state.pop(TO_REMEMBER_KEY, None)  # local mode: for this session only
        return
    chosen = st.session_state.pop(TO_REMEMBER_KEY, None)
    if chosen is not None:
        write(remember_language, actor, language=chosen)
        return
    if st.session_state.get(SETTLED_KEY):
        return
    st.session_state[SETTLED_KEY] = True
    kept = load(stored_language, actor)
    if kept is not None and kept != current_language():
        st.session_state[LANGUAGE_KEY] = kept
        st.rerun()  # once per session: the whole screen, switch included, in the kept language


def file_uploader_words() -> None:
    """Put the file uploader's own button in the reader's language (Streamlit writes 'Upload').

    Its English size note is hidden too: the uploader's label states the formats and the limit.
    """
    if current_language() == SOURCE_LANGUAGE:
        return
    dropzone = '[data-testid="stFileUploaderDropzone"]'
    button = f'{dropzone} button [data-testid="stMarkdownContainer"] p'
    label = t("Choose a file").replace("\\", "").replace('"', "")
    st.html(
        f"<style>{button} {{ font-size: 0; }} "
        f'{button}::after {{ content: "{label}"; font-size: 0.875rem; }} '
        f'[data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}</style>'
    )


def keep_in_url() -> None:
    """Put the language in the URL (after the filters rewrite it), so a shared link keeps it."""
    st.query_params[URL_KEY] = current_language()
