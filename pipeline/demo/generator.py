"""Deterministic demo data for the Veiligheidsindex: a complete raw folder for Rotterdam, 2015–2024.

``generate(out_dir, seed=2024)`` writes ``areas/``, ``bevolking/``, ``politie/``, ``enquete/``,
``meldingen/`` and ``prestaties/`` exactly in the formats of ``shared/spec/INPUTS.md`` and returns
the number of data rows per file.  The same seed gives byte-identical files.  Everything is
vectorised with numpy/polars (about a million meldingen in a few seconds).

The numbers are synthetic; the areas and the police labels are real.

Real CBS codes and names
------------------------
The wijken are CBS *buurten* (``BU0599WWBB``), the gebieden CBS *wijken* (``WK0599WW``: the wijk
number is digits 7–8 of every buurt code, CBS's own code structure).  Verified:

* every buurt code and its CBS name, against CBS's generalised buurt map of 2022 (PDOK
  "CBS gebiedsindelingen", ``buurt_gegeneraliseerd``, ``jrstatcode 2022BU0599…``; copy in the public
  repository bartmediatech/zzp-rotterdam, ``public/data/rotterdam-buurten.geojson``, 91 Rotterdam
  buurten).  All 74 demo codes occur there with the demo's name (or CBS's spelling of it, below);
  the only code the demo used to invent is gone: Nieuw Mathenesse is ``BU05991926`` (CBS wijk 19 "Nieuw Mathenesse"), not
  ``BU05990326``.  The codes of the golden example are identical and real.
* ``wijk_naam`` is the gemeente's spelling.  Where CBS spells a buurt differently *after* the spec's
  name normalisation (INPUTS.md, StatLine CSV), ``areas.csv`` carries CBS's spelling in
  ``statline_naam``: "Cs Kwartier" (CS-kwartier), "Noord Kethel" (Noord-Kethel), "Oud Charlois"
  (Oud-Charlois).  CBS's "Kop van Zuid - Entrepot" differs from "Kop van Zuid-Entrepot" only by the
  spaces around the hyphen, so its ``statline_naam`` stays empty: the normalisation must match it.
* gebied codes WK059901–WK059916 with their names against CBS's wijk map of 2014 (the
  ``wijk_2014`` shapefile as listed in public Rotterdam research scripts), WK059901 with its
  current name "Rotterdam Centrum" (CBS/PDOK wijken 2024; it was "Stadscentrum" in 2014).
  WK059917 "Hoek van Holland", WK059919 "Nieuw Mathenesse" and WK059927 "Rozenburg": the codes follow
  from the verified buurt codes (BU059917xx, BU05991926, BU05992704), the names from lists of
  Rotterdam's 22 CBS wijken in public sources; not checked against a CBS file with code and name
  side by side.
* Not verified: that every code and name was the same in each year 2015–2024 (CBS re-divides and
  renames now and then); the demo uses the 2022 division for all years.

The story (what the dashboard should show)
-------------------------------------------
* Every wijk has a latent "onveiligheid" ``u`` (hand-set from its reputation: Tarwewijk, Hillesluis,
  Afrikaanderwijk, Bloemhof, Spangen, Carnisse, Oude Westen … are unsafe; Hillegersberg,
  Molenlaankwartier, Terbregge, Nesselande, Kralingen Oost, 's-Gravenland … are safe).  Police
  rates (log scale), meldingen rates and the survey answers (logit scale) all follow ``u`` plus a
  per-wijk, per-theme deviation, so the five index categories all occur against the 2015 base year.
* Most wijken slowly improve (``u`` drifts down, so police rates fall ~1–4 % a year and the survey
  percentages fall).  Katendrecht and Kop van Zuid-Entrepot improve fast (gentrification).
  Five wijken slip clearly from mid-2017 on: Lombardijen, Groot IJsselmonde, Oosterflank, Zuidwijk
  and Hoogvliet Noord (``SLIPPING``).
* The city centre (Stadsdriehoek, Cool, CS-kwartier, and less so Oude Westen, Dijkzigt, Nieuwe Werk,
  plus Zuidplein's shopping centre) has very high police rates per inhabitant: many visitors, few
  residents.  Pickpocketing, shoplifting and street violence scale super-linearly with that factor.
* Corona (March 2020 – June 2021): fewer thefts and burglaries, more cybercrime and more meldingen
  about neighbours and youths, city-wide.
* Measurable prestaties really work: from its ``startdatum`` the linked indicator of that wijk falls
  by the achieved effect (25–40 % for ``gerealiseerd``/``in_uitvoering``, 5–12 % for
  ``niet_gerealiseerd``), ramping in linearly over 24 months; the other indicators of the same theme
  in that wijk fall by a third of that.  ``basiswaarde`` is the indicator's realised value
  (computed exactly as METHOD.md does) in the calendar year before the start, ``realisatie`` in
  ``voortgang.csv`` the realised value of the 12 months up to the report (objective) or of the latest
  survey (subjective).
* Three small wijken have fewer than 1,000 inhabitants (Nieuw Mathenesse, Schieveen, Kralingse Bos)
  and show ``population_below_minimum``; Heijplaat has only 42 respondents in 2020
  (``too_few_respondents``).

Quirks (a handful each; what a conforming pipeline has to do with them)
----------------------------------------------------------------------
politie/ (the same figures, file for file, in each of the three forms, ``politie_format``)
  * Three downloads, read in file-name order: ``geregistreerde_misdrijven_2015_2019``,
    ``geregistreerde_misdrijven_2020_2024`` and ``geregistreerde_misdrijven_2024_revisie`` (read
    last), which restates 24 keys of Nov/Dec 2024 in Stadsdriehoek, Tarwewijk and Ommoord (codes
    1.1.1, 1.2.3, 1.4.5, 2.2.1) with higher, late-registered values, plus their ``0.0.0`` totals.
  * ``GM0599`` and ``WK0599xx`` aggregate rows and a ``0.0.0`` totaal row per region-month (also
    counting two codes that are in no indicator, 2.5.2 Winkeldiefstal and 3.7.4 Cybercrime): never
    counted.  The labels are CBS's (``pipeline/method/data/cbs_soortmisdrijf.csv``).
  * Not published: ``"."`` for 2.5.2 in three wijk-months and an empty count for 3.7.4 in one:
    harmless.  ``"."`` for 1.4.7 in Pernis 2018-05 and for 2.1.1 in Witte Dorp 2021-08: those two
    wijk-years lose obj_geweld resp. obj_drugs_politie (the themes stay available through their
    other part, so the wijk-years are still published).
  * ``odata-csv`` (default, the canonical form): ``*.csv``, the TypedDataSet columns, ``;``, every
    field quoted, keys with trailing spaces; the 2015–2019 file carries the CBS label after the code
    (``"1.1.1 Diefstal/inbraak woning"``), the others bare codes with a trailing space.
  * ``odata-json``: the TypedDataSet as the CBS OData API returns it, ``null`` for not published
    (both ``"."`` and the empty count), bare keys with their trailing spaces, ``ID`` a number running
    over the whole download.  The two large downloads are saved page by page, 10,000 records a page
    (``…_2015_2019_p001.json`` … ``_p011.json``), every page but the last with a next link to the
    following ``$skip``.  2015–2019 and the revision are OData v3 (``odata.metadata``,
    ``odata.nextLink``), 2020–2024 has the v4 envelope (``@odata.context``, ``@odata.nextLink``) around
    the same records (CBS's own v4 API serves a long ``Observations`` table instead, which the spec
    does not cover).
  * ``statline``: the StatLine website's "Download → CSV": UTF-8 with BOM, ``;``, CRLF, every field
    quoted, label headers in a different column order per file, ``Soort misdrijf`` as
    ``1.2.3 Diefstal van brom-, snor-, fietsen`` (``Totaal misdrijven`` for 0.0.0), ``Wijken en
    buurten`` as the name (CBS's spelling of the buurt, ``Rotterdam`` for GM0599, the gebied name
    for a WK row), ``Perioden`` as ``2024 januari``, Nov/Dec 2024 provisional (``2024 november*``),
    counts right-aligned in 8 characters, ``.`` for not published.  The 2015–2019 file also has one
    ``Nederland`` row set (``Totaal misdrijven`` per year and per month, 25 times Rotterdam's total;
    a roll-up, never counted).  The WK rows of the six gebieden that share their name with a buurt
    (Delfshaven, Overschie, Feijenoord, Pernis, Nieuw Mathenesse, Rozenburg) are left out: StatLine
    would give both the same label, which the spec quarantines as ``ambiguous_area_name``, and
    without them the StatLine run publishes exactly the index of the canonical run.
enquete/
  * ``enquete_2016.csv`` is a Dutch-Excel export: ``;`` delimiter and decimal comma in ``weegfactor``.
  * 2017: ``voelt_zich_onveilig = 4`` in one row; 2022: ``vaak_overlast = 7`` in one row
    (``invalid_answer``).  2019: one row without weegfactor.  2023: one respondent_id repeated at the
    end of the file (``duplicate_respondent``; the first is kept).
  * Empty answers (~1 %) and ``9`` = weet niet on the frequency items are normal, valid data.
meldingen/
  * ``meldingen_2017.csv`` is saved the Dutch-Excel way: Windows-1252, ``;`` delimiter, CRLF, no BOM,
    with an extra column ``omschrijving`` holding non-ASCII text ("Overlast bij café, 's avonds").
  * From 2019 on ~40 % of ``datum`` values carry a time (``2019-03-04T14:22:00``); such meldingen are
    handled at the earliest the next day.
  * Unknown ``wijk_code`` ``BU05999999`` (3 rows in 2020, 2 in 2022); ``datum_afgehandeld`` before
    ``datum`` (2 rows in 2016, 2 in 2021); subcategorie ``overig`` outside the vocabulary (6 rows);
    repeated ``melding_id`` with a newer status: 5 re-exported rows at the end of the 2023 file and 3
    rows of December 2023 again at the end of the 2024 file (gemeld/in_behandeling -> afgehandeld).
prestaties/
  * Some ``wijk_code`` are a gebied code or ``stad``; text with commas is quoted; with the default
    seed three ``in_uitvoering`` agreements have had no voortgang since 2023 and one none at all (stale).
  * Objective ``basiswaarde``/``realisatie`` below 10 carry two decimals, otherwise one.

``scale`` (keyword, default 1.0) scales the number of meldingen and respondents, for fast tests.
``politie_format`` (keyword, default ``"odata-csv"``) chooses the form of the police files; every
other file, ``areas.csv`` included, is the same whatever the form.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl

from pipeline.ingest.sources import SOURCES_BY_NAME
from pipeline.method import load_method, survey_items
from pipeline.method.reference import crime_labels

__all__ = [
    "FIRST_YEAR",
    "GEBIEDEN",
    "LAST_YEAR",
    "POLITIE_FORMATS",
    "SLIPPING",
    "SMALL_WIJKEN",
    "WIJKEN",
    "generate",
]

FIRST_YEAR = 2015
LAST_YEAR = 2024
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
N_YEARS = len(YEARS)
N_MONTHS = 12 * N_YEARS
EXPORT_DATE = np.datetime64("2024-12-31", "D")  # the day the demo exports were made

# --------------------------------------------------------------------------------------------
# Areas: 15 gebieden (CBS wijken WK0599xx) and 74 wijken (CBS buurten BU0599xxxx), codes and
# names as verified in the module docstring.
# --------------------------------------------------------------------------------------------
GEBIEDEN: dict[str, str] = {
    "WK059901": "Rotterdam Centrum",
    "WK059903": "Delfshaven",
    "WK059904": "Overschie",
    "WK059905": "Noord",
    "WK059906": "Hillegersberg-Schiebroek",
    "WK059908": "Kralingen-Crooswijk",
    "WK059910": "Feijenoord",
    "WK059912": "IJsselmonde",
    "WK059913": "Pernis",
    "WK059914": "Prins Alexander",
    "WK059915": "Charlois",
    "WK059916": "Hoogvliet",
    "WK059917": "Hoek van Holland",
    "WK059919": "Nieuw Mathenesse",
    "WK059927": "Rozenburg",
}
GEMEENTE = ("GM0599", "Rotterdam")

# code, naam, wijktype, tile_x, tile_y, inwoners 1-1-2015, latent onveiligheid u, centrumfactor,
# bevolkingsgroei per jaar, drift of u per jaar (None = random mild improvement)
WIJKEN: list[tuple] = [
    # Centrum
    ("BU05990110", "Stadsdriehoek", "centrum", 6, 4, 12450, 0.55, 3.5, 0.015, None),
    ("BU05990111", "Oude Westen", "centrumrand", 4, 5, 9880, 1.35, 1.6, 0.003, None),
    ("BU05990112", "Cool", "centrum", 5, 5, 4720, 0.75, 5.0, 0.010, None),
    ("BU05990113", "CS-kwartier", "centrum", 5, 4, 2310, 0.65, 5.0, 0.030, None),
    ("BU05990118", "Nieuwe Werk", "villawijk", 5, 6, 2080, -0.85, 1.4, 0.004, None),
    ("BU05990119", "Dijkzigt", "centrumrand", 4, 6, 1760, -0.15, 2.0, 0.002, None),
    # Delfshaven
    ("BU05990320", "Delfshaven", "vooroorlogs", 3, 5, 6610, 0.40, 1.1, 0.004, None),
    ("BU05990321", "Bospolder", "vooroorlogs", 3, 4, 7480, 1.30, 1.0, 0.003, None),
    ("BU05990322", "Tussendijken", "naoorlogs", 2, 4, 7590, 1.25, 1.0, 0.003, None),
    ("BU05990323", "Spangen", "vooroorlogs", 3, 3, 9960, 1.50, 1.0, 0.002, None),
    ("BU05990324", "Nieuwe Westen", "vooroorlogs", 4, 3, 18050, 0.95, 1.0, 0.003, None),
    ("BU05990325", "Middelland", "centrumrand", 4, 4, 12070, 0.85, 1.2, 0.005, None),
    # (CBS wijk 19 "Nieuw Mathenesse" of its own; listed here, beside its neighbours, to keep the draws)
    ("BU05991926", "Nieuw Mathenesse", "bedrijven", 1, 3, 440, 0.50, 4.0, 0.000, None),
    ("BU05990327", "Oud Mathenesse", "interbellum", 1, 4, 7810, 0.45, 1.0, 0.003, None),
    ("BU05990328", "Witte Dorp", "interbellum", 2, 3, 2690, -0.35, 1.0, 0.002, None),
    ("BU05990329", "Schiemond", "naoorlogs", 2, 5, 3820, 0.80, 1.0, 0.004, None),
    # Overschie
    ("BU05990451", "Kleinpolder", "naoorlogs", 6, 1, 8120, 0.25, 1.0, 0.003, None),
    ("BU05990452", "Noord-Kethel", "dorp", 4, 1, 1330, -0.85, 1.0, 0.002, None),
    ("BU05990454", "Schieveen", "buitengebied", 4, 0, 260, 0.00, 3.0, 0.000, None),
    ("BU05990455", "Zestienhoven", "nieuwbouw", 5, 0, 1620, -1.20, 1.0, 0.060, None),
    ("BU05990456", "Overschie", "dorp", 5, 1, 7780, -0.20, 1.0, 0.003, None),
    # Noord
    ("BU05990515", "Agniesebuurt", "centrumrand", 6, 3, 4590, 0.90, 1.2, 0.004, None),
    ("BU05990516", "Provenierswijk", "centrumrand", 5, 3, 8660, 0.15, 1.1, 0.005, None),
    ("BU05990531", "Bergpolder", "vooroorlogs", 6, 2, 7690, 0.05, 1.0, 0.004, None),
    ("BU05990532", "Blijdorp", "interbellum", 5, 2, 10590, -0.95, 1.0, 0.004, None),
    ("BU05990534", "Liskwartier", "vooroorlogs", 7, 2, 6310, -0.30, 1.0, 0.005, None),
    ("BU05990535", "Oude Noorden", "vooroorlogs", 8, 2, 16700, 0.80, 1.0, 0.005, None),
    ("BU05990558", "Blijdorpsepolder", "naoorlogs", 4, 2, 1420, -1.00, 1.0, 0.003, None),
    # Hillegersberg-Schiebroek
    ("BU05990660", "Schiebroek", "naoorlogs", 6, 0, 17960, -0.40, 1.0, 0.004, None),
    ("BU05990661", "Hillegersberg Zuid", "villawijk", 8, 1, 11480, -1.20, 1.0, 0.003, None),
    ("BU05990662", "Hillegersberg Noord", "villawijk", 7, 0, 7020, -1.60, 1.0, 0.002, None),
    ("BU05990664", "Terbregge", "dorp", 8, 0, 2830, -1.50, 1.0, 0.003, None),
    ("BU05990665", "Molenlaankwartier", "villawijk", 7, 1, 5190, -1.85, 1.0, 0.002, None),
    # Kralingen-Crooswijk
    ("BU05990814", "Rubroek", "vooroorlogs", 7, 3, 7380, 0.60, 1.1, 0.004, None),
    ("BU05990836", "Nieuw Crooswijk", "nieuwbouw", 9, 3, 7560, 0.40, 1.0, 0.012, None),
    ("BU05990837", "Oud Crooswijk", "vooroorlogs", 8, 3, 8940, 1.00, 1.0, 0.003, None),
    ("BU05990841", "Kralingen West", "vooroorlogs", 7, 4, 15020, 0.30, 1.1, 0.004, None),
    ("BU05990842", "Kralingen Oost", "villawijk", 8, 4, 13370, -1.30, 1.0, 0.003, None),
    ("BU05990843", "Kralingse Bos", "buitengebied", 9, 2, 690, 0.00, 3.0, 0.000, None),
    ("BU05990845", "De Esch", "naoorlogs", 9, 4, 5180, -0.90, 1.0, 0.003, None),
    ("BU05990847", "Struisenburg", "vooroorlogs", 8, 5, 4310, -0.40, 1.0, 0.004, None),
    # Feijenoord
    ("BU05991017", "Kop van Zuid", "nieuwbouw", 6, 7, 3290, -0.50, 1.3, 0.010, None),
    ("BU05991079", "Kop van Zuid-Entrepot", "nieuwbouw", 7, 7, 5210, -0.10, 1.1, 0.020, -0.10),
    ("BU05991080", "Vreewijk", "tuinstad", 7, 9, 14520, 0.20, 1.0, 0.002, None),
    ("BU05991081", "Bloemhof", "vooroorlogs", 7, 8, 13990, 1.60, 1.0, 0.002, None),
    ("BU05991082", "Hillesluis", "vooroorlogs", 8, 8, 11630, 1.70, 1.0, 0.002, None),
    ("BU05991085", "Katendrecht", "vooroorlogs", 5, 7, 4490, 0.35, 1.1, 0.025, -0.13),
    ("BU05991086", "Afrikaanderwijk", "vooroorlogs", 6, 8, 8210, 1.70, 1.1, 0.002, None),
    ("BU05991087", "Feijenoord", "vooroorlogs", 8, 7, 7730, 1.40, 1.0, 0.003, None),
    ("BU05991088", "Noordereiland", "vooroorlogs", 7, 6, 3310, -0.40, 1.0, 0.003, None),
    # IJsselmonde
    ("BU05991283", "Oud IJsselmonde", "dorp", 10, 7, 3810, -0.60, 1.0, 0.003, None),
    ("BU05991284", "Lombardijen", "naoorlogs", 8, 9, 13980, 0.40, 1.0, 0.002, None),
    ("BU05991289", "Groot IJsselmonde", "naoorlogs", 9, 8, 19480, 0.00, 1.0, 0.002, None),
    ("BU05991290", "Beverwaard", "naoorlogs", 10, 8, 11970, 0.70, 1.0, 0.002, None),
    # Pernis
    ("BU05991391", "Pernis", "dorp", 2, 7, 4810, -1.00, 1.0, 0.001, None),
    # Prins Alexander
    ("BU05991444", "'s-Gravenland", "nieuwbouw", 11, 2, 4930, -1.40, 1.0, 0.003, None),
    ("BU05991448", "Prinsenland", "nieuwbouw", 10, 2, 8920, -1.10, 1.1, 0.003, None),
    ("BU05991449", "Het Lage Land", "naoorlogs", 9, 1, 10480, -0.60, 1.0, 0.003, None),
    ("BU05991463", "Ommoord", "naoorlogs", 10, 0, 19520, -0.90, 1.0, 0.001, None),
    ("BU05991466", "Zevenkamp", "nieuwbouw", 11, 1, 14510, -0.50, 1.0, 0.002, None),
    ("BU05991467", "Oosterflank", "naoorlogs", 10, 1, 9330, -0.10, 1.3, 0.003, None),
    ("BU05991468", "Nesselande", "nieuwbouw", 11, 0, 12040, -1.60, 1.0, 0.035, None),
    # Charlois
    ("BU05991571", "Tarwewijk", "vooroorlogs", 5, 8, 11990, 2.00, 1.0, 0.002, None),
    ("BU05991572", "Carnisse", "vooroorlogs", 5, 9, 10620, 1.50, 1.0, 0.002, None),
    ("BU05991573", "Zuidwijk", "tuinstad", 5, 10, 12510, 0.45, 1.0, 0.002, None),
    ("BU05991574", "Oud-Charlois", "vooroorlogs", 4, 8, 13470, 1.30, 1.0, 0.003, None),
    ("BU05991576", "Zuidplein", "naoorlogs", 6, 9, 4210, 0.90, 2.0, 0.004, None),
    ("BU05991577", "Pendrecht", "tuinstad", 4, 9, 11520, 1.20, 1.0, 0.002, None),
    ("BU05991593", "Heijplaat", "dorp", 3, 7, 1590, -0.30, 1.0, 0.004, None),
    # Hoogvliet
    ("BU05991692", "Hoogvliet Noord", "naoorlogs", 2, 8, 15480, 0.55, 1.0, 0.003, None),
    ("BU05991699", "Hoogvliet Zuid", "naoorlogs", 2, 9, 18470, 0.00, 1.0, 0.003, None),
    # Hoek van Holland
    ("BU05991702", "Dorp", "dorp", 0, 5, 6030, -1.30, 1.0, 0.004, None),
    ("BU05991703", "Rijnpoort", "nieuwbouw", 0, 6, 2420, -1.20, 1.0, 0.006, None),
    # Rozenburg
    ("BU05992704", "Rozenburg", "naoorlogs", 1, 6, 12480, -0.70, 1.0, 0.000, None),
]

# CBS's spelling of a buurt where it differs from the gemeente's (wijk_naam): CBS gebiedsindelingen
# 2022 (see the module docstring).  StatLine labels the buurt with this name.
CBS_SPELLING: dict[str, str] = {
    "CS-kwartier": "Cs Kwartier",
    "Noord-Kethel": "Noord Kethel",
    "Oud-Charlois": "Oud Charlois",
    "Kop van Zuid-Entrepot": "Kop van Zuid - Entrepot",
}


# Gebied of each wijk: the CBS wijk number is digits 7–8 of the buurt code.
def _gebied_of(code: str) -> str:
    return "WK0599" + code[6:8]


def normalise_name(name: str) -> str:
    """An area name as INPUTS.md compares StatLine names: case folded, accents removed, runs of
    spaces collapsed to one, no spaces around hyphens."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    text = " ".join(text.casefold().split())
    return text.replace(" -", "-").replace("- ", "-")


