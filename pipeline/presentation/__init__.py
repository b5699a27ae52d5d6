"""The presentation layer shared by the dashboard and the exports: read a publication, format in
Dutch, build the display tables, write CSV for Excel. The dashboard imports this package only.

  publication  read_marts(marts_dir) -> Marts (one publicatie_id, with the method it was made with)
  formatting   fmt_num, fmt_interval, change_judgement, ... (numbers become text only here)
  tables       index_row, theme_values/theme_frame, scorecard_rows, all_wijken_frame, prestaties_frame
               (survey measurements on fewer than min_respondents valid answers suppressed), ...
  export       to_dutch_csv, export_scorecard, export_all_wijken, neutralise(_frame) against formula injection
  labels       Dutch texts for reason, quarantine and source codes; quarantaine_waarde hides respondent ids
  agreements   from change to agreements: the change of an agreement's area, its "did it help?" verdict
               (prestatie_effecten) and the sensitivity to the weighting (gevoeligheid*), when published
"""

from pipeline.presentation.agreements import (BETTER, EFFECT_KEY, EFFECT_LABELS, FILTER_PARAM, NOT_RUN, WORSE,
                                              area_changes, change_cell, changed_wijken, concerning_wijken,
                                              effect_counts, effect_label, has_effects, on_track_short,
                                              sensitivity_table, sensitivity_verdict_counts, sensitivity_years,
                                              wijk_sensitivity, with_outcomes)
from pipeline.presentation.export import (all_wijken_filename, export_all_wijken, export_scorecard, neutralise,
                                          neutralise_frame, scorecard_filename, to_dutch_csv)
from pipeline.presentation.formatting import (CONTRIBUTION_DECIMALS, INDEX_DECIMALS, INTERVAL_DASH, MAX_DECIMALS,
                                              category_label, change_judgement, change_parts, decimals_needed,
                                              fmt_bool, fmt_date, fmt_int, fmt_interval, fmt_num, indicative_note,
                                              indicative_threshold, indicator_labels, interval_bounds, join_interval,
                                              status_label, theme_labels)
from pipeline.presentation.labels import (BRON, HIDDEN, QUARANTAINE, REDEN, quarantaine_label, quarantaine_waarde,
                                         reden_label)
from pipeline.presentation.publication import (DEFAULT_MARTS_DIR, MANIFEST, MART_NAMES, Marts, MartsError, MartsNotFound,
                                               PublicationInProgress, published_method, read_marts)
from pipeline.presentation.tables import (HEADLINE_COLUMNS, THEME_COLUMNS, TOO_FEW_ANSWERS, all_wijken_frame, headline,
                                          index_row, index_summary, level_label, min_answers, on_track_text,
                                          prestaties_display, prestaties_frame, rag_text, scorecard_rows,
                                          suppress_thin_survey, theme_frame, theme_values, wijk_prestaties, years)
