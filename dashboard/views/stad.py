"""Stad: the city index, wijken per category, the map (real boundaries when the publication has
wijk_geometrie, else the tile map), the wijken that changed demonstrably — each a link to its wijk
page, each list a link to the Prestaties page on their agreements — and, in a second tab
(?weergave=Rangorde), the ranking of one year; the downloads of all wijken below both.

With many gemeenten (a choice at the top) the page shows the chosen gemeente: its gemeente_index as
the city index, its wijken in the chart, map, lists and ranking. "Alle gemeenten" shows the total
(stad_index), all wijken in the chart and ranking, and a table of the gemeenten instead of the map:
a tile map of several gemeenten would stack their own grids on top of each other, and 14,000 tiles or
boundaries in one Vega chart make the browser crawl; a click on a gemeente opens its map."""


import polars as pl
import streamlit as st

from dashboard import charts, data, templates, ui
from pipeline.presentation import (BETTER, FILTER_PARAM, WORSE, all_wijken_filename, category_label, change_cell,
                                fmt_int, fmt_num, headline, indicative_note, indicative_threshold, join_interval,
                                to_dutch_csv)
from pipeline.presentation.maps import not_on_map_note, wijk_geometry, without_geometry, without_tile

publication = ui.load_or_stop()
marts, gemeente = ui.scope(publication)  # with one gemeente: the publication itself, gemeente None
everywhere = gemeente == data.ALL_GEMEENTEN  # many gemeenten, "Alle gemeenten" chosen
jaar = ui.selected_year()
categories = data.categories(marts)
colours = {category_label(c["category"]): c["colour"] for c in categories}
LIST_LIMIT = 10  # per list over all gemeenten: a national year has hundreds of changed wijken

if gemeente is None:
    st.title("Veiligheid in de stad")
elif everywhere:
    st.title("Veiligheid in alle gemeenten")
else:
    st.title(f"Veiligheid in {ui.md(ui.gemeente_name(publication, gemeente))}")
st.caption("De veiligheidsindex loopt van 1 (zeer onveilig) tot 10 (zeer veilig) en combineert politiecijfers, "
           "meldingen en de bewonersenquête. Elk cijfer heeft een 95%-onzekerheidsmarge.")

# --- Headline ----------------------------------------------------------------------------------
stad = data.stad_series(marts)
now = stad.filter(pl.col("jaar") == jaar).to_dicts()
year_rows = data.wijk_year(marts, jaar)
published = year_rows.filter(pl.col("index").is_not_null())

indicative = published.filter(pl.col("indicatief").fill_null(False))
label = f"Index alle gemeenten {jaar}" if everywhere else f"Stadsindex {jaar}"
headline_figures = [ui.Figure(label, "–")]
if now:
    city = headline(now[0], since=jaar - 1)  # the same words as the CSVs
    headline_figures = [
        ui.Figure(label, city["Index"],
                  help=("Gemiddelde van de wijkindexen van alle gemeenten samen" if everywhere else
                        "Gemiddelde van de wijkindexen") + ", gewogen naar inwoners. Een verandering heet aantoonbaar "
                       "als ze groter is dan de onzekerheid van beide jaren samen; anders staat erbij vanaf welk "
                       "verschil ze wel aantoonbaar zou zijn.",
                  below=ui.change_line(city)),  # the pipeline judges the change (stad_index.sql)
        ui.Figure("95%-interval", join_interval(city["Ondergrens 95%-interval"], city["Bovengrens 95%-interval"]),
                  help="Met 95% zekerheid ligt de werkelijke stadsindex tussen deze grenzen. Niet meegerekend is de "
                       "onzekerheid van de maatlat uit het basisjaar; buiten het basisjaar is de marge daardoor iets "
                       "groter dan hier staat (zie Methode)."),
    ]
lowest = categories[:2]  # the two lowest categories of the method (onveilig, probleemwijk)
unsafe = published.filter(pl.col("categorie").is_in([c["category"] for c in lowest])).height
ui.figures(headline_figures + [
    ui.Figure("Wijken met een index", f"{published.height} van {year_rows.height}",
              help=(f"Waarvan {indicative.height} indicatief. {indicative_note(marts)}" if indicative.height else None)),
    ui.Figure(f"{category_label(lowest[0]['category'])} of {lowest[1]['category']}", fmt_int(unsafe),
              help=f"Aantal wijken met een index onder {fmt_num(lowest[1]['upper'])}."),
])
if indicative.height:
    st.markdown(f"{ui.indicatief_badge(marts)} <span style='color:#555;font-size:0.9rem'>{indicative.height} van de "
                f"{published.height} wijken hadden in {jaar} minder dan {indicative_threshold(marts)} respondenten: "
                "hun cijfers zijn indicatief, de onzekerheid is groter dan het interval laat zien.</span>",
                unsafe_allow_html=True)

