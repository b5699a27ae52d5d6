"""Reading one publication (all frames from one publicatie_id, with the method it was made with)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline import PROJECT_ROOT
from pipeline.method import load_method
from pipeline.publish.publication import (MANIFEST, PublicationMissing, published_files, read_publication,
                              read_published_method)

DEFAULT_MARTS_DIR = PROJECT_ROOT / "data" / "marts"

# The files of one publication, as pipeline/publish.py writes them.
MART_NAMES = tuple(name.removesuffix(".parquet") for name in published_files())

class MartsError(Exception):
    """The publication cannot be read (Dutch message for the user)."""


class MartsNotFound(MartsError):
    """There is no (complete) publication in the marts folder."""


class PublicationInProgress(MartsError):
    """The files kept carrying different publicatie_ids: a publication is being written."""


@dataclass(frozen=True)
class Marts:
    """One consistent publication: every frame carries manifest['publicatie_id']."""

    directory: Path
    manifest: dict
    frames: dict[str, pl.DataFrame] = field(repr=False)
    # The resolved method config the publication was computed with (publish.read_published_method),
    # not whatever the config files say today.
    method: dict = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.frames[name]

    @property
    def publication_id(self) -> str:
        return self.manifest["publicatie_id"]



def read_marts(marts_dir: Path, attempts: int = 20) -> Marts:
    """Read one complete publication: the immutable directory `publicatie.json` points at (see
    pipeline/publish.py), so a publication in progress or a killed run is never seen half."""
    marts_dir = Path(marts_dir)
    if not (marts_dir / MANIFEST).exists():
        raise MartsNotFound(f"Er is nog geen publicatie in {marts_dir}.")
    try:
        manifest, frames = read_publication(marts_dir, list(MART_NAMES), attempts=attempts)
    except PublicationMissing as exc:
        raise PublicationInProgress(
            f"De publicatie in {marts_dir} kon niet in één keer gelezen worden ({exc}). "
            "Probeer het over een minuut opnieuw.") from None
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise MartsError(f"Een bestand in {marts_dir} is niet leesbaar ({exc}). Draai de pipeline opnieuw.") from None
    try:
        method = read_published_method(marts_dir, manifest)
    except (OSError, ValueError) as exc:
        raise MartsError(f"De methode van de publicatie in {marts_dir} is niet leesbaar ({exc}). "
                         "Draai de pipeline opnieuw.") from None
    for name in MART_NAMES:  # an older publication: the marts and columns added since are empty
        frames[name] = _with_contract_columns(frames[name], name) if name in frames else _empty_mart(name)
    return Marts(marts_dir, manifest, frames, method)


# DuckDB type names of the mart contracts (sql/marts/*.yml data_type) -> the dtype Parquet gives polars
POLARS_TYPES = {"varchar": pl.String, "bigint": pl.Int64, "integer": pl.Int32, "uinteger": pl.UInt32,
                "double": pl.Float64, "boolean": pl.Boolean, "date": pl.Date,
                "timestamp with time zone": pl.Datetime("us", "UTC"), "timestamp": pl.Datetime("us")}


def _contract_schema(name: str) -> dict:
    from pipeline.models.runner import discover_models

    model = discover_models().get(name)
    return {c.name: POLARS_TYPES.get((c.data_type or "varchar").lower(), pl.String)
            for c in (model.contract.columns if model and model.contract else [])}


def _with_contract_columns(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """A mart of an older publication gets the columns added to its contract since, empty (null)."""
    missing = {c: t for c, t in _contract_schema(name).items() if c not in frame.columns}
    return frame.with_columns(pl.lit(None, dtype=t).alias(c) for c, t in missing.items()) if missing else frame


def _empty_mart(name: str) -> pl.DataFrame:
    """A mart a publication predates: no rows, the columns and types of its contract, so that pages
    filter and compare it as they do a real one and simply show nothing."""
    return pl.DataFrame(schema={**_contract_schema(name), "publicatie_id": pl.String})


def published_method(marts) -> dict:
    """The method config of this publication; today's default config only for bare frame mappings."""
    return getattr(marts, "method", None) or load_method()
