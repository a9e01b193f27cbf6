"""The one gate victim figures pass through before a donor-facing view or export.

Small-cell suppression, as statistics offices practise it:

- Primary suppression: a count from 1 to the threshold (settings, default 5) is hidden.
  Zero is shown: in these tables a zero says "nobody in this group", which points at no
  person, and hiding zeros would make every sparse table unreadable.
- Secondary (complementary) suppression: a hidden cell must not be recoverable from the
  totals. Totals are computed from the true values and shown unless they are small
  themselves. A table with its margins is a set of equations (each row and each column adds
  up to its total); hidden cells are the unknowns. We hide more cells until (1) no row or
  column has exactly one hidden cell, and (2) in a 2-D table no hidden cell is a "bridge" of
  the hidden pattern (a cell on no cycle of hidden cells can be solved by adding and
  subtracting whole rows and columns, even when every row has two hidden cells).
  Complements are the smallest non-zero shown cells (a hidden zero protects little), inner
  cells before totals.
- Every hidden cell reads the same ("suppressed"): telling primary from complementary
  cells would tell a reader which ones are small.

- Derived figures are figures: a change between two counts, a running total beside the
  quarters it adds up, and a total of a breakdown pass through the same gate, and disappear
  when they would reveal a hidden cell (see docs/privacy.md).

Limits (stated so nobody over-trusts this): each table is protected on its own; two views
with different filters (e.g. overlapping periods) can still be subtracted from each other.
The protection is against exact recovery, not against narrow bounds.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import pandas as pd

from grantmon.formatting import number
from grantmon.i18n import t
from grantmon.services.core.access import Actor
from grantmon.settings import get_settings

TOTAL = "Total"
# Units that count victims, one a victim (a completed plan is one victim's). Compared without
# case, spaces or a plural "s", so "Plans" or "victim " typed into a framework count too.
VICTIM_UNITS = frozenset({"victim", "plan", "survivor"})
SUPPRESSED_MARK = "■"
Frame = TypeVar("Frame", pd.DataFrame, pd.Series)
Cell = tuple[int, int]


@dataclass(frozen=True)
class Protected(Generic[Frame]):
    """Figures as one actor may see them, with masks saying what is hidden and from whom."""

    values: Frame  # what to show: NaN where hidden for this actor
    hidden: Frame  # True where this actor sees "suppressed"
    donor_hidden: Frame  # True where a donor sees "suppressed" (IOM screens mark these)
    suppressed: bool  # whether this actor's figures are suppressed
    threshold: int


def suppression_threshold() -> int:
    """Counts from 1 to this number are hidden from donors (settings, default 5)."""
    return get_settings().suppression_threshold


def sees_true_figures(actor: Actor) -> bool:
    """IOM roles see true figures; donors, and any role we do not know, see suppressed ones."""
    return actor.may_see_unapproved and not actor.is_donor


def counts_victims(unit: object) -> bool:
    """Whether an indicator's unit counts victims: the one definition every read uses."""
    word = str(unit or "").strip().casefold()
    return word in VICTIM_UNITS or word.removesuffix("s") in VICTIM_UNITS


def is_small(value: float, threshold: int) -> bool:
    """Whether a count is hidden by primary suppression (1..threshold; zero is shown)."""
    return 1 <= value <= threshold


def _check_counts(values: np.ndarray) -> None:
    if np.isnan(values).any() or (values < 0).any():
        raise ValueError("Suppression works on counts: no missing or negative values.")


def _preference(
    value: float, is_margin: bool, helps: bool = False
) -> tuple[bool, bool, bool, float]:
    # Inner cells before totals, non-zero before zero, then one that also closes its crossing
    # line (fewer cells hidden overall), then the smallest.
    return (is_margin, value == 0, not helps, value)


# --- 2-D tables -------------------------------------------------------------------------


