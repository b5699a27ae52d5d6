"""Veiligheidsindex: raw CSVs in, a verified safety index per wijk out."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
ROOT_DOCS = PROJECT_ROOT / "docs"
