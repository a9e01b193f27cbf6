"""The one way a read query becomes a DataFrame."""

import pandas as pd
from sqlalchemy import Executable
from sqlmodel import Session


def frame(session: Session, query: Executable, columns: list[str] | None = None) -> pd.DataFrame:
    """Run a query and return its rows as a DataFrame (with columns even when empty)."""
    result = session.execute(query)  # type: ignore[call-overload]
    keys = list(result.keys())
    # Rows as plain tuples: building a frame from dicts costs more than the query at scale.
    data = pd.DataFrame.from_records([tuple(row) for row in result.all()], columns=keys)
    return data if columns is None or columns == keys else data.reindex(columns=columns)
