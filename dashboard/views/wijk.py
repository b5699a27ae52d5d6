"""Wijk: one wijk's index over time with its prestaties, its themes, what drove the change,
how it compares, and its monthly police and meldingen figures."""

import polars as pl
import streamlit as st

from dashboard import charts, data, templates, ui
from pipeline.scorecard import (fmt_int, index_row, index_summary, prestaties_display, scorecard_filename,
                                scorecard_rows, theme_frame, to_dutch_csv, wijk_prestaties)

marts = ui.load_or_stop()
jaar = ui.selected_year()

top_left, top_right = st.columns([2, 3], vertical_alignment="bottom")
with top_left:
    wijk = ui.wijk_selector(marts)
info = data.wijk_info(marts, wijk)
name = info.get("wijk_naam", wijk)

st.title(name)
st.caption(f"Gebied {info.get('gebied_naam', '–')} · wijktype {info.get('wijktype', '–')} · CBS-code {wijk}")

# --- Headline for the selected year --------------------------------------------------------------
row = index_row(marts, wijk, jaar)
summary = index_summary(marts, wijk, jaar)
if row.get("index") is None:
    st.warning(f"Voor {jaar} is er geen index voor {name}: {summary['Reden geen index']}.", icon=":material/info:")
else:
    c1, c2, c3, c4 = st.columns(4)
    verschil, significant = row.get("verschil"), row.get("verschil_significant")
    if verschil is None:
        delta, colour, arrow = None, "normal", "auto"
    elif significant:
        delta, colour, arrow = f"{summary['Verschil met vorig jaar']} t.o.v. {jaar - 1} (significant)", "normal", "auto"
    else:
        delta, colour, arrow = f"≈ {summary['Verschil met vorig jaar']} t.o.v. {jaar - 1} (ruis)", "off", "off"
    c1.metric(f"Index {jaar}", summary["Index"], delta=delta, delta_color=colour, delta_arrow=arrow,
              help="Verschil is significant als het groter is dan de onzekerheid van beide jaren samen.")
    with c2:
        st.markdown(f"<div style='font-size:0.875rem;color:#555'>Categorie</div>"
                    f"<div style='margin-top:10px;font-size:1.35rem'>"
                    f"{ui.category_badge(summary['Categorie'], ui.colour_of(row.get('categorie')))}</div>",
                    unsafe_allow_html=True)
    c3.metric("95%-interval", f"{summary['Ondergrens 95%-interval']} – {summary['Bovengrens 95%-interval']}",
              help="Met 95% zekerheid ligt de werkelijke index tussen deze grenzen.")
    c4.metric("Inwoners · respondenten", f"{fmt_int(row.get('inwoners'))} · {fmt_int(row.get('respondenten'))}")

with top_right:
    st.download_button(f"Download scorekaart {name} {jaar} (CSV)", data=to_dutch_csv(scorecard_rows(marts, wijk, jaar)),
                       file_name=scorecard_filename(marts, wijk, jaar), mime="text/csv", on_click="ignore",
                       icon=":material/download:", key="download_scorekaart")

# --- Trend with prestaties -----------------------------------------------------------------------
years = data.years(marts)
domain = templates.wijk_domain(marts)

st.subheader("Ontwikkeling en prestatieafspraken")
series = data.wijk_series(marts, wijk)
ui.show_chart(charts.with_data(templates.wijk_trend(marts), {"points": charts.index_points(series, jaar)}))
missing = series.filter(pl.col("index").is_null())
note = ""
if missing.height:
    note = " Geen index in " + ", ".join(str(y) for y in missing.get_column("jaar").to_list()) + "."
st.caption("Index per jaar met 95%-onzekerheidsmarge, omcirkeld = het gekozen jaar; de gekleurde vlakken zijn "
           "de categorieën." + note)
all_prestaties = wijk_prestaties(marts, wijk)
if all_prestaties.height:
    lanes = charts.timeline_data(all_prestaties, domain, wijk)
    ui.show_chart(charts.with_data(templates.timeline(marts), {"agreements": lanes},
                                   height=charts.timeline_height(all_prestaties.height)))
    st.caption("Prestatieafspraken op dezelfde tijdlijn: van start tot eind. Beweeg over een balk voor partner, "
               "omschrijving en voortgang.")
else:
    st.caption("Er zijn geen prestatieafspraken voor deze wijk, haar gebied of de hele stad.")

