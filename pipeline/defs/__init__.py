"""Dagster definitions, one module a concern; loaded by pipeline.definitions."""
