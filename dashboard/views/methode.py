"""Methode: how the index is made, from the method config the publication was computed with
(methode.json in the publication, via pipeline.publish.publication.read_published_method) — not from today's
config files, which may have changed since — and the calibration mart."""

import math
from fractions import Fraction

import polars as pl
import streamlit as st

from dashboard import data, ui
from pipeline.presentation import BRON
from pipeline.presentation import (INDEX_DECIMALS, category_label, fmt_int, fmt_num, sensitivity_table,
                                sensitivity_verdict_counts, sensitivity_years)

marts = ui.load_or_stop()
method = data.method(marts)
params = method["params"]
themes = {t["theme"]: t for t in method["themes"]}
manifest = marts.manifest
basisjaar = manifest.get("basisjaar", "–")
label = method["method"].get("label") or manifest.get("methode", "–")
version = str(method["method"].get("version", "–"))
full_hash = method["method"].get("hash") or manifest.get("methode_hash") or ""
estimator = method.get("uncertainty", {}).get("estimator", "independent")
per_respondent = estimator == "per_respondent"
indicative_below = params.get("indicative_below")
ESTIMATORS = {
    "per_respondent": "per respondent: de samenhang tussen de antwoorden van één respondent telt mee",
    "independent": "onafhankelijke vragen: elke enquêtevraag alsof andere mensen haar beantwoordden",
}


def _fraction(value: float) -> str:
    frac = Fraction(value).limit_denominator(12)
    return f"{frac.numerator}/{frac.denominator}" if frac.denominator != 1 else str(frac.numerator)


def _bound(value: float) -> str:
    return fmt_num(value) if math.isfinite(value) else ""


st.title("Methode")
st.caption(f"Deze publicatie is berekend met methode {ui.md(label)} (versie {ui.md(version)}, kenmerk "
           f"{ui.md(full_hash[:12] or '–')}), basisjaar {ui.md(basisjaar)}. Alle getallen op deze pagina komen uit de "
           "methodeconfiguratie die bij deze publicatie is opgeslagen; een wijziging van een getal betekent een nieuwe methodeversie.")

# --- The method of this publication --------------------------------------------------------------
st.subheader("Methode van deze publicatie")
facts = [
    ("Methode", label),
    ("Versie", version),
    ("Kenmerk", full_hash[:12] or "–"),
    ("Onzekerheid berekend", ESTIMATORS.get(estimator, estimator)),
    ("Basisjaar", str(basisjaar)),
    ("Gewicht registraties / enquête binnen een thema",
     f"{_fraction(params['weight_objective'])} / {_fraction(params['weight_subjective'])}"),
    ("95%-interval", f"schatting ± {fmt_num(params['z'], 2)} × standaardfout, begrensd op "
                     f"{fmt_num(params['score_min'])} en {fmt_num(params['score_max'])}"),
    ("Verandering aantoonbaar", f"als het verschil groter is dan {fmt_num(params['z'], 2)} × de standaardfout "
                                "van het verschil"),
    ("Pas aantoonbaar vanaf", f"{fmt_num(params['detectable_change_factor'], 1)} × de standaardfout van het verschil "
                              "(wordt met 80% kans opgemerkt)" if params.get("detectable_change_factor") else "–"),
    ("Indicatief", f"minder dan {indicative_below} respondenten" if indicative_below
     else "niet gemarkeerd in deze methodeversie"),
    ("Minimum voor een index", f"{fmt_int(params['min_population'])} inwoners en {params['min_respondents']} "
                               "respondenten"),
]
st.table(pl.DataFrame({"Onderdeel": [f[0] for f in facts], "Waarde": [f[1] for f in facts]})
         .to_pandas().set_index("Onderdeel"))  # a static table: every row visible, also on a phone
st.caption(f"Volledig kenmerk (sha256 van de configuratie): {ui.md(full_hash or '–')}")

