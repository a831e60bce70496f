"""The outcome report's charts: static SVG from matplotlib (no script, prints cleanly).

Each chart is returned with its numbers as a table, for screen readers and for print. Bars
carry ``id="bar-<n>"`` and the points of a scatter sit in ``<g id="points">``, so a test (or a
curious reader of the SVG) can count them.
"""

from __future__ import annotations

import base64
import io
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

_lock = threading.Lock()  # pyplot's state is global; a figure is drawn by one thread at a time
COLOURS = ("#2f6fde", "#e0a100", "#b42318", "#8a94a6", "#1a7f37")


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    svg: Markup
    headers: tuple[str, ...]
    rows: list[tuple]  # the same numbers, for a table

    @property
    def data_uri(self) -> str:
        """The SVG as an image source: as an image it keeps its own styles (a page's CSP allows
        no inline styles), loads nothing, and WeasyPrint draws it in the PDF."""
        return "data:image/svg+xml;base64," + base64.b64encode(str(self.svg).encode("utf-8")).decode("ascii")


def _pyplot():
    import matplotlib

    matplotlib.use("svg", force=False)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "meetmatch", "font.size": 10,
                         "axes.spines.top": False, "axes.spines.right": False})
    return plt


@contextmanager
def _figure(size: tuple[float, float]):
    """A new figure and its axes, drawn by one thread at a time and closed afterwards."""
    with _lock:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=size)
        try:
            yield fig, ax
        finally:
            plt.close(fig)


def _svg(fig) -> Markup:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    text = text[text.index("<svg"):]  # no XML declaration or doctype inside an HTML page
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    return Markup(text)  # SVG drawn by matplotlib from numbers; labels are escaped by it  # nosec B704


def bar_chart(name: str, title: str, labels: list[str], values: list[int | float], *,
              ylabel: str = "", colours: tuple[str, ...] = COLOURS) -> Chart:
    """One bar per label."""
    svg = _bar_svg(title, tuple(labels), tuple(values), ylabel, colours)
    return Chart(name, title, svg, ("", ylabel or "value"), list(zip(labels, values, strict=True)))


@lru_cache(maxsize=128)  # a report shown again with the same numbers draws nothing anew
def _bar_svg(title: str, labels: tuple[str, ...], values: tuple[int | float, ...], ylabel: str,
             colours: tuple[str, ...]) -> Markup:
    with _figure((5.2, 2.8)) as (fig, ax):
        bars = ax.bar(range(len(values)), values, color=[colours[i % len(colours)] for i in range(len(values))])
        for i, bar in enumerate(bars):
            bar.set_gid(f"bar-{i}")
        ax.set_xticks(range(len(labels)), labels)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.bar_label(bars, labels=[_fmt(v) for v in values], padding=2)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(0, max([1, *values]) * 1.15)  # all zero: an axis from 0, not around it
        return _svg(fig)


def grouped_bar_chart(name: str, title: str, categories: list[str], series: dict[str, list[int]], *,
                      ylabel: str = "", colours: tuple[str, ...] = COLOURS) -> Chart:
    """For each category one bar per series, side by side, with a legend."""
    svg = _grouped_svg(title, tuple(categories), tuple((k, tuple(v)) for k, v in series.items()), ylabel, colours)
    return Chart(name, title, svg, ("", *series),
                 [(c, *(values[i] for values in series.values())) for i, c in enumerate(categories)])


@lru_cache(maxsize=128)
def _grouped_svg(title: str, categories: tuple[str, ...], series: tuple[tuple[str, tuple[int, ...]], ...],
                 ylabel: str, colours: tuple[str, ...]) -> Markup:
    with _figure((5.2, 2.8)) as (fig, ax):
        width = 0.8 / len(series)
        n = 0
        for s, (label, values) in enumerate(series):
            bars = ax.bar([i + (s - (len(series) - 1) / 2) * width for i in range(len(categories))], values,
                          width, label=label, color=colours[s % len(colours)])
            for bar in bars:
                bar.set_gid(f"bar-{n}")
                n += 1
            ax.bar_label(bars, labels=[_fmt(v) for v in values], padding=2)
        ax.set_xticks(range(len(categories)), categories)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(frameon=False)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(0, max([1, *(v for _, values in series for v in values)]) * 1.25)
        return _svg(fig)


def scatter_chart(name: str, title: str, points: list[tuple[float, float]], *, xlabel: str,
                  ylabel: str) -> Chart:
    """One point per (x, y)."""
    svg = _scatter_svg(title, tuple(points), xlabel, ylabel)
    return Chart(name, title, svg, (xlabel, ylabel), [(round(x, 2), y) for x, y in points])


@lru_cache(maxsize=32)
def _scatter_svg(title: str, points: tuple[tuple[float, float], ...], xlabel: str, ylabel: str) -> Markup:
    with _figure((5.2, 3.2)) as (fig, ax):
        if points:
            collection = ax.scatter([p[0] for p in points], [p[1] for p in points], s=28,
                                    alpha=0.7, color=COLOURS[0])
            collection.set_gid("points")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_yticks([0, 0.5, 1, 1.5, 2], ["nothing", "", "a little", "", "a lot"])
        ax.set_ylim(-0.2, 2.2)
        ax.set_title(title)
        return _svg(fig)


def _fmt(value: float | int) -> str:
    return str(value) if isinstance(value, int) else f"{value:.2f}"
