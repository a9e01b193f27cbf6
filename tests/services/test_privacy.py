"""Small-cell suppression: no small count is shown and no hidden count can be worked out."""

import random

import numpy as np
import pandas as pd
import pytest

from data_model import Role
from grantmon.services.core.access import Actor
from grantmon.services.core.privacy import (
    cell_text,
    counts_victims,
    privacy_notice,
    protect_change,
    protect_count,
    protect_means,
    protect_series,
    protect_table,
    running_mask,
    sees_true_figures,
    share_mask,
    suppress_series,
    suppress_table,
)
from grantmon.settings import get_settings

DONOR = Actor(email="donor@example.org", role=Role.DONOR)
VIEWER = Actor(email="viewer@example.org", role=Role.VIEWER)
STRANGER = Actor(email="someone@example.org", role="auditor")


def random_table(rng: random.Random) -> pd.DataFrame:
    """Sparse, small counts: the hard case (many cells 1..5, zeros, a few large ones)."""
    rows, columns = rng.randint(1, 7), rng.randint(1, 6)
    pick = [0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20, 45]
    return pd.DataFrame([[rng.choice(pick) for _ in range(columns)] for _ in range(rows)])


def solvable_cells(grid: np.ndarray, hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells an attacker can compute exactly from the row/column equations (rank test)."""
    cells = [tuple(c) for c in np.argwhere(hidden)]
    if not cells:
        return []
    equations = []
    rows, columns = grid.shape
    lines = [[(i, j) for j in range(columns)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(columns)]
    for line in lines:
        # The last entry of a line is its total: inner cells minus total equals zero.
        sign = {cell: (-1.0 if k == len(line) - 1 else 1.0) for k, cell in enumerate(line)}
        equations.append([sign.get(cell, 0.0) for cell in cells])
    # A hidden cell is solvable iff every solution of the homogeneous system leaves it at 0,
    # i.e. its row in a basis of the null space is zero.
    system = np.array(equations)
    _, singular, vt = np.linalg.svd(system)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:].T
    return [cell for k, cell in enumerate(cells) if np.abs(null_space[k]).max(initial=0) < 1e-9]


@pytest.mark.parametrize("threshold", [1, 5, 10])
def test_random_tables_show_no_small_cell_and_hide_nothing_recoverable(threshold):
    rng = random.Random(20240510 + threshold)
    for _ in range(400):
        counts = random_table(rng)
        values, mask = suppress_table(counts, threshold=threshold)
        grid = values.to_numpy()
        true = np.zeros(grid.shape)
        true[:-1, :-1] = counts.to_numpy()
        true[:-1, -1] = true[:-1, :-1].sum(axis=1)
        true[-1, :] = true[:-1, :].sum(axis=0)
        hidden = mask.to_numpy()
        shown = true[~hidden]
        assert not ((shown >= 1) & (shown <= threshold)).any(), counts
        # Shown values are the true ones, totals included.
        assert (grid[~hidden] == shown).all()
        assert np.isnan(grid[hidden]).all()
        # No row or column (totals included) has exactly one hidden entry...
        assert 1 not in set(hidden.sum(axis=0)) | set(hidden.sum(axis=1)), counts
        # ...and no hidden cell can be solved from any combination of the equations.
        assert solvable_cells(true, hidden) == [], counts


@pytest.mark.parametrize("threshold", [1, 5])
def test_random_series_show_no_small_count_and_hide_nothing_recoverable(threshold):
    rng = random.Random(7 + threshold)
    for _ in range(500):
        counts = pd.Series(
            [rng.choice([0, 0, 1, 3, 5, 6, 8, 30]) for _ in range(rng.randint(1, 8))]
        )
        values, mask = suppress_series(counts, threshold=threshold)
        true = [*counts, counts.sum()]
        for value, shown, hidden in zip(true, values, mask, strict=True):
            assert hidden == bool(np.isnan(shown))
            assert hidden or not 1 <= value <= threshold
            assert hidden or shown == value
        assert mask.sum() != 1, counts  # one hidden entry = total minus the rest


def solvable_in_chain(actuals: np.ndarray, hidden_quarters, hidden_totals) -> list[str]:
    """Hidden quarters or running totals computable from total(q) = total(q-1) + quarter(q)."""
    n = len(actuals)
    unknowns = [("q", k) for k in range(n) if hidden_quarters[k]]
    unknowns += [("t", k) for k in range(n) if hidden_totals[k]]
    if not unknowns:
        return []
    equations = []
    for q in range(n):
        # total(q) - total(q-1) - quarter(q) = 0, with total(-1) = 0 known.
        sign = {("t", q): 1.0, ("t", q - 1): -1.0, ("q", q): -1.0}
        equations.append([sign.get(u, 0.0) for u in unknowns])
    _, singular, vt = np.linalg.svd(np.array(equations))
    null_space = vt[int((singular > 1e-9).sum()) :].T
    found = [u for k, u in enumerate(unknowns) if np.abs(null_space[k]).max(initial=0) < 1e-9]
    return [f"{kind}{k}" for kind, k in found]


@pytest.mark.parametrize("threshold", [1, 5])
def test_running_totals_show_no_small_count_and_hide_nothing_recoverable(threshold):
    rng = random.Random(2024 + threshold)
    for _ in range(500):
        actuals = np.array(
            [rng.choice([0, 0, 1, 2, 4, 5, 6, 9, 30]) for _ in range(rng.randint(1, 10))], float
        )
        to_date = np.cumsum(actuals)
        quarters, totals = running_mask(actuals, to_date, threshold)
        assert not ((actuals >= 1) & (actuals <= threshold) & ~quarters).any(), actuals
        assert not ((to_date >= 1) & (to_date <= threshold) & ~totals).any(), actuals
        assert solvable_in_chain(actuals, quarters, totals) == [], actuals


def test_running_totals_hide_the_first_small_quarters_and_keep_the_rest():
    # Reintegration plans completed: 2, 4, 6 a quarter; running 2, 6, 12.
    quarters, totals = running_mask(np.array([2.0, 4, 6]), np.array([2.0, 6, 12]), 5)
    assert quarters.tolist() == [True, True, False]
    assert totals.tolist() == [True, False, False]  # 6 = two hidden quarters together


def test_a_change_is_a_figure():
    assert protect_change(8, 6, actor=DONOR) is None  # +2 is a small quarter
    assert protect_change(20, 4, actor=DONOR) is None  # a side is small
    assert protect_change(20, 12, actor=DONOR, hidden_elsewhere=True) is None
    assert protect_change(20, 12, actor=DONOR) == 8
    assert protect_change(8, 8, actor=DONOR) == 0  # no change says nothing about anyone
    assert protect_change(8, 6, actor=VIEWER) == 2


@pytest.mark.parametrize("unit", ["plans", "victims", "Plans", " victim ", "PLAN"])
def test_victim_units_are_known_however_they_are_written(unit):
    assert counts_victims(unit)


@pytest.mark.parametrize("unit", ["people", "%", "days", "exchanges", "", None])
def test_other_units_are_not_victim_counts(unit):
    assert not counts_victims(unit)


def test_a_share_is_hidden_when_it_would_give_a_small_count_back():
    percents = np.array([50.0, 25.0, 90.0, 0.0, 100.0, 70.0, 40.0, np.nan])
    bases = np.array([40.0, 20.0, 40.0, 3.0, 30.0, np.nan, 0.0, 4.0])
    # 50% of 40: 20 and 20, shown; 25% of 20: 5 in it; 90% of 40: 4 not in it; a base of 3;
    # 100% of 30: 30 and 0, shown; an unknown base; 40% of no one; an unreported share.
    hidden = share_mask(percents, bases, 5)
    assert hidden.tolist() == [False, True, True, True, False, True, False, False]


def test_parts_of_a_hidden_total_do_not_add_up_to_it():
    # The total 30 is hidden elsewhere (an indicator's suppressed figure to date).
    _, mask = suppress_series(pd.Series([10, 20]), threshold=5, total_hidden=True)
    assert mask.tolist() == [True, False, True]


def test_zero_is_shown_and_totals_come_from_true_values():
    counts = pd.DataFrame({"female": [0, 3, 10], "male": [12, 9, 20]}, index=["a", "b", "c"])
    values, mask = suppress_table(counts, threshold=5)
    assert values.loc["a", "female"] == 0
    assert mask.loc["b", "female"]
    assert values.loc["Total", "Total"] == 54  # the true grand total, not a sum of shown cells
    # The complement is the smallest non-zero cell in the same column, not the zero.
    assert mask.loc["c", "female"] and not mask.loc["a", "female"]


def test_a_small_total_is_hidden_with_its_cells():
    values, mask = suppress_series(pd.Series([2, 0, 1], index=list("xyz")), threshold=5)
    assert mask.tolist() == [True, False, True, True]
    assert values["y"] == 0


def test_a_bridge_between_two_protected_blocks_is_protected_too():
    # Two blocks of small cells joined by one small cell: each row/column has 2+ hidden,
    # yet the joining cell would be solvable without a further complement.
    counts = pd.DataFrame(
        [[2, 3, 9, 50], [3, 2, 4, 50], [50, 50, 2, 3], [50, 50, 3, 2]], columns=list("abcd")
    )
    values, mask = suppress_table(counts, threshold=5)
    true = np.array(values.fillna(0))
    assert solvable_cells(true, mask.to_numpy()) == []


def test_negative_or_missing_counts_are_refused():
    with pytest.raises(ValueError):
        suppress_series(pd.Series([1.0, None]), threshold=5)
    with pytest.raises(ValueError):
        suppress_table(pd.DataFrame([[1, -2]]), threshold=5)


def test_donors_get_suppressed_figures_and_iom_roles_true_ones_with_marks():
    counts = pd.DataFrame({"female": [3, 10], "male": [12, 9]}, index=["a", "b"])
    donor = protect_table(counts, actor=DONOR)
    viewer = protect_table(counts, actor=VIEWER)
    assert donor.suppressed and pd.isna(donor.values.loc["a", "female"])
    assert not viewer.suppressed and viewer.values.loc["a", "female"] == 3
    assert not viewer.hidden.to_numpy().any()
    assert viewer.donor_hidden.equals(donor.hidden)
    assert donor.threshold == get_settings().suppression_threshold == 5


def test_an_unknown_role_is_treated_like_a_donor():
    assert sees_true_figures(VIEWER) and not sees_true_figures(DONOR)
    assert not sees_true_figures(STRANGER)
    assert protect_count(4, actor=STRANGER) is None


def test_headline_counts_series_and_means_follow_the_threshold(monkeypatch):
    monkeypatch.setenv("GRANTMON_SUPPRESSION_THRESHOLD", "10")
    get_settings.cache_clear()
    try:
        assert protect_count(8, actor=DONOR) is None
        assert protect_count(11, actor=DONOR) == 11
        assert protect_count(0, actor=DONOR) == 0
        assert protect_count(8, actor=VIEWER) == 8
        series = protect_series(pd.Series([8, 40, 30], index=list("xyz")), actor=DONOR)
        assert series.hidden.tolist() == [True, False, True, False]
        people = pd.Series([0, 10, 11])
        means = pd.Series([float("nan"), 0.5, 0.7])
        donor_means = protect_means(means, people, actor=DONOR)
        assert donor_means.hidden.tolist() == [False, True, False]
        assert donor_means.values.iloc[2] == 0.7 and pd.isna(donor_means.values.iloc[1])
        assert protect_means(means, people, actor=VIEWER).values.iloc[1] == 0.5
        assert "from 1 to 10" in privacy_notice(actor=DONOR)
    finally:
        get_settings.cache_clear()


def test_cells_say_suppressed_or_carry_the_donor_mark():
    assert cell_text(float("nan"), hidden=True, donor_hidden=True) == "■ suppressed"
    assert cell_text(3.0, hidden=False, donor_hidden=True) == "3 ■"
    assert cell_text(1234.0, hidden=False, donor_hidden=False) == "1,234"
    assert "Do not share" in privacy_notice(actor=VIEWER)
