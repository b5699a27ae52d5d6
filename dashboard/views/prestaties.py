"""Prestaties: every agreement with the gemeente's safety partners, its latest progress, whether the
linked indicator is on track, the index change of the wijk (or gebied) it is for and — when the
publication has mart prestatie_effecten — whether it helped compared with similar wijken.

The Stad page links here with ?filter=verslechterd (the wijken that got worse); ?wijken=<codes> sets
the wijk filter; both are written back to the URL, so a selection can be shared as a link. With many
gemeenten the page shows the chosen gemeente's agreements (its wijken and gebieden)."""

import polars as pl
import streamlit as st

from dashboard import data, ui
from pipeline.presentation import (BETTER, EFFECT_KEY, EFFECT_LABELS, FILTER_PARAM, WORSE, changed_wijken, concerning_wijken,
                                effect_counts, fmt_date, fmt_int, fmt_num, has_effects, indicator_labels, level_label,
                                on_track_short, on_track_text, status_label, theme_labels, with_outcomes)

marts = ui.load_or_stop()
names = data.wijk_names(marts, marts.publication_id)
themes = theme_labels(marts)
peil = data.peildatum(marts)
effects_published = has_effects(marts)

st.title("Prestatieafspraken")
st.caption("Afspraken tussen de gemeente en haar veiligheidspartners, per wijk, gebied of voor de hele stad"
           + (f"; stand per {fmt_date(peil)}." if peil else "."))

RAG_COLOURS = {"groen": "#1e8449", "oranje": "#d35400", "rood": "#c0392b"}
STATUSES = data.method(marts)["prestaties"]["statuses"]
STALE_MONTHS = data.method(marts)["prestaties"]["stale_months"]
RUNNING = ("voorgesteld", "toegezegd", "in_uitvoering")  # not finished, not rejected
ALL = "alle"
CHANGE_FILTERS = {ALL: "Alle afspraken", WORSE: "Wijken die verslechterden", BETTER: "Wijken die verbeterden"}
PARAM_FILTER, PARAM_WIJKEN = FILTER_PARAM, "wijken"  # ?filter=verslechterd&wijken=BU…,BU…



def _from_url(param: str, key: str, valid: list[str], multi: bool, default) -> None:
    """A link's ?filter=… / ?wijken=… (codes, repeated or comma-separated) sets the widget, once per
    distinct link value, so the widget stays free to change; values not in the publication are ignored."""
    raw = [v for part in st.query_params.get_all(param) for v in part.split(",") if v]
    marker = f"_url_{param}"
    if st.session_state.get(marker) != raw or key not in st.session_state:
        st.session_state[marker] = raw
        chosen = [v for v in raw if v in valid]
        st.session_state[key] = chosen if multi else (chosen[0] if chosen else default)


def _to_url(param: str, key: str, default) -> None:
    """The widget's choice back into the URL (a shareable link); the default leaves the URL clean."""
    value = st.session_state[key]
    values = list(value) if isinstance(value, list) else ([] if value == default else [value])
    st.session_state[f"_url_{param}"] = values
    if values:
        st.query_params[param] = values
    else:
        st.query_params.pop(param, None)


# --- The change filter first: the question this page answers from the Stad page -------------------
publication = marts
multi = data.is_multi(publication)
# the gemeente, the year and the change filter at the top, each on its own row (buttons wrap on a phone)
if multi:
    ui.gemeente_selector(publication, width=ui.GEMEENTE_WIDTH)
if "prestaties" not in ui.YEAR_PAGES:  # the page shell shows no year here: the change needs one
    ui.year_selector(marts)
jaar = ui.selected_year()
_from_url(PARAM_FILTER, "prestaties_filter", list(CHANGE_FILTERS), multi=False, default=ALL)
change_filter = st.segmented_control(
    f"Verandering van de wijk van {jaar - 1} naar {jaar}", list(CHANGE_FILTERS), format_func=CHANGE_FILTERS.get,
    required=True, wrap=True, key="prestaties_filter", on_change=_to_url, args=(PARAM_FILTER, "prestaties_filter", ALL),
    help="Alleen de afspraken van de wijken waarvan de index aantoonbaar daalde (of steeg), zoals op de pagina "
         "Stad, met de afspraken voor hun gebied. Afspraken voor de hele stad horen bij elke wijk en staan er "
         "dan niet bij.")
marts, gemeente = ui.scope(publication)  # one gemeente's agreements, or all of them
frame = with_outcomes(marts, data.prestaties(marts), jaar)
if gemeente not in (None, data.ALL_GEMEENTEN) and (loose := data.unattributed_prestaties(publication)):
    st.caption(f"{fmt_int(loose)} {'afspraak' if loose == 1 else 'afspraken'} voor de hele stad "
               f"{'staat' if loose == 1 else 'staan'} alleen bij 'Alle gemeenten': de afspraken noemen geen "
               "gemeente, dus ze horen bij geen gemeente in het bijzonder.")

