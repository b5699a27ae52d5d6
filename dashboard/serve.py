"""Start the dashboard: `python -m dashboard.serve run dashboard/app.py [streamlit options]`.

Imports the heavy libraries before the server accepts visitors, so the first visitor after a
(re)start does not pay for them (about 1 s here); then hands over to Streamlit's own CLI.

The server listens on 127.0.0.1 only (this machine), unless told otherwise: `--server.address` on
the command line, else $VI_DASHBOARD_ADDRESS (e.g. 0.0.0.0 for a server deployment behind a proxy,
see docs/deployment.md), else Streamlit's own $STREAMLIT_SERVER_ADDRESS. Streamlit alone would
listen on every interface.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping

PRELOAD = ("polars", "altair", "pipeline.presentation")
ADDRESS_ENV = "VI_DASHBOARD_ADDRESS"
DEFAULT_ADDRESS = "127.0.0.1"


def preload() -> None:
    for name in PRELOAD:
        importlib.import_module(name)


def with_address(args: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    """The Streamlit CLI arguments with the listening address made explicit for `run`."""
    if not args or args[0] != "run":
        return list(args)
    if any(a == "--server.address" or a.startswith("--server.address=") for a in args):
        return list(args)
    address = environ.get(ADDRESS_ENV, "").strip()
    if not address and environ.get("STREAMLIT_SERVER_ADDRESS", "").strip():
        return list(args)
    return ["run", "--server.address", address or DEFAULT_ADDRESS, *args[1:]]


if __name__ == "__main__":
    preload()
    from streamlit.web import cli

    sys.argv = [sys.argv[0], *with_address(sys.argv[1:])]
    sys.exit(cli.main())
