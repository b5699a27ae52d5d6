"""Prestaties: every agreement with the gemeente's safety partners, its latest progress and,
where measurable, whether the linked indicator is on track."""

import polars as pl
import streamlit as st

from dashboard import data, ui
from pipeline.presentation import (fmt_date, fmt_num, indicator_labels, level_label, on_track_text, status_label,
                                theme_labels)

marts = ui.load_or_stop()
names = data.wijk_names(marts, marts.publication_id)
themes = theme_labels(marts)
frame = data.prestaties(marts)
peil = data.peildatum(marts)

st.title("Prestatieafspraken")
st.caption("Afspraken tussen de gemeente en haar veiligheidspartners, per wijk, gebied of voor de hele stad"
           + (f"; stand per {fmt_date(peil)}." if peil else "."))

RAG_COLOURS = {"groen": "#1e8449", "oranje": "#d35400", "rood": "#c0392b"}
STATUSES = data.method(marts)["prestaties"]["statuses"]
STALE_MONTHS = data.method(marts)["prestaties"]["stale_months"]
RUNNING = ("voorgesteld", "toegezegd", "in_uitvoering")  # not finished, not rejected

# Filters: options come from the publication itself, so nothing outside it can be selected.
wijk_options = sorted({c for c in frame.filter(pl.col("niveau") == "wijk").get_column("wijk_code").to_list()
                       if c in names}, key=lambda c: names[c])
gebied_options = sorted(set(frame.get_column("gebied_code").drop_nulls().to_list()))
gebied_names = dict(marts["wijken"].select("gebied_code", "gebied_naam").unique().iter_rows())
partner_options = sorted(set(frame.get_column("partner").drop_nulls().to_list()))
theme_options = [t for t in themes if t in set(frame.get_column("thema").to_list())]
status_options = [s for s in STATUSES if s in set(frame.get_column("status").to_list())]

f1, f2, f3, f4, f5 = st.columns(5)
sel_wijk = f1.multiselect("Wijk", wijk_options, format_func=lambda c: names.get(c, c), placeholder="Alle wijken")
sel_gebied = f2.multiselect("Gebied", gebied_options, format_func=lambda c: gebied_names.get(c, c),
                            placeholder="Alle gebieden")
sel_partner = f3.multiselect("Partner", partner_options, placeholder="Alle partners")
sel_theme = f4.multiselect("Thema", theme_options, format_func=lambda t: themes.get(t, t), placeholder="Alle thema's")
sel_status = f5.multiselect("Status", status_options, format_func=status_label, placeholder="Alle statussen")
only_stale = st.toggle(f"Alleen afspraken zonder voortgang in de laatste {STALE_MONTHS} maanden")

shown = frame
for column, chosen in (("wijk_code", sel_wijk), ("gebied_code", sel_gebied), ("partner", sel_partner),
                       ("thema", sel_theme), ("status", sel_status)):
    if chosen:  # an empty choice means all
        shown = shown.filter(pl.col(column).is_in(chosen))
if only_stale:
    shown = shown.filter(pl.col("voortgang_verouderd").fill_null(False))
# What needs attention first: running agreements before finished or rejected ones; within them
# stale reporting, then red/orange progress, then off-track indicators.
rag_order = {"rood": 0, "oranje": 1, "groen": 3}
shown = shown.with_columns(
    pl.col("status").is_in(RUNNING).alias("_loopt"),
    pl.col("laatste_rag").replace_strict(rag_order, default=2, return_dtype=pl.Int64).alias("_rag"),
    pl.col("op_koers").fill_null(True).alias("_koers"),
).sort("_loopt", pl.col("voortgang_verouderd").fill_null(False), "_rag", "_koers", "prestatie_id",
       descending=[True, True, False, False, False]).drop("_loopt", "_rag", "_koers")

# --- Summary -------------------------------------------------------------------------------------
c1, c2, c3, c4 = st.columns(4)
c1.metric("Afspraken", shown.height)
rag = shown.get_column("laatste_rag").value_counts()
rag_counts = dict(rag.iter_rows()) if rag.height else {}
no_report = shown.height - sum(rag_counts.get(k, 0) for k in RAG_COLOURS)
with c2:
    st.markdown("<div style='font-size:0.875rem'>Laatste voortgang</div><div style='font-size:1.6rem;margin-top:2px'>"
                + " &nbsp; ".join(f"<span style='color:{RAG_COLOURS[k]}'>● {rag_counts.get(k, 0)}</span>"
                                  for k in RAG_COLOURS)
                + f" &nbsp; <span style='color:#999'>○ {no_report}"
                  "</span></div>", unsafe_allow_html=True,
                help="Groen, oranje, rood volgens de laatste voortgangsrapportage; open rondje = nog geen rapportage.")
measured = shown.filter(pl.col("op_koers").is_not_null())
c3.metric("Meetbaar en op koers", f"{measured.filter(pl.col('op_koers')).height} van {measured.height}",
          help="Afspraken met een indicator waarvan de gemeten waarde op of voor de lijn naar de streefwaarde ligt.")