# Filters: options come from the publication itself, so nothing outside it can be selected.
wijk_options = sorted({c for c in frame.filter(pl.col("niveau") == "wijk").get_column("wijk_code").to_list()
                       if c in names}, key=lambda c: names[c])
gebied_options = sorted(set(frame.get_column("gebied_code").drop_nulls().to_list()))
gebied_names = dict(marts["wijken"].select("gebied_code", "gebied_naam").unique().iter_rows())
partner_options = sorted(set(frame.get_column("partner").drop_nulls().to_list()))
theme_options = [t for t in themes if t in set(frame.get_column("thema").to_list())]
status_options = [s for s in STATUSES if s in set(frame.get_column("status").to_list())]

f1, f2, f3, f4, f5 = st.columns(5)
_from_url(PARAM_WIJKEN, "prestaties_wijken", wijk_options, multi=True, default=[])
if any(c not in wijk_options for c in st.session_state["prestaties_wijken"]):  # another gemeente was chosen
    st.session_state["prestaties_wijken"] = [c for c in st.session_state["prestaties_wijken"] if c in wijk_options]
sel_wijk = f1.multiselect("Wijk", wijk_options, format_func=lambda c: names.get(c, c), placeholder="Alle wijken",
                          key="prestaties_wijken", on_change=_to_url, args=(PARAM_WIJKEN, "prestaties_wijken", []))
sel_gebied = f2.multiselect("Gebied", gebied_options, format_func=lambda c: gebied_names.get(c, c),
                            placeholder="Alle gebieden")
sel_partner = f3.multiselect("Partner", partner_options, placeholder="Alle partners")
sel_theme = f4.multiselect("Thema", theme_options, format_func=lambda t: themes.get(t, t), placeholder="Alle thema's")
sel_status = f5.multiselect("Status", status_options, format_func=status_label, placeholder="Alle statussen")
only_stale = st.toggle(f"Alleen afspraken zonder voortgang in de laatste {STALE_MONTHS} maanden")

shown = frame
changed: list[str] = []
if change_filter in (WORSE, BETTER):
    changed = changed_wijken(marts, jaar, change_filter)
    shown = concerning_wijken(shown, marts["wijken"], changed)
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

# --- Which wijken, when the change filter is on -----------------------------------------------------
if change_filter in (WORSE, BETTER):
    word = "onveiliger" if change_filter == WORSE else "veiliger"
    if jaar - 1 not in data.years(marts):
        st.info(f"Geen vergelijking mogelijk: {jaar} is het eerste jaar met cijfers. Kies een later jaar.")
    elif not changed:
        st.info(f"Geen enkele wijk werd in {jaar} aantoonbaar {word} dan in {jaar - 1}.")
    else:
        rows = {r["wijk_code"]: r for r in marts["wijk_index"].filter(pl.col("jaar") == jaar).iter_rows(named=True)}
        listed = ", ".join(f"{ui.md(names.get(c, c))} ({fmt_num(rows[c]['verschil'], sign=True)})" for c in changed)
        st.markdown(f"**{len(changed)} {'wijk' if len(changed) == 1 else 'wijken'}** werd{'en' if len(changed) > 1 else ''} "
                    f"in {jaar} aantoonbaar {word} dan in {jaar - 1}: {listed}. Hieronder "
                    f"{'haar' if len(changed) == 1 else 'hun'} afspraken en die voor "
                    f"{'haar' if len(changed) == 1 else 'hun'} gebied: **{shown.height}**"
                    f" {'afspraak' if shown.height == 1 else 'afspraken'}.")

# --- Summary: only the agreements shown ---------------------------------------------------------
counts = effect_counts(shown)
summary_figures = [
    ui.Figure("Afspraken", shown.height, help="Het aantal afspraken hieronder (volgens de gekozen filters)."
              + ("" if shown.height == frame.height else f" Alle afspraken samen: {frame.height}.")),
]
rag = shown.get_column("laatste_rag").value_counts()
rag_counts = dict(rag.iter_rows()) if rag.height else {}
no_report = shown.height - sum(rag_counts.get(k, 0) for k in RAG_COLOURS)
summary_figures.append(ui.Figure(
    "Laatste voortgang", " ".join(f"{k}: {rag_counts.get(k, 0)}" for k in RAG_COLOURS) + f" geen: {no_report}",
    value_html="<span style='font-size:1.45rem'>"
               + " ".join(f"<span style='color:{RAG_COLOURS[k]}' title='{k}' aria-label='{k}: {rag_counts.get(k, 0)}'>"
                        f"●&nbsp;{rag_counts.get(k, 0)}</span>" for k in RAG_COLOURS)
               + f" <span style='color:#999' title='nog geen rapportage' aria-label='nog geen rapportage: {no_report}'>"
                 f"○&nbsp;{no_report}</span></span>",
    help="Groen, oranje, rood volgens de laatste voortgangsrapportage; open rondje = nog geen rapportage."))