st.subheader("Hoe de index wordt gemaakt")
st.markdown(
    f"""
De **veiligheidsindex** geeft elke wijk per jaar een cijfer van 1 (zeer onveilig) tot 10 (zeer veilig), naar het
voorbeeld van de Rotterdamse Veiligheidsindex. Per thema tellen **registraties** (politie en meldingen, het
*objectieve* deel, gewicht {_fraction(params['weight_objective'])}) en de **bewonersenquête** (het *subjectieve*
deel, gewicht {_fraction(params['weight_subjective'])}) mee. De index is het gemiddelde van de acht thema's
(elk thema weegt even zwaar).

1. **Indicator.** Registraties per 1.000 inwoners (`x = 1000 · aantal / inwoners`), of het gewogen percentage
   respondenten dat "ja" of "vaak" antwoordt.
2. **Vast basisjaar.** Per indicator worden gemiddelde μ en standaardafwijking σ bepaald over de wijken van het
   basisjaar **{basisjaar}**, en bevroren. Elk ander jaar wordt tegen dat basisjaar gescoord, zodat een stijging
   een echte verbetering is en geen nieuwe rangorde.
3. **Score.** `s = {fmt_num(params['score_centre'])} − {fmt_num(params['score_scale'])} · (y − μ) / σ`,
   begrensd op {fmt_num(params['score_min'])} en {fmt_num(params['score_max'])}; `y = ln(1 + x)` voor registraties
   en `y = x` voor enquêtepercentages. Hoger = veiliger.
4. **Thema en index.** Deelscore = gemiddelde van de beschikbare indicatoren; themascore = gewogen gemiddelde van
   het objectieve en subjectieve deel; index = gemiddelde van de themascores.
5. **Wanneer geen index.** Een wijk-jaar krijgt alleen een index bij minstens {fmt_int(params['min_population'])}
   inwoners, minstens {params['min_respondents']} respondenten, een volledig politiejaar en alle acht thema's.
   Anders toont het dashboard de reden in plaats van een getal.
""")

# --- Categories ------------------------------------------------------------------------------------
st.subheader("Categorieën")
cat_rows = []
for c in method["categories"]:
    lower, upper = _bound(c["lower"]), _bound(c["upper"])
    span = (f"{lower} tot {upper}" if lower and upper else f"lager dan {upper}" if upper else f"{lower} of hoger")
    cat_rows.append({"Categorie": category_label(c["category"]), "Index": span, "Kleur": c["colour"]})
cats = pl.DataFrame(cat_rows).to_pandas()
ui.dataframe(cats.style.map(lambda v: f"background-color: {v}; color: {v}", subset=["Kleur"]),
             hide_index=True, width=520)
st.caption(f"De categorie wordt bepaald op de onafgeronde index. Het dashboard en de exports tonen de index met "
           f"{INDEX_DECIMALS} decimaal; een wijk met 7,08 staat er dus als 7,1 maar valt in 'aandachtswijk'. "
           "Een interval of verandering krijgt meer decimalen alleen waar één decimaal het verschil zou verbergen "
           "(dus nooit '5,7 – 5,7').")

# --- Indicators --------------------------------------------------------------------------------------
st.subheader("Indicatoren")
survey = method["survey"]
rows = []
for ind in method["indicators"]:
    if ind["source"] == "enquete":
        col = ind.get("column", "")
        yes = "ja (1)" if ind.get("scale") == "binary" else "vaak (1)"
        definition = f"Enquêtevraag `{col}`: gewogen % '{yes}' onder geldige antwoorden"
    else:
        codes = ", ".join(ind.get("codes", []))
        what = "misdrijfcodes" if ind["source"] == "politie" else "subcategorieën"
        definition = f"{what.capitalize()} {codes}; per 1.000 inwoners"
    rows.append({
        "Indicator": ind["label"],
        "Thema": themes[ind["theme"]]["label"],
        "Deel": ind["part"],
        "Bron": BRON.get(ind["source"], ind["source"]),
        "Definitie": definition,
        "Code": ind["indicator"],
    })
st.table(pl.DataFrame(rows).to_pandas().set_index("Indicator"))

st.subheader("Gewichten")
theme_weights = {t["weight"] for t in method["themes"]}
weight_rows = [
    {"Onderdeel": "Objectief deel (registraties) binnen een thema", "Gewicht": _fraction(params["weight_objective"])},
    {"Onderdeel": "Subjectief deel (enquête) binnen een thema", "Gewicht": _fraction(params["weight_subjective"])},
]
if len(theme_weights) == 1:
    weight_rows.append({"Onderdeel": "Elk van de acht thema's in de index", "Gewicht": fmt_num(theme_weights.pop(), 1)})
else:
    weight_rows += [{"Onderdeel": f"Thema {t['label']} in de index", "Gewicht": fmt_num(t["weight"], 1)}
                    for t in method["themes"]]
ui.dataframe(pl.DataFrame(weight_rows), hide_index=True, width=520)
st.caption("Een deel dat ontbreekt (beleving heeft geen registraties) telt niet mee; de gewichten van de "
           "aanwezige delen worden dan herschaald.")

