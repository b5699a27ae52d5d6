"""Wijk: the wijk choice first, then its headline (with whether its category depends on the
weighting), the downloads, its index over time with its prestaties and — right after — those
agreements with status, on track and "did it help?"; then its themes, what drove the change, how it
compares, and its monthly police and meldingen figures."""

import polars as pl
import streamlit as st

from dashboard import charts, data, templates, ui
from pipeline.presentation import (EFFECT_KEY, fmt_int, has_effects, headline, index_row, indicative_note,
                                indicative_threshold, join_interval, on_track_short, prestaties_display, scorecard_filename,
                                scorecard_rows, theme_frame, theme_values, to_dutch_csv, wijk_prestaties, wijk_sensitivity,
                                with_outcomes)

marts = ui.load_or_stop()
jaar = ui.selected_year()

top_left, _ = st.columns([2, 3], vertical_alignment="bottom")
with top_left:
    wijk = ui.wijk_selector(marts)
info = data.wijk_info(marts, wijk)
name = info.get("wijk_naam", wijk)
# Many gemeenten: the wijk's figures, agreements and scorecards come from its gemeente's part of the
# publication (grouped once, data.scoped), not filtered out of the national marts on every rerun; it is
# compared with its own gemeente, not with the total of all gemeenten; and the agreements "for the whole
# city", which name no gemeente, are not put beside it (ten gemeenten would give it ten of each).
own = data.wijk_gemeente(marts, data.cache_key(marts)).get(wijk) if data.is_multi(marts) else None
local = data.scoped(marts, own) if own else marts
city_name = ui.gemeente_name(marts, own) if own else None

st.title(ui.md(name))
st.caption((f"Gemeente {ui.md(city_name)} · " if city_name else "")
           + f"Gebied {ui.md(info.get('gebied_naam', '–'))} · wijktype {ui.md(info.get('wijktype', '–'))} · "
           f"CBS-code {ui.md(wijk)}")

# --- Headline for the selected year --------------------------------------------------------------
row = index_row(local, wijk, jaar)
summary = headline(row, since=jaar - 1)
indicative = summary["Indicatief"] == "ja"
marker = f" · {ui.INDICATIEF}" if indicative else ""  # beside every figure of this wijk-year
note = indicative_note(marts)
if row.get("index") is None:
    st.warning(f"Voor {jaar} is er geen index voor {ui.md(name)}: {ui.md(summary['Reden geen index'])}.",
               icon=":material/info:")
else:
    ui.figures([
        ui.Figure(f"Index {jaar}{marker}", summary["Index"],
                  help="Een verandering is aantoonbaar als ze groter is dan de onzekerheid van beide jaren samen. "
                       "Is ze dat niet, dan staat erbij vanaf welk verschil ze wel aantoonbaar zou zijn geweest."
                       + (f"\n\n{note}" if indicative else ""),
                  below=ui.change_line(summary)),
        ui.Figure("Categorie", summary["Categorie"],
                  value_html=f"<span style='font-size:1.35rem'>"
                             f"{ui.category_badge(summary['Categorie'], ui.colour_of(row.get('categorie'), marts))}</span>"),
        ui.Figure(f"95%-interval{marker}", join_interval(summary["Ondergrens 95%-interval"],
                                                         summary["Bovengrens 95%-interval"]),
                  help="Met 95% zekerheid ligt de werkelijke index tussen deze grenzen."
                       + (f"\n\n{note}" if indicative else "")),
        ui.Figure("Inwoners · respondenten", f"{fmt_int(row.get('inwoners'))} · {fmt_int(row.get('respondenten'))}",
                  help=note if indicative else None),
    ])
    if indicative:
        st.markdown(f"{ui.indicatief_badge(marts)} <span style='color:#555;font-size:0.9rem'>{ui.md(name)} had in {jaar} "
                    f"{fmt_int(row.get('respondenten'))} respondenten, minder dan {indicative_threshold(marts)}: de "
                    "onzekerheid is groter dan het 95%-interval laat zien. Lees de cijfers van dit jaar als een "
                    "aanwijzing, niet als een vaststelling.</span>", unsafe_allow_html=True)

