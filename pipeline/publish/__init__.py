"""Publication: atomic, crash-safe Parquet publications (publication.py) and the run lock per
marts folder (locking.py)."""
