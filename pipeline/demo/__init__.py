"""The built-in demo data: a Rotterdam-like city, generated from the registers (generator.py)."""
