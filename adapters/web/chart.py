"""The board's progress chart, drawn on the server with matplotlib as SVG (no JavaScript).

Two series over the cohort's days: stages approved so far (a line), and stages late that day
(bars). Figures are built with matplotlib's object API (no pyplot state), so concurrent requests
do not share anything.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from adapters.i18n import Lang
from states.queries import ProgressPoint


def progress_svg(points: list[ProgressPoint], lang: Lang, title: str) -> str:
    """The chart as an SVG document."""
    en = lang == "en"
    figure = Figure(figsize=(8, 3.2), dpi=100)
    FigureCanvasSVG(figure)
    axis = figure.add_subplot(1, 1, 1)
    xs = list(range(len(points)))
    approved_label = "stages approved (total)" if en else "tahap disetujui (kumulatif)"
    late_label = "stages late" if en else "tahap terlambat"
    axis.bar(xs, [p.late for p in points], color="#c0392b", alpha=0.55, label=late_label)
    axis.plot(xs, [p.approved for p in points], color="#1e7d4f", linewidth=2, label=approved_label)
    if not points:
        axis.text(
            0.5, 0.5, "no data yet" if en else "belum ada data", ha="center",
            transform=axis.transAxes,
        )
    axis.set_title(title, fontsize=10)
    axis.set_ylabel("stages" if en else "tahap", fontsize=9)
    step = max(1, len(points) // 8)
    ticks = xs[::step]
    axis.set_xticks(ticks, [points[i].day.strftime("%d-%m") for i in ticks])
    axis.tick_params(labelsize=8)
    axis.grid(axis="y", alpha=0.3)
    axis.set_ylim(bottom=0)
    axis.legend(loc="upper left", fontsize=8, frameon=False)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
