"""The file changes of a run (model int_file_changes) as a short Markdown list, for the
publication's metadata in Dagster and the run log."""

from __future__ import annotations

from pipeline.ingest.sources import SOURCES_BY_NAME

ORDER = ("nieuw", "gewijzigd", "verwijderd")
SHOWN = 20  # per kind; the rest is counted


def file_changes(con) -> dict[str, list[str]]:
    """change -> ['politie/bestand.csv', ...] for every file of this run and the last publication."""
    rows = con.execute("SELECT source, file_name, change FROM int_file_changes ORDER BY source, file_name").fetchall()
    found: dict[str, list[str]] = {}
    for source, name, change in rows:
        folder = SOURCES_BY_NAME[source].folder if source in SOURCES_BY_NAME else source
        found.setdefault(change, []).append(f"{folder}/{name}")
    return found


def changes_markdown(con) -> str:
    found = file_changes(con)
    unchanged = len(found.get("ongewijzigd", []))
    if not any(found.get(kind) for kind in ORDER):
        return f"Geen bestand veranderd sinds de vorige publicatie uit deze ruwe map ({unchanged} ongewijzigd)."
    lines = []
    for kind in ORDER:
        names = found.get(kind, [])
        if names:
            shown = ", ".join("`" + n.replace("`", "'") + "`" for n in names[:SHOWN])
            more = f" en nog {len(names) - SHOWN}" if len(names) > SHOWN else ""
            lines.append(f"- **{kind}** ({len(names)}): {shown}{more}")
    lines.append(f"- ongewijzigd: {unchanged}")
    return "\n".join(lines)
