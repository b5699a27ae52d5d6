"""Dutch texts for the codes the pipeline publishes (reasons, sources), shared by CLI and dashboard."""

from pipeline.ingest.sources import SOURCES

REDEN = {
    # why a wijk-year has no index (METHOD.md)
    "missing_population": "inwonertal onbekend",
    "population_below_minimum": "minder dan 1.000 inwoners",
    "incomplete_year": "politiejaar niet compleet",
    "missing_source:politie": "geen politiecijfers voor deze wijk",
    "missing_source:meldingen": "geen meldingen in dit jaar",
    "too_few_respondents": "te weinig respondenten (minder dan 50)",
    "missing_theme": "thema ontbreekt",
}

QUARANTAINE = {
    "wrong_field_count": "verkeerd aantal velden (afgebroken of verschoven regel)",
    "line_too_long": "regel te lang",
    "field_too_long": "veld te lang",
    "missing_value": "verplichte waarde ontbreekt",
    "invalid_area_code": "ongeldige gebiedscode",
    "unknown_area": "onbekende wijk (code of naam staat niet in areas/)",
    "ambiguous_area_name": "gebiedsnaam niet eenduidig (twee wijken, of wijk en buurt met dezelfde naam)",
    "invalid_geometry": "geen bruikbare wijkgrens",
    "invalid_year": "ongeldig jaar",
    "invalid_number": "geen geldig getal",
    "negative_number": "negatief getal",
    "implausible_value": "onwaarschijnlijk grote waarde",
    "invalid_crime_code": "ongeldige misdrijfcode",
    "invalid_period": "ongeldige periode",
    "invalid_count": "geen geldig aantal",
    "negative_count": "negatief aantal",
    "implausible_count": "onwaarschijnlijk groot aantal",
    "invalid_weight": "ontbrekende of ongeldige weegfactor",
    "invalid_answer": "ongeldig antwoord",
    "duplicate_respondent": "respondent dubbel in hetzelfde jaar",
    "invalid_date": "ongeldige datum",
    "future_date": "datum in de toekomst",
    "invalid_status": "ongeldige status",
    "closed_before_reported": "afgehandeld vóór de meldingsdatum",
    "superseded": "vervangen door een later gelezen rij",
    "unknown_theme": "onbekend thema",
    "unknown_indicator": "onbekende indicator",
    "indicator_theme_mismatch": "indicator hoort niet bij dit thema",
    "invalid_value": "ongeldige waarde",
    "end_before_start": "einddatum vóór startdatum",
    "unknown_prestatie": "onbekende prestatie",
    "duplicate_file": "bestand met dezelfde inhoud als een eerder bestand",
}

BRON = {s.name: s.label for s in SOURCES}

# Quarantined values that identify a person: never shown, whatever the publication contains (the
# analysts' database keeps them). Matched on the column name, for every source.
HIDDEN_COLUMNS = frozenset({"respondent_id"})
HIDDEN = "(verborgen)"


def reden_label(code: str | None) -> str:
    """Dutch text for a wijk_index.reden code, e.g. 'missing_theme:drugs' -> 'thema ontbreekt: drugs'."""
    if not code:
        return ""
    base, _, detail = code.partition(":")
    if code in REDEN:
        return REDEN[code]
    return f"{REDEN.get(base, base)}: {detail}" if detail else REDEN.get(base, base)


def quarantaine_label(code: str) -> str:
    return QUARANTAINE.get(code, code)


def quarantaine_waarde(kolom: str | None, waarde: str | None) -> str | None:
    """The quarantined value as it may be shown: '(verborgen)' for an identifying column."""
    if kolom is not None and kolom.strip().lower() in HIDDEN_COLUMNS and waarde not in (None, ""):
        return HIDDEN
    return waarde