SLIPPING = ("Lombardijen", "Groot IJsselmonde", "Oosterflank", "Zuidwijk", "Hoogvliet Noord")
SMALL_WIJKEN = ("Nieuw Mathenesse", "Schieveen", "Kralingse Bos")

# --------------------------------------------------------------------------------------------
# The method and the source register are written once (pipeline/method.py, pipeline/sources.py)
# and imported here: themes, indicators, which indicator a police code / meldingen subcategorie
# feeds, the meldingen vocabulary and statuses, the survey items and answer codes, the prestatie
# domains and the file headers.  What follows the imports is the demo's simulated world (rates,
# sensitivities, seasonality, corona factors), keyed by code / subcategorie / survey
# column / status; _world_registers() checks at import that it covers every indicator of the
# method, _check_story() that the story tables (templates, plans, texts) use only the method's values.
# --------------------------------------------------------------------------------------------
_METHOD = load_method()


class DemoWorldError(Exception):
    """The demo's world parameters do not cover the method config (Dutch message)."""


THEMES: tuple[str, ...] = tuple(t["theme"] for t in _METHOD["themes"])
# Indicators in method order: (id, theme)
INDICATORS: tuple[tuple[str, str], ...] = tuple((i["indicator"], i["theme"]) for i in _METHOD["indicators"])
IND_INDEX = {name: i for i, (name, _) in enumerate(INDICATORS)}
N_IND = len(INDICATORS)

