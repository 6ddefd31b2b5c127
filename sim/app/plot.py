"""A light Plotly widget: the figure travels as JSON and is drawn with `Plotly.react`.

Why not Plotly's own FigureWidget (what `solara.FigurePlotly` shows)? It ships its
5 MB JavaScript bundle with every widget it creates, and it updates a figure by
relayout, which keeps whatever the old layout had and the new one does not mention
(an old annotation, a hidden axis). This widget carries only the figure's JSON;
plotly.js, from the Plotly package installed here (never a CDN), is loaded once per
page, and `Plotly.react` replaces the figure whole when the run moves on.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import anywidget
import plotly
import plotly.graph_objects as go
import plotly.io as pio
import traitlets
from plotly.utils import PlotlyJSONEncoder

from sim.figures.style import TEMPLATE

__all__ = ["PLOTLY_JS_DIR", "PlotlyView", "figure_json"]

PLOTLY_JS_DIR = Path(plotly.__file__).resolve().parent / "package_data"
"""Where the installed Plotly keeps plotly.min.js; Solara serves it at /static/assets/."""

_ESM = """
function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__nsimPlotly) {
    window.__nsimPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");  // plotly.js sets window.Plotly
      script.src = url;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error(`could not load plotly.js from ${url}`));
      document.head.appendChild(script);
    });
  }
  return window.__nsimPlotly;
}

// Plotly measures its container: drawn while the page lays it out (width 0), it writes
// NaN paths. Wait until the container has a size.
function sized(el) {
  if (el.clientWidth > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new ResizeObserver(() => {
      if (el.clientWidth > 0) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe(el);
  });
}

export default {
  async render({ model, el }) {
    el.classList.add("nsim-plot");
    const Plotly = await loadPlotly(model.get("plotly_url"));
    const config = { responsive: true, displaylogo: false };
    const draw = async () => {
      await sized(el);
      const figure = JSON.parse(model.get("figure"));
      await Plotly.react(el, figure.data, figure.layout, config);
    };
    await draw();
    model.on("change:figure", draw);
    return () => {
      model.off("change:figure", draw);
      Plotly.purge(el);
    };
  },
};
"""


@functools.cache
def _house_template() -> dict:
    """The house template (`sim.figures.style.TEMPLATE`) as JSON, merged once."""
    return pio.templates[TEMPLATE].to_plotly_json()


def figure_json(fig: go.Figure) -> str:
    """The figure as Plotly's JSON in the house template (missing values as null).

    plotly.js applies the template in the browser, so the figures need not carry it in
    Python (see `sim.app.figures._figure`).
    """
    spec = fig.to_plotly_json()
    spec["layout"]["template"] = _house_template()
    return json.dumps(spec, cls=PlotlyJSONEncoder)


class PlotlyView(anywidget.AnyWidget):
    """A Plotly figure in the page; set `figure` (JSON) to redraw it."""

    _esm = _ESM
    figure = traitlets.Unicode("{}").tag(sync=True)
    plotly_url = traitlets.Unicode("/static/assets/plotly.min.js").tag(sync=True)