# --- Sensitivity to the weighting (mart gevoeligheid_wijk, when published) -----------------------------
sensitivity = wijk_sensitivity(local, wijk, jaar, name) if row.get("index") is not None else None
if sensitivity:
    robust = sensitivity["oordeel"] == "robuust"
    # inline HTML in a paragraph (not an HTML block), so ui.md keeps the wijk's name literal text
    st.markdown(f"<span style='font-size:0.9rem;color:#444'>Categorie en weging: "
                f"<span style='background:{'#e3f1e6' if robust else '#fdebd0'};color:{'#1e5631' if robust else '#7e5109'};"
                f"padding:1px 8px;border-radius:8px;font-weight:600;white-space:nowrap'>{ui.md(sensitivity['label'])}"
                f"</span> {ui.md(sensitivity['uitleg'])}</span>", unsafe_allow_html=True)

# --- Downloads: the scorecard as CSV, Excel and PDF ---------------------------------------------------
downloads = st.columns(3)
downloads[0].download_button(f"Download scorekaart {ui.md(name)} {jaar} (CSV)",
                             data=to_dutch_csv(scorecard_rows(local, wijk, jaar)),
                             file_name=scorecard_filename(marts, wijk, jaar), mime="text/csv", on_click="ignore",
                             icon=":material/download:", key="download_scorekaart", width="stretch")
if data.export_available("scorecard_xlsx"):  # built only when clicked (a callable), in its own thread
    downloads[1].download_button("Scorekaart als Excel (.xlsx)",
                                 data=lambda: data.scorecard_xlsx(local, wijk, jaar),
                                 file_name=scorecard_filename(marts, wijk, jaar, "xlsx"), mime=data.XLSX_MIME,
                                 on_click="ignore", icon=":material/table_view:", key="download_scorekaart_xlsx",
                                 width="stretch")
if data.export_available("scorecard_pdf"):
    downloads[2].download_button("Scorekaart als PDF (A4)",
                                 data=lambda: data.scorecard_pdf(local, wijk, jaar),
                                 file_name=scorecard_filename(marts, wijk, jaar, "pdf"), mime=data.PDF_MIME,
                                 on_click="ignore", icon=":material/picture_as_pdf:", key="download_scorekaart_pdf",
                                 width="stretch", help="Eén A4-pagina om mee te nemen naar een overleg.")

# --- Trend with prestaties -----------------------------------------------------------------------
years = data.years(marts)
domain = templates.wijk_domain(marts)

st.subheader("Ontwikkeling en prestatieafspraken")
series = data.wijk_series(local, wijk)
ui.show_chart(charts.with_data(templates.wijk_trend(marts), {"points": charts.index_points(series, jaar)}))
missing = series.filter(pl.col("index").is_null())
gaps = ""
if missing.height:
    gaps = " Geen index in " + ", ".join(str(y) for y in missing.get_column("jaar").to_list()) + "."
open_years = series.filter(pl.col("indicatief").fill_null(False)).get_column("jaar").to_list()
if open_years:
    gaps += (" Open rondje = indicatief (" + ", ".join(str(y) for y in open_years) + "): minder dan "
             f"{indicative_threshold(marts)} respondenten, de onzekerheid is groter dan de band laat zien.")
st.caption("Index per jaar met 95%-onzekerheidsmarge, omcirkeld = het gekozen jaar; de gekleurde vlakken zijn "
           "de categorieën." + gaps)
all_prestaties = wijk_prestaties(local, wijk)
if all_prestaties.height:
    lanes = charts.timeline_data(all_prestaties, domain, wijk)
    ui.show_chart(charts.with_data(templates.timeline(marts), {"agreements": lanes},
                                   height=charts.timeline_height(all_prestaties.height)))
    st.caption("Prestatieafspraken op dezelfde tijdlijn: van start tot eind. Beweeg over een balk voor partner, "
               "omschrijving en voortgang.")