# Police codes of the demo's world (the CBS table also has codes that are in no indicator of the
# method: 2.5.2 Winkeldiefstal and 3.7.4 Cybercrime): rate per 1,000 inhabitants per year (u = 0,
# centre 1), sensitivity b to u (log scale), elasticity to the centre factor, seasonal amplitude, peak
# month, corona factor (Mar 2020 – Jun 2021).  The indicator a code feeds is the method's, the label
# CBS's (pipeline/method/data/cbs_soortmisdrijf.csv, via pipeline.method.reference).  This is the order
# of the random draws (2.5.2 sits where the demo once had it, so the figures stay as they were); the
# files list the codes in CBS's order.
_POLITIE_WORLD: dict[str, tuple[float, float, float, float, int, float]] = {
    "1.1.1": (4.5, 0.60, 0.3, 0.25, 12, 0.80),   # Diefstal/inbraak woning
    "1.1.2": (1.0, 0.50, 0.2, 0.15, 11, 0.90),   # Diefstal/inbraak box/garage/schuur
    "1.2.1": (4.0, 0.55, 0.6, 0.10, 1, 0.80),    # Diefstal uit/vanaf motorvoertuigen
    "1.2.2": (0.6, 0.50, 0.4, 0.05, 1, 0.90),    # Diefstal van motorvoertuigen
    "1.2.3": (7.0, 0.50, 0.9, 0.25, 7, 0.80),    # Diefstal van brom-, snor-, fietsen
    "1.2.4": (1.2, 0.50, 1.4, 0.15, 12, 0.50),   # Zakkenrollerij
    "1.2.5": (0.6, 0.50, 0.5, 0.10, 7, 0.90),    # Diefstal af/uit/van ov. voertuigen
    "2.5.2": (3.5, 0.40, 1.5, 0.10, 12, 0.70),   # Winkeldiefstal (shoplifting: centre factor 1.5)
    "1.4.1": (0.4, 0.50, 0.8, 0.10, 7, 1.00),    # Zedenmisdrijf
    "1.4.3": (0.4, 0.70, 1.2, 0.20, 6, 0.80),    # Openlijk geweld (persoon)
    "1.4.4": (2.5, 0.65, 0.8, 0.10, 6, 1.00),    # Bedreiging
    "1.4.5": (3.5, 0.70, 1.0, 0.15, 7, 0.90),    # Mishandeling
    "1.4.6": (0.7, 0.80, 1.1, 0.15, 1, 0.80),    # Straatroof
    "1.4.7": (0.15, 0.70, 0.8, 0.10, 12, 0.90),  # Overval
    "2.1.1": (1.8, 0.80, 1.0, 0.20, 7, 1.00),    # Drugs/drankoverlast
    "2.2.1": (5.5, 0.60, 0.8, 0.10, 1, 0.95),    # Vernieling cq. zaakbeschadiging
    "3.1.1": (0.9, 0.90, 1.0, 0.05, 1, 1.00),    # Drugshandel
    "3.7.4": (1.0, 0.10, 0.1, 0.00, 1, 1.30),    # Cybercrime
}

# Meldingen subcategorieën (the method's vocabulary, also those in no indicator): rate per 1,000 per
# year, b, centre elasticity, seasonal amplitude, peak month, corona factor.  The hoofdcategorie and
# the indicator are the method's; the order of generation is the vocabulary's.
_MELDINGEN_WORLD: dict[str, tuple[float, float, float, float, int, float]] = {
    "veeg-zwerfvuil": (20.0, 0.45, 0.6, 0.15, 7, 1.00),
    "grofvuil": (28.0, 0.40, 0.2, 0.10, 5, 1.10),
    "container-is-vol": (16.0, 0.40, 0.4, 0.20, 8, 1.10),
    "huisafval": (8.0, 0.20, 0.3, 0.10, 8, 1.00),
    "graffiti-wildplak": (6.0, 0.50, 0.9, 0.05, 6, 1.00),
    "hondenpoep": (5.0, 0.35, 0.2, 0.15, 2, 1.00),
    "fietswrak": (6.0, 0.20, 0.8, 0.10, 4, 1.00),
    "parkeeroverlast": (14.0, 0.10, 0.5, 0.05, 10, 0.90),
    "jongerenoverlast": (4.0, 0.60, 0.5, 0.30, 7, 1.20),
    "overlast-buurtbewoners": (6.0, 0.45, 0.3, 0.10, 1, 1.35),
    "daklozen-bedelen": (2.0, 0.40, 1.5, 0.15, 12, 1.00),
    "wildplassen-poepen-overgeven": (3.0, 0.40, 1.2, 0.30, 7, 0.80),
    "drank-en-drugsoverlast": (4.0, 0.70, 0.9, 0.20, 7, 1.00),
    "straatmeubilair-vernield": (5.0, 0.50, 0.7, 0.05, 6, 1.00),
    "straatverlichting-defect": (12.0, 0.05, 0.2, 0.35, 12, 1.00),
    "losse-stoeptegel": (15.0, 0.05, 0.2, 0.10, 3, 1.00),
}
MELDINGEN_LEVEL = 0.87  # brings the city total to ~100,000 meldingen a year
# Codes and subcategorieën in no indicator each get their own deviation column of _World.extra_dev:
# police codes from column 0, meldingen from column _EXTRA_DEV_MELDINGEN.
_N_EXTRA_DEV, _EXTRA_DEV_MELDINGEN = 8, 2

# Meldingen status as of the export date, keyed by the method's status names: the share "gemeld"
# and "in_behandeling" among meldingen younger than 14 days, 14–59 days and older (the rest is
# afgehandeld, unless not yet handled by the export date), and the share cancelled at any age.
_STATUS_NEW, _STATUS_BUSY, _STATUS_DONE, _STATUS_CANCELLED = "gemeld", "in_behandeling", "afgehandeld", "geannuleerd"
_STATUS_SHARE_BY_AGE = {_STATUS_NEW: (0.45, 0.08, 0.004), _STATUS_BUSY: (0.35, 0.22, 0.004)}
_CANCELLED_SHARE = 0.02

# Survey items, keyed by survey column, in the column order of the demo questionnaire export (the
# readers match columns by name, so it need not be the method's order): base probability of
# "ja"/"vaak", b (logit scale), share "weet niet" (frequency items only).  The indicator and the
# answer scale are the method's.
_SURVEY_WORLD: dict[str, tuple[float, float, float]] = {
    "voelt_zich_onveilig": (0.30, 0.85, 0.0),
    "slachtoffer_diefstal": (0.08, 0.50, 0.0),
    "slachtoffer_inbraak": (0.035, 0.60, 0.0),
    "slachtoffer_geweld": (0.04, 0.60, 0.0),
    "vaak_diefstal": (0.12, 0.80, 0.08),
    "vaak_inbraak": (0.08, 0.80, 0.10),
    "vaak_geweld": (0.06, 0.90, 0.07),
    "vaak_vernieling": (0.15, 0.80, 0.06),
    "vaak_overlast": (0.20, 0.80, 0.04),
    "vaak_drugs": (0.15, 0.90, 0.09),
    "vaak_rommel": (0.33, 0.80, 0.03),
}
# Invalid answers written as quirks: (column, value outside the method's answer codes).
_INVALID_BINARY = ("voelt_zich_onveilig", 4)
_INVALID_FREQUENCY = ("vaak_overlast", 7)


class _PoliceCode(NamedTuple):
    code: str
    label: str
    rate: float
    b: float
    elast: float
    amp: float
    peak: int
    indicator: str | None  # None = counts in no indicator
    corona: float


class _Subcat(NamedTuple):
    hoofdcategorie: str
    subcategorie: str
    rate: float
    b: float
    elast: float
    amp: float
    peak: int
    indicator: str | None  # None = counts in no indicator
    corona: float


class _SurveyItem(NamedTuple):
    column: str
    indicator: str
    scale: str  # "binary" or "frequency" (the method's)
    p_yes: float
    b: float
    p_no_answer: float


def _world_registers(method: dict) -> tuple[tuple[_PoliceCode, ...], tuple[_Subcat, ...], tuple[_SurveyItem, ...]]:
    """POLITIE_CODES, MELDING_SUBCATS and SURVEY_ITEMS: the method's lists joined with the demo's world.

    Raises DemoWorldError, naming what is missing, when an indicator of the method (a police code, a
    subcategorie, a survey column) has no world parameters here, or the other way round."""
    errors: list[str] = []
    indicator_of: dict[tuple[str, str], str] = {}
    for ind in method["indicators"]:
        for code in ind.get("codes", []):
            if (ind["source"], code) in indicator_of:
                errors.append(f"{ind['source']} {code!r} telt in twee indicatoren "
                              f"({indicator_of[ind['source'], code]}, {ind['indicator']})")
            indicator_of[ind["source"], code] = ind["indicator"]
            world = {"politie": _POLITIE_WORLD, "meldingen": _MELDINGEN_WORLD}.get(ind["source"])
            if world is None:
                errors.append(f"indicator {ind['indicator']!r}: onbekende bron {ind['source']!r}")
            elif code not in world:
                errors.append(f"indicator {ind['indicator']!r}: geen wereldparameters voor {ind['source']} "
                              f"{code!r} (_{ind['source'].upper()}_WORLD)")
        if ind.get("column") and ind["column"] not in _SURVEY_WORLD:
            errors.append(f"indicator {ind['indicator']!r}: geen wereldparameters voor enquêtekolom "
                          f"{ind['column']!r} (_SURVEY_WORLD)")
        if not ind.get("codes") and not ind.get("column"):
            errors.append(f"indicator {ind['indicator']!r}: geen codes en geen enquêtekolom")
    total = method["politie"]["total_code"]
    if total in _POLITIE_WORLD:
        errors.append(f"politiecode {total!r} is de totaalcode van de methode, geen code van _POLITIE_WORLD")
    labels = crime_labels()
    errors += [f"politiecode {code!r} staat niet in de CBS-codelijst (cbs_soortmisdrijf.csv)"
               for code in [total, *_POLITIE_WORLD] if code not in labels]
    hoofd_of = {sub: main for main, subs in method["meldingen"]["vocabulary"].items() for sub in subs}
    errors += [f"subcategorie {sub!r} van de vocabulaire: geen wereldparameters (_MELDINGEN_WORLD)"
               for sub in hoofd_of if sub not in _MELDINGEN_WORLD]
    errors += [f"subcategorie {sub!r} van _MELDINGEN_WORLD staat niet in de vocabulaire van de methode"
               for sub in _MELDINGEN_WORLD if sub not in hoofd_of]
    errors += [f"meldingen-indicator {indicator_of['meldingen', sub]!r}: subcategorie {sub!r} staat niet "
               "in de vocabulaire" for src, sub in indicator_of if src == "meldingen" and sub not in hoofd_of]
    scales = survey_items(method)
    errors += [f"enquêtekolom {col!r} van _SURVEY_WORLD is geen enquête-item van de methode"
               for col in _SURVEY_WORLD if col not in scales]
    unindexed_pol = [c for c in _POLITIE_WORLD if ("politie", c) not in indicator_of]
    unindexed_meld = [s for s in hoofd_of if ("meldingen", s) not in indicator_of]
    if len(unindexed_pol) > _EXTRA_DEV_MELDINGEN or len(unindexed_meld) > _N_EXTRA_DEV - _EXTRA_DEV_MELDINGEN:
        errors.append(f"te veel codes buiten een indicator voor _World.extra_dev: politie {unindexed_pol} "
                      f"(max {_EXTRA_DEV_MELDINGEN}), meldingen {unindexed_meld} "
                      f"(max {_N_EXTRA_DEV - _EXTRA_DEV_MELDINGEN})")
    if errors:
        raise DemoWorldError("Demodata (pipeline/demo/generator.py) dekt de methodeconfiguratie niet: "
                             + "; ".join(errors) + ".")
    politie = tuple(_PoliceCode(code, labels[code], *params[:-1], indicator_of.get(("politie", code)), params[-1])
                    for code, params in _POLITIE_WORLD.items())
    meldingen = tuple(_Subcat(hoofd_of[sub], sub, *_MELDINGEN_WORLD[sub][:-1], indicator_of.get(("meldingen", sub)),
                              _MELDINGEN_WORLD[sub][-1]) for sub in hoofd_of)
    ind_of_column = {i["column"]: i["indicator"] for i in method["indicators"] if i.get("column")}
    survey = tuple(_SurveyItem(col, ind_of_column[col], scales[col], *params) for col, params in _SURVEY_WORLD.items())
    return politie, meldingen, survey


POLITIE_CODES, MELDING_SUBCATS, SURVEY_ITEMS = _world_registers(_METHOD)
TOTAL_CODE = (_METHOD["politie"]["total_code"], crime_labels()[_METHOD["politie"]["total_code"]])  # Totaal misdrijven
SURVEY_COLUMNS = tuple(item.column for item in SURVEY_ITEMS)
_SURVEY_INDEX = {item.indicator: j for j, item in enumerate(SURVEY_ITEMS)}


def _answer_codes(survey: dict) -> tuple[tuple[int, int], tuple[int, int, int], int]:
    """The method's answer codes as the generator writes them: binary (ja, nee), frequency
    (vaak, soms, (bijna) nooit: the valid codes after the yes code, in the method's order, as
    INPUTS.md numbers them) and frequency weet niet.  The model behind the demo answers has
    exactly these; another answer scale in the method stops the demo with a clear error."""
    bin_valid, freq_valid = list(survey["binary_valid"]), list(survey["frequency_valid"])
    no_answer = list(survey.get("frequency_no_answer", []))
    if (len(bin_valid) != 2 or survey["binary_yes"] not in bin_valid or len(freq_valid) != 3
            or survey["frequency_yes"] not in freq_valid or len(no_answer) != 1
            or not all(v.isdigit() for v in bin_valid + freq_valid + no_answer)):
        raise DemoWorldError("Demodata: de antwoordschalen van de methode ([survey]) passen niet op het "
                             "antwoordmodel van de demo (binair: 2 codes, frequentie: 3 codes plus 1 'weet niet').")
    yes_b, yes_f = survey["binary_yes"], survey["frequency_yes"]
    binary = (int(yes_b), *(int(v) for v in bin_valid if v != yes_b))
    frequency = (int(yes_f), *(int(v) for v in freq_valid if v != yes_f))
    return binary, frequency, int(no_answer[0])