# --- Trend and categories ------------------------------------------------------------------------
years = data.years(marts)
left, right = st.columns(2, gap="large")
with left:
    st.subheader("Index alle gemeenten door de jaren" if everywhere else "Stadsindex door de jaren")
    ui.show_chart(charts.with_data(templates.stad_trend(publication), {"points": charts.index_points(stad, jaar)}))
    st.caption("Lijn = stadsindex, lichte band = 95%-onzekerheidsmarge, omcirkeld = het gekozen jaar. "
               "De gekleurde vlakken zijn de categorieën.")
with right:
    st.subheader("Wijken per categorie")
    ui.show_chart(templates.category_counts(publication, gemeente))
    st.caption("Aantal wijken per categorie per jaar, van onveilig (rood, onder) tot veilig (groen, boven). "
               "Grijs: geen index (te weinig inwoners of respondenten).")

# --- Map and ranking ---------------------------------------------------------------------------
OVERVIEW, RANKING = "Overzicht", "Rangorde"  # the tabs; RANKING is also the value of ?weergave=
ranking = data.all_wijken(data.cache_key(publication), gemeente or "", jaar, marts)  # built once per year
codes = ranking.get_column("Wijkcode").to_list()
gemeente_rows = data.gemeente_year(data.cache_key(publication), jaar, publication) if everywhere else None


def _open_from_map() -> None:
    selection = st.session_state.get("stad_kaart")
    points = (selection or {}).get("selection", {}).get("wijk", []) if selection else []
    if points and points[0].get("wijk_code") in codes:  # never trust what comes back from the browser
        st.session_state["_goto_wijk"] = points[0]["wijk_code"]


def _open_from_table() -> None:
    rows = st.session_state.get("stad_rangorde", {}).get("selection", {}).get("rows", [])
    if rows and 0 <= rows[0] < len(codes):
        st.session_state["_goto_wijk"] = codes[rows[0]]


def _open_gemeente() -> None:
    rows = st.session_state.get("stad_gemeenten", {}).get("selection", {}).get("rows", [])
    if gemeente_rows is not None and rows and 0 <= rows[0] < gemeente_rows.height:
        st.session_state["gemeente_select"] = gemeente_rows.get_column("gemeente_code")[rows[0]]
        ui.adopt_gemeente(publication)  # as if chosen at the top: URL and wijk follow


@st.cache_resource(max_entries=4, show_spinner=False)
def _geo_map(publication_id: str, _marts) -> tuple[dict, dict[str, dict]]:
    """The template of the map of real boundaries and the parsed boundaries, once per publication."""
    return charts.to_spec(charts.geo_map(data.categories(_marts))), charts.geo_shapes(wijk_geometry(_marts))


def _gemeenten_table(rows: pl.DataFrame):
    """The gemeenten of one year as the ranking shows wijken (gemeente_index: index, interval and the
    change the pipeline judged, short as on Prestaties), with their wijken and how many changed."""
    records = []
    for r in rows.iter_rows(named=True):
        summary = headline(r, since=jaar - 1)
        records.append({
            "Gemeente": r["naam"],
            "Index": summary["Index"] or "–",
            "95%-interval": join_interval(summary["Ondergrens 95%-interval"],
                                          summary["Bovengrens 95%-interval"]) or "–",
            # without the number when not demonstrable (as Prestaties does): the column is narrow
            "Verandering": ("niet aantoonbaar" if change[1] == "nee" else ui.change_marker(*change))
            if (change := change_cell(r.get("verschil"), r.get("verschil_significant"),
                                      r.get("detecteerbaar_verschil")))[0] else "–",
            "Wijken": f"{fmt_int(r['wijken'] or 0)} van {fmt_int(r['wijken_totaal'] or 0)}",
            "▲ ▼": f"{r['veiliger'] or 0}▲ {r['onveiliger'] or 0}▼",
        })
    table = pl.DataFrame(records, schema={c: pl.String for c in (
        "Gemeente", "Index", "95%-interval", "Verandering", "Wijken", "▲ ▼")}).to_pandas()
    return table.style.map(ui.change_style, subset=["Verandering"])


