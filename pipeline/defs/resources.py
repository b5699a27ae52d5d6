"""Resources are configuration: where a run reads and writes, and with which method.

Defaults: data/raw -> data/marts, the analysts' DuckDB beside the marts folder, method v2. In the
Dagster UI each is an environment variable (dg.EnvVar: VI_RAW_DIR, VI_MARTS_DIR, VI_DATABASE,
VI_METHOD) when it is set, and can be changed per run in the Launchpad; the CLI passes them as
run config. Nothing here has side effects: folders are made when a run starts.
"""

import os
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline import PROJECT_ROOT
from pipeline.core import RunSpec, StepFailed, open_warehouse, restrict
from pipeline.method import DEFAULT_METHOD

DEFAULT_RAW = PROJECT_ROOT / "data" / "raw"
DEFAULT_MARTS = PROJECT_ROOT / "data" / "marts"


def default_database(marts: Path) -> Path:
    """The analysts' DuckDB file: beside the marts folder, never inside it, because it holds
    respondent-level rows that must not travel with the publication (data/marts ->
    data/warehouse/marts.duckdb)."""
    return marts.parent / "warehouse" / f"{marts.name}.duckdb"


class PipelineSettings(dg.ConfigurableResource):
    """The raw folder a run reads, the marts folder it publishes to, the method version ("v2",
    per-respondent uncertainty, or "v1") and an optional base year."""

    raw_dir: str = str(DEFAULT_RAW)
    marts_dir: str = str(DEFAULT_MARTS)
    base_year: int | None = None
    method: str = DEFAULT_METHOD

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir).resolve()

    @property
    def marts_path(self) -> Path:
        return Path(self.marts_dir).resolve()

    def run_spec(self, database: str | None = None) -> RunSpec:
        return RunSpec(self.raw_path, self.marts_path, self.method, self.base_year,
                       Path(database).resolve() if database else None)


class Warehouse(DuckDBResource):
    """The analysts' DuckDB file (dagster-duckdb's resource), readable by its owner only: it holds
    respondent rows. A file held open by another process (an analyst's DuckDB session) fails the
    step within seconds with a message that says what to do, instead of dagster-duckdb's retries."""

    @contextmanager
    def get_connection(self):
        try:
            con = open_warehouse(Path(self.database), self.connection_config)
        except StepFailed as exc:
            raise dg.Failure(description=str(exc)) from None
        try:
            yield con
        finally:
            con.close()
            restrict(Path(self.database))


def _setting(env: str, default: str) -> str | dg.EnvVar:
    """dg.EnvVar when the variable is set (Dagster reads its value at run time), else the default."""
    return dg.EnvVar(env) if os.environ.get(env) else default


def default_resources() -> dict:
    """The resources of the Dagster definitions: environment variables where set, else defaults."""
    marts = Path(os.environ.get("VI_MARTS_DIR") or DEFAULT_MARTS).resolve()
    return {
        "settings": PipelineSettings(raw_dir=_setting("VI_RAW_DIR", str(DEFAULT_RAW)),
                                     marts_dir=_setting("VI_MARTS_DIR", str(DEFAULT_MARTS)),
                                     method=_setting("VI_METHOD", DEFAULT_METHOD)),
        "duckdb": Warehouse(database=_setting("VI_DATABASE", str(default_database(marts)))),
    }


def run_config(raw: Path, marts: Path, method: str | None = None, base_year: int | None = None,
               database: Path | None = None) -> dict:
    """Run config for the job: one run's folders and method, as the Launchpad would give them."""
    marts = Path(marts).resolve()
    settings = {"raw_dir": str(Path(raw).resolve()), "marts_dir": str(marts), "method": method or DEFAULT_METHOD}
    if base_year is not None:
        settings["base_year"] = base_year
    return {"resources": {
        "settings": {"config": settings},
        "duckdb": {"config": {"database": str(Path(database or default_database(marts)).resolve())}},
    }}
