"""Datakwaliteit: what went in per source, what was set aside (quarantine) and why, the outcome
of the pipeline's checks, and which publication this is."""

import polars as pl
import streamlit as st

from dashboard import ui
from html import escape

from pipeline.presentation import BRON, quarantaine_label, quarantaine_waarde
from pipeline.presentation import fmt_int

marts = ui.load_or_stop()
manifest = marts.manifest

st.title("Datakwaliteit")
st.caption("Wat de pipeline heeft ingelezen, wat hij apart heeft gezet en welke controles zijn uitgevoerd. "
           "Elke rij die niet gebruikt kon worden staat in quarantaine, met de reden.")

# --- Publication ----------------------------------------------------------------------------------
checks = marts["controles"]
failed = checks.filter(~pl.col("geslaagd")) if checks.height else checks
run = marts["run_info"].to_dicts()
years = manifest.get("jaren") or []
facts = {
    "Gepubliceerd op": ui.local_time(manifest.get("gepubliceerd_op", "")),
    "Methode": manifest.get("methode", "–"),
    "Basisjaar": str(manifest.get("basisjaar", "–")),
    "Jaren": f"{years[0]}–{years[-1]}" if years else "–",
    "Controles geslaagd": f"{checks.height - failed.height} van {checks.height}",
}
for column, (label, value) in zip(st.columns(len(facts)), facts.items()):
    column.markdown(f"<div style='font-size:0.875rem;color:#555'>{escape(label)}</div>"  # HTML block: escape(), not md
                    f"<div style='font-size:1.25rem;font-weight:600'>{escape(str(value))}</div>",
                    unsafe_allow_html=True)
if failed.height:
    st.error(f"{failed.height} controle(s) niet geslaagd — zie de tabel hieronder.")
st.caption(f"Publicatie-id {ui.md(manifest.get('publicatie_id', '–'))}"
           + (f" · ruwe map {ui.md(run[0].get('ruwe_map'))}" if run else ""))


def _period(value: str | None) -> str:
    """'2024MM12' (CBS period) -> '12-2024'; ISO dates -> Dutch order; years as they are."""
    if not value:
        return "–"
    if len(value) == 8 and value[4:6] == "MM":
        return f"{value[6:8]}-{value[:4]}"
    if len(value) == 8 and value[4:6] == "JJ":
        return f"jaar {value[:4]}"
    if len(value) == 10 and value[4] == "-":
        return f"{value[8:10]}-{value[5:7]}-{value[:4]}"
    return value


# --- Sources ---------------------------------------------------------------------------------------
st.subheader("Bronnen")
sources = marts["bronnen"].sort("bron")
quarantine = marts["quarantaine"]
ui.dataframe(pl.DataFrame({
    "Bron": [BRON.get(b, b) for b in sources.get_column("bron").to_list()],
    "Bestanden": sources.get_column("bestanden").cast(pl.Int64).to_list(),
    "Rijen gelezen": [fmt_int(v) for v in sources.get_column("rijen_gelezen").to_list()],
    "Gebruikt": [fmt_int(v) for v in sources.get_column("rijen_gebruikt").to_list()],
    "In quarantaine": [fmt_int(v) for v in sources.get_column("rijen_quarantaine").to_list()],
    "Laatste periode": [_period(v) for v in sources.get_column("laatste_periode").to_list()],
}), hide_index=True, width="stretch")
st.caption("Per bron: gelezen = gebruikt + in quarantaine. 'Laatste periode' is de recentste maand, datum of "
           "jaar in de bron.")

left, right = st.columns([2, 3], gap="large")
with left:
    st.subheader("Quarantaine per reden")
    if quarantine.height:
        by_reason = (quarantine.group_by("bron", "reden").agg(pl.len().alias("Rijen")).sort("bron", "Rijen",
                                                                                          descending=[False, True]))
        ui.dataframe(pl.DataFrame({
            "Bron": [BRON.get(b, b) for b in by_reason.get_column("bron").to_list()],
            "Reden": [quarantaine_label(r) for r in by_reason.get_column("reden").to_list()],
            "Rijen": [fmt_int(v) for v in by_reason.get_column("Rijen").to_list()],
        }), hide_index=True, width="stretch")
        st.caption("'Vervangen door een later gelezen rij' is geen fout: een latere levering of herziening heeft "
                   "nieuwere cijfers.")
    else:
        st.success("Geen rijen in quarantaine.")
with right:
    st.subheader("Controles")
    if checks.height:
        table = pl.DataFrame({
            "Uitkomst": ["✓ geslaagd" if ok else "✗ mislukt" for ok in checks.get_column("geslaagd").to_list()],
            "Controle": checks.get_column("controle").to_list(),
            "Toelichting": checks.get_column("toelichting").to_list(),
            "Ernst": checks.get_column("ernst").to_list(),
        }).to_pandas()
        ui.dataframe(table.style.map(lambda t: "color: #1e8449" if t.startswith("✓") else "color: #c0392b; "
                                     "font-weight: 600", subset=["Uitkomst"]), hide_index=True, width="stretch")
        st.caption("Controles van de pipeline (Great Expectations en telling van rijen) bij deze publicatie.")
    else:
        st.info("Deze publicatie bevat geen controle-uitkomsten.")

if quarantine.height:
    with st.expander(f"Alle {fmt_int(quarantine.height)} rijen in quarantaine"):
        detail = quarantine.head(5000)
        ui.dataframe(pl.DataFrame({
            "Bron": [BRON.get(b, b) for b in detail.get_column("bron").to_list()],
            "Bestand": detail.get_column("bestand").to_list(),
            "Regel": detail.get_column("regel").to_list(),
            "Kolom": detail.get_column("kolom").to_list(),
            # never a respondent id, whatever the publication holds (the SQL should not publish it)
            "Waarde": [quarantaine_waarde(k, w) for k, w in zip(detail.get_column("kolom").to_list(),
                                                                detail.get_column("waarde").to_list())],
            "Reden": [quarantaine_label(r) for r in detail.get_column("reden").to_list()],
        }), hide_index=True, width="stretch")
        if quarantine.height > detail.height:
            st.caption(f"De eerste {fmt_int(detail.height)} rijen.")

st.subheader("Bestanden")
files = marts["bestanden"].sort("bron", "bestand")
ui.dataframe(pl.DataFrame({
    "Bron": [BRON.get(b, b) for b in files.get_column("bron").to_list()],
    "Bestand": files.get_column("bestand").to_list(),
    "Status": files.get_column("status").to_list(),
    "Tekenset": files.get_column("tekenset").to_list(),
    "Scheidingsteken": files.get_column("scheidingsteken").to_list(),
    "Gelezen": [fmt_int(v) for v in files.get_column("rijen_gelezen").to_list()],
    "Gebruikt": [fmt_int(v) for v in files.get_column("rijen_gebruikt").to_list()],
    "Quarantaine": [fmt_int(v) for v in files.get_column("rijen_quarantaine").to_list()],
    "Sluitend": ["ja" if v else "nee" for v in files.get_column("sluitend").to_list()],
    "Herzien": ["ja" if v else "" for v in files.get_column("herzien").to_list()],
}), hide_index=True, width="stretch")
st.caption("Elk bestand wordt herkend aan zijn inhoud (SHA-256): hetzelfde bestand twee keer telt één keer. "
           "'Sluitend' = gelezen is gebruikt plus quarantaine.")
