"""Which raw files were added, changed (by content) or removed since the last publication: the mart
bestandswijzigingen, its summary in Dagster, and the raw-files sensor that starts a run on content,
not on modification times, only once files stand still, and never when nothing changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

from pipeline.alerts.status import parse_time
from pipeline.defs import automation
from pipeline.defs.automation import raw_files_sensor
from pipeline.defs.resources import PipelineSettings
from pipeline.publish.publication import read_manifest
from tests.conftest import GOLDEN_RAW, RawFolder, build_database, materialize

POLITIE = "politie/geregistreerde_misdrijven_2019_2022.csv"
BEVOLKING = "bevolking/bevolking.csv"
VOORTGANG = "prestaties/voortgang.csv"


def changes(frame) -> dict[tuple[str, str], str]:
    return {(r["bron"], r["bestand"]): r["wijziging"] for r in frame.iter_rows(named=True)}


def db_changes(con) -> dict[tuple[str, str], str]:
    return {(b, f): w for b, f, w in con.execute("SELECT bron, bestand, wijziging FROM bestandswijzigingen").fetchall()}


def touch(path: Path, seconds: int = 10) -> None:
    """A new modification time, same content (a re-copied file)."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 10**9))


# --- The mart, across publications --------------------------------------------------------------------

def test_added_changed_and_removed_files_across_two_publications(tmp_path):
    raw, marts = RawFolder(tmp_path / "raw"), tmp_path / "marts"
    first = materialize(raw.root, marts, checks=False)
    assert first.success, first.failure_messages()
    before = first.mart("bestandswijzigingen")
    assert set(before["wijziging"]) == {"nieuw"} and before["vorige_publicatie_op"].null_count() == before.height
    old_sha = {r["bestand"]: r["sha256"] for r in before.iter_rows(named=True)}
    first_published = parse_time(read_manifest(marts)["gepubliceerd_op"])

    raw.write(BEVOLKING, raw.lines(BEVOLKING), newline="\r\n")  # same rows, other bytes: changed
    shutil.copyfile(raw.path("areas/areas.csv"), raw.path("areas/areas_kopie.csv"))  # added (a duplicate)
    raw.path(VOORTGANG).unlink()  # removed
    touch(raw.path(POLITIE))  # re-copied: unchanged
    second = materialize(raw.root, marts, checks=False)
    assert second.success, second.failure_messages()
    after = second.mart("bestandswijzigingen")
    assert changes(after) == {
        ("areas", "areas.csv"): "ongewijzigd", ("areas", "areas_kopie.csv"): "nieuw",
        ("bevolking", "bevolking.csv"): "gewijzigd", ("enquete", "enquete_2019_2022.csv"): "ongewijzigd",
        ("meldingen", "meldingen_2019_2022.csv"): "ongewijzigd",
        ("politie", "geregistreerde_misdrijven_2019_2022.csv"): "ongewijzigd",
        ("prestaties", "prestaties.csv"): "ongewijzigd", ("voortgang", "voortgang.csv"): "verwijderd"}
    rows = {r["bestand"]: r for r in after.iter_rows(named=True)}
    assert rows["bevolking.csv"]["vorige_sha256"] == old_sha["bevolking.csv"] != rows["bevolking.csv"]["sha256"]
    assert rows["voortgang.csv"]["vorige_sha256"] == old_sha["voortgang.csv"] and rows["voortgang.csv"]["sha256"] is None
    assert rows["areas_kopie.csv"]["vorige_sha256"] is None
    previous = rows["areas.csv"]["vorige_publicatie_op"]  # the first publication, recorded just after its commit
    assert after["vorige_publicatie_op"].drop_nulls().unique().to_list() == [previous]
    assert first_published <= previous < parse_time(read_manifest(marts)["gepubliceerd_op"])

    # Shown in Dagster: the publication's metadata lists what changed.
    (materialization,) = second.result.asset_materializations_for_node("publication")
    summary = materialization.metadata["bestandswijzigingen"].value
    assert "**nieuw** (1): `areas/areas_kopie.csv`" in summary
    assert "**gewijzigd** (1): `bevolking/bevolking.csv`" in summary
    assert "**verwijderd** (1): `prestaties/voortgang.csv`" in summary and "ongewijzigd: 5" in summary


def test_a_removal_is_reported_once_and_a_recopied_file_is_unchanged(raw):
    """Publications made in process on one database (the job's steps, as conftest.build_database)."""
    con = build_database(raw.root)
    assert set(db_changes(con).values()) == {"nieuw"}  # a new database knows no earlier publication
    raw.path(VOORTGANG).unlink()
    build_database(raw.root, con=con)
    assert db_changes(con)[("voortgang", "voortgang.csv")] == "verwijderd"
    data = raw.path(POLITIE).read_bytes()
    raw.path(POLITIE).unlink()
    raw.path(POLITIE).write_bytes(data)  # the same content copied in again
    build_database(raw.root, con=con)
    assert set(db_changes(con).values()) == {"ongewijzigd"}  # voortgang.csv was gone from the last publication
    assert ("voortgang", "voortgang.csv") not in db_changes(con)


# --- The raw-files sensor ---------------------------------------------------------------------------------

class Sensor:
    """Evaluations of raw_files_sensor one after another, carrying the cursor as Dagster does."""

    def __init__(self, raw: Path, marts: Path):
        self.cursor = None
        self.resources = {"settings": PipelineSettings(raw_dir=str(raw), marts_dir=str(marts))}

    def __call__(self):
        context = dg.build_sensor_context(cursor=self.cursor, resources=self.resources)
        result = raw_files_sensor(context)
        self.cursor = context.cursor
        return result


