"""Datakwaliteit: what went in per source, what was set aside (quarantine) and why, the outcome
of the pipeline's checks, and which publication this is."""

import polars as pl
import streamlit as st

from dashboard import ui
from html import escape

from pipeline.presentation import BRON, quarantaine_label, quarantaine_waarde
from pipeline.presentation import fmt_int, fmt_num

marts = ui.load_or_stop()
manifest = marts.manifest

st.title("Datakwaliteit")
st.caption("Wat de pipeline heeft ingelezen, wat hij apart heeft gezet en welke controles zijn uitgevoerd. "
           "Elke rij die niet gebruikt kon worden staat in quarantaine, met de reden.")

# --- Publication ----------------------------------------------------------------------------------
checks = marts["controles"]
failed = checks.filter(~pl.col("geslaagd")) if checks.height else checks
warnings = failed.filter(pl.col("ernst") == "waarschuwing") if failed.height else failed
failed = failed.filter(pl.col("ernst") != "waarschuwing") if failed.height else failed
run = marts["run_info"].to_dicts()
years = manifest.get("jaren") or []
facts = {
    "Gepubliceerd op": ui.local_time(manifest.get("gepubliceerd_op", "")),
    "Methode": manifest.get("methode", "–"),
    "Basisjaar": str(manifest.get("basisjaar", "–")),
    "Jaren": f"{years[0]}–{years[-1]}" if years else "–",
    "Controles geslaagd": f"{checks.height - failed.height - warnings.height} van {checks.height}",
}
for column, (label, value) in zip(st.columns(len(facts)), facts.items()):
    column.markdown(f"<div style='font-size:0.875rem;color:#555'>{escape(label)}</div>"  # HTML block: escape(), not md
                    f"<div style='font-size:1.25rem;font-weight:600'>{escape(str(value))}</div>",
                    unsafe_allow_html=True)
if failed.height:
    st.error(f"{failed.height} controle(s) niet geslaagd — zie de tabel hieronder.")
for text in warnings.get_column("toelichting").to_list() if warnings.height else []:
    st.warning(f"Waarschuwing: {ui.md(text)}")
st.caption(f"Publicatie-id {ui.md(manifest.get('publicatie_id', '–'))}"
           + (f" · ruwe map {ui.md(run[0].get('ruwe_map'))}" if run else ""))


# --- What changed in the raw folder since the previous publication ----------------------------------
CHANGE_ORDER = ("nieuw", "gewijzigd", "verwijderd", "ongewijzigd")
st.subheader("Wat is er veranderd sinds de vorige publicatie")
changes = marts.frames.get("bestandswijzigingen")
if changes is None:
    st.info("Deze publicatie is gemaakt voordat de pipeline bijhield welke bestanden veranderden; de volgende "
            "run laat het hier zien.")
else:
    counts = {kind: changes.filter(pl.col("wijziging") == kind).height for kind in CHANGE_ORDER}
    previous = changes.get_column("vorige_publicatie_op").drop_nulls()
    if previous.is_empty():
        st.info(f"Er is geen eerdere publicatie uit deze ruwe map: alle {fmt_int(counts['nieuw'])} bestanden zijn nieuw.")
    elif counts["ongewijzigd"] == changes.height:
        st.success(f"Geen bestand veranderd sinds de publicatie van {ui.local_time(previous[0])}: alle "
                   f"{fmt_int(changes.height)} bestanden hebben dezelfde inhoud.")
    else:
        st.markdown(f"Vergeleken met de publicatie van **{ui.local_time(previous[0])}**: "
                    + " · ".join(f"{fmt_int(counts[kind])} {kind}" for kind in CHANGE_ORDER if counts[kind]) + ".")
        changed = (changes.filter(pl.col("wijziging") != "ongewijzigd")
                   .with_columns(pl.col("wijziging").replace_strict({k: i for i, k in enumerate(CHANGE_ORDER)},
                                                                    default=len(CHANGE_ORDER)).alias("_order"))
                   .sort("_order", "bron", "bestand"))

        def _short(sha: str | None) -> str:
            return f"{sha[:12]}…" if sha else "–"

        ui.dataframe(pl.DataFrame({
            "Wijziging": changed.get_column("wijziging").to_list(),
            "Bestand": changed.get_column("bestand").to_list(),
            "Bron": [BRON.get(b, b) for b in changed.get_column("bron").to_list()],
            "Inhoud toen (SHA-256)": [_short(v) for v in changed.get_column("vorige_sha256").to_list()],
            "Inhoud nu (SHA-256)": [_short(v) for v in changed.get_column("sha256").to_list()],
        }), hide_index=True, width="stretch")
    st.caption("Vergeleken op inhoud (SHA-256), niet op datum: een bestand dat alleen opnieuw is gekopieerd is "
               "ongewijzigd. Verwijderd = stond in de vorige publicatie, nu niet meer in de ruwe map.")


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
            "Regel": [None if r is None else f"record {r}" if u == "record" else str(r)
                      for r, u in zip(detail.get_column("regel").to_list(), detail.get_column("regelsoort").to_list())],
            "Kolom": detail.get_column("kolom").to_list(),
            # never a respondent id, whatever the publication holds (the SQL should not publish it)
            "Waarde": [quarantaine_waarde(k, w) for k, w in zip(detail.get_column("kolom").to_list(),
                                                                detail.get_column("waarde").to_list())],
            "Reden": [quarantaine_label(r) for r in detail.get_column("reden").to_list()],
        }), hide_index=True, width="stretch")
        if quarantine.height > detail.height:
            st.caption(f"De eerste {fmt_int(detail.height)} rijen.")