_SURVEY_CODES = _METHOD["survey"]
(_BIN_YES, _BIN_NO), (_FREQ_YES, _FREQ_SOMETIMES, _FREQ_RARELY), _FREQ_NO_ANSWER = _answer_codes(_SURVEY_CODES)
# The valid answers per scale, in the method's order (a repeated respondent draws from them).
_VALID_ANSWERS = {scale: tuple(int(v) for v in _SURVEY_CODES[f"{scale}_valid"]) for scale in ("binary", "frequency")}

MELDING_STATUSES: tuple[str, ...] = tuple(_METHOD["meldingen"]["statuses"])
_STATUS_INDEX = {s: i for i, s in enumerate(MELDING_STATUSES)}
_NOT_COUNTED = tuple(_STATUS_INDEX[s] for s in _METHOD["meldingen"]["not_counted_status"] if s in _STATUS_INDEX)
_PRESTATIES = _METHOD["prestaties"]

# Headers: the required columns of the source register (lower case, as the readers require them).
ENQUETE_HEADER = tuple(c for c in SOURCES_BY_NAME["enquete"].columns if c not in SURVEY_COLUMNS) + SURVEY_COLUMNS
MELDINGEN_HEADER = SOURCES_BY_NAME["meldingen"].columns
# The police files keep the casing of the real CBS open-data export (the readers lower-case the
# header); checked against the register below.
POLITIE_HEADER = ("ID", "SoortMisdrijf", "WijkenEnBuurten", "Perioden", "GeregistreerdeMisdrijven_1")
PRESTATIES_HEADER = SOURCES_BY_NAME["prestaties"].columns
VOORTGANG_HEADER = SOURCES_BY_NAME["voortgang"].columns
AREAS_HEADER = SOURCES_BY_NAME["areas"].columns + SOURCES_BY_NAME["areas"].optional
BEVOLKING_HEADER = SOURCES_BY_NAME["bevolking"].columns
if tuple(c.lower() for c in POLITIE_HEADER) != SOURCES_BY_NAME["politie"].columns:
    raise DemoWorldError(f"Demodata: POLITIE_HEADER {POLITIE_HEADER} wijkt af van het bronregister "
                         f"{SOURCES_BY_NAME['politie'].columns}.")
if set(ENQUETE_HEADER) != set(SOURCES_BY_NAME["enquete"].columns):
    raise DemoWorldError(f"Demodata: ENQUETE_HEADER {ENQUETE_HEADER} wijkt af van het bronregister "
                         f"{SOURCES_BY_NAME['enquete'].columns}.")

UNKNOWN_WIJK = "BU05999999"
CORONA_MONTHS = (12 * (2020 - FIRST_YEAR) + 2, 12 * (2021 - FIRST_YEAR) + 6)  # Mar 2020 .. Jun 2021 (excl.)

Progress = Callable[[str], None] | None


# --------------------------------------------------------------------------------------------
# The latent world
# --------------------------------------------------------------------------------------------
class _World:
    """Wijken, population and latent safety; all arrays indexed [wijk, ...]."""

    def __init__(self, rng: np.random.Generator):
        self.codes = [w[0] for w in WIJKEN]
        self.names = [w[1] for w in WIJKEN]
        self.gebied = [_gebied_of(w[0]) for w in WIJKEN]
        self.n = len(WIJKEN)
        self.centre = np.array([w[7] for w in WIJKEN], dtype=float)
        self.u0 = np.array([w[6] for w in WIJKEN], dtype=float)
        n = self.n

        # Population on 1 January of each year.
        growth = np.array([w[8] for w in WIJKEN], dtype=float)
        pop0 = np.array([w[5] for w in WIJKEN], dtype=float)
        shocks = rng.normal(0.0, 0.004, size=(n, N_YEARS))
        shocks[:, 0] = 0.0
        factor = np.cumprod(1.0 + growth[:, None] * (np.arange(N_YEARS) > 0) + shocks, axis=1)
        self.pop = np.round(pop0[:, None] * factor).astype(np.int64)  # [w, year]

        # Drift of latent unsafety (per year): mild improvement, some fixed, five slippers.
        drift = rng.uniform(-0.075, -0.025, size=n)
        for i, w in enumerate(WIJKEN):
            if w[9] is not None:
                drift[i] = w[9]
        slip = np.zeros(n)
        for i, name in enumerate(self.names):
            if name in SLIPPING:
                drift[i] = -0.01
                slip[i] = 0.17
        self.drift, self.slip = drift, slip
        t = (np.arange(N_MONTHS) + 0.5) / 12.0  # years since 1 Jan 2015, month midpoints
        year_noise = rng.normal(0.0, 0.07, size=(n, N_YEARS))
        self.u = (self.u0[:, None] + drift[:, None] * t[None, :] + slip[:, None] * np.maximum(0.0, t - 2.5)[None, :]
                  + np.repeat(year_noise, 12, axis=1))  # [w, month]

        # Per wijk, per theme and per indicator deviations from the general latent level.
        theme_dev = rng.normal(0.0, 0.30, size=(n, len(THEMES)))
        ind_dev = rng.normal(0.0, 0.12, size=(n, N_IND))
        theme_idx = np.array([THEMES.index(th) for _, th in INDICATORS])
        self.dev = theme_dev[:, theme_idx] + ind_dev  # [w, indicator]
        self.extra_dev = rng.normal(0.0, 0.30, size=(n, _N_EXTRA_DEV))  # for codes/subcategories in no indicator

        self.month_year = np.repeat(np.arange(N_YEARS), 12)  # year index of each month

    def pop_month(self) -> np.ndarray:
        return self.pop[:, self.month_year]  # [w, month]


def _season(amp: float, peak: int) -> np.ndarray:
    months = np.tile(np.arange(1, 13), N_YEARS)
    return 1.0 + amp * np.cos(2.0 * np.pi * (months - peak) / 12.0)


def _corona(factor: float) -> np.ndarray:
    out = np.ones(N_MONTHS)
    out[CORONA_MONTHS[0]:CORONA_MONTHS[1]] = factor
    return out


# --------------------------------------------------------------------------------------------
# Prestaties: planned first, because their effects feed the generated data.
# --------------------------------------------------------------------------------------------
PARTNERS = {
    "politie": "Politie eenheid Rotterdam",
    "om": "Openbaar Ministerie",
    "woonstad": "Woonstad Rotterdam",
    "havensteder": "Havensteder",
    "vestia": "Vestia",
    "stadsbeheer": "Gemeente Rotterdam, Stadsbeheer",
    "stadstoezicht": "Gemeente Rotterdam, Stadstoezicht",
    "gemeente": "Gemeente Rotterdam",
    "dock": "DOCK",
    "kansfabriek": "Kansfabriek",
    "jongerenwerk": "Jongerenwerk Thuis Op Straat",
}

# theme -> list of (partner key, omschrijving, soort, measurable indicators)
TEMPLATES: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {
    "inbraak": [
        ("politie", "Extra surveillance woninginbraak in de donkere maanden", "inspanning", ("obj_inbraak",)),
        ("woonstad", "Inbraakwerend hang- en sluitwerk in portiekflats (PKVW)", "resultaat", ("obj_inbraak", "subj_slachtoffer_inbraak")),
        ("havensteder", "Verlichting, afsluitbare bergingen en nieuwe portiekdeuren", "resultaat", ("obj_inbraak",)),
        ("gemeente", "Buurtpreventieteams en WhatsApp-groepen tegen inbraak", "inspanning", ("subj_vaak_inbraak", "obj_inbraak")),
    ],
    "diefstal": [
        ("politie", "Lokfietsen en graveeracties tegen fietsendiefstal", "inspanning", ("obj_diefstal",)),
        ("stadstoezicht", "Toezicht op zakkenrollerij in winkelgebied, met camera's en handhavers", "inspanning", ("obj_diefstal", "subj_vaak_diefstal")),
        ("politie", "Aanpak diefstal uit auto's op parkeerterreinen", "inspanning", ("obj_diefstal", "subj_slachtoffer_diefstal")),
    ],
    "geweld": [
        ("om", "Snelrecht bij uitgaansgeweld en geweld tegen hulpverleners", "inspanning", ("obj_geweld",)),
        ("politie", "Persoonsgerichte aanpak van veelplegers", "resultaat", ("obj_geweld", "subj_slachtoffer_geweld")),
        ("dock", "Huiselijk geweld: vroegsignalering via buurtnetwerken", "inspanning", ("subj_vaak_geweld",)),
    ],
    "vandalisme": [
        ("stadsbeheer", "Graffiti binnen 48 uur verwijderen", "resultaat", ("obj_graffiti_meldingen", "subj_vaak_vernieling")),
        ("jongerenwerk", "Pleinsport en buurtschouw met jongeren tegen vernielingen", "inspanning", ("obj_vernieling", "subj_vaak_vernieling")),
        ("vestia", "Herstel van vernielingen in gemeenschappelijke ruimten binnen één week", "resultaat", ("obj_graffiti_meldingen",)),
    ],
    "overlast": [
        ("jongerenwerk", "Ambulant jongerenwerk op hangplekken, ook 's avonds en in het weekend", "inspanning", ("obj_overlast_meldingen", "subj_vaak_overlast")),
        ("woonstad", "Buurtbemiddeling bij burenruzies", "inspanning", ("obj_overlast_meldingen",)),
        ("kansfabriek", "Talentprogramma voor jongeren die overlast veroorzaken", "inspanning", ("subj_vaak_overlast",)),
        ("stadstoezicht", "Handhaving op wildplassen en overlast rond horeca, vooral in het weekend", "inspanning", ("obj_overlast_meldingen",)),
    ],
    "drugs": [
        ("politie", "Aanpak drugsrunners en sluiting van dealpanden (Damocles)", "resultaat", ("obj_drugs_politie", "subj_vaak_drugs")),
        ("om", "Ondermijning: afpakken van criminele vermogens", "inspanning", ("obj_drugs_politie",)),
        ("woonstad", "Aanpak drugsoverlast in portieken", "resultaat", ("subj_vaak_drugs", "obj_drugs_meldingen")),
        ("havensteder", "Cameratoezicht en afsluiten van loze ruimten tegen drugsgebruik", "resultaat", ("obj_drugs_meldingen",)),
    ],
    "vervuiling": [
        ("stadsbeheer", "Extra veegronde winkelstraten", "inspanning", ("obj_vervuiling_meldingen", "subj_vaak_rommel")),
        ("stadsbeheer", "Ondergrondse containers vaker legen", "resultaat", ("obj_vervuiling_meldingen",)),
        ("kansfabriek", "Zwerfafvalpeters en opschoonacties met bewoners", "inspanning", ("subj_vaak_rommel",)),
        ("stadstoezicht", "Handhaving op bijplaatsingen, grofvuil en afval naast containers", "inspanning", ("obj_vervuiling_meldingen",)),
    ],
    "beleving": [
        ("gemeente", "Buurtpreventie-apps ondersteunen", "inspanning", ("subj_onveilig",)),
        ("dock", "Bewonersavonden 'Veilig in de wijk', met wijkagent en corporatie", "inspanning", ("subj_onveilig",)),
        ("stadsbeheer", "Betere straatverlichting op donkere looproutes", "resultaat", ("subj_onveilig",)),
        ("politie", "Wijkagent vaker zichtbaar op straat", "inspanning", ("subj_onveilig",)),
    ],
}

# The measurable agreements: indicator and status (fixed list, so the story is stable).
_MEASURABLE_PLAN: tuple[tuple[str, str], ...] = (
    ("obj_inbraak", "gerealiseerd"), ("obj_inbraak", "gerealiseerd"), ("obj_inbraak", "in_uitvoering"),
    ("obj_inbraak", "in_uitvoering"), ("obj_inbraak", "niet_gerealiseerd"),
    ("obj_overlast_meldingen", "gerealiseerd"), ("obj_overlast_meldingen", "in_uitvoering"),
    ("obj_overlast_meldingen", "toegezegd"),
    ("obj_drugs_meldingen", "gerealiseerd"), ("obj_drugs_meldingen", "in_uitvoering"),
    ("obj_vervuiling_meldingen", "gerealiseerd"), ("obj_vervuiling_meldingen", "in_uitvoering"),
    ("obj_vervuiling_meldingen", "niet_gerealiseerd"),
    ("obj_graffiti_meldingen", "gerealiseerd"), ("obj_graffiti_meldingen", "in_uitvoering"),
    ("obj_diefstal", "gerealiseerd"), ("obj_diefstal", "in_uitvoering"),
    ("obj_geweld", "in_uitvoering"), ("obj_geweld", "afgewezen"),
    ("obj_vernieling", "gerealiseerd"),
    ("obj_drugs_politie", "gerealiseerd"), ("obj_drugs_politie", "in_uitvoering"),
    ("subj_onveilig", "gerealiseerd"), ("subj_onveilig", "in_uitvoering"), ("subj_onveilig", "niet_gerealiseerd"),
    ("subj_vaak_drugs", "in_uitvoering"), ("subj_vaak_drugs", "toegezegd"),
    ("subj_vaak_overlast", "gerealiseerd"), ("subj_vaak_overlast", "niet_gerealiseerd"),
    ("subj_vaak_rommel", "afgewezen"),
)
_OTHER_PLAN_STATUS = (
    ["in_uitvoering"] * 8 + ["gerealiseerd"] * 10 + ["niet_gerealiseerd"] * 3 + ["toegezegd"] * 4
    + ["voorgesteld"] * 3 + ["afgewezen"] * 2
)