# The map (or the gemeenten) with the changed wijken, and the ranking of every wijk, as two tabs. Only
# the open tab runs (on_change): the ranking, a table of every wijk, was most of what the browser drew
# before the landing page's first chart. ?weergave=Rangorde opens it by link.
overview_tab, ranking_tab = st.tabs([OVERVIEW, RANKING], key=ui.PARAM_WEERGAVE, bind="query-params",
                                    on_change="rerun")


def _overview() -> None:
    """The map (or the gemeenten) and the wijken that changed demonstrably, as links."""
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(f"Gemeenten {jaar}" if everywhere else f"Kaart {jaar}")
        if everywhere:
            ui.dataframe(_gemeenten_table(gemeente_rows), hide_index=True, width="stretch",
                         height=min(460, 38 + 35 * gemeente_rows.height), key="stad_gemeenten",
                         on_select=_open_gemeente, selection_mode="single-row",
                         # widths add up to the column's room at 1,400 px (540 px less the selection column)
                         column_config={
                             "Gemeente": st.column_config.TextColumn(width=135),
                             "Index": st.column_config.TextColumn(width=45),
                             "95%-interval": st.column_config.TextColumn(width=85),
                             "Verandering": st.column_config.TextColumn(
                                 width=125,
                                 help=f"Verandering van de index van de gemeente sinds {jaar - 1}. ▲/▼ = "
                                      "aantoonbaar; grijs = niet aantoonbaar veranderd."),
                             "Wijken": st.column_config.TextColumn(
                                 width=65, help="Wijken met een index van alle wijken."),
                             "▲ ▼": st.column_config.TextColumn(
                                 width=50, help=f"Wijken die sinds {jaar - 1} aantoonbaar veiliger (▲) of onveiliger "
                                                "(▼) werden."),
                         })
            st.caption("Klik op een gemeente (of kies haar bovenaan) voor haar kaart, haar wijken en haar index."
                       + (" Elke gemeente is tegen haar eigen basisjaar gekalibreerd: de indexen van twee gemeenten "
                          "liggen niet op één schaal." if data.calibrated_per_gemeente(marts) else ""))
            note = None
        elif wijk_geometry(marts) is not None:  # areas/ had boundaries (areas/*.geojson)
            # parsed once for the whole publication (the cache key is the publication), each gemeente draws its own
            template, shapes = _geo_map(publication.publication_id, publication)
            ui.show_chart(charts.with_data(template, {"vlakken": charts.geo_data(year_rows, shapes)}),
                          key="stad_kaart", on_select=_open_from_map, selection_mode="wijk")
            st.caption("Kaart van de wijken met hun grenzen, gekleurd naar categorie. Klik op een wijk om de "
                       "wijkpagina te openen.")
            note = not_on_map_note(without_geometry(year_rows, pl.DataFrame({"wijk_code": list(shapes)},
                                                                            schema={"wijk_code": pl.String})), "grens")
        else:
            ui.show_chart(charts.with_data(templates.tile_map(marts), {"tiles": charts.tile_data(year_rows)}),
                          key="stad_kaart", on_select=_open_from_map, selection_mode="wijk",
                          width="content")  # fixed tile size: the names must stay readable
            ui.fit_on_phone("stad_kaart", templates.tile_grid(marts)[0] * charts.TILE)
            st.caption("Schematische kaart: elk vakje is een wijk, ongeveer op zijn plek in de stad, gekleurd naar "
                       "categorie. Klik op een wijk om de wijkpagina te openen.")
            note = not_on_map_note(without_tile(year_rows))
        if note:  # a wijk the map cannot place is named, never silently missing
            st.caption(ui.md(note))
    with right:
        st.subheader(f"Aantoonbare veranderingen sinds {jaar - 1}")
        changed = ranking.filter(pl.col("Verandering aantoonbaar") == "ja")
        compared = ranking.filter(pl.col("Verandering aantoonbaar") != "").height
        better = changed.filter(~pl.col("Verschil met vorig jaar").str.starts_with("-"))
        worse = changed.filter(pl.col("Verschil met vorig jaar").str.starts_with("-"))
        if not compared:
            st.info(f"Geen vergelijking mogelijk: {jaar} is het eerste jaar met cijfers."
                    if jaar - 1 not in years else f"Geen vergelijking met {jaar - 1} mogelijk.")
        else:
            st.markdown(f"**{better.height}** wijk(en) aantoonbaar veiliger, **{worse.height}** aantoonbaar "
                        f"onveiliger. Bij de andere {compared - changed.height} wijken is de verandering **niet "
                        "aantoonbaar**: ze valt binnen de onzekerheidsmarge. Dat betekent niet dat er niets "
                        "veranderde, wel dat de cijfers het niet kunnen laten zien; in het tabblad Rangorde staat "
                        "per wijk vanaf welk verschil het wel zou kunnen.")
            # Worse first (the question a bestuurder asks); each wijk opens its page, and one link per list
            # opens the Prestaties page on the agreements of these wijken (and their gebied).
            in_gemeente = {ui.PARAM_GEMEENTE: gemeente} if gemeente not in (None, data.ALL_GEMEENTEN) else {}
            for title, frame, colour, mark, direction in (("Onveiliger geworden", worse, "red", ui.DOWN, WORSE),
                                                          ("Veiliger geworden", better, "green", ui.UP, BETTER)):
                if not frame.height:
                    continue
                st.markdown(f"**{title}**")
                ordered = frame.sort(pl.col("Verschil met vorig jaar").str.replace(",", ".").cast(pl.Float64),
                                     descending=frame is better)
                more = ordered.height - LIST_LIMIT if everywhere else 0
                for r in (ordered.head(LIST_LIMIT) if everywhere else ordered).iter_rows(named=True):
                    note = " · indicatief" if r["Indicatief"] == "ja" else ""
                    st.page_link(ui.page("wijk"), icon=":material/chevron_right:",
                                 label=f":{colour}[{mark} {ui.md(r['Verschil met vorig jaar'])}] {ui.md(r['Wijk'])} "
                                       f":gray[(nu {ui.md(r['Index'])}, {ui.md(r['Categorie'].lower())}{note})]",
                                 query_params={ui.PARAM_WIJK: r["Wijkcode"], ui.PARAM_JAAR: str(jaar), **in_gemeente},
                                 help=indicative_note(marts) if note else None)
                if more > 0:
                    st.caption(f"… en nog {fmt_int(more)} {'wijk' if more == 1 else 'wijken'}: kies een gemeente voor "
                               "haar hele lijst, of open het tabblad Rangorde.")
                st.page_link(ui.page("prestaties"), label="Bekijk de afspraken van deze wijken",
                             icon=":material/handshake:",
                             query_params={FILTER_PARAM: direction, ui.PARAM_JAAR: str(jaar), **in_gemeente},
                             help="De prestatieafspraken van deze wijken en hun gebied, met de verandering van de "
                                  "index en of de afspraak geholpen heeft.")



