"""Pieces every entry form shares: refusals shown next to their fields, and a change history."""

from collections.abc import Callable
from datetime import date
from typing import Any, NoReturn, TypeVar

import pandas as pd
import streamlit as st

from grantmon.formatting import date_time, quarter_label
from grantmon.i18n import t
from grantmon.periods import quarter_end
from grantmon.services.core.access import Actor
from grantmon.services.core.commands import CommandError, StaleEdit
from grantmon.services.core.entry_rules import due_quarter
from grantmon.ui.runtime import write
from grantmon.ui.tables import show_table
from grantmon.ui.text import plain

T = TypeVar("T")


class Refusals:
    """The last refused save of one kind of form, kept for the rerun that shows it."""

    def __init__(self, form: str) -> None:
        self.key = f"{form}_refusal"

    def remember(self, record_id: object, error: CommandError) -> None:
        """Keep a refusal to show after the rerun."""
        st.session_state[self.key] = (record_id, error)

    def clear(self) -> None:
        """Forget the last refusal (after a successful save)."""
        st.session_state.pop(self.key, None)

    def of(self, record_id: object) -> CommandError | None:
        """The refusal of the last save of this record, if it was refused."""
        refused_id, error = st.session_state.get(self.key, (None, None))
        return error if refused_id == record_id else None

    def write(self, record_id: object, command: Callable[..., T], actor: Actor, **params: Any) -> T:
        """Run a command; if it is refused, keep the refusal and rerun to show it by the form."""
        try:
            saved = write(command, actor, **params)
        except CommandError as error:
            self.remember(record_id, error)
            st.rerun()
        self.clear()
        return saved

    def field_error(self, record_id: object, field: str) -> None:
        """Show the refused save's message for one field, right under it."""
        error = self.of(record_id)
        if error and field in error.field_errors:
            st.error(plain(error.field_errors[field]), icon=":material/error:")


def rerun_saying(key: str, message: object) -> NoReturn:
    """Rerun the screen, which then says `message` (kept under `key`) above the form."""
    st.session_state[key] = message
    st.rerun()


def show_refusal(error: CommandError, changed: str = "") -> None:
    """Explain why nothing was saved; for a stale edit, what the other person changed."""
    st.error(plain(error.message), icon=":material/block:")
    if isinstance(error, StaleEdit) and error.their_changes:
        changes = pd.DataFrame(
            [(name, before, after) for name, (before, after) in error.their_changes.items()],
            columns=[changed or t("Field"), t("When you opened the form"), t("Now")],
        )
        show_table(changes.astype(str), hide_index=True, width="stretch")


def history_panel(history: pd.DataFrame, title: str) -> None:
    """A record's audited changes, newest first, in an expander."""
    with st.expander(t("{title} ({count} changes)", title=title, count=len(history))):
        if history.empty:
            st.caption(t("No change recorded since the record was created."))
            return
        show_table(
            pd.DataFrame(
                {
                    t("When (UTC)"): history["at"].map(date_time),
                    t("Who"): history["actor"],
                    t("What changed"): history["changes"],
                    t("Reason"): history["reason"],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def quarter_picker(quarters: list[str], key: str) -> str:
    """The Quarter picker of an entry screen, opening on the quarter that is due."""
    due = due_quarter(quarters, date.today())
    index = quarters.index(due) if due in quarters else 0
    return str(
        st.selectbox(t("Quarter"), quarters, index=index, key=key, format_func=quarter_label)
    )


def due_day(quarters: list[str]) -> date:
    """The day a dated entry opens on: the last day of the quarter that is due (never after
    today, so a form in the award's first quarter opens on today)."""
    today = date.today()
    due = due_quarter(quarters, today)
    return min(today, quarter_end(due)) if due else today
