"""The forms in which a source arrives, recognised by content (INPUTS.md "Real exports as
downloaded"). Written once: each form is its header pattern per column; the readers match a
file's header against the forms of its source and rename the columns to the source's names.
Values are not translated here: the file's own text goes to raw_<source> unchanged, with
_format naming the form, and the staging SQL reads the form's values (labels, names, codes), so
that a rejected value is quarantined exactly as it stands in the file.

A form's column patterns are matched against the header after normalise_header (trimmed, quotes
removed, lower case, runs of spaces as one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.ingest.sources import SOURCES_BY_NAME, Source


@dataclass(frozen=True)
class Form:
    id: str  # in raw_<source>._format; the SQL branches on it
    label: str  # Dutch, per file on the data-quality page and in the run log
    source: str
    columns: dict[str, str]  # source column -> regular expression for the header name
    required: tuple[str, ...]  # the columns that make this form; the rest are optional
    fill: dict[str, str] = field(default_factory=dict)  # columns this form never has: NULL

    def match(self, header: list[str]) -> dict[int, str] | None:
        """{position in the header: source column} when every required column is found, else None.
        The first header name matching a column wins (a repeated name stays an extra column)."""
        found: dict[int, str] = {}
        for column, pattern in self.columns.items():
            for i, name in enumerate(header):
                if i not in found and re.fullmatch(pattern, name):
                    found[i] = column
                    break
        return found if set(self.required) <= set(found.values()) else None


def canonical(source: Source) -> Form:
    """The form of INPUTS.md's main sections: the source's own column names."""
    columns = {c: re.escape(c) for c in (*source.columns, *source.optional)}
    return Form("standaard", "standaardformaat (INPUTS.md)", source.name, columns, source.columns)


_POLITIE = SOURCES_BY_NAME["politie"]
# cbsodata (Python) and cbsodataR write the same TypedDataSet names; a measure keeps its key
# with whatever numeric suffix the table edition gives it.
ODATA_POLITIE = Form(
    "odata", "CBS OData (TypedDataSet)", "politie",
    {"id": "id", "soortmisdrijf": "soortmisdrijf", "wijkenenbuurten": "wijkenenbuurten|regios|plaatsen",
     "perioden": "perioden", "geregistreerdemisdrijven_1": r"geregistreerdemisdrijven_[0-9]+"},
    ("soortmisdrijf", "wijkenenbuurten", "perioden", "geregistreerdemisdrijven_1"))
STATLINE_POLITIE = Form(
    "statline", "StatLine-download (CSV met labels)", "politie",
    {"soortmisdrijf": "soort misdrijf", "wijkenenbuurten": "wijken en buurten|regio's|plaatsen",
     "perioden": "perioden", "geregistreerdemisdrijven_1": r"geregistreerde misdrijven( \(aantal\))?"},
    ("soortmisdrijf", "wijkenenbuurten", "perioden", "geregistreerdemisdrijven_1"), fill={"id": ""})

# CBS Kerncijfers wijken en buurten, any edition: the code in WijkenEnBuurten or Codering_N
# (cbsodata puts the name in WijkenEnBuurten), SoortRegio_N, AantalInwoners_N.
_KWB_COMMON = {"wijk_code": "wijkenenbuurten|regios", "codering": r"codering_[0-9]+", "soortregio": r"soortregio_[0-9]+",
               "gemeente_naam": r"gemeentenaam_[0-9]+"}
KWB_BEVOLKING = Form(
    "kwb", "CBS Kerncijfers wijken en buurten (KWB)", "bevolking",
    {**_KWB_COMMON, "inwoners": r"aantalinwoners_[0-9]+", "jaar": "perioden|jaar|peiljaar"},
    ("wijk_code", "soortregio", "inwoners"))
KWB_AREAS = Form(
    "kwb", "CBS Kerncijfers wijken en buurten (KWB)", "areas", _KWB_COMMON, ("wijk_code", "soortregio"),
    fill={"wijk_naam": "", "gebied_code": "", "gebied_naam": "", "wijktype": ""})

_EXTRA: dict[str, tuple[Form, ...]] = {
    "politie": (ODATA_POLITIE, STATLINE_POLITIE),
    "bevolking": (KWB_BEVOLKING,),
    "areas": (KWB_AREAS,),
}


def forms(source: Source) -> tuple[Form, ...]:
    """The forms of a source, in the order they are tried (the canonical form first)."""
    extra = _EXTRA.get(source.name, ())
    if source.name == "politie":
        return extra  # the canonical politie form is the OData one
    return (canonical(source), *extra)


def raw_columns(source: Source) -> tuple[str, ...]:
    """Every column raw_<source> has: the union of its forms' columns (NULL where a form has none)."""
    names = dict.fromkeys((*source.columns, *source.optional))
    for form in forms(source):
        names.update(dict.fromkeys(form.columns))
        names.update(dict.fromkeys(form.fill))
    return tuple(names)


def recognise(source: Source, header: list[str]) -> tuple[Form, dict[int, str]] | None:
    """The first form of the source whose required columns the header has."""
    for form in forms(source):
        found = form.match(header)
        if found is not None:
            return form, found
    return None


def complete(frame, info, source: Source):
    """What a form leaves to the file name: the year of a KWB edition without a Perioden column
    (INPUTS.md: from the table id in the file name, by the shipped list of KWB table ids)."""
    if not (info.format_id == "kwb" and source.name == "bevolking" and "jaar" not in info.headers):
        return frame
    import polars as pl

    from pipeline.ingest.readers import RawFileError
    from pipeline.method.reference import read_reference

    years = {row["table_id"].upper(): row["jaar"] for row in read_reference("kwb_tables")}
    ids = [t for t in re.findall(r"[0-9]{5}NED", info.file_name.upper()) if t in years]
    if not ids:
        raise RawFileError(
            f"{source.folder}/{info.file_name}: dit is de tabel Kerncijfers wijken en buurten (KWB), maar het jaar "
            "staat niet in het bestand (geen kolom Perioden) en de bestandsnaam noemt geen bekende KWB-tabel "
            f"(bekend: {', '.join(sorted(years))}). Zet het tabelnummer in de bestandsnaam, bv. "
            "kwb_85984NED.csv, of voeg een kolom jaar toe.")
    info.headers["jaar"] = f"(jaar {years[ids[0]]} uit tabel {ids[0]} in de bestandsnaam)"
    return frame.with_columns(pl.lit(years[ids[0]]).alias("jaar"))
