"""Reading raw files: the source register (sources.py), one CSV file exactly as INPUTS.md says
(readers.py), and one source folder into DuckDB with its file bookkeeping (files.py)."""