def skipped(result, fragment: str = "") -> bool:
    return isinstance(result, dg.SkipReason) and fragment in (result.skip_message or "")


def test_switching_the_sensor_on_after_a_publication_starts_no_run(golden_run):
    sensor = Sensor(GOLDEN_RAW, golden_run.marts)
    assert skipped(sensor(), "Eerste waarneming")
    assert skipped(sensor(), "vergeleken met de huidige publicatie")
    assert skipped(sensor())


def test_the_sensor_fires_on_content_and_names_the_files(tmp_path, monkeypatch):
    raw = RawFolder(tmp_path / "raw")
    sensor = Sensor(raw.root, tmp_path / "marts")  # no publication: everything is new
    assert skipped(sensor(), "Eerste waarneming")
    first = sensor()
    assert isinstance(first, dg.RunRequest) and POLITIE in first.tags["vi/nieuw"]
    assert skipped(sensor(), "Geen bestand met nieuwe inhoud")

    hashed = []
    monkeypatch.setattr(automation, "content_hash",
                        lambda root, name: hashed.append(name) or CONTENT_HASH(root, name))
    touch(raw.path(POLITIE))  # only the mtime: no run, and only that file is hashed again
    assert skipped(sensor(), "Wacht") and hashed == []
    assert skipped(sensor(), "Geen bestand met nieuwe inhoud") and hashed == [POLITIE]

    text = raw.path(POLITIE).read_text(encoding="utf-8")
    raw.path(POLITIE).write_text(text.replace('"12"', '"13"', 1), encoding="utf-8")  # same size
    assert skipped(sensor(), POLITIE)
    changed = sensor()
    assert isinstance(changed, dg.RunRequest) and changed.tags["vi/gewijzigd"] == POLITIE
    assert set(changed.tags) == {"vi/aanleiding", "vi/gewijzigd"} and changed.run_key != first.run_key

    raw.path(BEVOLKING).unlink()
    assert skipped(sensor(), BEVOLKING)
    removed = sensor()
    assert isinstance(removed, dg.RunRequest) and removed.tags["vi/verwijderd"] == BEVOLKING


def test_no_run_while_a_file_is_still_growing(tmp_path):
    raw = RawFolder(tmp_path / "raw")
    sensor = Sensor(raw.root, tmp_path / "marts")
    sensor(), sensor(), sensor()  # first observation, the first run, nothing changed
    data = raw.path(POLITIE).read_bytes()
    target = raw.path("politie/nieuwe_levering.csv")
    with open(target, "wb") as handle:  # a copy in progress, evaluated between its writes
        for part in range(3):
            handle.write(data[part * len(data) // 3:(part + 1) * len(data) // 3])
            handle.flush()
            os.utime(target, ns=(0, target.stat().st_mtime_ns + (part + 1) * 10**9))
            assert skipped(sensor(), "politie/nieuwe_levering.csv")
    done = sensor()
    assert isinstance(done, dg.RunRequest) and done.tags["vi/nieuw"] == "politie/nieuwe_levering.csv"


def test_a_link_out_of_the_raw_folder_is_named_never_read(tmp_path, monkeypatch):
    raw = RawFolder(tmp_path / "raw")
    outside = tmp_path / "elders.csv"
    outside.write_text("geheim\n", encoding="utf-8")
    sensor = Sensor(raw.root, tmp_path / "marts")
    sensor(), sensor()
    read = []
    monkeypatch.setattr(automation, "content_hash", lambda root, name: read.append(name) or CONTENT_HASH(root, name))
    os.symlink(outside, raw.path("politie/link.csv"))
    assert skipped(sensor())
    request = sensor()
    assert isinstance(request, dg.RunRequest) and request.tags == {"vi/aanleiding": "ruwe bestanden gewijzigd",
                                                                 "vi/onleesbaar": "politie/"}
    assert read == [] and "geheim" not in (sensor.cursor or "")


CONTENT_HASH = automation.content_hash


def test_a_database_from_an_earlier_version_is_updated_not_refused(raw):
    """raw_files as the product wrote it before format_id, format and line_unit (and before
    raw_file_columns): the next run rebuilds it with today's columns instead of stopping on
    "raw_files does not have a column format_id", and keeps what the history needs."""
    import duckdb

    con = duckdb.connect()
    con.execute("""CREATE TABLE raw_files (source VARCHAR, file_name VARCHAR, file_order BIGINT, sha256 VARCHAR,
                   size_bytes BIGINT, encoding VARCHAR, delimiter VARCHAR, rows_read BIGINT, status VARCHAR,
                   duplicate_of VARCHAR)""")
    con.execute("INSERT INTO raw_files VALUES ('oud', 'weg.csv', 0, 'abc', 1, 'utf-8', ',', 1, 'gelezen', NULL)")
    build_database(raw.root, con=con)
    columns = [r[0] for r in con.execute("DESCRIBE raw_files").fetchall()]
    assert {"format_id", "format", "line_unit", "revised", "previous_sha256"} <= set(columns)
    assert set(db_changes(con).values()) == {"nieuw"}
    read = con.execute("SELECT count(*) FROM raw_files WHERE source = 'politie' AND format_id <> ''").fetchone()[0]
    assert read == len(list((raw.root / "politie").glob("*.csv")))
    assert con.execute("SELECT count(*) FROM raw_files WHERE source = 'oud'").fetchone()[0] == 1  # kept
    assert con.execute("SELECT count(*) FROM wijk_index WHERE index IS NOT NULL").fetchone()[0] > 0  # the run went on
