"""The regions map works offline from our own boundaries and says what it hides."""

import io
import json
import shutil
from collections import Counter
from datetime import date
from itertools import pairwise

import pandas as pd
import pytest
from PIL import Image
from sqlmodel import Session

from grantmon.charts.export import export_figure, figure_bytes
from grantmon.charts.flatmap import flat_map, scale_colour
from grantmon.charts.maps import (
    DISCLAIMER,
    SCALE,
    TILE_STYLE,
    occupancy_chart,
    region_map,
    victims_chart,
)
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

TODAY = date(2026, 12, 7)  # the demo's today

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
        regions = region_metrics(session=session, actor=actor, filters=filters, today=TODAY)
        centres = centre_points(session=session, actor=actor, filters=filters, today=TODAY)
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


def test_occupancy_not_yet_approved_is_drawn_open_for_staff_and_absent_for_donors(demo_engine):
    filters = Filters(start="2026Q2", end="2026Q3")
    drawn = {}
    for actor in (VIEWER, DONOR):
        with Session(demo_engine) as session:
            occupancy = centre_occupancy(
                session=session, actor=actor, filters=filters, region="MA-04"
            )
        fig = occupancy_chart(occupancy, title="Occupancy", context=CONTEXT)
        rabat = next(t for t in fig.data if t.name == "Rabat reception centre")
        drawn[actor.role] = (dict(zip(rabat.x, rabat.marker.symbol, strict=True)), fig)
    symbols, fig = drawn["viewer"]
    assert symbols == {"Q2 2026": "circle", "Q3 2026": "circle-open"}
    assert "not yet approved" in {t.name for t in fig.data}
    symbols, fig = drawn["donor"]
    assert symbols == {"Q2 2026": "circle"}  # the submitted quarter is not the donor's
    assert "not yet approved" not in {t.name for t in fig.data}


@pytest.mark.skipif(shutil.which("chromium") is None, reason="kaleido needs chromium on PATH")
def test_map_exports_to_png_without_the_internet(demo_engine, tmp_path):
    regions, centres = frames(demo_engine, VIEWER, Filters(start="2024Q1", end="2026Q3"))
    target = tmp_path / "map.png"
    draw(regions, centres).write_image(target, width=900, height=640)
    assert target.stat().st_size > 20_000


def flat_export(fig):
    """The map as the image export draws it."""
    return flat_map(export_figure(fig))


def test_exported_map_is_the_same_regions_as_flat_shapes(demo_engine):
    # MapLibre needs WebGL, which a headless browser emulates slowly: the export draws shapes.
    regions, centres = frames(demo_engine, DONOR, Filters(start="2026Q2", end="2026Q2"))
    fig = draw(regions, centres)
    flat = flat_export(fig)
    assert {trace.type for trace in flat.data} == {"scatter"}
    shapes = [t for t in flat.data if t.fill == "toself"]
    drawn = [code for t in fig.data if t.type == "choroplethmap" for code in t.locations]
    assert len(shapes) == len(drawn) == 12
    # Each layer keeps its legend entry, its name and its colour; centres keep their places.
    legend = {t.name for t in flat.data if t.showlegend is not False and t.name}
    assert legend == {t.name for t in fig.data if t.showlegend is not False and t.name}
    suppressed = {t.fillcolor for t in shapes} & {"rgb(166, 166, 166)"}  # SUPPRESSED_FILL
    assert suppressed
    points = sum(len(t.x) for t in flat.data if t.mode == "markers" and t.x != (None,))
    assert points == len(centres)
    assert flat.layout.title.text == fig.layout.title.text
    assert list(flat.layout.annotations) == list(export_figure(fig).layout.annotations)


def test_exported_map_frames_every_region_at_the_screen_zoom(demo_engine):
    regions, centres = frames(demo_engine, VIEWER, Filters(start="2024Q1", end="2026Q3"))
    flat = flat_export(draw(regions, centres))
    (west, east), (south, north) = flat.layout.xaxis.range, flat.layout.yaxis.range
    for shape in (t for t in flat.data if t.fill == "toself"):
        assert all(west < x < east for x in shape.x if x is not None)
        assert all(south < y < north for y in shape.y if y is not None)
    # MapLibre's scale at zoom 3.85: 512 * 2**3.85 pixels for 360 degrees of longitude.
    plot_width = flat.layout.width - flat.layout.margin.l - flat.layout.margin.r
    assert (east - west) == pytest.approx(plot_width * 360 / (512 * 2**3.85))


def test_region_colours_follow_the_colour_scale_from_light_to_dark():
    assert scale_colour(SCALE, 0.0) == "rgb(234, 243, 250)"  # #EAF3FA
    assert scale_colour(SCALE, 0.5) == "rgb(106, 174, 214)"  # #6AAED6
    assert scale_colour(SCALE, 1.0) == "rgb(11, 79, 138)"  # #0B4F8A
    assert scale_colour(SCALE, 0.75) == "rgb(59, 127, 176)"  # halfway between the last two
    assert scale_colour(SCALE, 7.0) == scale_colour(SCALE, 1.0)  # beyond the scale: its end


@pytest.mark.skipif(shutil.which("chromium") is None, reason="kaleido needs chromium on PATH")
def test_exported_map_png_shows_the_darkest_region_and_the_suppressed_ones(demo_engine):
    regions, centres = frames(demo_engine, DONOR, Filters(start="2026Q2", end="2026Q2"))
    png = Image.open(io.BytesIO(figure_bytes(draw(regions, centres), "png"))).convert("RGB")
    colours = Counter(png.get_flattened_data())
    assert png.width == 1920
    assert colours[(11, 79, 138)] > 1_000  # the region with the most victims, darkest blue
    assert colours[(166, 166, 166)] > 1_000  # suppressed regions, grey