else:
    st.caption("Er zijn geen prestatieafspraken voor deze wijk, haar gebied of de hele stad.")

# --- The agreements of this wijk, its gebied and the city: status, on track, did it help --------------
st.subheader(f"Prestatieafspraken die in {jaar} liepen")
running = wijk_prestaties(local, wijk, jaar)
if running.height:
    effects = has_effects(marts)
    outcomes = with_outcomes(local, running, jaar)
    shown = prestaties_display(running, marts).with_columns(  # the scorecard's strings, plus what fits a column
        pl.Series("Op koers", [on_track_short(r) for r in running.iter_rows(named=True)], dtype=pl.String),
        pl.Series(EFFECT_KEY, [v or "–" for v in outcomes.get_column("effect_label").to_list()], dtype=pl.String),
        pl.when(pl.col("Voortgang verouderd") == "ja").then(pl.col("Status") + " ⚠").otherwise(pl.col("Status"))
        .alias("Status"))
    columns = ["Omschrijving", "Voor", "Status", "Laatste voortgang", "Op koers", EFFECT_KEY, "Partner"]
    if not effects:
        columns.remove(EFFECT_KEY)
    table = shown.select(columns).to_pandas()

    def verdict(text: str) -> str:
        return "color: #1e8449" if text.startswith("✓") else "color: #c0392b" if text.startswith("✗") else "color: #7a7a7a"

    # widths add up to the page's 940 px at 1,400 px: every column visible
    ui.dataframe(table.style.map(verdict, subset=[c for c in ("Op koers", EFFECT_KEY) if c in columns]),
                 hide_index=True, width="stretch",
                 column_config={"Omschrijving": st.column_config.TextColumn(width=200 if effects else 260),
                                "Voor": st.column_config.TextColumn(width=115),
                                "Status": st.column_config.TextColumn(
                                    width=105, help="⚠ = lopende afspraak zonder recente voortgangsrapportage."),
                                "Laatste voortgang": st.column_config.TextColumn(width=140),
                                "Op koers": st.column_config.TextColumn(
                                    width=95, help="De gemeten waarde tegenover de rechte lijn van basiswaarde naar "
                                                   "streefwaarde (de getallen staan op de pagina Prestaties)."),
                                EFFECT_KEY: st.column_config.TextColumn(
                                    width=125, help="Veranderde de wijk (of het gebied) sinds het jaar vóór de start "
                                                    "meer dan vergelijkbare wijken zonder zo'n afspraak? De toelichting "
                                                    "staat onder de tabel. Een samenhang, geen bewijs."),
                                "Partner": st.column_config.TextColumn(width=160 if effects else 225)})
    st.caption("Afspraken voor deze wijk, haar gebied en de hele stad. 'Op koers' vergelijkt de gemeten waarde "
               "met de rechte lijn van basiswaarde naar streefwaarde.")
    noted = outcomes.filter(pl.col("effect_note").is_not_null())
    if effects and noted.height:
        with st.expander(f"{EFFECT_KEY} De toelichting per afspraak ({noted.height})", expanded=noted.height <= 6):
            st.markdown("\n".join(f"- **{ui.md(r['omschrijving'])}** — *{ui.md(r['effect_label'])}*: "
                                  f"{ui.md(r['effect_note'])}" for r in noted.iter_rows(named=True)))
            st.caption("Vergeleken wordt de verandering sinds het jaar vóór de start met die van vergelijkbare wijken "
                       "zonder zo'n afspraak. Dat is een samenhang, geen bewijs: ook iets anders kan het verschil maken.")
else:
    st.caption(f"Geen prestatieafspraken die in {jaar} liepen.")

# --- Themes and drivers ----------------------------------------------------------------------------
theme_numbers = theme_values(local, wijk, jaar)
themes = theme_frame(local, wijk, jaar)
left, right = st.columns(2, gap="large")
with left:
    st.subheader(f"Thema's in {jaar}{marker}", help=note if indicative else None)
    if (themes.get_column("Themascore") == "").all():
        st.info("Geen themascores voor dit jaar.")
    else:
        ui.show_chart(charts.with_data(templates.theme_parts(marts), {"parts": charts.theme_parts_data(theme_numbers)}))
        st.caption("Per thema de score uit registraties (objectief: politie en meldingen) en uit de enquête "
                   "(subjectief), en de themascore (zwart) met zijn 95%-interval: de werkelijke themascore ligt met "
                   "95% zekerheid op die lijn. Beleving heeft alleen een enquêtedeel."
                   + (f" {note}" if indicative else ""))
