"""The one way a read query becomes a DataFrame."""

import pandas as pd
from sqlalchemy import Executable
from sqlmodel import Session


def frame(session: Session, query: Executable, columns: list[str] | None = None) -> pd.DataFrame:
    """Run a query and return its rows as a DataFrame (with columns even when empty)."""
    result = session.execute(query)  # type: ignore[call-overload]
    rows = list(result.mappings().all())
    return pd.DataFrame(rows, columns=columns or list(result.keys()))