STYLE_LIMIT = 2_000  # rows: a pandas Styler of more takes seconds to send on every rerun


@st.cache_resource(max_entries=8, show_spinner=False)
def _ranking_table(publication: str, gemeente_key: str, jaar: int, _ranking: pl.DataFrame, with_gemeente: bool):
    """The ranking as displayed, once per publication, gemeente and year (the change and interval
    texts are built per wijk in Python). Read-only: the page styles a copy."""
    any_indicative = (_ranking.get_column("Indicatief") == "ja").any()
    return _ranking.select(  # the telling columns first: a phone shows only the first few
        "Rang", "Wijk", *(["Gemeente"] if with_gemeente else []), "Index",
        *([pl.when(pl.col("Indicatief") == "ja").then(pl.lit(ui.INDICATIEF)).otherwise(pl.lit(""))
           .alias("Let op")] if any_indicative else []),
        "Categorie",
        pl.struct("Oordeel verandering", "Verandering aantoonbaar", "Verschil met vorig jaar").map_elements(
            lambda r: ui.change_marker(r["Oordeel verandering"], r["Verandering aantoonbaar"],
                                       r["Verschil met vorig jaar"]), return_dtype=pl.String).alias("Verandering"),
        pl.struct("Ondergrens 95%-interval", "Bovengrens 95%-interval", "Reden geen index").map_elements(
            lambda r: (join_interval(r["Ondergrens 95%-interval"], r["Bovengrens 95%-interval"])
                       or r["Reden geen index"]),
            return_dtype=pl.String).alias("95%-interval"),
        "Gebied",
    ).to_pandas()


