"""The interactive app: watch one negotiation meeting by meeting, and change its design.

`python -m sim.app` (or `make app`) serves it with Solara on http://127.0.0.1:8765.
Model side (plain Python, tested without a browser): `designs` turns the controls into
a validated configuration, `state` steps the runs and records each meeting, `readings`
puts a finished run's metrics into words. Drawing: `canvas`, `panels` and `figures` build
the views (Plotly, house style), `plot` is the widget that shows them. Serving: `controls`
and `page` are the Solara page, `server` starts it in a child process (tests).
"""
