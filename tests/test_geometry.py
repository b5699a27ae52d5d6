"""Real wijk boundaries (issue 9, part 3): areas/*.geojson read and converted (pipeline/ingest/
geometry.py), checked in SQL (base_area_geometry, wijk_geometrie), drawn on the Stad page
(dashboard/charts.geo_map); and the tile map without the boundaries leaves out a wijk without a tile
position, with a note, instead of reshuffling every wijk into a grid. Unit level: small hand-written
fixtures in tests/fixtures/geometry/, no pipeline run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from dashboard import charts
from pipeline import SQL_DIR
from pipeline.ingest.geometry import FORMATS, RD_NEW, SCHEMA, WGS84, is_geojson, rd_to_wgs84, read_geometry, wijk_code
from pipeline.ingest.readers import RawFileError
from pipeline.method import load_method
from pipeline.models.contracts import gx_suite, load_contract
from pipeline.models.runner import load_macros, render
from pipeline.presentation.maps import not_on_map_note, wijk_geometry, without_geometry, without_tile

FIXTURES = Path(__file__).parent / "fixtures" / "geometry"
CODES = ["BU00010001", "BU00010002", "BU00010003"]


def raw_with(tmp_path: Path, *files: str | tuple[str, str]) -> Path:
    """A raw folder whose areas/ holds the named fixtures (or (fixture, name-in-folder) pairs)."""
    areas = tmp_path / "raw" / "areas"
    areas.mkdir(parents=True)
    for f in files:
        source, target = f if isinstance(f, tuple) else (f, f)
        shutil.copy(FIXTURES / source, areas / target)
    return tmp_path / "raw"


def coordinates(frame: pl.DataFrame) -> dict[str, list]:
    return {code: json.loads(text)["coordinates"] for code, text in frame.select("wijk_code", "geometry").iter_rows()}


# --------------------------------------------------------------------------------------------------
# Reading and converting


def test_known_point_of_rd_new_is_converted_to_wgs84():
    lon, lat = rd_to_wgs84(155000.0, 463000.0)  # the RD origin, Amersfoort
    assert lon == pytest.approx(5.3872, abs=1e-4) and lat == pytest.approx(52.1552, abs=1e-4)


def test_wgs84_and_rd_new_with_and_without_crs_give_the_same_boundaries(tmp_path):
    wgs, wgs_info = read_geometry(raw_with(tmp_path / "a", "wgs84.geojson"))
    rd, rd_info = read_geometry(raw_with(tmp_path / "b", "rd_new_crs.geojson"))
    bare, bare_info = read_geometry(raw_with(tmp_path / "c", "rd_new_zonder_crs.json"))
    assert [i["format"] for i in (*wgs_info, *rd_info, *bare_info)] == [FORMATS[WGS84], FORMATS[RD_NEW], FORMATS[RD_NEW]]
    assert FORMATS[RD_NEW] == "GeoJSON (RD New, omgerekend naar WGS84)"
    for frame in (wgs, rd, bare):
        assert frame.schema == pl.Schema(SCHEMA)
        assert frame["wijk_code"].to_list() == CODES  # wijk_code / Wijk_Code / WIJK_CODE, buurtcode, STATCODE " bu… "
        assert frame["_line"].to_list() == [1, 2, 3] and frame["_problem"].null_count() == 3
    # the RD corner (155000, 463000) lands on lon 5.3872, lat 52.1552; all corners agree with the WGS84 file
    first = coordinates(rd)["BU00010001"][0][0]
    assert first == pytest.approx([5.3872, 52.1552], abs=1e-4)
    for converted in (coordinates(rd), coordinates(bare)):
        for code, rings in coordinates(wgs).items():
            flat = lambda ring: [v for point in sorted(map(tuple, ring)) for v in point]
            assert flat(converted[code][0]) == pytest.approx(flat(rings[0]), abs=2e-6)
    info = rd_info[0]
    assert info["file_name"] == "rd_new_crs.geojson" and info["rows_read"] == 3 and len(info["sha256"]) == 64
    assert info["size_bytes"] == (FIXTURES / "rd_new_crs.geojson").stat().st_size


def test_output_is_rfc7946_lon_lat_with_counter_clockwise_exteriors(tmp_path):
    frame, _ = read_geometry(raw_with(tmp_path, "rd_new_crs.geojson"))
    for text in frame["geometry"]:
        geometry = json.loads(text)
        assert geometry["type"] == "Polygon"
        ring = geometry["coordinates"][0]
        assert all(3 < lon < 8 and 50 < lat < 54 for lon, lat in ring)  # lon first: the Netherlands
        assert charts._ring_area(ring) > 0  # counter-clockwise


@pytest.mark.parametrize("properties, expected", [
    ({"wijk_code": "BU1"}, "BU1"), ({"Buurtcode": " bu0363ab "}, "BU0363AB"), ({"STATCODE": "BU2"}, "BU2"),
    ({" WIJK_CODE ": "bu3"}, "BU3"), ({"wijk_code": "", "buurtcode": "BU4"}, "BU4"),
    ({"wijkcode": "WK01", "buurtcode": "BU5"}, "BU5"),  # a buurt layer's wijkcode is the parent CBS-wijk
    ({"wijkcode": "WK01"}, None), ({"naam": "x"}, None), (None, None), ({"statcode": 363.0}, "363"),
])
def test_the_wijk_code_property_variants(properties, expected):
    assert wijk_code(properties) == expected


def test_a_json_that_is_not_geojson_is_left_to_the_other_readers(tmp_path):
    raw = raw_with(tmp_path, "odata_niet_geojson.json", "wgs84.geojson")
    frame, infos = read_geometry(raw)
    assert [i["file_name"] for i in infos] == ["wgs84.geojson"]
    assert frame.height == 3 and set(frame["_file"]) == {"wgs84.geojson"}
    assert not is_geojson((FIXTURES / "odata_niet_geojson.json").read_bytes())
    assert is_geojson((FIXTURES / "rd_new_zonder_crs.json").read_bytes())
    (raw / "areas" / "kapot.json").write_text("{niet: json")  # broken JSON in a .json: also not ours
    assert read_geometry(raw)[0].height == 3


def test_no_geometry_files_gives_the_empty_frame(tmp_path):
    for raw in (tmp_path / "nergens", raw_with(tmp_path, "odata_niet_geojson.json")):
        frame, infos = read_geometry(raw)
        assert frame.height == 0 and frame.schema == pl.Schema(SCHEMA) and infos == []


def _collection(*features, crs=None) -> str:
    return json.dumps({"type": "FeatureCollection", **({"crs": crs} if crs else {}), "features": list(features)})


def _square(code_key="wijk_code", code="BU1", x=5.0, y=52.0, size=0.01, **extra):
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Feature", "properties": {code_key: code, **extra}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_unusable_features_are_marked_not_dropped(tmp_path):
    bow_tie = _square(code="BU4")
    bow_tie["geometry"]["coordinates"] = [[[5.0, 52.0], [5.01, 52.01], [5.01, 52.0], [5.0, 52.01], [5.0, 52.0]]]
    features = [
        _square(code="BU1"),
        {"type": "Feature", "properties": {"naam": "zonder code"}, "geometry": _square()["geometry"]},
        {"type": "Feature", "properties": {"wijk_code": "BU2"}, "geometry": {"type": "Point", "coordinates": [5, 52]}},
        {"type": "Feature", "properties": {"wijk_code": "BU3"}, "geometry": None},
        bow_tie,  # self-intersecting: repaired, still an area
        _square(code="BU5", x=5_000_000.0, y=1.0),  # neither degrees nor RD New metres
        "geen feature",
    ]
    raw = tmp_path / "raw"
    (raw / "areas").mkdir(parents=True)
    (raw / "areas" / "grenzen.geojson").write_text(_collection(*features))
    frame, infos = read_geometry(raw)
    assert infos[0]["rows_read"] == frame.height == len(features)  # read = every feature
    problems = dict(zip(frame["_line"], frame["_problem"]))
    assert problems == {1: None, 2: "missing_value", 3: "invalid_geometry", 4: "invalid_geometry", 5: None,
                        6: "invalid_geometry", 7: "invalid_geometry"}
    assert "eigenschappen: naam" in frame.filter(pl.col("_line") == 2)["_problem_value"].item()
    assert "Point" in frame.filter(pl.col("_line") == 3)["_problem_value"].item()
    assert json.loads(frame.filter(pl.col("_line") == 5)["geometry"].item())["type"] in ("Polygon", "MultiPolygon")


def test_files_that_cannot_be_read_stop_with_a_dutch_message(tmp_path):
    areas = tmp_path / "raw" / "areas"
    areas.mkdir(parents=True)
    cases = {
        "leeg.geojson": "",
        "html.geojson": "<html><body>niet gevonden</body></html>",
        "kapot.geojson": '{"type": "FeatureCollection", "features": [',
        "punt.geojson": '{"type": "Point", "coordinates": [5, 52]}',
        "webmercator.geojson": _collection(_square(), crs={"type": "name", "properties": {"name": "EPSG:3857"}}),
    }
    for name, text in cases.items():
        (areas / name).write_text(text)
        with pytest.raises(RawFileError, match=f"areas/{name}"):
            read_geometry(tmp_path / "raw")
        (areas / name).unlink()


def test_a_link_out_of_the_raw_folder_is_refused(tmp_path):
    outside = tmp_path / "elders.geojson"
    shutil.copy(FIXTURES / "wgs84.geojson", outside)
    raw = raw_with(tmp_path)
    (raw / "areas" / "grenzen.geojson").symlink_to(outside)
    with pytest.raises(RawFileError, match="symbolische koppeling"):
        read_geometry(raw)


def test_the_same_file_twice_is_read_once(tmp_path):
    frame, infos = read_geometry(raw_with(tmp_path, ("wgs84.geojson", "a.geojson"), ("wgs84.geojson", "b.geojson")))
    assert frame.height == 3 and set(frame["_file"]) == {"a.geojson"}
    assert [(i["status"], i["duplicate_of"], i["rows_read"]) for i in infos] == [
        ("gelezen", None, 3), ("duplicaat", "a.geojson", 0)]


def test_crs_member_variants(tmp_path):
    rd_square = _square(x=155000.0, y=463000.0, size=100.0)
    areas = tmp_path / "raw" / "areas"
    areas.mkdir(parents=True)
    for name, value, expected in (("urn:ogc:def:crs:EPSG::28992", rd_square, RD_NEW), ("EPSG:28992", rd_square, RD_NEW),
                                  ("urn:ogc:def:crs:OGC:1.3:CRS84", _square(), WGS84),
                                  ("urn:ogc:def:crs:EPSG::4326", _square(), WGS84)):
        (areas / "g.geojson").write_text(_collection(value, crs={"type": "name", "properties": {"name": name}}))
        assert read_geometry(tmp_path / "raw")[1][0]["format"] == FORMATS[expected], name


# --------------------------------------------------------------------------------------------------
# SQL: base_area_geometry and the mart wijk_geometrie


def build_geometry_models(raw_geometry: pl.DataFrame, codes: list[str]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    load_macros(con)
    con.execute("CREATE TABLE stg_areas AS SELECT * FROM (VALUES " + ", ".join(
        f"('{c}', 'Wijk {c[-1]}', 'WK0001')" for c in codes) + ") t(wijk_code, wijk_naam, gebied_code)")
    con.register("raw_area_geometry", raw_geometry)
    for layer, name in (("staging", "base_area_geometry"), ("staging", "stg_area_geometry"), ("marts", "wijk_geometrie")):
        con.execute(f"CREATE TABLE {name} AS " + render((SQL_DIR / layer / f"{name}.sql").read_text(encoding="utf-8")))
    return con


def test_sql_keeps_the_last_boundary_of_known_wijken_and_quarantines_the_rest(tmp_path):
    raw = raw_with(tmp_path, ("wgs84.geojson", "a.geojson"), ("rd_new_crs.geojson", "b.geojson"))
    areas = raw / "areas"
    (areas / "c.geojson").write_text(_collection(_square(code="BU99999999"),
                                                 {"type": "Feature", "properties": {}, "geometry": None}))
    frame, _ = read_geometry(raw)
    con = build_geometry_models(frame, CODES[:2])  # BU00010003 is not a wijk of areas/
    staged = con.execute("SELECT _file, _line, wijk_code, reject_reason, reject_column FROM base_area_geometry "
                         "ORDER BY _file, _line").fetchall()
    assert staged == [
        ("a.geojson", 1, "BU00010001", "superseded", "wijk_code"),
        ("a.geojson", 2, "BU00010002", "superseded", "wijk_code"),
        ("a.geojson", 3, "BU00010003", "unknown_area", "wijk_code"),
        ("b.geojson", 1, "BU00010001", None, "wijk_code"),  # read last: b.geojson wins
        ("b.geojson", 2, "BU00010002", None, "wijk_code"),
        ("b.geojson", 3, "BU00010003", "unknown_area", "wijk_code"),
        ("c.geojson", 1, "BU99999999", "unknown_area", "wijk_code"),
        ("c.geojson", 2, None, "missing_value", "wijk_code"),
    ]
    mart = pl.from_arrow(con.sql("SELECT * FROM wijk_geometrie").to_arrow_table())
    assert mart["wijk_code"].to_list() == CODES[:2] and mart["gebied_code"].unique().to_list() == ["WK0001"]
    # the contracts name exactly the built columns, and their checks pass
    for layer, name in (("staging", "base_area_geometry"), ("staging", "stg_area_geometry"), ("marts", "wijk_geometrie")):
        contract = load_contract(SQL_DIR / layer / f"{name}.yml")
        assert [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()] == [c.name for c in contract.columns]
        query, expectations = gx_suite(contract, load_method())
        checked = pl.from_arrow(con.sql(query).to_arrow_table())
        for kind, args in expectations:
            if kind == "ExpectColumnValuesToBeInSet":
                assert set(checked[args["column"]].drop_nulls()) <= set(args["value_set"]), (name, args)
            elif kind == "ExpectColumnValuesToNotBeNull":
                assert checked[args["column"]].null_count() == 0, (name, args)
            elif kind == "ExpectColumnValuesToBeUnique":
                assert checked[args["column"]].is_unique().all(), (name, args)


def test_sql_without_geometry_files_builds_an_empty_mart():
    con = build_geometry_models(pl.DataFrame(schema=SCHEMA), CODES)
    assert con.execute("SELECT count(*) FROM wijk_geometrie").fetchone() == (0,)


# --------------------------------------------------------------------------------------------------
# Dashboard: the tile map without positions, the map of real boundaries


def wijken_year(tiles: dict[str, tuple[int | None, int | None]] | None = None) -> pl.DataFrame:
    tiles = tiles or {}
    rows = [{"wijk_code": c, "wijk_naam": f"Wijk {i + 1}", "gebied_code": "WK0001", "gebied_naam": "Centrum",
             "wijktype": "gemengd", "tile_x": tiles.get(c, (None, None))[0], "tile_y": tiles.get(c, (None, None))[1],
             "index": [6.2, None, 4.1][i], "categorie": ["aandachtswijk", None, "probleemwijk"][i],
             "indicatief": [False, None, True][i]} for i, c in enumerate(CODES)]
    return pl.DataFrame(rows, schema={"wijk_code": pl.String, "wijk_naam": pl.String, "gebied_code": pl.String,
                                      "gebied_naam": pl.String, "wijktype": pl.String, "tile_x": pl.Int64,
                                      "tile_y": pl.Int64, "index": pl.Float64, "categorie": pl.String,
                                      "indicatief": pl.Boolean})


def test_a_wijk_without_tile_position_is_left_out_with_a_note():
    frame = wijken_year({CODES[0]: (3, 0), CODES[2]: (1, 2)})  # Wijk 2 has no tile
    tiles = charts.tile_data(frame)
    assert tiles["wijk_code"].to_list() == [CODES[0], CODES[2]]
    assert tiles.select("x0", "y0").rows() == [(3.04, 0.04), (1.04, 2.04)]  # the others keep their places
    assert without_tile(frame) == ["Wijk 2"]
    assert not_on_map_note(without_tile(frame)) == "1 wijk zonder kaartpositie staat niet op de kaart: Wijk 2."
    one_tile = wijken_year({CODES[0]: (3, 0), CODES[1]: (None, 4)})
    assert not_on_map_note(without_tile(one_tile)) == \
        "2 wijken zonder kaartpositie staan niet op de kaart: Wijk 2 en Wijk 3."
    # no wijk with a position at all: the grid places every wijk, nothing is left out
    grid = charts.tile_positions(wijken_year())
    assert grid.height == 3 and grid["tile_x"].null_count() == 0 and without_tile(wijken_year()) == []
    assert not_on_map_note([]) is None
    many = not_on_map_note([f"W{i}" for i in range(20)], "grens")
    assert many.startswith("20 wijken zonder grens staan niet op de kaart: W0, W1") and many.endswith("en nog 8.")


def _geometry_mart(tmp_path: Path) -> pl.DataFrame:
    frame, _ = read_geometry(raw_with(tmp_path, "rd_new_crs.geojson"))
    con = build_geometry_models(frame, CODES[:2])  # the mart: BU00010001 and BU00010002
    return pl.from_arrow(con.sql("SELECT * FROM wijk_geometrie").to_arrow_table())


def test_the_geoshape_map_is_built_from_wijk_geometrie(tmp_path):
    mart = _geometry_mart(tmp_path)
    assert wijk_geometry({"wijk_geometrie": mart}) is not None
    assert wijk_geometry({"wijk_geometrie": mart.clear()}) is None and wijk_geometry({}) is None
    categories = [dict(c) for c in load_method()["categories"]]
    shapes = charts.geo_shapes(mart)
    frame = wijken_year({c: (i, 0) for i, c in enumerate(CODES)})
    spec = charts.with_data(charts.to_spec(charts.geo_map(categories)), {"vlakken": charts.geo_data(frame, shapes)})
    validate_jsonschema(spec, load_schema())
    assert spec["mark"]["type"] == "geoshape" and spec["projection"] == {"type": "mercator"}
    assert "wijken" in spec["description"].lower()
    assert [t["field"] for t in spec["encoding"]["tooltip"]] == ["Wijk", "Gebied", "Index", "Categorie"]
    assert spec["encoding"]["color"]["scale"]["domain"][-1] == charts.NO_INDEX
    assert [p["name"] for p in spec["params"]] == ["wijk"]  # the click opens the wijk page, as on the tile map
    features = spec["datasets"]["vlakken"]
    assert [f["wijk_code"] for f in features] == CODES[:2]
    assert [(f["Wijk"], f["Index"], f["Categorie"]) for f in features] == [
        ("Wijk 1", "6,2", "Aandachtswijk"), ("Wijk 2", "–", charts.NO_INDEX)]
    # the same texts as the tile map's tooltips
    tiles = charts.tile_data(frame).filter(pl.col("wijk_code").is_in(CODES[:2]))
    assert [(f["Wijk"], f["Gebied"], f["Index"], f["Categorie"]) for f in features] == \
        tiles.select("Wijk", "Gebied", "Index", "Categorie").rows()
    for feature in features:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Polygon"
        assert charts._ring_area(feature["geometry"]["coordinates"][0]) < 0  # d3-geo: exterior clockwise
    json.dumps(spec)  # plain JSON for the browser
    # the wijk without a boundary is named under the map
    missing = without_geometry(frame, pl.DataFrame({"wijk_code": list(shapes)}))
    assert not_on_map_note(missing, "grens") == "1 wijk zonder grens staat niet op de kaart: Wijk 3."


def test_holes_and_multipolygons_are_wound_for_d3():
    outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]  # counter-clockwise
    hole = [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]  # clockwise
    polygon = charts.d3_geometry({"type": "Polygon", "coordinates": [outer, hole]})["coordinates"]
    assert charts._ring_area(polygon[0]) < 0 < charts._ring_area(polygon[1])
    multi = charts.d3_geometry({"type": "MultiPolygon", "coordinates": [[outer], [outer[::-1]]]})["coordinates"]
    assert all(charts._ring_area(p[0]) < 0 for p in multi)