c4.metric("Zonder recente voortgang", shown.filter(pl.col("voortgang_verouderd").fill_null(False)).height,
          help=f"Toegezegd of in uitvoering, maar al meer dan {STALE_MONTHS} maanden geen voortgangsrapportage.")

# --- Table ----------------------------------------------------------------------------------------
rows = []
for r in shown.to_dicts():
    rag = r.get("laatste_rag")
    rows.append({
        "Omschrijving": r["omschrijving"],
        "Voor": level_label(r["niveau"], r["gebied_of_wijk_naam"]),
        "Status": status_label(r["status"]),
        "Voortgang": f"● {rag} ({fmt_date(r['laatste_voortgang'])})" if rag else "○ nog geen",
        "Op koers": ("✓ " if r.get("op_koers") else "✗ " if r.get("op_koers") is False else "") + on_track_text(r),
        "Signaal": "⚠ verouderd" if r.get("voortgang_verouderd") else "",
        "Thema": themes.get(r["thema"], r["thema"]),
        "Partner": r["partner"],
    })
columns = ("Omschrijving", "Voor", "Status", "Voortgang", "Op koers", "Signaal", "Thema", "Partner")
table = pl.DataFrame(rows, schema={k: pl.String for k in columns}).to_pandas()


def _rag_style(text: str) -> str:
    for rag, colour in RAG_COLOURS.items():
        if text.startswith(f"● {rag}"):
            return f"color: {colour}; font-weight: 600"
    return "color: #999"


styled = (table.style
          .map(_rag_style, subset=["Voortgang"])
          .map(lambda t: "color: #1e8449" if t.startswith("✓") else "color: #c0392b" if t.startswith("✗")
               else "color: #999", subset=["Op koers"])
          .map(lambda t: "color: #b9770e; font-weight: 600" if t else "", subset=["Signaal"]))
event = ui.dataframe(styled, hide_index=True, width="stretch", height=min(640, 38 + 35 * max(1, len(table))),
                     on_select="rerun", selection_mode="single-row", key="prestaties_tabel",
                     column_config={
                         "Omschrijving": st.column_config.TextColumn(width=230),
                         "Voor": st.column_config.TextColumn(width=115),
                         "Status": st.column_config.TextColumn(width=100),
                         "Voortgang": st.column_config.TextColumn(width=140, help="Laatste voortgangsrapportage "
                                                                  "(groen, oranje of rood) en de datum ervan."),
                         "Op koers": st.column_config.TextColumn(
                             width=205, help="Gemeten waarde van de gekoppelde indicator tegenover de rechte lijn "
                                             "van basiswaarde naar streefwaarde, in het laatste meetjaar."),
                         "Signaal": st.column_config.TextColumn(
                             width=90, help=f"Toegezegd of in uitvoering, maar meer dan {STALE_MONTHS} maanden geen voortgang."),
                         "Thema": st.column_config.TextColumn(width=80),
                         "Partner": st.column_config.TextColumn(width=135)})
st.caption("Bovenaan staat wat aandacht vraagt: lopende afspraken met verouderde voortgang, rood, oranje of niet "
           "op koers. Selecteer een rij voor de details en de link naar de wijk. 'Op koers' geldt alleen voor "
           "meetbare afspraken op een wijk.")

selected = event.selection.rows if event and event.selection else []
if selected and 0 <= selected[0] < shown.height:
    r = shown.row(selected[0], named=True)
    with st.container(border=True):
        st.markdown(f"**{ui.md(r['omschrijving'])}** — {ui.md(r['partner'])} ({ui.md(r['prestatie_id'])})")
        details = [f"Status: {status_label(r['status'])}", f"Thema: {themes.get(r['thema'], r['thema'])}",
                   f"Soort: {r['soort']}", f"Prioriteit: {r['prioriteit']}",
                   "Extra inzet" if r.get("additioneel") else "Reguliere inzet"]
        st.markdown(ui.md(" · ".join(details)))
        if r.get("is_meetbaar"):
            label = indicator_labels(marts).get(r["indicator"], r["indicator"])
            st.markdown(ui.md(f"Indicator: {label} — van {fmt_num(r['basiswaarde'])} "
                              f"naar {fmt_num(r['streefwaarde'])}; {on_track_text(r)}."))
        if r.get("laatste_toelichting"):
            st.markdown(ui.md(f"Laatste voortgang ({fmt_date(r['laatste_voortgang'])}): {r['laatste_toelichting']}"))
        if r["niveau"] == "wijk" and r["wijk_code"] in names:
            st.page_link(ui.page("wijk"), label=f"Naar de wijkpagina van {ui.md(names[r['wijk_code']])}",
                         icon=":material/arrow_forward:",
                         query_params={ui.PARAM_WIJK: r["wijk_code"], ui.PARAM_JAAR: st.session_state.get(ui.JAAR)})
