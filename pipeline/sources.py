"""The raw sources of INPUTS.md: where they live and which columns they must have.

This is the file format, not the method: method numbers live in method_v1.toml.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    name: str  # also the raw table: raw_<name>
    folder: str  # sub-folder of the raw folder
    columns: tuple[str, ...]  # required columns, lower-case, in the documented order
    description: str  # Dutch, for messages to analysts
    required: bool = True  # a required source without files stops the run
    file_prefix: str | None = None  # only files whose name starts with this (case-insensitive)
    exclude_prefix: str | None = None  # skip files whose name starts with this
    optional: tuple[str, ...] = ()  # optional columns the models use; NULL when absent


SOURCES: tuple[Source, ...] = (
    Source("areas", "areas", ("wijk_code", "wijk_naam", "gebied_code", "gebied_naam", "wijktype"),
           "wijkindeling", optional=("tile_x", "tile_y")),
    Source("bevolking", "bevolking", ("jaar", "wijk_code", "inwoners"), "inwoners per 1 januari"),
    Source("politie", "politie",
           ("id", "soortmisdrijf", "wijkenenbuurten", "perioden", "geregistreerdemisdrijven_1"),
           "geregistreerde misdrijven (CBS/politie open data)"),
    Source("enquete", "enquete",
           ("respondent_id", "jaar", "wijk_code", "weegfactor", "voelt_zich_onveilig",
            "slachtoffer_diefstal", "slachtoffer_inbraak", "slachtoffer_geweld", "vaak_diefstal",
            "vaak_inbraak", "vaak_geweld", "vaak_vernieling", "vaak_overlast", "vaak_drugs",
            "vaak_rommel"),
           "bewonersenquête"),
    Source("meldingen", "meldingen",
           ("melding_id", "datum", "hoofdcategorie", "subcategorie", "wijk_code", "status",
            "datum_afgehandeld"),
           "meldingen openbare ruimte"),
    Source("prestaties", "prestaties",
           ("prestatie_id", "wijk_code", "thema", "partner", "omschrijving", "soort", "prioriteit",
            "additioneel", "startdatum", "einddatum", "indicator", "basiswaarde", "streefwaarde",
            "status"),
           "prestatieafspraken", required=False, exclude_prefix="voortgang"),
    Source("voortgang", "prestaties", ("prestatie_id", "datum", "realisatie", "rag", "toelichting"),
           "voortgang prestatieafspraken", required=False, file_prefix="voortgang"),
)

SOURCES_BY_NAME = {s.name: s for s in SOURCES}