measured = shown.filter(pl.col("op_koers").is_not_null())
summary_figures.append(ui.Figure(
    "Meetbaar en op koers", f"{measured.filter(pl.col('op_koers')).height} van {measured.height}",
    help="Van de afspraken hieronder met een indicator: hoeveel liggen met de gemeten waarde op of voor de lijn "
         "naar de streefwaarde."))
summary_figures.append(ui.Figure(
    "Zonder recente voortgang", shown.filter(pl.col("voortgang_verouderd").fill_null(False)).height,
    help=f"Toegezegd of in uitvoering, maar al meer dan {STALE_MONTHS} maanden geen voortgangsrapportage."))
if effects_published:
    rest = ", ".join(f"{EFFECT_LABELS[k]}: {counts[k]}" for k in ("te_vroeg", "geen_vergelijking", "geen_gegevens")
                     if counts.get(k))
    summary_figures.append(ui.Figure(
        "Aantoonbaar beter dan elders", f"{counts.get('beter', 0)} van {counts['beoordeeld']}",
        help="Van de afspraken hieronder die met vergelijkbare wijken zonder zo'n afspraak te vergelijken "
             "zijn: bij hoeveel verbeterde de wijk (of het gebied) sinds de start aantoonbaar meer. Dat is een "
             "samenhang, geen bewijs dat de afspraak het verschil maakte."
             + (f" Niet te vergelijken: {rest}." if rest else "")))
ui.figures(summary_figures, widths=[0.8, 1.4, 1.3, 1.4, 1.5][:len(summary_figures)])

# --- Table ----------------------------------------------------------------------------------------
CHANGE = f"Verandering {jaar}"
rows = []
for r in shown.to_dicts():
    rag = r.get("laatste_rag")
    rows.append({
        "Omschrijving": r["omschrijving"],
        "Voor": level_label(r["niveau"], r["gebied_of_wijk_naam"]),
        CHANGE: ui.change_marker(r["change_short"], r["change_significant"], r["change"]),
        EFFECT_KEY: r["effect_label"] or "–",
        "Op koers": on_track_short(r),
        "Voortgang": (f"● {rag}" if rag else "○ nog geen") + (" ⚠" if r.get("voortgang_verouderd") else ""),
        "Status": status_label(r["status"]),
        "Partner": r["partner"],
    })
columns = ["Omschrijving", "Voor", CHANGE, EFFECT_KEY, "Op koers", "Voortgang", "Status", "Partner"]
if not effects_published:
    columns.remove(EFFECT_KEY)
table = pl.DataFrame(rows, schema={k: pl.String for k in columns}).to_pandas()


def _rag_style(text: str) -> str:
    for rag, colour in RAG_COLOURS.items():
        if text.startswith(f"● {rag}"):
            return f"color: {colour}; font-weight: 600"
    return "color: #999"


def _verdict_style(text: str) -> str:
    return "color: #1e8449" if text.startswith("✓") else "color: #c0392b" if text.startswith("✗") else "color: #7a7a7a"


styled = (table.style
          .map(_rag_style, subset=["Voortgang"])
          .map(ui.change_style, subset=[CHANGE])
          .map(_verdict_style, subset=[c for c in ("Op koers", EFFECT_KEY) if c in columns]))
# Widths add up to the table's room at 1,400 px (940 px less the selection column): nothing is cut off.
event = ui.dataframe(styled, hide_index=True, width="stretch", height=min(640, 38 + 35 * max(1, len(table))),
                     on_select="rerun", selection_mode="single-row", key="prestaties_tabel",
                     column_config={
                         "Omschrijving": st.column_config.TextColumn(width=140 if effects_published else 200,
                                                                     help="Selecteer een rij voor de hele tekst."),
                         "Voor": st.column_config.TextColumn(width=115),
                         CHANGE: st.column_config.TextColumn(
                             width=120, help=f"Verandering van de index van {jaar - 1} naar {jaar} van de wijk (bij een "
                                             "gebiedsafspraak: het gebied; bij de hele stad: de stad). ▲ veiliger / "
                                             "▼ onveiliger: aantoonbaar, groter dan de onzekerheid van beide jaren "
                                             "samen. 'niet aantoonbaar': het verschil valt binnen die onzekerheid."),
                         EFFECT_KEY: st.column_config.TextColumn(
                             width=125, help="Veranderde de wijk (of het gebied) sinds het jaar vóór de start meer dan "
                                             "vergelijkbare wijken zonder zo'n afspraak? ✓ beter / ✗ slechter: "
                                             "aantoonbaar, met het verschil in scorepunten. Een samenhang, geen bewijs. "
                                             "De toelichting per afspraak staat onder de tabel."),
                         "Op koers": st.column_config.TextColumn(
                             width=95, help="Gemeten waarde van de gekoppelde indicator tegenover de rechte lijn "
                                            "van basiswaarde naar streefwaarde, in het laatste meetjaar (de waarden "
                                            "staan bij de details)."),
                         "Voortgang": st.column_config.TextColumn(
                             width=80, help="Laatste voortgangsrapportage: groen, oranje of rood (de datum staat bij "
                                            f"de details). ⚠ = toegezegd of in uitvoering, maar meer dan {STALE_MONTHS} "
                                            "maanden geen voortgang."),
                         "Status": st.column_config.TextColumn(width=105),
                         "Partner": st.column_config.TextColumn(width=130 if effects_published else 180)})