with right:
    st.subheader(f"Wat veranderde sinds {jaar - 1}{marker}", help=note if indicative else None)
    if row.get("verschil") is None:
        if jaar - 1 not in years:
            st.info(f"Geen vergelijking mogelijk: {jaar} is het eerste jaar in de publicatie.")
        else:
            without = [str(y) for y, r in ((jaar - 1, index_row(local, wijk, jaar - 1)), (jaar, row))
                       if r.get("index") is None]
            st.info(f"Geen vergelijking mogelijk: geen index in {' en '.join(without)}.")
    else:
        frame, limit = charts.contributions_data(theme_numbers)
        ui.show_chart(charts.with_data(templates.contributions(marts), {"contributions": frame},
                                       params={"limit": limit}))
        st.caption(f"Bijdrage van elk thema aan de verandering van de index: {summary['Oordeel verandering']}. "
                   "Groen = veiliger geworden, rood = onveiliger. Samen tellen ze op tot de verandering."
                   + ("" if summary["Verandering aantoonbaar"] == "ja" else
                      " Omdat de verandering niet aantoonbaar is, kunnen ook de bijdragen toeval zijn."))
with st.expander(f"Thema's als tabel{marker}"):
    table = themes.select(
        "Thema", "Themascore",
        pl.struct("Ondergrens 95%-interval", "Bovengrens 95%-interval").map_elements(
            lambda r: join_interval(r["Ondergrens 95%-interval"], r["Bovengrens 95%-interval"]),
            return_dtype=pl.String).alias("95%-interval"),
        "Objectief", "Subjectief", "Bijdrage aan verschil")
    if indicative:
        table = table.with_columns(pl.lit(ui.INDICATIEF).alias("Let op"))
    ui.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Let op": st.column_config.TextColumn(help=note)})

# --- Comparison ------------------------------------------------------------------------------------
st.subheader("Vergelijking met gebied, wijktype en " + ("gemeente" if city_name else "stad"))
points, low, high = charts.comparison_data(data.comparison(local, wijk, city_label=city_name or "Stad"))
ui.show_chart(charts.with_data(templates.comparison(marts), {"series": points},
                               params={"y_low": low, "y_high": high}))
st.caption(f"{ui.md(name)} (dikke lijn) naast het gemiddelde van gebied {ui.md(info.get('gebied_naam', ''))}, van "
           f"wijken van hetzelfde type ({ui.md(info.get('wijktype', ''))}) en van "
           + (f"de gemeente {ui.md(city_name)}" if city_name else "de stad") + " (gestippeld)."
           " Let op de ingezoomde schaal.")

# --- Monthly --------------------------------------------------------------------------------------
st.subheader("Per maand")
left, right = st.columns(2, gap="large")
with left:
    police = data.monthly(local, "politie", wijk)
    if police.height:
        ui.show_chart(charts.with_data(templates.monthly(marts, "politie"), {"months": charts.monthly_data(police)}),
                      width="content")
    st.caption("Geregistreerde misdrijven per maand (lichte lijn) en het gemiddelde over 12 maanden (donker). "
               "Aantallen, niet per inwoner; elke soort heeft een eigen schaal.")
with right:
    reports = data.monthly(local, "meldingen", wijk)
    if reports.height:
        ui.show_chart(charts.with_data(templates.monthly(marts, "meldingen"),
                                       {"months": charts.monthly_data(reports)}), width="content")
    st.caption("Meldingen per maand (licht) en het gemiddelde over 12 maanden (donker); geannuleerde meldingen "
               "tellen niet mee. Elke soort heeft een eigen schaal.")