# Share of agreements with additioneel = ja (the values are the method's prestaties.additioneel).
_ADDITIONEEL_YES, _ADDITIONEEL_NO = "ja", "nee"
_ADDITIONEEL_SHARE = 0.55


def _add_months(d: np.datetime64, months: int) -> np.datetime64:
    return (d.astype("datetime64[M]") + months).astype("datetime64[D]")


def _month_start(month_idx: int) -> np.datetime64:
    return (np.datetime64(f"{FIRST_YEAR}-01", "M") + month_idx).astype("datetime64[D]")


def _plan_prestaties(rng: np.random.Generator, world: _World) -> list[dict]:
    ind_theme = dict(INDICATORS)
    eligible = [i for i in range(world.n) if world.pop[i, 0] >= 1500 and world.names[i] not in SLIPPING]
    weights = np.array([max(world.u0[i] + 1.2, 0.15) for i in eligible])
    weights /= weights.sum()
    used: set[tuple[int, str]] = set()
    per_wijk: dict[int, int] = {}
    plans: list[dict] = []

    for indicator, status in _MEASURABLE_PLAN:
        theme = ind_theme[indicator]
        while True:
            w = int(rng.choice(eligible, p=weights))
            if (w, indicator) not in used and per_wijk.get(w, 0) < 2:
                break
        used.add((w, indicator))
        per_wijk[w] = per_wijk.get(w, 0) + 1
        options = [t for t in TEMPLATES[theme] if indicator in t[3]] or TEMPLATES[theme]
        partner, text, soort, _ = options[int(rng.integers(len(options)))]
        if status == "gerealiseerd":
            start = int(rng.integers(12, 12 * 6 + 6))          # 2016-01 .. 2021-06
            duration = int(rng.integers(18, 37))
            effect = rng.uniform(0.25, 0.40)
            target = effect * rng.uniform(0.75, 0.95)
        elif status == "niet_gerealiseerd":
            start = int(rng.integers(24, 12 * 6 + 6))
            duration = int(rng.integers(12, 31))
            effect = rng.uniform(0.05, 0.12)
            target = rng.uniform(0.25, 0.35)
        elif status == "in_uitvoering":
            start = int(rng.integers(12 * 5, 12 * 8 + 10))     # 2020-01 .. 2023-10
            duration = max(int(rng.integers(24, 49)), N_MONTHS - start + 3)
            effect = rng.uniform(0.25, 0.40)
            target = rng.uniform(0.20, 0.35)
        elif status == "toegezegd":
            start = N_MONTHS + int(rng.integers(0, 6))          # 2025
            duration = 12
            effect, target = 0.0, rng.uniform(0.15, 0.30)
        else:  # afgewezen
            start = int(rng.integers(12 * 4, 12 * 8))
            duration = 24
            effect, target = 0.0, rng.uniform(0.15, 0.30)
        if status in ("gerealiseerd", "niet_gerealiseerd"):
            duration = min(duration, N_MONTHS - 1 - start)      # ended before the export
        plans.append(dict(kind="wijk", w=w, area=world.codes[w], theme=theme, indicator=indicator,
                          partner=PARTNERS[partner], text=text, soort=soort, status=status,
                          start=start, end=start + duration, effect=effect, target=target))

    # Non-measurable agreements: 16 wijk, 9 gebied, 5 stad.
    statuses = list(_OTHER_PLAN_STATUS)
    rng.shuffle(statuses)
    gebieden = list(GEBIEDEN)
    for k, status in enumerate(statuses):
        theme = THEMES[int(rng.integers(len(THEMES)))]
        partner, text, soort, _ = TEMPLATES[theme][int(rng.integers(len(TEMPLATES[theme])))]
        if k < 16:
            w = int(rng.choice(eligible, p=weights))
            area, place, kind = world.codes[w], world.names[w], "wijk"
        elif k < 25:
            g = gebieden[int(rng.integers(len(gebieden)))]
            area, place, kind, w = g, GEBIEDEN[g], "gebied", -1
        else:
            area, place, kind, w = "stad", "heel Rotterdam", "stad", -1
        if status in ("gerealiseerd", "niet_gerealiseerd"):
            start = int(rng.integers(12, 12 * 8))
            duration = min(int(rng.integers(6, 25)), N_MONTHS - 1 - start)
        elif status == "in_uitvoering":
            start = int(rng.integers(12 * 4, 12 * 9 + 3))
            duration = max(int(rng.integers(12, 37)), N_MONTHS - start + 3)
        elif status in ("toegezegd", "voorgesteld"):
            start = N_MONTHS + int(rng.integers(0, 9))
            duration = int(rng.integers(6, 13))
        else:
            start = int(rng.integers(12 * 2, 12 * 9))
            duration = 12
        plans.append(dict(kind=kind, w=w, area=area, place=place, theme=theme, indicator=None,
                          partner=PARTNERS[partner], text=text, soort=soort, status=status,
                          start=start, end=start + duration, effect=0.0, target=0.0))

    for p in plans:
        if "place" not in p:
            p["place"] = world.names[p["w"]]
        p["end"] = min(p["end"], 12 * (2025 - FIRST_YEAR) + 11)  # ends by 2025-12
        p["prioriteit"] = int(rng.integers(_PRESTATIES["min_priority"], _PRESTATIES["max_priority"] + 1))
        p["additioneel"] = _ADDITIONEEL_YES if rng.random() < _ADDITIONEEL_SHARE else _ADDITIONEEL_NO
        p["half_yearly"] = bool(rng.random() < 0.4)

    plans.sort(key=lambda p: (p["start"], p["area"], p["text"]))
    for i, p in enumerate(plans, start=1):
        p["id"] = f"P{i:03d}"
    # Stale agreements: three running ones stop reporting in 2023, one never reported.
    never = [p for p in plans if p["status"] == "in_uitvoering" and p["indicator"] is None
             and 12 * 8 <= p["start"] <= 12 * 9]
    if never:
        never[0]["stale_after"] = -1
    running = [p for p in plans if p["status"] == "in_uitvoering" and p["start"] <= 12 * 8 + 3
               and "stale_after" not in p]
    for p in running[1:4]:
        p["stale_after"] = 12 * 8 + int(rng.integers(0, 8))  # last report in 2023 H1..Q3
    return plans


def _effect_factors(world: _World, plans: list[dict]) -> np.ndarray:
    """Multiplicative effect of the prestaties on every indicator, [w, indicator, month]."""
    F = np.ones((world.n, N_IND, N_MONTHS))
    months = np.arange(N_MONTHS)
    ind_theme = dict(INDICATORS)
    for p in plans:
        if p["indicator"] is None or p["effect"] <= 0:
            continue
        ramp = np.clip((months - p["start"] + 0.5) / 24.0, 0.0, 1.0)
        k = IND_INDEX[p["indicator"]]
        F[p["w"], k, :] *= 1.0 - p["effect"] * ramp
        for j, (name, theme) in enumerate(INDICATORS):
            if theme == ind_theme[p["indicator"]] and j != k:
                F[p["w"], j, :] *= 1.0 - p["effect"] / 3.0 * ramp
    return F


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------
def _check_header(df: pl.DataFrame, path: Path, header: tuple[str, ...]) -> None:
    if tuple(df.columns[:len(header)]) != header:
        raise AssertionError(f"{path.name}: columns {df.columns} differ from {header}")


def _write_df(df: pl.DataFrame, path: Path, header: tuple[str, ...] | None = None, **kw) -> None:
    if header is not None:
        _check_header(df, path, header)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        df.write_csv(fh, **kw)


def _statline_names(world: _World) -> tuple[dict[str, str], set[str]]:
    """The name StatLine gives each area code (CBS's spelling of a buurt, the gebied name of a CBS
    wijk, the gemeente name), and the CBS wijk codes whose StatLine name is also a buurt's: StatLine
    labels both the same, so the statline form leaves those WK rows out."""
    names = {code: CBS_SPELLING.get(name, name) for code, name in zip(world.codes, world.names)}
    buurt_names = {normalise_name(n) for n in names.values()}
    ambiguous = {g for g, name in GEBIEDEN.items() if normalise_name(name) in buurt_names}
    names.update({g: name for g, name in GEBIEDEN.items() if g not in ambiguous})
    names[GEMEENTE[0]] = GEMEENTE[1]
    return names, ambiguous


def _write_areas(world: _World, out: Path) -> int:
    statline, _ = _statline_names(world)
    df = pl.DataFrame({
        "wijk_code": world.codes,
        "wijk_naam": world.names,
        "gebied_code": world.gebied,
        "gebied_naam": [GEBIEDEN[g] for g in world.gebied],
        "wijktype": [w[2] for w in WIJKEN],
        "tile_x": [w[3] for w in WIJKEN],
        "tile_y": [w[4] for w in WIJKEN],
        # empty = StatLine's name equals wijk_naam after the spec's normalisation
        "statline_naam": [statline[c] if normalise_name(statline[c]) != normalise_name(n) else None
                          for c, n in zip(world.codes, world.names)],
        "gemeente_naam": [GEMEENTE[1]] * world.n,
    })
    header = AREAS_HEADER + tuple(c for c in df.columns if c not in AREAS_HEADER)
    _write_df(df.select(header), out / "areas" / "areas.csv", AREAS_HEADER)
    return df.height


def _write_bevolking(world: _World, out: Path) -> int:
    df = pl.DataFrame({
        "jaar": np.repeat(np.array(YEARS), world.n),
        "wijk_code": world.codes * N_YEARS,
        "inwoners": world.pop.T.reshape(-1),
    })
    _write_df(df, out / "bevolking" / "bevolking.csv", BEVOLKING_HEADER)
    return df.height


# ---- politie --------------------------------------------------------------------------------
POLITIE_FORMATS = ("odata-csv", "odata-json", "statline")
POLITIE_FILES = ("geregistreerde_misdrijven_2015_2019", "geregistreerde_misdrijven_2020_2024",
                 "geregistreerde_misdrijven_2024_revisie")  # file-name order = reading order
POLITIE_TABLE = "47022NED"
ODATA_V3 = f"https://dataderden.cbs.nl/ODataFeed/odata/{POLITIE_TABLE}"
ODATA_V4 = f"https://datasets.cbs.nl/odata/v1/CBS/{POLITIE_TABLE}"
JSON_PAGE_SIZE = 10_000
_JSON_VERSION = {POLITIE_FILES[0]: 3, POLITIE_FILES[1]: 4, POLITIE_FILES[2]: 3}
# StatLine label headers per OData column, and the column order of each StatLine file (never the OData one).
STATLINE_HEADER = {"SoortMisdrijf": "Soort misdrijf", "WijkenEnBuurten": "Wijken en buurten",
                   "Perioden": "Perioden", "GeregistreerdeMisdrijven_1": "Geregistreerde misdrijven (aantal)"}
_STATLINE_ORDER = {
    POLITIE_FILES[0]: ("WijkenEnBuurten", "SoortMisdrijf", "Perioden", "GeregistreerdeMisdrijven_1"),
    POLITIE_FILES[1]: ("Perioden", "WijkenEnBuurten", "SoortMisdrijf", "GeregistreerdeMisdrijven_1"),
    POLITIE_FILES[2]: ("GeregistreerdeMisdrijven_1", "Perioden", "SoortMisdrijf", "WijkenEnBuurten"),
}
STATLINE_COUNT_WIDTH = 8
STATLINE_NEDERLAND = ("Nederland", 25.0)  # the one Nederland row set: factor on Rotterdam's total
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december")
PROVISIONAL = ("2024MM11", "2024MM12")  # StatLine marks these months provisional: '2024 november*'


