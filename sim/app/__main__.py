"""`python -m sim.app`: serve the interactive app with Solara on a local port.

The app runs offline: Solara's scripts and fonts come from the `solara-assets` package
and Plotly's from the Plotly package, and this launcher turns off what would call out
(Solara's usage telemetry and its check for a newer version).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

__all__ = ["main"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def solara_args(host: str, port: int) -> list[str]:
    """The `solara run` command line that serves `sim.app.page`."""
    return [
        "run",
        "sim.app.page",
        "--host",
        host,
        "--port",
        str(port),
        "--production",  # no auto-restart, no dev tools
        "--no-open",  # a server: the user opens the address (or a test's browser does)
        "--no-check-version",  # no call to PyPI at start-up
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.app",
        description="Watch one negotiation meeting by meeting, and change its design live.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"(default {DEFAULT_PORT})")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")  # before solara is imported
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "false")  # it covered the last view
    # Solara warns on every page load from 127.0.0.1 that its session cookie falls back to
    # SameSite=Lax (it wants https to embed the app in another site's frame); a local app
    # is not embedded, so Lax is right and the warning is noise.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    from solara.__main__ import cli

    print(f"negotiation-sim app: http://{args.host}:{args.port}/", file=sys.stderr)
    cli(args=solara_args(args.host, args.port), prog_name="solara")  # serves until stopped
    return 0


if __name__ == "__main__":
    sys.exit(main())