# --- Themes and drivers ----------------------------------------------------------------------------
themes = theme_frame(marts, wijk, jaar)
left, right = st.columns(2, gap="large")
with left:
    st.subheader(f"Thema's in {jaar}")
    if (themes.get_column("Themascore") == "").all():
        st.info("Geen themascores voor dit jaar.")
    else:
        ui.show_chart(charts.with_data(templates.theme_parts(marts), {"parts": charts.theme_parts_data(themes)}))
        st.caption("Per thema de score uit registraties (objectief: politie en meldingen) en uit de enquête "
                   "(subjectief). Beleving heeft alleen een enquêtedeel.")
with right:
    st.subheader(f"Wat veranderde sinds {jaar - 1}")
    if row.get("verschil") is None:
        if jaar - 1 not in years:
            st.info(f"Geen vergelijking mogelijk: {jaar} is het eerste jaar in de publicatie.")
        else:
            without = [str(y) for y, r in ((jaar - 1, index_row(marts, wijk, jaar - 1)), (jaar, row))
                       if r.get("index") is None]
            st.info(f"Geen vergelijking mogelijk: geen index in {' en '.join(without)}.")
    else:
        frame, limit = charts.contributions_data(themes)
        ui.show_chart(charts.with_data(templates.contributions(marts), {"contributions": frame},
                                       params={"limit": limit}))
        sig = "significant" if row.get("verschil_significant") else "niet significant, mogelijk toeval"
        st.caption(f"Bijdrage van elk thema aan de verandering van de index ({summary['Verschil met vorig jaar']}, "
                   f"{sig}). Groen = veiliger geworden, rood = onveiliger. Samen tellen ze op tot de verandering.")
with st.expander("Thema's als tabel"):
    st.dataframe(themes.to_pandas(), hide_index=True, width="stretch")

# --- Comparison ------------------------------------------------------------------------------------
st.subheader("Vergelijking met gebied, wijktype en stad")
points, low, high = charts.comparison_data(data.comparison(marts, wijk))
ui.show_chart(charts.with_data(templates.comparison(marts), {"series": points},
                               params={"y_low": low, "y_high": high}))
st.caption(f"{name} (dikke lijn) naast het gemiddelde van gebied {info.get('gebied_naam', '')}, van wijken van "
           f"hetzelfde type ({info.get('wijktype', '')}) en van de stad (gestippeld). Let op de ingezoomde schaal.")

# --- Monthly --------------------------------------------------------------------------------------
st.subheader("Per maand")
left, right = st.columns(2, gap="large")
with left:
    police = data.monthly(marts, "politie", wijk)
    if police.height:
        ui.show_chart(charts.with_data(templates.monthly(marts, "politie"), {"months": charts.monthly_data(police)}),
                      width="content")
    st.caption("Geregistreerde misdrijven per maand (lichte lijn) en het gemiddelde over 12 maanden (donker). "
               "Aantallen, niet per inwoner; elke soort heeft een eigen schaal.")
with right:
    reports = data.monthly(marts, "meldingen", wijk)
    if reports.height:
        ui.show_chart(charts.with_data(templates.monthly(marts, "meldingen"),
                                       {"months": charts.monthly_data(reports)}), width="content")
    st.caption("Meldingen per maand (licht) en het gemiddelde over 12 maanden (donker); geannuleerde meldingen "
               "tellen niet mee. Elke soort heeft een eigen schaal.")

# --- Prestaties table ------------------------------------------------------------------------------
st.subheader(f"Prestatieafspraken die in {jaar} liepen")
current = prestaties_display(wijk_prestaties(marts, wijk, jaar))
if current.height:
    # the scorecard's strings, most telling columns first
    st.dataframe(current.select("Omschrijving", "Voor", "Status", "Laatste voortgang", "Op koers",
                                "Voortgang verouderd", "Thema", "Partner", "Looptijd").to_pandas(),
                 hide_index=True, width="stretch",
                 column_config={"Omschrijving": st.column_config.TextColumn(width=280),
                                "Laatste voortgang": st.column_config.TextColumn(width=150),
                                "Op koers": st.column_config.TextColumn(width=230),
                                "Voortgang verouderd": st.column_config.TextColumn(
                                    "Verouderd", width=90, help="Lopende afspraak zonder recente voortgangsrapportage.")})
    st.caption("Afspraken voor deze wijk, haar gebied en de hele stad. 'Op koers' vergelijkt de gemeten waarde "
               "met de rechte lijn van basiswaarde naar streefwaarde.")
else:
    st.caption(f"Geen prestatieafspraken die in {jaar} liepen.")