def _politie_counts(rng: np.random.Generator, world: _World, F: np.ndarray) -> np.ndarray:
    """Final (revised) counts per [w, code, month] for the codes of POLITIE_CODES."""
    P = world.pop_month()
    lam = np.empty((world.n, len(POLITIE_CODES), N_MONTHS))
    extra = 0
    for c, (_, _, rate, b, elast, amp, peak, ind, corona) in enumerate(POLITIE_CODES):
        if ind is None:
            dev = world.extra_dev[:, extra][:, None]
            extra += 1
            eff = 1.0
        else:
            dev = world.dev[:, IND_INDEX[ind]][:, None]
            eff = F[:, IND_INDEX[ind], :]
        lam[:, c, :] = (rate / 1000.0 / 12.0 * P * np.exp(b * (world.u + dev)) * world.centre[:, None] ** elast
                        * _season(amp, peak)[None, :] * _corona(corona)[None, :] * eff)
    return rng.poisson(lam)


# The codes in the order of the CBS table (numerically: 2.6.10 after 2.6.9), as indices of POLITIE_CODES.
_CBS_ORDER = sorted(range(len(POLITIE_CODES)), key=lambda i: tuple(int(p) for p in POLITIE_CODES[i].code.split(".")))


def _period(m: int) -> str:
    return f"{FIRST_YEAR + m // 12}MM{m % 12 + 1:02d}"


def _politie_table(world: _World, counts: np.ndarray, month_lo: int, month_hi: int,
                   missing: dict[tuple[int, int, int], str | None]) -> pl.DataFrame:
    """The figures of one download for months [month_lo, month_hi), in the order of the CBS export
    (GM, then per gebied its WK and its buurten; per region the months, per month the codes):
    columns code, region (bare codes), period (YYYYMMmm) and value (digits, '.' or null)."""
    n_codes = len(POLITIE_CODES) + 1
    months = np.arange(month_lo, month_hi)
    # column 0 is the total, column 1 + j the code at _CBS_ORDER[j] of POLITIE_CODES
    column = {c: 1 + j for j, c in enumerate(_CBS_ORDER)}
    # regions: (code, member wijk indices, wijk index or -1)
    regions: list[tuple[str, list[int], int]] = [(GEMEENTE[0], list(range(world.n)), -1)]
    for g in GEBIEDEN:
        members = [i for i in range(world.n) if world.gebied[i] == g]
        regions.append((g, members, -1))
        regions.extend((world.codes[i], [i], i) for i in members)
    R = len(regions)
    values = np.zeros((R, len(months), n_codes), dtype=np.int64)
    for r, (_, members, _) in enumerate(regions):
        block = counts[members][:, :, month_lo:month_hi].sum(axis=0)  # [code, month]
        values[r, :, 1:] = block[_CBS_ORDER].T
        values[r, :, 0] = block.sum(axis=0)
    text = values.astype(str).astype(object)
    for (w, c, m), val in missing.items():
        if month_lo <= m < month_hi:
            r = next(i for i, reg in enumerate(regions) if reg[2] == w)
            text[r, m - month_lo, column[c]] = val
    n = R * len(months) * n_codes
    r_idx, m_idx, c_idx = np.unravel_index(np.arange(n), (R, len(months), n_codes))
    return pl.DataFrame({
        "code": pl.Series([TOTAL_CODE[0]] + [POLITIE_CODES[c].code for c in _CBS_ORDER]).gather(c_idx),
        "region": pl.Series([reg[0] for reg in regions]).gather(r_idx),
        "period": pl.Series([_period(m) for m in months]).gather(m_idx),
        "value": pl.Series(text.reshape(-1), dtype=pl.String),
    })


def _revision_table(world: _World, final: np.ndarray, rev_keys: list[tuple[int, int, int]]) -> pl.DataFrame:
    """The restated keys plus the 0.0.0 totals of those wijk-months (final figures)."""
    rows = []
    for w in sorted({k[0] for k in rev_keys}):
        for m in sorted({k[2] for k in rev_keys if k[0] == w}):
            rows.append((TOTAL_CODE[0], world.codes[w], _period(m), str(int(final[w, :, m].sum()))))
            rows.extend((POLITIE_CODES[c].code, world.codes[w], _period(m), str(int(final[w, c, m])))
                        for c in _CBS_ORDER for (w2, c2, m2) in rev_keys if (w2, c2, m2) == (w, c, m))
    return pl.DataFrame(rows, schema=["code", "region", "period", "value"], orient="row")


_LABELS = dict([TOTAL_CODE] + [(c.code, c.label) for c in POLITIE_CODES])
# Keys as CBS pads them: codes to 6 characters ('1.1.1 '), regions with trailing spaces.
_KEY_CODE = pl.col("code") + " "
_KEY_REGION = pl.when(pl.col("region").str.starts_with("GM")).then(pl.col("region") + "    ") \
    .otherwise(pl.col("region") + "  ")


def _odata_csv(table: pl.DataFrame, labels: bool) -> pl.DataFrame:
    """The canonical CSV export: the TypedDataSet columns, keys padded, labels after the code if asked."""
    soort = (_KEY_CODE + pl.col("code").replace_strict(_LABELS)) if labels else _KEY_CODE
    return table.select(
        pl.int_range(pl.len()).cast(pl.String).alias("ID"),
        soort.alias("SoortMisdrijf"),
        _KEY_REGION.alias("WijkenEnBuurten"),
        pl.col("period").alias("Perioden"),
        pl.col("value").alias("GeregistreerdeMisdrijven_1"),
    )


def _write_odata_json(table: pl.DataFrame, d: Path, stem: str, version: int, summary: dict) -> None:
    """The TypedDataSet as the OData API returns it, one file per page of JSON_PAGE_SIZE records."""
    records = table.select(pl.concat_str(
        pl.lit('{"ID":'), pl.int_range(pl.len()).cast(pl.String),
        pl.lit(',"SoortMisdrijf":"'), _KEY_CODE,
        pl.lit('","WijkenEnBuurten":"'), _KEY_REGION,
        pl.lit('","Perioden":"'), pl.col("period"),
        pl.lit('","GeregistreerdeMisdrijven_1":'),
        pl.when(pl.col("value").str.contains(r"^\d+$")).then(pl.col("value")).otherwise(pl.lit("null")),
        pl.lit("}"),
    ).alias("r"))["r"].to_list()
    base = ODATA_V3 if version == 3 else ODATA_V4
    context = ('"odata.metadata":"' + base + '/$metadata#Cbs.OData.WebAPI.TypedDataSet"' if version == 3
               else '"@odata.context":"' + base + '/$metadata#TypedDataSet"')
    next_key = "odata.nextLink" if version == 3 else "@odata.nextLink"
    starts = range(0, max(len(records), 1), JSON_PAGE_SIZE)
    d.mkdir(parents=True, exist_ok=True)
    for k, start in enumerate(starts):
        page = records[start:start + JSON_PAGE_SIZE]
        last = k == len(starts) - 1
        link = "" if last else f',"{next_key}":"{base}/TypedDataSet?$skip={start + JSON_PAGE_SIZE}"'
        name = f"{stem}.json" if len(starts) == 1 else f"{stem}_p{k + 1:03d}.json"
        (d / name).write_text("{" + context + ',"value":[' + ",".join(page) + "]" + link + "}\n", encoding="utf-8")
        summary[f"politie/{name}"] = len(page)


def _statline_csv(table: pl.DataFrame, names: dict[str, str], stem: str, nederland: bool) -> pl.DataFrame:
    """The StatLine "Download -> CSV" of a download: label headers and label values."""
    periods = table["period"].unique().sort().to_list()
    period_label = {p: f"{p[:4]} {MONTHS_NL[int(p[6:]) - 1]}" + ("*" if p in PROVISIONAL else "") for p in periods}
    soort_label = {code: label if code == TOTAL_CODE[0] else f"{code} {label}" for code, label in _LABELS.items()}
    count = (pl.when(pl.col("value").str.contains(r"^\d+$"))
             .then(pl.col("value").str.pad_start(STATLINE_COUNT_WIDTH, " ")).otherwise(pl.lit(".")))
    df = table.filter(pl.col("region").is_in(list(names))).select(
        pl.col("code").replace_strict(soort_label).alias("SoortMisdrijf"),
        pl.col("region").replace_strict(names).alias("WijkenEnBuurten"),
        pl.col("period").replace_strict(period_label).alias("Perioden"),
        count.alias("GeregistreerdeMisdrijven_1"),
    )
    if nederland:  # Totaal misdrijven for Nederland per month and per year, first (as StatLine lists it)
        name, factor = STATLINE_NEDERLAND
        gm = table.filter((pl.col("region") == GEMEENTE[0]) & (pl.col("code") == TOTAL_CODE[0]))
        nl = gm.select(pl.col("period"), (pl.col("value").cast(pl.Int64) * factor).round().cast(pl.Int64).alias("n"))
        years = nl.group_by(pl.col("period").str.slice(0, 4).alias("period")).agg(pl.col("n").sum())
        nl = pl.concat([years.with_columns(pl.col("period").alias("_order")),  # the year, then its months
                        nl.with_columns(pl.col("period").alias("_order"), pl.col("period").replace_strict(period_label))
                        ]).sort("_order")
        df = pl.concat([nl.select(
            pl.lit(soort_label[TOTAL_CODE[0]]).alias("SoortMisdrijf"), pl.lit(name).alias("WijkenEnBuurten"),
            pl.col("period").alias("Perioden"),
            pl.col("n").cast(pl.String).str.pad_start(STATLINE_COUNT_WIDTH, " ").alias("GeregistreerdeMisdrijven_1"),
        ), df])
    order = _STATLINE_ORDER[stem]
    return df.select(pl.col(c).alias(STATLINE_HEADER[c]) for c in order)


