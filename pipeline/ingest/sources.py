"""The register of raw sources (INPUTS.md): where they live, which columns they must have and
what analysts call them. Written once: the readers, the SQL unions (var('sources')), the Dagster
raw assets, the Dutch labels and the demo data follow it. A new source is one entry here plus its
base_/stg_ models. The survey items are the method's (method config), not listed here.

This is the file format, not the method: method numbers live in method_v1.toml.
"""

from dataclasses import dataclass

from pipeline.method import survey_items


@dataclass(frozen=True)
class Source:
    name: str  # also the raw table: raw_<name>
    folder: str  # sub-folder of the raw folder
    columns: tuple[str, ...]  # required columns, lower-case, in the documented order
    description: str  # Dutch, for messages to analysts
    label: str  # Dutch, for tables and pages
    required: bool = True  # a required source without files stops the run
    file_prefix: str | None = None  # only files whose name starts with this (case-insensitive)
    exclude_prefix: str | None = None  # skip files whose name starts with this
    optional: tuple[str, ...] = ()  # optional columns the models use; NULL when absent
    # Its base model quarantines the reader's _problem (line_too_long, field_too_long); until it
    # does, such a record stops the run rather than pass with a cut value.
    quarantines_limits: bool = False
    extensions: tuple[str, ...] = (".csv",)  # the file kinds read from the folder
    # The source reads only the files of its folder whose header it recognises (pipeline/ingest/
    # formats.py), whatever their name; the other sources of the folder leave those files alone.
    claims_by_header: bool = False


SOURCES: tuple[Source, ...] = (
    Source("areas", "areas", ("wijk_code", "wijk_naam", "gebied_code", "gebied_naam", "wijktype"),
           "wijkindeling", "Wijkindeling", optional=("tile_x", "tile_y", "statline_naam", "gemeente_naam")),
    # INPUTS.md: optional real boundaries, one GeoJSON feature per wijk (WGS84 or RD New).
    Source("area_geometry", "areas", ("wijk_code", "geometry"), "wijkgrenzen (GeoJSON)", "Wijkgrenzen",
           required=False, extensions=(".geojson", ".json")),
    Source("bevolking", "bevolking", ("jaar", "wijk_code", "inwoners"), "inwoners per 1 januari", "Bevolking"),
    Source("politie", "politie",
           ("id", "soortmisdrijf", "wijkenenbuurten", "perioden", "geregistreerdemisdrijven_1"),
           "geregistreerde misdrijven (CBS/politie open data)", "Politie (CBS)", quarantines_limits=True,
           extensions=(".csv", ".json")),
    Source("enquete", "enquete",
           ("respondent_id", "jaar", "wijk_code", "weegfactor", *survey_items()),
           "bewonersenquête", "Bewonersenquête"),
    Source("meldingen", "meldingen",
           ("melding_id", "datum", "hoofdcategorie", "subcategorie", "wijk_code", "status",
            "datum_afgehandeld"),
           "meldingen openbare ruimte", "Meldingen openbare ruimte"),
    # INPUTS.md: a mapping file in meldingen/, recognised by its header, from the source system's
    # (sub)categories onto the vocabulary; it extends and overrides the shipped Signalen default.
    Source("meldingen_mapping", "meldingen", ("bron_categorie", "subcategorie"),
           "categorie-vertaling meldingen", "Vertaling meldingcategorieën", required=False,
           claims_by_header=True),
    Source("prestaties", "prestaties",
           ("prestatie_id", "wijk_code", "thema", "partner", "omschrijving", "soort", "prioriteit",
            "additioneel", "startdatum", "einddatum", "indicator", "basiswaarde", "streefwaarde",
            "status"),
           "prestatieafspraken", "Prestatieafspraken", required=False, exclude_prefix="voortgang"),
    Source("voortgang", "prestaties", ("prestatie_id", "datum", "realisatie", "rag", "toelichting"),
           "voortgang prestatieafspraken", "Voortgang prestaties", required=False, file_prefix="voortgang"),
)

SOURCES_BY_NAME = {s.name: s for s in SOURCES}
