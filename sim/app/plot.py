"""A light Plotly widget: the figure travels as JSON and is drawn with `Plotly.react`.

Why not Plotly's own FigureWidget (what `solara.FigurePlotly` shows)? It ships its
5 MB JavaScript bundle with every widget it creates, and it updates a figure by
relayout, which keeps whatever the old layout had and the new one does not mention
(an old annotation, a hidden axis). This widget carries only the figure's JSON;
plotly.js, from the Plotly package installed here (never a CDN), is loaded once per
page, and `Plotly.react` replaces the figure whole when the run moves on.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import plotly
import plotly.graph_objects as go
import traitlets

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

export default {
  async render({ model, el }) {
    el.classList.add("nsim-plot");
    const Plotly = await loadPlotly(model.get("plotly_url"));
    const config = { responsive: true, displaylogo: false };
    const draw = () => {
      const figure = JSON.parse(model.get("figure"));
      Plotly.react(el, figure.data, figure.layout, config);
    };
    draw();
    model.on("change:figure", draw);
    return () => {
      model.off("change:figure", draw);
      Plotly.purge(el);
    };
  },
};
"""


def figure_json(fig: go.Figure) -> str:
    """The figure as Plotly's JSON (missing values as null, numpy arrays as lists)."""
    return fig.to_json(validate=False)


class PlotlyView(anywidget.AnyWidget):
    """A Plotly figure in the page; set `figure` (JSON) to redraw it."""

    _esm = _ESM
    figure = traitlets.Unicode("{}").tag(sync=True)
    plotly_url = traitlets.Unicode("/static/assets/plotly.min.js").tag(sync=True)