def _grid_with_margins(counts: pd.DataFrame) -> np.ndarray:
    inner = counts.to_numpy(dtype=float)
    _check_counts(inner)
    grid = np.zeros((inner.shape[0] + 1, inner.shape[1] + 1))
    grid[:-1, :-1] = inner
    grid[:-1, -1] = inner.sum(axis=1)
    grid[-1, :] = grid[:-1, :].sum(axis=0)
    return grid


def _lines(shape: tuple[int, int]) -> list[list[Cell]]:
    rows, columns = shape
    by_row = [[(i, j) for j in range(columns)] for i in range(rows)]
    by_column = [[(i, j) for i in range(rows)] for j in range(columns)]
    return by_row + by_column


def _hide_best(grid: np.ndarray, hidden: np.ndarray, candidates: Iterable[Cell]) -> bool:
    last_row, last_column = grid.shape[0] - 1, grid.shape[1] - 1
    shown = [cell for cell in candidates if not hidden[cell]]
    if not shown:
        return False

    def preference(cell: Cell) -> tuple[bool, bool, bool, float]:
        # Both lines through the cell have one hidden entry: hiding it closes both.
        helps = hidden[cell[0], :].sum() == 1 and hidden[:, cell[1]].sum() == 1
        return _preference(grid[cell], cell[0] == last_row or cell[1] == last_column, helps)

    hidden[min(shown, key=preference)] = True
    return True


def _close_single_lines(grid: np.ndarray, hidden: np.ndarray) -> bool:
    """Hide a complement in every row/column with exactly one hidden cell; True if any."""
    changed = False
    for line in _lines(grid.shape):
        if sum(hidden[cell] for cell in line) == 1:
            changed |= _hide_best(grid, hidden, line)
    return changed


def _component(start: tuple[str, int], edges: list[Cell]) -> set[tuple[str, int]]:
    """Row and column nodes reachable from a node through hidden cells (edges)."""
    seen, todo = {start}, [start]
    while todo:
        kind, index = todo.pop()
        for i, j in edges:
            if (kind == "r" and i == index) or (kind == "c" and j == index):
                other = ("c", j) if kind == "r" else ("r", i)
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
    return seen


def _break_bridge(grid: np.ndarray, hidden: np.ndarray) -> bool:
    """Put one solvable hidden cell (a bridge) on a cycle by hiding a cell; True if any."""
    edges = [(int(i), int(j)) for i, j in zip(*np.nonzero(hidden), strict=True)]
    for edge in edges:
        rest = [e for e in edges if e != edge]
        near = _component(("r", edge[0]), rest)
        if ("c", edge[1]) in near:
            continue  # on a cycle: not solvable
        far = _component(("c", edge[1]), rest)
        crossing = [
            (r, c)
            for a, b in ((near, far), (far, near))
            for kind_r, r in a
            if kind_r == "r"
            for kind_c, c in b
            if kind_c == "c"
        ]
        # Fallback (cannot happen after _close_single_lines): any cell in the bridge's row.
        return _hide_best(grid, hidden, crossing) or _hide_best(
            grid, hidden, _lines(grid.shape)[edge[0]]
        )
    return False


def suppression_mask(grid: np.ndarray, threshold: int) -> np.ndarray:
    """Hidden cells of a table whose last row and column are its totals."""
    hidden = (grid >= 1) & (grid <= threshold)
    while _close_single_lines(grid, hidden) or _break_bridge(grid, hidden):
        pass
    return hidden