# --- Sensitivity to the weighting (marts gevoeligheid, gevoeligheid_wijk; older publications lack them) -
sensitivity_span = sensitivity_years(marts)
if sensitivity_span:
    st.subheader("Gevoeligheid voor de weging")
    st.markdown(
        "De index hangt af van keuzes die ook anders hadden gekund: hoe zwaar de enquête weegt tegenover de "
        "registraties, en of alle thema's even zwaar tellen. Hieronder is de index opnieuw berekend met andere "
        "verdedigbare keuzes, met dezelfde grenzen voor de categorieën.\n\n"
        "- **Rangcorrelatie**: hoe gelijk de volgorde van de wijken blijft, van 1 (precies dezelfde volgorde) tot 0 "
        "(geen verband). Vanaf ongeveer 0,9 is de volgorde vrijwel dezelfde.\n"
        "- **Andere categorie**: hoeveel wijken met die keuze in een andere categorie vallen, en welke.\n"
        "- Een **andere weging** telt mee voor het oordeel op de wijkpagina: valt een wijk met een van deze wegingen "
        "in een andere categorie, dan staat daar *hangt af van de weging*, anders *robuust*. Een **aparte index** "
        "(zoals Amsterdam die maakt: alleen registraties, slachtofferschap, overlast of onveiligheidsgevoel) meet "
        "iets anders en telt voor dat oordeel niet mee.")
    choice = st.columns([1, 4])[0].selectbox(
        "Jaar", [str(y) for y in reversed(sensitivity_span)], key="gevoeligheid_jaar",
        help="Het jaar waarvoor de andere keuzes worden vergeleken (standaard het laatste).")
    sensitivity_year = int(choice)
    counts = sensitivity_verdict_counts(marts, sensitivity_year)
    if counts and sum(counts.values()):
        st.markdown(f"In {sensitivity_year} valt **{counts['robuust']}** van de {sum(counts.values())} wijken met elke "
                    f"andere weging in dezelfde categorie (*robuust*); bij **{counts['hangt_af_van_de_weging']}** "
                    "hangt de categorie af van de weging.")
    table = sensitivity_table(marts, sensitivity_year)
    st.table(table.to_pandas().set_index("Variant"))  # static: long lists of wijken wrap, nothing is cut off
    st.caption("Rangcorrelatie volgens Spearman met de officiële index, over de wijken met een index in dat jaar. "
               "Bij 'Wijken met een andere categorie' staat eerst de officiële categorie, dan die met de andere keuze, "
               "en dan de wijken die zo verschuiven.")

# --- Uncertainty ------------------------------------------------------------------------------------
NOT_INCLUDED = (
    "- **de onzekerheid van de maatlat**: μ en σ uit het basisjaar zijn zelf geschat, maar worden als vast "
    "behandeld. Voor de stadsindex buiten het basisjaar is het interval daardoor te smal;\n"
    "- **extra schommeling in registraties**: tellingen van politie en meldingen schommelen vaak meer dan toeval "
    "alleen (één incident, één actieve melder), wat hier niet wordt meegerekend;\n"
    "- **de opzet van de steekproef**: alleen de weegfactoren tellen mee, niet hoe de enquête is getrokken.\n\n"
    "De werkelijke onzekerheid is daarom eerder iets groter dan kleiner dan het getoonde interval.")