def _write_statline(df: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    df.write_csv(buf, separator=";", quote_style="always", line_terminator="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue())


def _write_politie(rng: np.random.Generator, world: _World, F: np.ndarray, out: Path,
                   progress: Progress, summary: dict, politie_format: str = "odata-csv") -> np.ndarray:
    final = _politie_counts(rng, world, F)
    code_idx = {c.code: i for i, c in enumerate(POLITIE_CODES)}
    widx = {name: i for i, name in enumerate(world.names)}

    def m_of(year: int, month: int) -> int:
        return 12 * (year - FIRST_YEAR) + month - 1

    missing: dict[tuple[int, int, int], str | None] = {
        (widx["CS-kwartier"], code_idx["2.5.2"], m_of(2016, 7)): ".",
        (widx["Afrikaanderwijk"], code_idx["2.5.2"], m_of(2019, 3)): ".",
        (widx["Overschie"], code_idx["2.5.2"], m_of(2022, 11)): ".",
        (widx["Blijdorp"], code_idx["3.7.4"], m_of(2021, 2)): None,
        (widx["Pernis"], code_idx["1.4.7"], m_of(2018, 5)): ".",
        (widx["Witte Dorp"], code_idx["2.1.1"], m_of(2021, 8)): ".",
    }
    # Revision: late registrations in Nov/Dec 2024 for three wijken and four codes.
    first_pub = final.copy()  # what the regular exports show
    rev_keys = []
    for name in ("Stadsdriehoek", "Tarwewijk", "Ommoord"):
        for m in (m_of(2024, 11), m_of(2024, 12)):
            for code in ("1.1.1", "1.2.3", "1.4.5", "2.2.1"):
                w, c = widx[name], code_idx[code]
                delta = int(rng.integers(1, 5))
                final[w, c, m] += delta
                rev_keys.append((w, c, m))

    tables = {
        POLITIE_FILES[0]: _politie_table(world, first_pub, 0, 60, missing),
        POLITIE_FILES[1]: _politie_table(world, first_pub, 60, N_MONTHS, missing),
        POLITIE_FILES[2]: _revision_table(world, final, rev_keys),
    }
    d = out / "politie"
    names, _ = _statline_names(world)
    for stem, table in tables.items():
        if politie_format == "odata-csv":
            df = _odata_csv(table, labels=stem == POLITIE_FILES[0])
            _write_df(df, d / f"{stem}.csv", POLITIE_HEADER, separator=";", quote_style="always")
            summary[f"politie/{stem}.csv"] = df.height
        elif politie_format == "odata-json":
            _write_odata_json(table, d, stem, _JSON_VERSION[stem], summary)
        else:
            df = _statline_csv(table, names, stem, nederland=stem == POLITIE_FILES[0])
            _write_statline(df, d / f"{stem}.csv")
            summary[f"politie/{stem}.csv"] = df.height
        if progress:
            what = {POLITIE_FILES[0]: "2015–2019", POLITIE_FILES[1]: "2020–2024", POLITIE_FILES[2]: "revisie 2024"}
            progress(f"politie {what[stem]} geschreven ({politie_format})")
    return final


# ---- enquete --------------------------------------------------------------------------------
def _write_enquete(rng: np.random.Generator, world: _World, F: np.ndarray, out: Path, scale: float,
                   progress: Progress, summary: dict) -> np.ndarray:
    """Writes one file per year; returns weighted % 'ja/vaak' per [w, year, item] (nan if none)."""
    small = np.array([name in SMALL_WIJKEN for name in world.names])
    heijplaat = world.names.index("Heijplaat")
    stats = np.full((world.n, N_YEARS, len(SURVEY_ITEMS)), np.nan)
    base_logit = np.log(np.array([it.p_yes for it in SURVEY_ITEMS]) / (1 - np.array([it.p_yes for it in SURVEY_ITEMS])))
    centre_shift = 0.2 * np.log(world.centre)
    d = out / "enquete"
    for yi, year in enumerate(YEARS):
        n_resp = np.where(small, rng.integers(30, 61, world.n), rng.integers(150, 301, world.n))
        if year == 2020:
            n_resp[heijplaat] = 42
        n_resp = np.maximum(1, np.round(n_resp * scale)).astype(np.int64)
        w_idx = np.repeat(np.arange(world.n), n_resp)
        R = len(w_idx)
        m_july = 12 * yi + 6
        person = rng.normal(0.0, 0.6, R)
        weight = np.round(np.clip(rng.lognormal(0.0, 0.33, R), 0.2, 4.5), 3)
        answers = np.empty((R, len(SURVEY_ITEMS)), dtype=np.int64)
        for j, (col, ind, answer_scale, p0, b, q9) in enumerate(SURVEY_ITEMS):
            k = IND_INDEX[ind]
            lin = base_logit[j] + b * (world.u[w_idx, m_july] + world.dev[w_idx, k] + centre_shift[w_idx]) + person
            p_yes = F[w_idx, k, m_july] / (1.0 + np.exp(-lin))
            u1 = rng.random(R)
            if answer_scale == "binary":
                a = np.where(u1 < p_yes, _BIN_YES, _BIN_NO)
            else:
                p_soms = (1.0 - p_yes) / (1.0 + np.exp(-(-0.2 + 0.5 * lin)))
                a = np.where(u1 < p_yes, _FREQ_YES, np.where(u1 < p_yes + p_soms, _FREQ_SOMETIMES, _FREQ_RARELY))
                a = np.where(rng.random(R) < q9, _FREQ_NO_ANSWER, a)
            a = np.where(rng.random(R) < 0.012, -1, a)  # no answer
            answers[:, j] = a
        # Quirks (rows a conforming pipeline quarantines): chosen before the statistics.
        row = int(rng.integers(R // 3, 2 * R // 3 + 1))
        quirk = {2017: "invalid_binary", 2019: "missing_weight", 2022: "invalid_frequency",
                 2023: "duplicate"}.get(year) if R > 10 else None
        accepted = np.ones(R, dtype=bool)
        if quirk in ("invalid_binary", "missing_weight", "invalid_frequency"):
            accepted[row] = False
        # Weighted % per wijk for this year (valid answers only), as METHOD.md computes it.
        for j, item in enumerate(SURVEY_ITEMS):
            valid = accepted & np.isin(answers[:, j], _VALID_ANSWERS[item.scale])
            yes = valid & (answers[:, j] == (_BIN_YES if item.scale == "binary" else _FREQ_YES))
            sw = np.bincount(w_idx[valid], weights=weight[valid], minlength=world.n)
            sy = np.bincount(w_idx[yes], weights=weight[yes], minlength=world.n)
            with np.errstate(invalid="ignore", divide="ignore"):
                stats[:, yi, j] = np.where(sw > 0, 100.0 * sy / sw, np.nan)

        seq = np.arange(1, R + 1)
        cols: dict[str, pl.Series] = {
            "respondent_id": pl.Series(((year % 100) * 100000 + seq).astype(np.int64)),
            "jaar": pl.Series(np.full(R, year, dtype=np.int64)),
            "wijk_code": pl.Series(world.codes).gather(w_idx),
            "weegfactor": pl.Series(weight),
        }
        for j, col in enumerate(SURVEY_COLUMNS):
            cols[col] = pl.Series(answers[:, j])
        df = pl.DataFrame(cols).with_columns(
            [pl.when(pl.col(c) < 0).then(None).otherwise(pl.col(c)).alias(c) for c in SURVEY_COLUMNS])
        is_row = pl.int_range(pl.len()) == row
        if quirk == "invalid_binary":
            col, bad = _INVALID_BINARY
            df = df.with_columns(pl.when(is_row).then(bad).otherwise(pl.col(col)).alias(col))
        elif quirk == "invalid_frequency":
            col, bad = _INVALID_FREQUENCY
            df = df.with_columns(pl.when(is_row).then(bad).otherwise(pl.col(col)).alias(col))
        elif quirk == "missing_weight":
            df = df.with_columns(pl.when(is_row).then(None).otherwise(pl.col("weegfactor")).alias("weegfactor"))
        elif quirk == "duplicate":
            # Same respondent_id, other (valid) answers: the second row is the duplicate.
            other = [_VALID_ANSWERS[it.scale][int(rng.integers(len(_VALID_ANSWERS[it.scale])))] for it in SURVEY_ITEMS]
            dup = df.slice(row, 1).with_columns(
                [pl.lit(v, dtype=pl.Int64).alias(c) for c, v in zip(SURVEY_COLUMNS, other)])
            df = pl.concat([df, dup.select(df.columns).cast(df.schema)])

        name = f"enquete_{year}.csv"
        if year == 2016:  # Dutch-Excel export: ';' and decimal comma
            _write_df(df, d / name, ENQUETE_HEADER, separator=";", decimal_comma=True, float_precision=3)
        else:
            _write_df(df, d / name, ENQUETE_HEADER, float_precision=3)
        summary[f"enquete/{name}"] = df.height
        if progress:
            progress(f"enquête {year} geschreven ({df.height} respondenten)")
    return stats


# ---- meldingen ------------------------------------------------------------------------------
_OMSCHRIJVING = {
    "afval": ["Afval naast de container", "Zakken bij de glasbak", "Vuilnis op straat na de markt",
              "Rommel bij café, 's ochtends", "Container vol bij de flat"],
    "overlast-in-de-openbare-ruimte": ["Bekladding op gevel", "Hondenpoep op het speelveld",
                                      "Fiets al weken vast aan het hek", "Foutparkeerders bij de crèche"],
    "overlast-van-en-door-personen-of-groepen": ["Overlast bij café, 's avonds", "Jongeren bij het portiek, geluidsoverlast",
                                                "Overlast van café-terras na sluitingstijd", "Ruzie bij de buren, geïrriteerde bewoners",
                                                "Dealen op het pleintje"],
    "wegen-verkeer-straatmeubilair": ["Lantaarnpaal kapot", "Bankje vernield in het park", "Stoeptegel los, gevaar voor ouderen",
                                      "Prullenbak vernield bij de halte"],
}


# Subcategorieën outside the method's vocabulary, written as a quirk (never counted): (hoofdcategorie, subcategorie).
_OUTSIDE_VOCABULARY = (("afval", "overig"), ("overlast-in-de-openbare-ruimte", "overig"))


def _meldingen_counts(rng: np.random.Generator, world: _World, F: np.ndarray, scale: float) -> np.ndarray:
    P = world.pop_month()
    t = (np.arange(N_MONTHS) + 0.5) / 12.0
    lam = np.empty((world.n, len(MELDING_SUBCATS), N_MONTHS))
    extra = _EXTRA_DEV_MELDINGEN
    for s, (_, _, rate, b, elast, amp, peak, ind, corona) in enumerate(MELDING_SUBCATS):
        if ind is None:
            dev = world.extra_dev[:, extra][:, None]
            extra += 1
            eff = 1.0
            trend = 1.03 ** t  # more app use over the years
        else:
            dev = world.dev[:, IND_INDEX[ind]][:, None]
            eff = F[:, IND_INDEX[ind], :]
            trend = 1.0
        lam[:, s, :] = (scale * MELDINGEN_LEVEL * rate / 1000.0 / 12.0 * P * np.exp(b * (world.u + dev))
                        * world.centre[:, None] ** elast * _season(amp, peak)[None, :]
                        * _corona(corona)[None, :] * eff * trend)
    return rng.poisson(lam)


def _share_by_age(age: np.ndarray, status: str) -> np.ndarray:
    young, mid, old = _STATUS_SHARE_BY_AGE[status]
    return np.where(age < 14, young, np.where(age < 60, mid, old))


def _write_meldingen(rng: np.random.Generator, world: _World, F: np.ndarray, out: Path, scale: float,
                     progress: Progress, summary: dict) -> np.ndarray:
    """Writes one file per year; returns counted meldingen per [w, subcat, month]."""
    N = _meldingen_counts(rng, world, F, scale)
    n_sub = len(MELDING_SUBCATS)
    hoofd = [s.hoofdcategorie for s in MELDING_SUBCATS] + [h for h, _ in _OUTSIDE_VOCABULARY]
    sub = [s.subcategorie for s in MELDING_SUBCATS] + [s for _, s in _OUTSIDE_VOCABULARY]
    codes = world.codes + [UNKNOWN_WIJK]
    counted = np.zeros((world.n, n_sub, N_MONTHS), dtype=np.int64)
    carry: pl.DataFrame | None = None  # rows of Dec 2023 re-exported in the 2024 file
    d = out / "meldingen"

    for yi, year in enumerate(YEARS):
        block = N[:, :, 12 * yi:12 * yi + 12]  # [w, s, month]
        flat = block.reshape(-1)
        cell = np.repeat(np.arange(flat.size), flat)
        w_idx, s_idx, mo = np.unravel_index(cell, block.shape)
        n = len(cell)
        month_start = np.datetime64(f"{year}-01", "M") + mo
        days_in = ((month_start + 1).astype("datetime64[D]") - month_start.astype("datetime64[D]")).astype(int)
        date = month_start.astype("datetime64[D]") + np.floor(rng.random(n) * days_in).astype(np.int64)
        minute = rng.integers(7 * 60, 23 * 60 + 30, n)
        order = np.lexsort((rng.random(n), minute, date.astype(np.int64)))
        w_idx, s_idx, mo, date, minute = w_idx[order], s_idx[order], mo[order], date[order], minute[order]
        has_time = (rng.random(n) < 0.4) if year >= 2019 else np.zeros(n, dtype=bool)

        # Status as of the export date.
        age = (EXPORT_DATE - date).astype(int)
        u = rng.random(n)
        S = _STATUS_INDEX
        p_gemeld, p_beh = _share_by_age(age, _STATUS_NEW), _share_by_age(age, _STATUS_BUSY)
        status = np.where(u < p_gemeld, S[_STATUS_NEW], np.where(u < p_gemeld + p_beh, S[_STATUS_BUSY], S[_STATUS_DONE]))
        status = np.where(rng.random(n) < _CANCELLED_SHARE, S[_STATUS_CANCELLED], status)
        delay = np.clip(np.floor(rng.lognormal(np.log(5.0), 0.9, n)), 0, 150).astype(np.int64)
        delay = np.where(has_time, np.maximum(delay, 1), delay)
        done = date + delay
        status = np.where((status == S[_STATUS_DONE]) & (done > EXPORT_DATE), S[_STATUS_BUSY], status)

        # Quirks.
        wcol = w_idx.copy()
        scol = s_idx.copy()
        quarantined = np.zeros(n, dtype=bool)
        if n > 100:
            if year in (2020, 2022):
                rows = rng.choice(n, 3 if year == 2020 else 2, replace=False)
                wcol[rows] = world.n  # unknown wijk code
            if year in (2016, 2021):
                cand = np.flatnonzero(status == S[_STATUS_DONE])
                rows = rng.choice(cand, 2, replace=False)
                done[rows] = date[rows] - rng.integers(2, 20, 2)
                quarantined[rows] = True
            if year in (2015, 2018, 2023):
                rows = rng.choice(n, 2, replace=False)
                scol[rows] = n_sub + (rows % 2)  # outside the vocabulary ('overig')

        ids = pl.Series(np.arange(1, n + 1)).cast(pl.String).str.zfill(6)
        df = pl.DataFrame({
            "melding_id": (f"M{year % 100:02d}-" + ids),
            "_d": pl.Series(date.astype("datetime64[ms]")).dt.strftime("%Y-%m-%d"),
            "_t": pl.Series((date.astype("datetime64[m]") + minute).astype("datetime64[ms]"))
                    .dt.strftime("%Y-%m-%dT%H:%M:%S"),
            "_has_time": has_time,
            "hoofdcategorie": pl.Series(hoofd).gather(scol),
            "subcategorie": pl.Series(sub).gather(scol),
            "wijk_code": pl.Series(codes).gather(wcol),
            "status": pl.Series(MELDING_STATUSES).gather(status),
            "_afg": pl.Series(done.astype("datetime64[ms]")).dt.strftime("%Y-%m-%d"),
        }).select(
            "melding_id",
            pl.when(pl.col("_has_time")).then(pl.col("_t")).otherwise(pl.col("_d")).alias("datum"),
            "hoofdcategorie", "subcategorie", "wijk_code", "status",
            pl.when(pl.col("status") == _STATUS_DONE).then(pl.col("_afg")).otherwise(None).alias("datum_afgehandeld"),
        )

        # Counted meldingen (what a conforming pipeline counts), before re-exports.
        ok = ~np.isin(status, _NOT_COUNTED) & (wcol < world.n) & (scol < n_sub) & ~quarantined
        np.add.at(counted, (wcol[ok], scol[ok], 12 * yi + mo[ok]), 1)

        # Repeated melding_id with a newer status (read last wins; the status stays a counted one).
        if n > 100 and year == 2023:
            open_rows = np.flatnonzero(np.isin(status, (S[_STATUS_NEW], S[_STATUS_BUSY])) & ~quarantined
                                       & (wcol < world.n))
            early = open_rows[open_rows < n - 50]
            reexp = rng.choice(early, min(5, len(early)), replace=False) if len(early) else np.array([], int)
            dec = open_rows[(mo[open_rows] == 11) & (scol[open_rows] < n_sub)]
            if len(reexp):
                rex = df[np.sort(reexp)].with_columns(
                    pl.lit(_STATUS_DONE).alias("status"),
                    pl.Series((date[np.sort(reexp)] + 9).astype("datetime64[ms]")).dt.strftime("%Y-%m-%d").alias("datum_afgehandeld"))
                df = pl.concat([df, rex])
            if len(dec):
                pick = np.sort(rng.choice(dec, min(3, len(dec)), replace=False))
                carry = df[pick].with_columns(
                    pl.lit(_STATUS_DONE).alias("status"),
                    pl.Series(np.minimum(date[pick] + 12, EXPORT_DATE).astype("datetime64[ms]")).dt.strftime("%Y-%m-%d")
                    .alias("datum_afgehandeld"))
        if year == 2024 and carry is not None:
            df = pl.concat([df, carry])

        name = f"meldingen_{year}.csv"
        if year == 2017:  # Dutch Excel: Windows-1252, ';', CRLF, extra column with non-ASCII text
            texts = [t for s in hoofd for t in _OMSCHRIJVING[s]]
            offsets = np.cumsum([0] + [len(_OMSCHRIJVING[s]) for s in hoofd])[:-1]
            sizes = np.array([len(_OMSCHRIJVING[s]) for s in hoofd])
            pick = offsets[scol] + (rng.integers(0, 1 << 30, df.height) % sizes[scol])
            df = df.with_columns(pl.Series("omschrijving", texts).gather(pick))
            _check_header(df, d / name, MELDINGEN_HEADER)
            buf = io.BytesIO()
            df.write_csv(buf, separator=";", line_terminator="\r\n")
            (d / name).parent.mkdir(parents=True, exist_ok=True)
            (d / name).write_bytes(buf.getvalue().decode("utf-8").encode("cp1252"))
        else:
            _write_df(df, d / name, MELDINGEN_HEADER)
        summary[f"meldingen/{name}"] = df.height
        if progress:
            extra = " (Windows-1252)" if year == 2017 else ""
            progress(f"meldingen {year} geschreven{extra}: {df.height} rijen")
    return counted


# ---- prestaties -----------------------------------------------------------------------------
_TOELICHTING = {
    "groen": ["Op koers", "Inzet volgens plan, cijfers dalen", "Doel vrijwel gehaald",
              "Goede samenwerking met bewoners, wijkagent en corporatie", "Alle acties uitgevoerd", ""],
    "oranje": ["Inzet volgens plan, effect nog beperkt", "Vertraging bij de aanbesteding",
               "Capaciteit tijdelijk lager, inzet deels ingehaald", "Effect zichtbaar in meldingen, nog niet in de enquête", ""],
    "rood": ["Vertraging door personeelstekort", "Geen budget voor de tweede fase, bijsturing nodig",
             "Cijfers stijgen ondanks de inzet; analyse loopt", "Partner heeft de inzet tijdelijk gestopt"],
}


def _fmt(x: float) -> str:
    """One decimal, two below 10 (small rates per 1,000 would otherwise collapse)."""
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def _indicator_value(ind: str, w: int, months: np.ndarray, pop: int, pol: np.ndarray, meld: np.ndarray,
                     enq: np.ndarray, year_idx: int) -> float:
    """Realised raw value x of an indicator (objective over `months`, subjective in `year_idx`)."""
    if ind in _SURVEY_INDEX:
        return float(enq[w, year_idx, _SURVEY_INDEX[ind]])
    pol_codes = [i for i, c in enumerate(POLITIE_CODES) if c.indicator == ind]
    if pol_codes:
        c = pol[w][pol_codes][:, months].sum()
    else:
        subs = [i for i, s in enumerate(MELDING_SUBCATS) if s.indicator == ind]
        c = meld[w][subs][:, months].sum()
    return 1000.0 * float(c) / pop


def _write_prestaties(rng: np.random.Generator, world: _World, plans: list[dict], pol: np.ndarray,
                      meld: np.ndarray, enq: np.ndarray, out: Path, progress: Progress, summary: dict) -> None:
    prest_rows, vg_rows = [], []
    for p in plans:
        start_d = _month_start(p["start"])
        end_d = _add_months(_month_start(p["end"]), 1) - 1
        basis = streef = ""
        ind = p["indicator"]
        if ind is not None:
            by = min(p["start"] // 12 - 1, N_YEARS - 1)  # the calendar year before the start
            months = np.arange(12 * by, 12 * by + 12)
            b = _indicator_value(ind, p["w"], months, int(world.pop[p["w"], by]), pol, meld, enq, by)
            if np.isfinite(b):
                basis = _fmt(b)
                streef = _fmt(b * (1.0 - p["target"]))
            else:  # only at tiny test scales: no valid survey answer
                ind = None
        where = f" in {p['place']}"
        prest_rows.append([p["id"], p["area"], p["theme"], p["partner"], p["text"] + where, p["soort"],
                           str(p["prioriteit"]), p["additioneel"], str(start_d), str(end_d), ind or "",
                           basis, streef, p["status"]])

        # Progress reports.
        if p["status"] not in ("in_uitvoering", "gerealiseerd", "niet_gerealiseerd"):
            continue
        step = 6 if p["half_yearly"] else 3
        last = min(p["end"], N_MONTHS - 1)
        stale = p.get("stale_after")
        if stale is not None:
            last = min(last, stale)
        m = p["start"] + 2
        m += (step - 1 - (m % step)) % step  # first quarter/half-year end after the start
        reports = list(range(m, last + 1, step))
        if p["status"] != "in_uitvoering" and p["end"] <= N_MONTHS - 1 and (not reports or reports[-1] != p["end"]):
            reports.append(p["end"])
        for rm in reports:
            date = _add_months(_month_start(rm), 1) - 1
            real = ""
            elapsed = min(1.0, (rm - p["start"] + 1) / max(1, p["end"] - p["start"] + 1))
            if ind is not None:
                if ind in _SURVEY_INDEX:
                    yi = rm // 12 if rm % 12 >= 6 else rm // 12 - 1
                    val = _indicator_value(ind, p["w"], np.array([]), 1, pol, meld, enq, max(yi, 0))
                else:
                    months = np.arange(max(0, rm - 11), rm + 1)
                    val = _indicator_value(ind, p["w"], months, int(world.pop[p["w"], rm // 12]), pol, meld, enq, 0)
                    val *= 12.0 / len(months)
                if not np.isfinite(val):
                    continue
                real = _fmt(val)
                b, s = float(basis), float(streef)
                progress_frac = (b - val) / (b - s) if b != s else 0.0
                gap = progress_frac - elapsed
                rag = "groen" if gap >= -0.25 else ("oranje" if gap >= -0.75 else "rood")
            else:
                r = rng.random()
                bad = p["status"] == "niet_gerealiseerd"
                rag = "groen" if r < (0.3 if bad else 0.6) else ("oranje" if r < (0.7 if bad else 0.9) else "rood")
            texts = _TOELICHTING[rag]
            vg_rows.append([p["id"], str(date), real, rag, texts[int(rng.integers(len(texts)))]])

    d = out / "prestaties"
    d.mkdir(parents=True, exist_ok=True)
    for name, header, rows in (("prestaties.csv", PRESTATIES_HEADER, prest_rows),
                               ("voortgang.csv", VOORTGANG_HEADER, vg_rows)):
        with open(d / name, "w", encoding="utf-8", newline="") as fh:
            wr = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            wr.writerow(header)
            wr.writerows(rows)
        summary[f"prestaties/{name}"] = len(rows)
    if progress:
        progress(f"prestaties ({len(prest_rows)}) en voortgang ({len(vg_rows)}) geschreven")


# --------------------------------------------------------------------------------------------
def _check_story(method: dict) -> None:
    """The demo's story tables (templates, plans, statuses, texts, quirks) use only what the method
    knows, and cover what it generates for every theme and hoofdcategorie (DemoWorldError otherwise)."""
    errors: list[str] = []

    def require(values, domain, what: str) -> None:
        unknown = sorted(set(values) - set(domain))
        if unknown:
            errors.append(f"{what} {unknown} niet in de methode ({sorted(set(domain))})")

    prest = method["prestaties"]
    themes = [t["theme"] for t in method["themes"]]
    indicators = [i["indicator"] for i in method["indicators"]]
    missing = [t for t in themes if t not in TEMPLATES]
    if missing:
        errors.append(f"thema('s) {missing} zonder prestatiesjablonen (TEMPLATES)")
    require(TEMPLATES, themes, "TEMPLATES-thema's")
    require([i for ts in TEMPLATES.values() for t in ts for i in t[3]] + [i for i, _ in _MEASURABLE_PLAN],
            indicators, "indicatoren van de prestaties")
    require([t[2] for ts in TEMPLATES.values() for t in ts], prest["soorten"], "soorten")
    require([st for _, st in _MEASURABLE_PLAN] + list(_OTHER_PLAN_STATUS), prest["statuses"], "prestatiestatussen")
    require(_TOELICHTING, prest["rag"], "rag-waarden")
    require((_ADDITIONEEL_YES, _ADDITIONEEL_NO), prest["additioneel"], "additioneel-waarden")
    require((_STATUS_NEW, _STATUS_BUSY, _STATUS_DONE, _STATUS_CANCELLED), method["meldingen"]["statuses"],
            "meldingstatussen")
    vocabulary = method["meldingen"]["vocabulary"]
    missing = [h for h in vocabulary if h not in _OMSCHRIJVING]
    if missing:
        errors.append(f"hoofdcategorie(ën) {missing} zonder omschrijvingen (_OMSCHRIJVING)")
    require([h for h, _ in _OUTSIDE_VOCABULARY], vocabulary, "hoofdcategorieën van de quirk 'buiten de vocabulaire'")
    inside = [s for h, s in _OUTSIDE_VOCABULARY if s in vocabulary.get(h, [])]
    if inside:
        errors.append(f"subcategorie(ën) {inside} van _OUTSIDE_VOCABULARY staan wel in de vocabulaire")
    scales, survey = survey_items(method), method["survey"]
    for (col, bad), scale in ((_INVALID_BINARY, "binary"), (_INVALID_FREQUENCY, "frequency")):
        if scales.get(col) != scale or str(bad) in survey[f"{scale}_valid"] + survey.get(f"{scale}_no_answer", []):
            errors.append(f"ongeldig-antwoord-quirk {col}={bad}: geen {scale}-item of geen ongeldige code")
    if errors:
        raise DemoWorldError("Demodata (pipeline/demo/generator.py) past niet op de methodeconfiguratie: "
                             + "; ".join(errors) + ".")


_check_story(_METHOD)


# --------------------------------------------------------------------------------------------
def generate(out_dir: Path | str, seed: int = 2024, progress: Progress = None, *,
             politie_format: str = "odata-csv", scale: float = 1.0) -> dict:
    """Write the demo raw folder to ``out_dir`` and return ``{relative file path: data rows}``.

    ``seed`` fixes every random draw (same seed, same scale -> byte-identical files).
    ``progress``, when given, receives short Dutch status messages.  ``politie_format`` is the form
    of the police files (POLITIE_FORMATS: ``odata-csv``, the canonical CSV; ``odata-json``, the OData
    API's pages; ``statline``, the StatLine CSV download): the same figures, the same random draws and
    the same other files in each.  ``scale`` multiplies the number of meldingen and respondents
    (1.0 = ~1 million meldingen and ~16,000 respondents a year).
    """
    if scale <= 0:
        raise ValueError("scale moet groter dan 0 zijn")
    if politie_format not in POLITIE_FORMATS:
        raise ValueError(f"onbekende politievorm {politie_format!r}; kies uit {', '.join(POLITIE_FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    world = _World(streams[0])
    plans = _plan_prestaties(streams[1], world)
    F = _effect_factors(world, plans)
    summary: dict[str, int] = {}

    summary["areas/areas.csv"] = _write_areas(world, out)
    summary["bevolking/bevolking.csv"] = _write_bevolking(world, out)
    if progress:
        progress(f"gebieden ({len(GEBIEDEN)}), wijken ({world.n}) en bevolking geschreven")
    pol = _write_politie(streams[2], world, F, out, progress, summary, politie_format)
    enq = _write_enquete(streams[3], world, F, out, scale, progress, summary)
    meld = _write_meldingen(streams[4], world, F, out, scale, progress, summary)
    _write_prestaties(streams[5], world, plans, pol, meld, enq, out, progress, summary)
    return summary
