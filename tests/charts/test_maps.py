"""The regions map works offline from our own boundaries and says what it hides."""

import json
import shutil
from itertools import pairwise

import pandas as pd
import pytest
from sqlmodel import Session

from grantmon.charts.maps import DISCLAIMER, TILE_STYLE, occupancy_chart, region_map, victims_chart
from grantmon.charts.style import ChartContext
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import Filters
from grantmon.services.regions.geography import region_geojson, region_outlines, signed_area
from grantmon.services.regions.reads import (
    centre_occupancy,
    centre_points,
    region_metrics,
    region_victims,
)

CONTEXT = ChartContext(filters_text="test filters", source_text="Source: test.")
VIEWER = Actor(email="viewer@example.org", role="viewer")
DONOR = Actor(email="donor@example.org", role="donor")


def _crosses(a, b, c, d) -> bool:
    """Whether segments ab and cd properly cross."""

    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def test_boundaries_are_twelve_small_valid_regions_keyed_by_iso_code():
    geojson = region_geojson()
    assert [f["id"] for f in geojson["features"]] == [f"MA-{n:02d}" for n in range(1, 13)]
    assert len(json.dumps(geojson)) < 150_000  # the packaged file is 2.9 MB
    for feature in geojson["features"]:
        ring = [tuple(p) for p in feature["geometry"]["coordinates"][0]]
        assert len(ring) >= 4 and ring[0] == ring[-1]
        assert signed_area(ring) > 0  # counterclockwise outer ring (RFC 7946)
        edges = list(pairwise(ring))
        for i, (a, b) in enumerate(edges):
            for c, d in edges[i + 2 : len(edges) - (i == 0)]:
                assert not _crosses(a, b, c, d), f"{feature['id']} ring crosses itself"


def frames(engine, actor: Actor, filters: Filters):
    with Session(engine) as session:
        regions = region_metrics(session=session, actor=actor, filters=filters)
        centres = centre_points(session=session, actor=actor, filters=filters)
    return regions, centres


def draw(regions, centres, **options):
    return region_map(
        regions,
        centres,
        region_outlines(),
        column="victims_per_100k",
        metric_title="Victims assisted per 100,000 inhabitants",
        title="Map",
        context=CONTEXT,
        **options,
    )


def test_map_is_offline_maplibre_with_every_region_and_centre(demo_engine):
    regions, centres = frames(demo_engine, VIEWER, Filters(start="2024Q1", end="2026Q3"))
    fig = draw(regions, centres)
    kinds = {trace.type for trace in fig.data}
    assert kinds == {"choroplethmap", "scattermap"}  # no `geo` subplot: no CDN topojson
    assert fig.layout.map.style == "white-bg"
    drawn = [code for t in fig.data if t.type == "choroplethmap" for code in t.locations]
    assert sorted(drawn) == sorted(regions["iso_code"])
    unreported = next(t for t in fig.data if t.name == "no victim figures reported")
    assert sorted(unreported.locations) == ["MA-08", "MA-12"]  # not drawn as zero
    points = sum(len(t.lat) for t in fig.data if t.type == "scattermap")
    assert points == len(centres)
    notes = " ".join(a.text for a in fig.layout.annotations).replace("<br>", " ")
    assert DISCLAIMER in notes and "Source: test." in notes
    assert draw(regions, centres, map_style=TILE_STYLE).layout.map.style == TILE_STYLE


def test_centre_hover_names_capacity_or_says_it_is_not_public(demo_engine):
    regions, centres = frames(demo_engine, VIEWER, Filters(start="2024Q1", end="2026Q3"))
    fig = draw(regions, centres)
    details = [row for t in fig.data if t.type == "scattermap" for row in t.customdata]
    fes = next(row for row in details if row[0].startswith("Fès"))
    assert fes[4] == "capacity not public"
    rabat = next(row for row in details if row[0] == "Rabat reception centre")
    assert rabat[4] == "20 beds" and "open" in rabat[3]
    assert {t.name for t in fig.data if t.type == "scattermap"} >= {"centre open", "centre planned"}


def test_suppressed_and_filtered_out_regions_are_drawn_apart_and_named(demo_engine):
    regions, centres = frames(demo_engine, DONOR, Filters(start="2026Q2", end="2026Q2"))
    fig = draw(regions, centres)
    layers = {t.name: list(t.locations) for t in fig.data if t.type == "choroplethmap"}
    hidden = sorted(regions.loc[regions["victims_suppressed"], "iso_code"])
    assert hidden and layers["suppressed (too few to show)"] == hidden
    regions, centres = frames(demo_engine, DONOR, Filters("2024Q1", "2026Q3", region="MA-04"))
    fig = draw(regions, centres)
    layers = {t.name: list(t.locations) for t in fig.data if t.type == "choroplethmap"}
    assert len(layers["outside the region filter"]) == 11


def test_drill_down_charts_and_their_empty_states(demo_engine):
    filters = Filters(start="2024Q1", end="2026Q3")
    with Session(demo_engine) as session:
        occupancy = centre_occupancy(session=session, actor=DONOR, filters=filters, region="MA-04")
        victims = region_victims(session=session, actor=VIEWER, filters=filters, region="MA-04")
    fig = occupancy_chart(occupancy, title="Occupancy", context=CONTEXT)
    assert fig.layout.yaxis.title.text == "Beds occupied (quarterly average)"
    assert any(t.name.endswith("capacity") for t in fig.data)
    series = {"identified": "Identified", "assisted": "Assisted"}
    fig = victims_chart(victims, series=series, title="Victims", context=CONTEXT)
    assert "not yet approved" in {t.name for t in fig.data}  # 2026Q3 is hatched for staff
    empty = victims_chart(victims.iloc[0:0], series=series, title="Victims", context=CONTEXT)
    assert "No victim figures" in empty.layout.annotations[0].text
    assert "No regions" in draw(pd.DataFrame(), pd.DataFrame()).layout.annotations[0].text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="kaleido needs chromium on PATH")
def test_map_exports_to_png_without_the_internet(demo_engine, tmp_path):
    regions, centres = frames(demo_engine, VIEWER, Filters(start="2024Q1", end="2026Q3"))
    target = tmp_path / "map.png"
    draw(regions, centres).write_image(target, width=900, height=640)
    assert target.stat().st_size > 20_000
