"""The optional wijk boundaries of areas/ (INPUTS.md "areas/ — optional geometry"): every
`areas/*.geojson` and every `areas/*.json` whose content is a GeoJSON FeatureCollection, one feature
per wijk, in WGS84 (lon/lat) or RD New (EPSG:28992, converted to WGS84 here).

Like the CSV readers this module only reads and marks: every feature becomes one row of
`raw_area_geometry` with its file and feature number (`_line`, 1-based, as a record number), and a
feature that cannot be drawn gets a `_problem` (`missing_value`: no wijk code; `invalid_geometry`:
no area, unreadable or out-of-range coordinates), which the SQL quarantines
(sql/staging/base_area_geometry.sql). Whether the code is a known wijk is decided there, against
stg_areas. A file that cannot be read at all (not JSON, not a FeatureCollection, an unsupported
coordinate system) stops the run with a Dutch RawFileError, as for the CSV sources. A `.json` that is
not GeoJSON is not ours: it is skipped here and left to the readers of the other JSON forms.

Geometry handling (shapely, pyproj):
* the coordinate system comes from the `crs` member (`urn:ogc:def:crs:EPSG::28992`, `EPSG:4326`,
  `urn:ogc:def:crs:OGC:1.3:CRS84`, ...) and, when that is absent, from the magnitudes of the
  coordinates (RD New metres lie in x -7 000…300 000, y 289 000…629 000; degrees within ±180/±90);
* an invalid polygon (self-intersection, a bow-tie) is repaired with shapely's make_valid; only its
  polygonal parts count (a wijk is an area); nothing left is `invalid_geometry`;
* the boundary is simplified with a tolerance of SIMPLIFY_METRES (5 m, in RD New before the
  conversion; for WGS84 input the same 5 m as degrees of latitude): far below one pixel of a city
  map, it keeps the dashboard light. Coordinates are rounded to COORDINATE_DECIMALS (6 decimals,
  about 0.1 m);
* the result is written as RFC 7946 GeoJSON geometry text: WGS84, lon/lat order, 2D, exterior rings
  counter-clockwise (the dashboard rewinds for Vega's d3-geo, which wants the opposite).
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipeline.ingest.readers import (
    RawFileError,
    _inside,
    _not_regular,
    _outside_link,
    excerpt,
    read_raw_bytes,
    sha256_of,
)

FOLDER = "areas"
EXTENSIONS = (".geojson", ".json")
# properties that hold the wijk code (INPUTS.md; CBS "Wijk- en buurtkaart"), first match wins;
# matched case-insensitively. Not `wijkcode`: in a CBS buurt layer that is the parent CBS-wijk.
CODE_KEYS = ("wijk_code", "buurtcode", "statcode")

SIMPLIFY_METRES = 5.0  # simplification tolerance of a boundary (see the module docstring)
METRES_PER_DEGREE_LAT = 111_320.0
COORDINATE_DECIMALS = 6
# A file-format limit (docs/robustness.md), not a method number: a gemeente's buurten are a few MB;
# the whole country's buurtkaart is several hundred MB and belongs cut to the gemeente first.
MAX_GEOMETRY_BYTES = 256 * 1024 * 1024
SNIFF_BYTES = 1 << 20  # a .json over the limit is only ours when this much of it says FeatureCollection

WGS84, RD_NEW = "wgs84", "rd"
FORMATS = {WGS84: "GeoJSON (WGS84)", RD_NEW: "GeoJSON (RD New, omgerekend naar WGS84)"}
# EPSG codes read as WGS84: WGS84 itself, its 3D form, and ETRS89 (equal to WGS84 within a metre or so)
WGS84_EPSG = {"4326", "4979", "4258", "4937"}
RD_EPSG = {"28992"}
RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)  # minx, miny, maxx, maxy of RD New (metres)
WGS84_BOUNDS = (-180.0, -90.0, 180.0, 90.0)
POLYGONAL = ("Polygon", "MultiPolygon")

MISSING_VALUE, INVALID_GEOMETRY = "missing_value", "invalid_geometry"

SCHEMA = {
    "wijk_code": pl.String, "geometry": pl.String, "_file": pl.String, "_file_order": pl.Int32,
    "_line": pl.Int64, "_problem": pl.String, "_problem_value": pl.String,
}


def empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


# --------------------------------------------------------------------------------------------------
# Listing and recognising


def list_geometry_files(raw_dir: Path) -> list[Path]:
    """Every areas/*.geojson and areas/*.json, in file-name order, confined to the raw folder like
    the CSV sources: no link out of it, no FIFO, device or socket."""
    folder = raw_dir / FOLDER
    real_root = os.path.realpath(raw_dir)
    if folder.is_symlink() and not _inside(os.path.realpath(folder), real_root):
        raise _outside_link(f"{FOLDER}/", "een map")
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except PermissionError:
        raise RawFileError(f"Bronmap {FOLDER}/ is niet leesbaar (geen leesrechten).") from None
    files = []
    for entry in entries:
        path = Path(entry.path)
        if path.suffix.lower() not in EXTENSIONS:
            continue
        name = f"{FOLDER}/{entry.name}"
        if entry.is_symlink() and not _inside(os.path.realpath(path), real_root):
            raise _outside_link(name, "een bestand")
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            if entry.is_symlink():
                raise RawFileError(f"{name} is een symbolische koppeling naar een bestand dat niet bestaat.") from None
            continue  # removed while listing
        if stat.S_ISDIR(mode):
            continue
        if not stat.S_ISREG(mode):
            raise _not_regular(name)
        files.append(path)
    return files


def decode_json(data: bytes) -> tuple[str | None, str]:
    """JSON text and its encoding (UTF-8 with optional BOM; Windows-1252 as the readers' fallback);
    None when the content is binary."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:65536]:
        return None, ""
    bom = data.startswith(b"\xef\xbb\xbf")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            return None, ""


def _geojson_kind(document) -> str | None:
    kind = document.get("type") if isinstance(document, dict) else None
    return kind if isinstance(kind, str) and kind in ("FeatureCollection", "Feature") else None


def is_geojson(data: bytes) -> bool:
    """Whether a file's content is GeoJSON (a FeatureCollection or a single Feature): for the
    readers of the other JSON forms in areas/, which leave such a file to this module."""
    text, _ = decode_json(data)
    if text is None or text.lstrip()[:1] != "{":
        return False
    try:
        return _geojson_kind(json.loads(text)) is not None
    except (ValueError, RecursionError):
        return False


def _load(path: Path, raw_dir: Path) -> tuple[dict | None, bytes | None, str]:
    """The parsed document of one listed file, its bytes and encoding; (None, None, "") for a .json
    that is not ours."""
    name = f"{FOLDER}/{path.name}"
    geojson_name = path.suffix.lower() == ".geojson"
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0  # vanished or unreadable: read_raw_bytes below says so in Dutch
    if size > MAX_GEOMETRY_BYTES:
        if not geojson_name and b'"FeatureCollection"' not in read_head(path, name, raw_dir):
            return None, None, ""
        raise RawFileError(f"{name} is groter dan {MAX_GEOMETRY_BYTES // (1024 * 1024)} MB. Knip de kaart bij tot "
                           "de eigen gemeente (bijvoorbeeld in QGIS: alleen de buurten van de gemeente exporteren) "
                           "en zet dat bestand hier neer.")
    data = read_raw_bytes(path, name, raw_dir)
    text, encoding = decode_json(data)
    if text is None:
        if geojson_name:
            raise RawFileError(f"{name}: dit is geen tekstbestand (binaire inhoud); verwacht GeoJSON.")
        return None, None, ""
    if not text.strip():
        if geojson_name:
            raise RawFileError(f"{name}: het bestand is leeg; verwacht een GeoJSON FeatureCollection.")
        return None, None, ""
    if text.lstrip()[:1] != "{":
        if geojson_name:
            raise RawFileError(f"{name}: dit is geen GeoJSON (een GeoJSON-bestand begint met '{{'); verwacht een "
                               "FeatureCollection met één feature per wijk.")
        return None, None, ""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if geojson_name:
            raise RawFileError(f"{name}, regel {exc.lineno}: geen geldige JSON ({exc.msg}); verwacht een GeoJSON "
                               "FeatureCollection.") from None
        return None, None, ""
    except RecursionError:
        if geojson_name:
            raise RawFileError(f"{name}: de JSON is te diep genest om te lezen; verwacht een GeoJSON "
                               "FeatureCollection.") from None
        return None, None, ""
    if _geojson_kind(document) is None:
        if geojson_name:
            found = document.get("type") if isinstance(document, dict) else type(document).__name__
            raise RawFileError(f"{name}: dit is geen GeoJSON FeatureCollection (type: {excerpt(str(found), 60)}); "
                               "verwacht één feature per wijk met de wijkcode in 'properties'.")
        return None, None, ""
    return document, data, encoding


def read_head(path: Path, name: str, raw_dir: Path) -> bytes:
    """The first SNIFF_BYTES of a file too large to read whole, with read_raw_bytes' confinement."""
    real = os.path.realpath(path)
    if not _inside(real, os.path.realpath(raw_dir)):
        raise _outside_link(name, "een bestand")
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise RawFileError(f"{name} kan niet worden geopend ({exc.strerror}).") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _not_regular(name)
        return handle.read(SNIFF_BYTES)


# --------------------------------------------------------------------------------------------------
# Coordinate systems


def declared_crs(document: dict, name: str) -> str | None:
    """WGS84 or RD_NEW from the (pre-RFC 7946) `crs` member; None when there is none."""
    crs = document.get("crs")
    if crs in (None, {}):
        return None
    props = crs.get("properties") if isinstance(crs, dict) else None
    props = props if isinstance(props, dict) else {}
    text = str(props.get("name") or props.get("code") or "")
    upper = text.upper()
    if "CRS84" in upper:
        return WGS84
    numbers = re.findall(r"\d+", upper)
    code = numbers[-1] if numbers and ("EPSG" in upper or text.strip().isdigit()) else None
    if code in RD_EPSG:
        return RD_NEW
    if code in WGS84_EPSG:
        return WGS84
    raise RawFileError(f"{name}: het coördinatenstelsel '{excerpt(text or json.dumps(crs), 80)}' wordt niet "
                       "ondersteund; lever de wijkgrenzen in WGS84 (EPSG:4326) of RD New (EPSG:28992).")


def _within(bounds: tuple[float, ...], box: tuple[float, ...]) -> bool:
    minx, miny, maxx, maxy = bounds
    return all(map(math.isfinite, bounds)) and box[0] <= minx and maxx <= box[2] and box[1] <= miny and maxy <= box[3]


def coordinate_system(bounds: tuple[float, ...]) -> str | None:
    """Which system a geometry's coordinates fit: WGS84 degrees, RD New metres, or neither."""
    if _within(bounds, WGS84_BOUNDS):
        return WGS84
    if _within(bounds, RD_BOUNDS):
        return RD_NEW
    return None


@lru_cache(maxsize=1)
def _rd_to_wgs84():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)  # lon/lat order


def rd_to_wgs84(x, y):
    """RD New metres to WGS84 lon/lat (arrays or numbers)."""
    return _rd_to_wgs84().transform(x, y)


# --------------------------------------------------------------------------------------------------
# Features


def wijk_code(properties) -> str | None:
    """The wijk code of a feature: the first of CODE_KEYS (any case) with a value, trimmed, upper-case."""
    if not isinstance(properties, dict):
        return None
    by_key = {str(k).strip().lower(): v for k, v in properties.items()}
    for key in CODE_KEYS:
        value = by_key.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, (dict, list)):
            continue
        text = str(value).strip().upper()
        if text:
            return text
    return None


class _Invalid(Exception):
    """A feature whose geometry cannot be drawn; the message is the quarantined value (Dutch)."""


def _shape(geometry):
    """A shapely geometry from a GeoJSON geometry object of a polygonal type, 2D, not yet checked
    for validity or area (prepare does that)."""
    import shapely
    from shapely.geometry import shape

    if not isinstance(geometry, dict):
        raise _Invalid("geen geometrie")
    kind = geometry.get("type")
    if kind not in (*POLYGONAL, "GeometryCollection"):
        raise _Invalid(f"geometrietype {excerpt(str(kind), 40)}, verwacht Polygon of MultiPolygon")
    try:
        geom = shapely.force_2d(shape(geometry))
    except Exception as exc:  # noqa: BLE001 - shapely raises several types for malformed coordinates
        raise _Invalid(f"onleesbare coördinaten ({excerpt(str(exc), 80)})") from None
    if geom.is_empty:
        raise _Invalid("lege geometrie")
    return geom


def _polygonal(geom):
    """Only the polygonal parts of a geometry (a GeometryCollection from make_valid or the input),
    as a Polygon or MultiPolygon; None when no area is left."""
    from shapely.geometry import MultiPolygon

    if geom.is_empty:
        return None
    if geom.geom_type == "Polygon":
        parts = [geom]
    elif geom.geom_type == "MultiPolygon":
        parts = list(geom.geoms)
    elif geom.geom_type == "GeometryCollection":
        parts = [p for g in geom.geoms if (q := _polygonal(g)) is not None
                 for p in (q.geoms if q.geom_type == "MultiPolygon" else [q])]
    else:
        return None
    parts = [p for p in parts if not p.is_empty and p.area > 0]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def prepare(geom, crs: str):
    """Repair, simplify (SIMPLIFY_METRES) and convert one polygonal geometry to WGS84, RFC 7946
    winding. Raises _Invalid when nothing drawable is left."""
    import numpy as np
    import shapely

    valid = geom.is_valid
    geom = _polygonal(geom if valid else shapely.make_valid(geom))
    if geom is None:
        raise _Invalid("geen vlak (geen polygoon met oppervlakte)" if valid
                       else "ongeldige geometrie die niet te herstellen is")
    tolerance = SIMPLIFY_METRES if crs == RD_NEW else SIMPLIFY_METRES / METRES_PER_DEGREE_LAT
    simplified = geom.simplify(tolerance, preserve_topology=True)
    if not simplified.is_empty and simplified.is_valid and simplified.area > 0:
        geom = simplified
    if crs == RD_NEW:
        geom = shapely.transform(geom, lambda xy: np.column_stack(rd_to_wgs84(xy[:, 0], xy[:, 1])))
        if not _within(geom.bounds, WGS84_BOUNDS):
            raise _Invalid("coördinaten buiten het bereik van RD New")
    return shapely.orient_polygons(geom, exterior_cw=False)  # RFC 7946: exterior counter-clockwise


def _rounded(value):
    if isinstance(value, float):
        return round(value, COORDINATE_DECIMALS)
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def geometry_text(geom) -> str:
    """The GeoJSON geometry as compact text, coordinates rounded to COORDINATE_DECIMALS."""
    from shapely.geometry import mapping

    shape = mapping(geom)
    return json.dumps({"type": shape["type"], "coordinates": _rounded(shape["coordinates"])},
                      separators=(",", ":"))


def read_features(document: dict, name: str) -> tuple[list[dict], str]:
    """The rows of one GeoJSON document (one per feature) and its coordinate system."""
    if document["type"] == "Feature":
        features = [document]
    else:
        features = document.get("features")
        if not isinstance(features, list):
            raise RawFileError(f"{name}: de FeatureCollection heeft geen lijst 'features'.")
    declared = declared_crs(document, name)
    rows, shapes = [], []
    for number, feature in enumerate(features, start=1):
        row = {"wijk_code": None, "geometry": None, "_line": number, "_problem": None, "_problem_value": None}
        rows.append(row)
        shapes.append(None)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            row["_problem"], row["_problem_value"] = INVALID_GEOMETRY, "geen GeoJSON-feature"
            continue
        properties = feature.get("properties")
        row["wijk_code"] = wijk_code(properties)
        if row["wijk_code"] is None:
            keys = properties if isinstance(properties, dict) else {}
            row["_problem"] = MISSING_VALUE
            row["_problem_value"] = excerpt(f"geen {', '.join(CODE_KEYS[:-1])} of {CODE_KEYS[-1]}; eigenschappen: "
                                            + (", ".join(map(str, keys)) or "geen"))
            continue
        try:
            shapes[-1] = _shape(feature.get("geometry"))
        except _Invalid as exc:
            row["_problem"], row["_problem_value"] = INVALID_GEOMETRY, str(exc)
    systems = [coordinate_system(s.bounds) if s is not None else None for s in shapes]
    crs = declared or _majority([s for s in systems if s is not None])
    for row, geom, system in zip(rows, shapes, systems):
        if geom is None or row["_problem"] is not None:
            continue
        if system != crs:
            row["_problem"] = INVALID_GEOMETRY
            row["_problem_value"] = ("coördinaten passen niet bij RD New (EPSG:28992)" if crs == RD_NEW
                                     else "coördinaten passen niet bij WGS84 (lengte/breedte in graden)")
            continue
        try:
            row["geometry"] = geometry_text(prepare(geom, crs))
        except _Invalid as exc:
            row["_problem"], row["_problem_value"] = INVALID_GEOMETRY, str(exc)
    return rows, crs


def _majority(systems: list[str]) -> str:
    """The system most features fit (RD New on a tie: the Dutch default); WGS84 for none."""
    if not systems:
        return WGS84
    rd = systems.count(RD_NEW)
    return RD_NEW if rd * 2 >= len(systems) else WGS84


def read_geometry(raw_dir: Path) -> tuple[pl.DataFrame, list[dict]]:
    """Every GeoJSON file of areas/ as rows of raw_area_geometry (SCHEMA; empty without files) and
    one info dict per file: file_name, file_order, sha256, size_bytes, encoding, format, rows_read,
    status ('gelezen' | 'duplicaat') and duplicate_of. A file with the same content as an earlier
    one is read once (status duplicaat, rows_read 0), as the CSV sources do."""
    raw_dir = Path(raw_dir)
    frames, infos, seen = [], [], {}
    for path in list_geometry_files(raw_dir):
        document, data, encoding = _load(path, raw_dir)
        if document is None:
            continue  # a .json that is not GeoJSON: another reader's
        order = len(infos)
        info = {"file_name": path.name, "file_order": order, "sha256": sha256_of(data), "size_bytes": len(data),
                "encoding": encoding, "format": "", "rows_read": 0, "status": "gelezen", "duplicate_of": None}
        del data
        infos.append(info)
        if info["sha256"] in seen:  # the same content twice never counts twice
            first = seen[info["sha256"]]
            info.update(status="duplicaat", duplicate_of=first["file_name"], format=first["format"])
            continue
        seen[info["sha256"]] = info
        rows, crs = read_features(document, f"{FOLDER}/{path.name}")
        del document
        info["format"], info["rows_read"] = FORMATS[crs], len(rows)
        frame = pl.DataFrame(rows, schema={c: t for c, t in SCHEMA.items() if c not in ("_file", "_file_order")})
        frames.append(frame.with_columns(pl.lit(path.name).alias("_file"),
                                         pl.lit(order, dtype=pl.Int32).alias("_file_order")).select(list(SCHEMA)))
    return (pl.concat(frames) if frames else empty_frame()), infos