change_rule = (
    f"- een **verandering** t.o.v. vorig jaar is *aantoonbaar* als ze groter is dan {fmt_num(params['z'], 2)} × "
    "√(variantie dit jaar + variantie vorig jaar). Is ze dat niet, dan staat er **niet aantoonbaar veranderd** — "
    "niet \"gelijk gebleven\": de cijfers kunnen het verschil niet van toeval onderscheiden. Erbij staat vanaf welk "
    "verschil een verandering wel aantoonbaar zou zijn geweest ("
    + (f"{fmt_num(params['detectable_change_factor'], 1)} × dezelfde wortel: zo'n verschil wordt met 80% kans "
       "opgemerkt)." if params.get("detectable_change_factor") else "niet in deze methodeversie).")
)
if per_respondent:
    st.subheader("Onzekerheid: hoe het 95%-interval wordt berekend (methode v2)")
    st.markdown(
        f"""
Elk cijfer is een schatting: registraties schommelen toevallig en de enquête is een steekproef.

**Waarom deze methode.** Eén respondent beantwoordt alle elf enquêtevragen, en die antwoorden hangen samen: wie
de buurt slecht vindt, zegt bij meerdere vragen "vaak". De eerdere methode (v1) deed alsof elke vraag door
andere mensen was beantwoord en onderschatte zo de onzekerheid. In een simulatie met realistische samenhang lag
het "95%-interval" van v1 maar in ongeveer **76%** van de gevallen om de werkelijke index, en meldde v1 bij
ongeveer **23%** van de wijken waar in werkelijkheid niets veranderde toch een verandering. Met deze methode is
dat ongeveer **94%** en **5%**: zoals een 95%-interval hoort.

**Hoe.** Per respondent wordt bepaald hoeveel zijn antwoorden de index (en elke themascore) verschuiven ten
opzichte van het gewogen wijkgemiddelde. De spreiding van die bijdragen over alle respondenten geeft de
onzekerheid van het enquêtedeel, mét de samenhang tussen de antwoorden van één persoon (een *linearisatie per
respondent*). Voor registraties geldt: de variantie van een telling is de telling zelf (Poisson).

- **95%-interval** = schatting ± {fmt_num(params['z'], 2)} × standaardfout, begrensd op 1 en 10; voor de index én
  voor elke themascore;
{change_rule}
- de **stadsindex** is het inwonergewogen gemiddelde van de wijken; de wijken zijn onafhankelijke steekproeven;
- **indicatief**: onder {indicative_below or 100} respondenten ligt zelfs met deze methode het 95%-interval maar
  in ongeveer 92% van de gevallen om de werkelijke waarde. Het dashboard en de scorekaart zetten daarom
  "indicatief" bij elk cijfer van zo'n wijk-jaar: de onzekerheid is groter dan het interval laat zien.
""")
    st.warning("**Bekende beperking: wat deze methode niet meeneemt.**\n\n" + NOT_INCLUDED, icon="⚠️")
else:
    st.subheader("Onzekerheid: hoe het 95%-interval wordt berekend (methode v1)")
    st.error(
        f"**Deze publicatie gebruikt methode v1** ({ui.md(label)}). Die neemt aan dat alle enquêtevragen onafhankelijk "
        "van elkaar zijn beantwoord. Dat is niet zo: één respondent beantwoordt alle vragen, en zijn antwoorden hangen "
        "samen. Daardoor is de onzekerheid **onderschat**: in een simulatie lag het \"95%-interval\" van v1 maar in "
        "ongeveer 76% van de gevallen om de werkelijke index, en meldde v1 bij ongeveer 23% van de wijken waar niets "
        "veranderde toch een verandering. Lees aantoonbare veranderingen in deze publicatie dus met voorzichtigheid. "
        "Methode v2 (onzekerheid per respondent, de standaard) lost dit op.", icon="⚠️")
    st.markdown(
        f"""
Met de **deltamethode** wordt de variantie van elke indicator doorgerekend naar thema en index:

- registraties: variantie van een telling = de telling zelf (Poisson); enquête: `p(1 − p) / n_eff`, met het
  effectieve aantal respondenten na weging, per vraag apart;
- de indicatorscore erft die variantie via `(1,5 / σ)²`; deel-, thema- en indexvariantie volgen uit de
  gemiddelden, alsof alle indicatoren onafhankelijk zijn;
- **95%-interval** = schatting ± {fmt_num(params['z'], 2)} × standaardfout, begrensd op 1 en 10;
{change_rule}
- de stadsindex is het inwonergewogen gemiddelde van de wijken, met bijbehorende variantie.
""")
    st.warning("**Bekende beperking.** Naast de onderschatting hierboven neemt ook deze methode niet mee:\n\n"
               + NOT_INCLUDED, icon="⚠️")

# --- Calibration -------------------------------------------------------------------------------------
st.subheader(f"Kalibratie in basisjaar {basisjaar}")
cal = marts["calibratie"]
order = {i["indicator"]: n for n, i in enumerate(method["indicators"])}
cal = cal.with_columns(pl.col("indicator").replace_strict(order, default=99).alias("_o")).sort("_o")
ui.dataframe(pl.DataFrame({
    "Indicator": cal.get_column("label").to_list(),
    "Thema": [themes.get(t, {}).get("label", t) for t in cal.get_column("thema").to_list()],
    "Deel": cal.get_column("deel").to_list(),
    "μ (gemiddelde y)": [fmt_num(v, 3) for v in cal.get_column("mu").to_list()],
    "σ (standaardafwijking y)": [fmt_num(v, 3) for v in cal.get_column("sigma").to_list()],
    "Wijken": cal.get_column("n").to_list(),
}).to_pandas(), hide_index=True, width="stretch")
st.caption("μ en σ van de getransformeerde waarde y over de wijken van het basisjaar: de vaste maatlat voor elk "
           "jaar. Voor registraties is y = ln(1 + x), voor de enquête het percentage zelf.")