def suppress_table(
    counts: pd.DataFrame, *, threshold: int | None = None, total_label: str = TOTAL
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts (rows x columns, no totals) -> (values with margins, NaN where hidden; mask)."""
    limit = suppression_threshold() if threshold is None else threshold
    grid = _grid_with_margins(counts)
    hidden = suppression_mask(grid, limit)
    index = [*counts.index, total_label]
    columns = [*counts.columns, total_label]
    mask = pd.DataFrame(hidden, index=index, columns=columns)
    values = pd.DataFrame(np.where(hidden, np.nan, grid), index=index, columns=columns)
    return values, mask


# --- 1-D series -------------------------------------------------------------------------


def suppress_series(
    counts: pd.Series,
    *,
    threshold: int | None = None,
    total_label: str = TOTAL,
    total_hidden: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """Counts by category -> (values with a total appended, NaN where hidden; mask).

    `total_hidden`: the total is hidden elsewhere (e.g. a suppressed indicator total), so the
    parts must not add up to it here either.
    """
    limit = suppression_threshold() if threshold is None else threshold
    inner = counts.to_numpy(dtype=float)
    _check_counts(inner)
    line = np.append(inner, inner.sum())
    hidden = (line >= 1) & (line <= limit)
    hidden[-1] |= total_hidden
    if hidden.sum() == 1:
        # One equation (the total): a second hidden entry is all it takes.
        shown = [k for k in range(len(line)) if not hidden[k]]
        hidden[min(shown, key=lambda k: _preference(float(line[k]), k == len(line) - 1))] = True
    index = [*counts.index, total_label]
    return (
        pd.Series(np.where(hidden, np.nan, line), index=index, name=counts.name),
        pd.Series(hidden, index=index, name=counts.name),
    )


# --- by actor -----------------------------------------------------------------------------


def _for_actor(values: Frame, mask: Frame, true: Frame, actor: Actor, limit: int) -> Protected:
    if sees_true_figures(actor):
        return Protected(true, mask & False, mask, suppressed=False, threshold=limit)
    return Protected(values, mask, mask, suppressed=True, threshold=limit)


def protect_table(
    counts: pd.DataFrame, *, actor: Actor, total_label: str = TOTAL
) -> Protected[pd.DataFrame]:
    """A table with margins as the actor may see it (donors: suppressed)."""
    limit = suppression_threshold()
    values, mask = suppress_table(counts, threshold=limit, total_label=total_label)
    true = pd.DataFrame(_grid_with_margins(counts), index=values.index, columns=values.columns)
    return _for_actor(values, mask, true, actor, limit)


def protect_series(
    counts: pd.Series, *, actor: Actor, total_label: str = TOTAL, total_hidden: bool = False
) -> Protected[pd.Series]:
    """A series with its total as the actor may see it (donors: suppressed)."""
    limit = suppression_threshold()
    values, mask = suppress_series(
        counts, threshold=limit, total_label=total_label, total_hidden=total_hidden
    )
    true = pd.Series([*counts.astype(float), float(counts.sum())], index=values.index)
    return _for_actor(values, mask, true, actor, limit)


def protect_count(count: int, *, actor: Actor) -> int | None:
    """A single headline count as the actor may see it (None when suppressed)."""
    if sees_true_figures(actor) or not is_small(count, suppression_threshold()):
        return int(count)
    return None


def protect_change(
    current: int, previous: int, *, actor: Actor, hidden_elsewhere: bool = False
) -> int | None:
    """The change between two counts as the actor may see it (None when it would reveal).

    A change is a figure: a donor sees none when either side is small, when the change itself
    is small (it is often one quarter's count), or when the cell it equals is hidden elsewhere.
    """
    change = int(current) - int(previous)
    if sees_true_figures(actor):
        return change
    limit = suppression_threshold()
    sides_small = is_small(current, limit) or is_small(previous, limit)
    if sides_small or is_small(abs(change), limit) or hidden_elsewhere:
        return None
    return change


def running_mask(
    actuals: np.ndarray, to_date: np.ndarray, threshold: int
) -> tuple[np.ndarray, np.ndarray]:
    """Hidden quarters and hidden running totals of one cumulative series (donor view).

    The running total of quarter q is the one before it plus quarter q's count: a chain of
    equations from a known zero. A hidden quarter can be worked out when the totals at both
    its ends are known (shown, or reachable through shown quarters); a hidden total when it is
    reachable. Hide more until neither happens. Missing values (NaN) are never hidden.
    """
    quarters, totals = _small(actuals, threshold), _small(to_date, threshold)
    shown = ~np.isnan(np.asarray(to_date, dtype=float))
    changed = True
    while changed:
        changed = False
        for q in range(len(quarters)):
            if totals[q] and _reachable(q, quarters, shown & ~totals):
                changed |= _cut_off(q, quarters)
            both_ends = all(_reachable(end, quarters, shown & ~totals) for end in (q - 1, q))
            if quarters[q] and both_ends:
                changed |= _cut_off(q, quarters) if totals[q] else True
                totals[q] = True
    return quarters, totals


def _small(values: np.ndarray, threshold: int) -> np.ndarray:
    filled = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    return (filled >= 1) & (filled <= threshold)


def _reachable(node: int, quarters: np.ndarray, known: np.ndarray) -> bool:
    """Whether the running total at `node` (-1: before the first quarter, zero) can be known."""
    if node == -1 or known[node]:
        return True
    left = node
    while left >= 0 and not quarters[left]:  # walk back through shown quarters
        left -= 1
        if left == -1 or known[left]:
            return True
    right = node + 1
    while right < len(quarters) and not quarters[right]:  # and forward
        if known[right]:
            return True
        right += 1
    return False


def _cut_off(node: int, quarters: np.ndarray) -> bool:
    """Hide the quarters on both sides of a hidden running total; True if any was shown."""
    sides = [q for q in (node, node + 1) if q < len(quarters) and not quarters[q]]
    quarters[sides] = True
    return bool(sides)


def share_mask(percents: np.ndarray, bases: np.ndarray, threshold: int) -> np.ndarray:
    """Quarters whose share ("%") a donor may not see, given each quarter's base count.

    A share of a base is two counts, those in it and those not. Hide it when the base is
    unknown (nothing to check it against), or when the base or either count is from 1 to the
    threshold.
    """
    percents, bases = np.asarray(percents, dtype=float), np.asarray(bases, dtype=float)
    with np.errstate(invalid="ignore"):
        inside = np.round(percents * bases / 100)
    counts = np.stack([bases, inside, bases - inside])
    small = ((counts >= 1) & (counts <= threshold)).any(axis=0)
    return ~np.isnan(percents) & (np.isnan(bases) | small)


def protect_means(means: pd.Series, people: pd.Series, *, actor: Actor) -> Protected[pd.Series]:
    """Means as the actor may see them: a donor sees none over 1..threshold people.

    A mean of one person is that person's answer; the same threshold as for counts applies.
    """
    limit = suppression_threshold()
    donor_hidden = pd.Series((people >= 1) & (people <= limit), index=means.index)
    true: pd.Series = means.astype(float)
    shown: pd.Series = true.where(~donor_hidden)
    return _for_actor(shown, donor_hidden, true, actor, limit)


# --- words for screens and exports --------------------------------------------------------


def cell_text(value: float, *, hidden: bool, donor_hidden: bool) -> str:
    """One figure as a table shows it: a number, '■ suppressed', or a number marked ■ for IOM."""
    if hidden:
        return SUPPRESSED_MARK + " " + t("suppressed")
    if pd.isna(value):
        return "—"
    text = number(round(value))
    return f"{text} {SUPPRESSED_MARK}" if donor_hidden else text


def privacy_notice(*, actor: Actor) -> str:
    """The sentence a screen shows about suppression, worded for the actor."""
    limit = suppression_threshold()
    if sees_true_figures(actor):
        return t(
            "You see true figures. A donor sees counts from 1 to {n} as suppressed, and some "
            "larger ones too so hidden counts cannot be worked out from totals; those are "
            "marked {mark} here. Do not share this view outside IOM.",
            n=limit,
            mark=SUPPRESSED_MARK,
        )
    return t(
        "Cells from 1 to {n} are suppressed to protect victims' privacy, and so are some "
        "larger cells where a hidden figure could otherwise be worked out from the totals. "
        "Each reads '{mark} suppressed'; zeros are shown.",
        n=limit,
        mark=SUPPRESSED_MARK,
    )
