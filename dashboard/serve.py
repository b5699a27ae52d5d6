"""Start the dashboard: `python -m dashboard.serve run dashboard/app.py [streamlit options]`.

Imports the heavy libraries before the server accepts visitors, so the first visitor after a
(re)start does not pay for them (about 1 s here); then hands over to Streamlit's own CLI.
"""

import importlib
import sys

PRELOAD = ("polars", "altair", "pipeline.presentation")


def preload() -> None:
    for name in PRELOAD:
        importlib.import_module(name)


if __name__ == "__main__":
    preload()
    from streamlit.web import cli

    sys.exit(cli.main())
