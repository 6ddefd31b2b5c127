"""The interactive app: watch one negotiation meeting by meeting, and change its design.

`python -m sim.app` (or `make app`) serves it with Solara on http://127.0.0.1:8765.
`state` steps the runs and records each meeting (plain Python), `readings` puts a
finished run's metrics into words, `figures` draws the views (Plotly, house style),
and `page` is the Solara page that wires controls to them.
"""
