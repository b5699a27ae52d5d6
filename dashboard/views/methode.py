"""Methode: how the index is made, from the versioned method config and the calibration mart."""

import math
from fractions import Fraction

import polars as pl
import streamlit as st

from dashboard import ui
from pipeline.labels import BRON
from pipeline.method import load_method
from pipeline.scorecard import INDEX_DECIMALS, category_label, fmt_int, fmt_num

marts = ui.load_or_stop()
method = load_method()
params = method["params"]
themes = {t["theme"]: t for t in method["themes"]}
manifest = marts.manifest
basisjaar = manifest.get("basisjaar", "–")


def _fraction(value: float) -> str:
    frac = Fraction(value).limit_denominator(12)
    return f"{frac.numerator}/{frac.denominator}" if frac.denominator != 1 else str(frac.numerator)


def _bound(value: float) -> str:
    return fmt_num(value) if math.isfinite(value) else ""


st.title("Methode")
st.caption(f"Publicatie volgens {manifest.get('methode', method['method']['label'])}, basisjaar {basisjaar}. "
           "Alle getallen van de methode staan in één geversioneerd configuratiebestand; een wijziging betekent "
           "een nieuwe methodeversie.")

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
st.dataframe(cats.style.map(lambda v: f"background-color: {v}; color: {v}", subset=["Kleur"]),
             hide_index=True, width=520)
st.caption(f"De categorie wordt bepaald op de onafgeronde index. Het dashboard en de exports tonen de index met "
           f"{INDEX_DECIMALS} decimaal; een wijk met 7,08 staat er dus als 7,1 maar valt in 'aandachtswijk'.")

# --- Indicators --------------------------------------------------------------------------------------
st.subheader("Indicatoren")
survey = method["survey"]
rows = []
for ind in method["indicators"]:
    if ind["source"] == "enquete":
        col = ind.get("column", "")
        yes = "ja (1)" if col in survey["binary_columns"] else "vaak (1)"
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
st.dataframe(pl.DataFrame(weight_rows).to_pandas(), hide_index=True, width=520)
st.caption("Een deel dat ontbreekt (beleving heeft geen registraties) telt niet mee; de gewichten van de "
           "aanwezige delen worden dan herschaald.")

# --- Uncertainty ------------------------------------------------------------------------------------
st.subheader("Onzekerheid: hoe het 95%-interval wordt berekend")
st.markdown(
    f"""
Elk cijfer is een schatting: registraties schommelen toevallig en de enquête is een steekproef. Met de
**deltamethode** wordt de variantie van elke indicator doorgerekend naar thema en index:

- registraties: variantie van een telling = de telling zelf (Poisson); enquête: `p(1 − p) / n_eff`, met het
  effectieve aantal respondenten na weging;
- de indicatorscore erft die variantie via `(1,5 / σ)²`; deel-, thema- en indexvariantie volgen uit de gemiddelden;
- **95%-interval** = index ± {fmt_num(params['z'], 2)} × standaardfout, begrensd op 1 en 10;
- een **verandering** t.o.v. vorig jaar heet *significant* als ze groter is dan
  {fmt_num(params['z'], 2)} × √(variantie dit jaar + variantie vorig jaar). Het dashboard toont een niet-significante
  verandering grijs met ≈: die kan toeval zijn;
- de stadsindex is het inwonergewogen gemiddelde van de wijken, met bijbehorende variantie.
""")
st.warning(
    "**Bekende beperking.** De berekening neemt aan dat alle indicatoren onafhankelijk van elkaar zijn. Dat is niet "
    "zo: één respondent beantwoordt meerdere vragen, en registraties in een wijk hangen samen. Daardoor wordt de "
    "variantie **onderschat**: de werkelijke onzekerheid is groter dan het getoonde interval, en een verandering "
    "is minder vaak echt significant dan het dashboard aangeeft. Een betere schatter kan in een volgende "
    "methodeversie komen.", icon="⚠️")

# --- Calibration -------------------------------------------------------------------------------------
st.subheader(f"Kalibratie in basisjaar {basisjaar}")
cal = marts["calibratie"]
order = {i["indicator"]: n for n, i in enumerate(method["indicators"])}
cal = cal.with_columns(pl.col("indicator").replace_strict(order, default=99).alias("_o")).sort("_o")
st.dataframe(pl.DataFrame({
    "Indicator": cal.get_column("label").to_list(),
    "Thema": [themes.get(t, {}).get("label", t) for t in cal.get_column("thema").to_list()],
    "Deel": cal.get_column("deel").to_list(),
    "μ (gemiddelde y)": [fmt_num(v, 3) for v in cal.get_column("mu").to_list()],
    "σ (standaardafwijking y)": [fmt_num(v, 3) for v in cal.get_column("sigma").to_list()],
    "Wijken": cal.get_column("n").to_list(),
}).to_pandas(), hide_index=True, width="stretch")
st.caption("μ en σ van de getransformeerde waarde y over de wijken van het basisjaar: de vaste maatlat voor elk "
           "jaar. Voor registraties is y = ln(1 + x), voor de enquête het percentage zelf.")
