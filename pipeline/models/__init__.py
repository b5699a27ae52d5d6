"""The SQL models of sql/ (runner.py: discovery, dependencies, rendering, building) and their
contracts in dbt's YAML shape (contracts.py: GX suites, column schemas, docs/data.md)."""