# --- Police codes absent from a year, meldingen outside the vocabulary (INPUTS.md: never silent) --------
absent = marts["politie_ontbrekende_codes"]
outside_years = marts["meldingen_vocabulaire"]
outside = marts["meldingen_buiten_vocabulaire"]
left, right = st.columns(2, gap="large")
with left:
    st.subheader("Politie: ontbrekende misdrijfcodes")
    if absent.height:
        per_year = absent.group_by("jaar", maintain_order=True).agg(
            pl.len().alias("n"), (pl.col("code") + " " + pl.col("omschrijving")).str.join("; ").alias("codes"))
        ui.dataframe(pl.DataFrame({
            "Jaar": per_year.get_column("jaar").cast(pl.String).to_list(),
            "Ontbrekend": per_year.get_column("n").to_list(),
            "Codes": per_year.get_column("codes").to_list(),
        }), hide_index=True, width="stretch")
        st.caption("Misdrijfcodes die de methode telt maar waarvan de politiebron dat jaar geen enkele buurtrij heeft. "
                   "Ze tellen als 0 (een export laat nullen weg); ontbreken er veel, dan is de download "
                   "waarschijnlijk gefilterd.")
    else:
        st.success("Elk politiejaar heeft buurtrijen voor elke misdrijfcode die de methode telt.")
with right:
    st.subheader("Meldingen buiten de vocabulaire")
    if outside_years.height:
        ui.dataframe(pl.DataFrame({
            "Jaar": outside_years.get_column("jaar").cast(pl.String).to_list(),
            "Meldingen": [fmt_int(v) for v in outside_years.get_column("meldingen").to_list()],
            "Buiten": [fmt_int(v) for v in outside_years.get_column("buiten_vocabulaire").to_list()],
            "Aandeel": ["" if v is None else fmt_num(v * 100, 1) + "%" for v in outside_years.get_column("aandeel_buiten").to_list()],
            "Verandering (procentpunt)": ["" if v is None else fmt_num(v * 100, 1, sign=True)
                                          for v in outside_years.get_column("verandering_aandeel").to_list()],
            "Let op": ["verschuiving" if v else "" for v in outside_years.get_column("verschuiving").to_list()],
        }), hide_index=True, width="stretch")
        st.caption("Getelde meldingen (niet geannuleerd) waarvan de categorie niet op de vocabulaire is vertaald: "
                   "ze tellen in geen indicator. Verandert het aandeel sterk, dan is de categorieboom of de "
                   "vertaling veranderd.")
    else:
        st.info("Geen meldingen in deze publicatie.")
if outside.height:
    with st.expander(f"Welke categorieën vielen erbuiten ({fmt_int(outside.get_column('subcategorie').n_unique())})"):
        ui.dataframe(pl.DataFrame({
            "Jaar": outside.get_column("jaar").cast(pl.String).to_list(),
            "Hoofdcategorie": outside.get_column("hoofdcategorie").to_list(),
            "Subcategorie": outside.get_column("subcategorie").to_list(),
            "Meldingen": [fmt_int(v) for v in outside.get_column("aantal").to_list()],
        }), hide_index=True, width="stretch")

st.subheader("Bestanden")
files = marts["bestanden"].sort("bron", "bestand")
ui.dataframe(pl.DataFrame({
    "Bron": [BRON.get(b, b) for b in files.get_column("bron").to_list()],
    "Bestand": files.get_column("bestand").to_list(),
    "Gelezen als": files.get_column("formaat").to_list(),
    "Status": files.get_column("status").to_list(),
    "Tekenset": files.get_column("tekenset").to_list(),
    "Scheidingsteken": files.get_column("scheidingsteken").to_list(),
    "Gelezen": [fmt_int(v) for v in files.get_column("rijen_gelezen").to_list()],
    "Gebruikt": [fmt_int(v) for v in files.get_column("rijen_gebruikt").to_list()],
    "Quarantaine": [fmt_int(v) for v in files.get_column("rijen_quarantaine").to_list()],
    "Sluitend": ["ja" if v else "nee" for v in files.get_column("sluitend").to_list()],
    "Herzien": ["ja" if v else "" for v in files.get_column("herzien").to_list()],
}), hide_index=True, width="stretch")
st.caption("Elk bestand wordt herkend aan zijn inhoud: 'Gelezen als' zegt in welke vorm (standaardformaat, CBS "
           "OData als CSV of JSON, StatLine-download, KWB, GeoJSON). Hetzelfde bestand twee keer (SHA-256) telt één "
           "keer. 'Sluitend' = gelezen is gebruikt plus quarantaine; bij JSON is een regel een record.")
