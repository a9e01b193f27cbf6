"""The scale generator: counts grow with N as documented, figures add up, same seed same rows."""

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from data_model.db import make_engine, upgrade
from seed.run import row_counts, seed_database
from seed.scale import ENTERED_BY, seed_scale

# Rows one block adds (seed/scale.py): 8 indicators over 11 quarters, five of them reported at
# 192 finest cells plus 20 one-dimension breakdowns and a total.
BLOCK_ROWS = {"indicatorresult": 11 * (5 * (1 + 20 + 192) + 3), "indicatortarget": 88}
EXACT = ["partner", "indicator", "indicatorresult", "milestone", "expenditure"]
EXACT += ["reintegrationfigure", "budgetline", "quarterreport"]
GENERATED = [*EXACT, "centreoccupancy", "activityregion"]  # the last two vary by block


def _demo_plan(url: str) -> Engine:
    """The public facts and the demo's plan (no figures): what the blocks attach to."""
    engine = make_engine(url)
    upgrade(engine)
    seed_database(engine, demo=True, figures=False)
    return engine


def _counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return row_counts(session)


def _rows(engine: Engine) -> dict[str, list[tuple]]:
    """The generated tables' rows (the demo's own timestamped rows left out: they carry now())."""
    metadata = sa.MetaData()
    metadata.reflect(engine, only=GENERATED)
    rows = {}
    with engine.connect() as connection:
        for name in GENERATED:
            table = metadata.tables[name]
            query = sa.select(table)
            for by in ("entered_by", "updated_by"):
                if by in table.c:
                    query = query.where(table.c[by] == ENTERED_BY)
            rows[name] = sorted(tuple(row) for row in connection.execute(query))
    return rows


def test_counts_grow_with_the_scale_and_reach_a_million_results_at_100(database_url):
    engine = _demo_plan(database_url)
    before = _counts(engine)
    seed_scale(engine, 1)
    one = _counts(engine)
    seed_scale(engine, 2)
    two = _counts(engine)
    engine.dispose()
    for table, rows in BLOCK_ROWS.items():
        assert one[table] - before[table] == rows
    for table in GENERATED:
        first, both = one[table] - before[table], two[table] - before[table]
        assert first > 0 and (both == 2 * first if table in EXACT else first < both < 3 * first)
    assert 100 * BLOCK_ROWS["indicatorresult"] >= 1_000_000


def test_finest_cells_and_breakdowns_add_up_to_each_total(database_url):
    engine = _demo_plan(database_url)
    seed_scale(engine, 1)
    query = sa.text(
        "SELECT indicator_id, quarter,"
        " SUM(CASE WHEN region_code = 'all' AND sex = 'all' AND age_band = 'all'"
        "  AND nationality_group = 'all' THEN value ELSE 0 END) AS total,"
        " SUM(CASE WHEN region_code <> 'all' AND sex <> 'all' AND age_band <> 'all'"
        "  AND nationality_group <> 'all' THEN value ELSE 0 END) AS cells,"
        " SUM(CASE WHEN sex <> 'all' AND region_code = 'all' THEN value ELSE 0 END) AS by_sex,"
        " COUNT(*) AS n"
        " FROM indicatorresult GROUP BY indicator_id, quarter HAVING COUNT(*) > 1"
    )
    with engine.connect() as connection:
        groups = connection.execute(query).all()
    engine.dispose()
    assert len(groups) == 5 * 11
    assert all(g.total == g.cells == g.by_sex and g.n == 213 for g in groups)
    assert sum(g.total for g in groups) > 0


def _seeded_twice(url: str, seeds: tuple[int, int]) -> tuple[dict, dict]:
    """Seed an empty database with one seed, then again from empty with the other."""
    rows = []
    for seed in seeds:
        engine = make_engine(url)
        stored = sa.MetaData()
        stored.reflect(engine)
        stored.drop_all(engine)
        engine.dispose()
        engine = _demo_plan(url)
        seed_scale(engine, 1, seed=seed)
        rows.append(_rows(engine))
        engine.dispose()
    return rows[0], rows[1]


def test_the_same_seed_gives_the_same_rows(database_url):
    first, second = _seeded_twice(database_url, (7, 7))
    assert first == second


def test_another_seed_gives_other_figures(database_url):
    first, second = _seeded_twice(database_url, (7, 8))
    assert first["indicator"] == second["indicator"]  # the same framework...
    assert first["indicatorresult"] != second["indicatorresult"]  # ...with other figures
    assert first["expenditure"] != second["expenditure"]
