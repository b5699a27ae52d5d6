"""Where a run reads and writes. Defaults: data/raw -> data/marts (+ the DuckDB file there)."""


import os
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from pipeline import PROJECT_ROOT, locking
from pipeline.method import DEFAULT_METHOD, load_method

DEFAULT_RAW = PROJECT_ROOT / "data" / "raw"
DEFAULT_MARTS = PROJECT_ROOT / "data" / "marts"


def default_database(marts: Path) -> Path:
    """The analysts' DuckDB file: beside the marts folder, never inside it, because it holds
    respondent-level rows that must not travel with the publication (data/marts ->
    data/warehouse/marts.duckdb)."""
    return marts.parent / "warehouse" / f"{marts.name}.duckdb"


class PipelineSettings(dg.ConfigurableResource):
    """The raw folder a run reads, the marts folder it publishes to, the method version and an
    optional base year. While a run uses it, it holds the run lock of the marts folder: two runs
    never interleave."""

    raw_dir: str = str(DEFAULT_RAW)
    marts_dir: str = str(DEFAULT_MARTS)
    base_year: int | None = None
    method: str = DEFAULT_METHOD  # "v2" (per-respondent uncertainty) or "v1"
    _acquired: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        try:
            self._acquired = locking.acquire(self.marts_path)
        except locking.RunLocked as exc:
            raise dg.Failure(description=str(exc)) from None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._acquired:
            locking.release(self.marts_path)

    def method_config(self) -> dict:
        return load_method(self.method)

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir).resolve()

    @property
    def marts_path(self) -> Path:
        return Path(self.marts_dir).resolve()


def build_resources(raw_dir: str | os.PathLike | None = None, marts_dir: str | os.PathLike | None = None,
                    base_year: int | None = None, database: str | os.PathLike | None = None,
                    method: str | None = None) -> dict:
    raw = Path(raw_dir or os.environ.get("VI_RAW_DIR", DEFAULT_RAW)).resolve()
    marts = Path(marts_dir or os.environ.get("VI_MARTS_DIR", DEFAULT_MARTS)).resolve()
    db = Path(database or os.environ.get("VI_DATABASE") or default_database(marts)).resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    return {
        "settings": PipelineSettings(raw_dir=str(raw), marts_dir=str(marts), base_year=base_year,
                                     method=method or os.environ.get("VI_METHOD") or DEFAULT_METHOD),
        "duckdb": DuckDBResource(database=str(db)),
    }
