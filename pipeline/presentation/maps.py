"""Which map the city page draws and which wijken it leaves out, in Dutch (dashboard and, later, the
PDF scorecard): the real boundaries (mart wijk_geometrie, from areas/*.geojson) when the publication
has them, else the schematic tile map (tile_x/tile_y of wijken). A wijk that the chosen map cannot
place is left out of it, and a note under the map names it: never silently, and never by
rearranging the other wijken."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

GEOMETRY = "wijk_geometrie"
MAX_NAMES = 12  # the note names at most this many wijken, then "en nog N"


def wijk_geometry(marts: Mapping[str, pl.DataFrame] | object) -> pl.DataFrame | None:
    """The publication's wijk boundaries (wijk_code, wijk_naam, gebied_code, geometry), or None when
    it has none (no areas/*.geojson, or a publication from before the mart existed)."""
    frames = getattr(marts, "frames", marts)
    frame = frames.get(GEOMETRY) if hasattr(frames, "get") else None
    if frame is None or not frame.height or "geometry" not in frame.columns:
        return None
    frame = frame.filter(pl.col("geometry").is_not_null())
    return frame if frame.height else None


def has_tiles() -> pl.Expr:
    """True for a wijk with both tile_x and tile_y."""
    return pl.col("tile_x").is_not_null() & pl.col("tile_y").is_not_null()


def tile_grid_needed(wijken: pl.DataFrame) -> bool:
    """No wijk has a tile position (the columns are absent or empty): a plain grid stands in."""
    if not {"tile_x", "tile_y"} <= set(wijken.columns):
        return True
    return not wijken.select(has_tiles().any()).item()


def _names(frame: pl.DataFrame) -> list[str]:
    return frame.sort("wijk_naam", "wijk_code").get_column("wijk_naam").fill_null("").to_list() if frame.height else []


def without_tile(wijken: pl.DataFrame) -> list[str]:
    """Names of the wijken the tile map leaves out: those without tile_x/tile_y while others have
    them (when none has one the grid places every wijk)."""
    if tile_grid_needed(wijken):
        return []
    return _names(wijken.filter(~has_tiles()))


def without_geometry(wijken: pl.DataFrame, geometry: pl.DataFrame) -> list[str]:
    """Names of the wijken that have no boundary in wijk_geometrie."""
    return _names(wijken.join(geometry.select("wijk_code"), on="wijk_code", how="anti"))


def _listing(names: list[str]) -> str:
    shown = [n or "(naamloos)" for n in names[:MAX_NAMES]]
    rest = len(names) - len(shown)
    if rest:
        return ", ".join(shown) + f" en nog {rest}"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " en " + shown[-1]


def not_on_map_note(names: list[str], what: str = "kaartpositie") -> str | None:
    """'N wijken zonder kaartpositie staan niet op de kaart: A, B en C.' (None when none is missing).
    `what`: 'kaartpositie' (tile map) or 'grens' (the map of real boundaries)."""
    if not names:
        return None
    noun, verb = ("wijk", "staat") if len(names) == 1 else ("wijken", "staan")
    return f"{len(names)} {noun} zonder {what} {verb} niet op de kaart: {_listing(names)}."