def _ranking() -> None:
    """Every wijk of the year, best first; a click on a row opens the wijk."""
    st.subheader(f"Rangorde {jaar}")
    any_indicative = (ranking.get_column("Indicatief") == "ja").any()
    table = _ranking_table(data.cache_key(publication), gemeente or "", jaar, ranking, everywhere)
    if len(table) <= STYLE_LIMIT:
        table = (table.copy().style
                 .map(lambda v: f"background-color: {colours[v]}; color: #1a1a1a" if v in colours else "",
                      subset=["Categorie"])
                 .map(ui.change_style, subset=["Verandering"]))
    ui.dataframe(table, hide_index=True, height=min(420, 38 + 35 * len(ranking)), width="stretch",
                 key="stad_rangorde", on_select=_open_from_table, selection_mode="single-row",
                 # widths add up to the table's room at 1,400 px (940 px less the selection column)
                 column_config={
                     "Rang": st.column_config.TextColumn(width=45),
                     "Wijk": st.column_config.TextColumn(width=145),
                     "Gemeente": st.column_config.TextColumn(width=110),
                     "Index": st.column_config.TextColumn(width=50),
                     "Let op": st.column_config.TextColumn(width=75, help=indicative_note(marts)),
                     "Categorie": st.column_config.TextColumn(width=105),
                     "Verandering": st.column_config.TextColumn(
                         width=(270 if any_indicative else 345) - (110 if everywhere else 0),
                         help=f"Verschil met {jaar - 1}. ▲/▼ = aantoonbaar (groter dan de onzekerheid van beide jaren "
                              "samen). Grijs = niet aantoonbaar veranderd; erbij staat vanaf welk verschil een "
                              "verandering wel aantoonbaar zou zijn geweest."),
                     "95%-interval": st.column_config.TextColumn(width=90),
                     "Gebied": st.column_config.TextColumn(width=130),
                 })
    st.caption("Hoogste index (veiligst) bovenaan. ▲ ▼ = aantoonbare verandering; grijs = niet aantoonbaar "
               "veranderd (het verschil valt binnen de onzekerheidsmarge)."
               + (" 'indicatief' = minder dan " f"{indicative_threshold(marts)} respondenten: de onzekerheid is "
                  "groter dan het interval laat zien." if any_indicative else "")
               + " Klik op een rij om de wijk te openen.")
    if len(ranking) > STYLE_LIMIT:
        st.caption(f"De {fmt_int(len(ranking))} wijken staan zonder kleuren in de tabel, zodat ze vlot blijft; "
                   "kies een gemeente voor haar wijken in kleur.")
    if data.calibrated_per_gemeente(marts) and everywhere:
        st.caption("Elke gemeente is tegen haar eigen basisjaar gekalibreerd: wijken van verschillende gemeenten "
                   "liggen niet op één schaal, hun volgorde in deze rangorde zegt weinig.")


with overview_tab:
    if overview_tab.open:
        _overview()
with ranking_tab:
    if ranking_tab.open:
        _ranking()

if gemeente in (None, data.ALL_GEMEENTEN):
    what, stem = "alle wijken", "alle_wijken"
else:  # the gemeente's wijken: its name on the buttons, its code in the file names
    what, stem = "wijken", f"wijken_{gemeente}"  # the title names the gemeente: short labels fit
downloads = st.columns(3)
downloads[0].download_button(
    f"Download {what} {jaar} (CSV voor Excel)",
    data=lambda: to_dutch_csv(ranking),  # written when clicked, not on every visit (a national CSV is megabytes)
    file_name=all_wijken_filename(jaar).replace("alle_wijken", stem), mime="text/csv", on_click="ignore",
    icon=":material/download:", key="download_alle_wijken", width="stretch")
if data.export_available("scorecard_xlsx"):  # built only when clicked (a callable), in its own thread
    downloads[1].download_button(f"{what[0].upper()}{what[1:]} {jaar} als Excel (.xlsx)",
                                 data=lambda: data.all_wijken_xlsx(marts, jaar),
                                 file_name=all_wijken_filename(jaar, "xlsx").replace("alle_wijken", stem),
                                 mime=data.XLSX_MIME, on_click="ignore", icon=":material/table_view:",
                                 key="download_alle_wijken_xlsx", width="stretch")
if data.export_available("scorecard_pdf") and not everywhere:  # a booklet of 14,000 pages helps no one
    downloads[2].download_button(f"Scorekaarten {what} {jaar} (PDF)",
                                 data=lambda: data.booklet_pdf(marts, jaar),
                                 file_name=all_wijken_filename(jaar, "pdf").replace("alle_wijken", stem),
                                 mime=data.PDF_MIME, on_click="ignore", icon=":material/picture_as_pdf:",
                                 key="download_boekje", width="stretch",
                                 help="Eén A4-pagina per wijk, om mee te nemen naar een overleg.")


goto = st.session_state.pop("_goto_wijk", None)
if goto in codes:
    ui.go_to_wijk(goto)