st.caption("Bovenaan staat wat aandacht vraagt: lopende afspraken met verouderde voortgang, rood, oranje of niet "
           "op koers. Selecteer een rij voor de details en de link naar de wijk. 'Op koers' geldt alleen voor "
           "meetbare afspraken op een wijk.")

# --- Did it help: the sentence per agreement ---------------------------------------------------------
if effects_published:
    noted = shown.filter(pl.col("effect_note").is_not_null())
    focused = change_filter in (WORSE, BETTER) or bool(sel_wijk) or shown.height <= 12
    with st.expander(f"{EFFECT_KEY} De toelichting per afspraak ({noted.height})", expanded=focused):
        if noted.height:
            # the whole answer per agreement in one line, also where a phone shows only the table's first columns
            st.markdown("\n".join(
                f"- **{ui.md(r['omschrijving'])}** · {ui.md(r['partner'])} · "
                f"{ui.md(level_label(r['niveau'], r['gebied_of_wijk_naam']))}"
                + (f" · index {jaar - 1}→{jaar}: {ui.md(r['change_text'])}" if r["change_text"] else "")
                + f" — *{ui.md(r['effect_label'])}*: {ui.md(r['effect_note'])}" for r in noted.iter_rows(named=True)))
        else:
            st.markdown("Geen van deze afspraken heeft een oordeel.")
        st.caption("Vergeleken wordt de verandering sinds het jaar vóór de start met die van vergelijkbare wijken "
                   "(zelfde wijktype of gebied) zonder zo'n afspraak. Dat is een samenhang, geen bewijs: ook iets "
                   "anders kan het verschil maken. Zie Methode.")

selected = event.selection.rows if event and event.selection else []
if selected and 0 <= selected[0] < shown.height:
    r = shown.row(selected[0], named=True)
    with st.container(border=True):
        st.markdown(f"**{ui.md(r['omschrijving'])}** — {ui.md(r['partner'])} ({ui.md(r['prestatie_id'])})")
        details = [f"Status: {status_label(r['status'])}", f"Thema: {themes.get(r['thema'], r['thema'])}",
                   f"Soort: {r['soort']}", f"Prioriteit: {r['prioriteit']}",
                   "Extra inzet" if r.get("additioneel") else "Reguliere inzet",
                   f"Looptijd: {fmt_date(r['startdatum'])} t/m {fmt_date(r['einddatum'])}"]
        st.markdown(ui.md(" · ".join(details)))
        if r.get("is_meetbaar"):
            label = indicator_labels(marts).get(r["indicator"], r["indicator"])
            st.markdown(ui.md(f"Indicator: {label} — van {fmt_num(r['basiswaarde'])} "
                              f"naar {fmt_num(r['streefwaarde'])}; op koers: {on_track_text(r)}."))
        if r.get("laatste_toelichting"):
            st.markdown(ui.md(f"Laatste voortgang ({r['laatste_rag']}, {fmt_date(r['laatste_voortgang'])}): "
                              f"{r['laatste_toelichting']}"))
        if r["change_text"]:
            st.markdown(ui.md(f"Index van {level_label(r['niveau'], r['gebied_of_wijk_naam'])} van {jaar - 1} naar "
                              f"{jaar}: {r['change_text']}."))
        if r.get("effect_note"):
            st.markdown(f"{EFFECT_KEY} {ui.md(r['effect_label'])}: {ui.md(r['effect_note'])}")
        if r["niveau"] == "wijk" and r["wijk_code"] in names:
            st.page_link(ui.page("wijk"), label=f"Naar de wijkpagina van {ui.md(names[r['wijk_code']])}",
                         icon=":material/arrow_forward:",
                         query_params={ui.PARAM_WIJK: r["wijk_code"], ui.PARAM_JAAR: st.session_state.get(ui.JAAR),
                                       **({ui.PARAM_GEMEENTE: gemeente}
                                          if gemeente not in (None, data.ALL_GEMEENTEN) else {})})
