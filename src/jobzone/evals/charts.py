"""The report's pictures, as geometry: every coordinate is computed here, and the template only
writes the SVG elements (escaped) with no arithmetic of its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Layout of the bar chart, in SVG user units.
LABEL_WIDTH = 220
BAR_AREA = 420
BAR_HEIGHT = 18
BAR_GAP = 8
VALUE_WIDTH = 80
#: Layout of a confusion matrix.
CELL = 56
#: Room for the row labels on the left, and for the column title and labels on top.
ROW_LABELS = 130
COL_LABELS = 48


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per row, scaled to the largest value."""

    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int


def bar_chart(rows: Sequence[tuple[str, float | None]], unit: str) -> BarChart:
    """Bars for (label, value) rows; a row without a value gets no bar and says so."""
    top = max((v for _, v in rows if v is not None), default=0.0) or 1.0
    bars = [
        Bar(
            label=label,
            text=f"{value:.1f} {unit}" if value is not None else "not scorable",
            y=i * (BAR_HEIGHT + BAR_GAP),
            width=round(BAR_AREA * (value or 0.0) / top, 1),
        )
        for i, (label, value) in enumerate(rows)
    ]
    return BarChart(
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=max(1, len(rows)) * (BAR_HEIGHT + BAR_GAP),
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
    )


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    count: int
    #: 0..1: the cell's share of the largest cell, for its shade.
    shade: float
    #: On the diagonal: the two raters agree.
    agrees: bool


@dataclass(frozen=True)
class Matrix:
    """A confusion matrix: rows are the reference's categories, columns the model's."""

    title: str
    row_title: str
    col_title: str
    rows: list[tuple[str, int]]
    cols: list[tuple[str, int]]
    cells: list[Cell]
    cell: int
    width: int
    height: int


def confusion(
    title: str,
    pairs: Sequence[tuple[str, str]],
    categories: Sequence[str],
    *,
    row_title: str,
    col_title: str,
    extra_cols: Sequence[str] = (),
) -> Matrix:
    """Counts of (reference, model) pairs over ``categories`` (the model may also answer one of
    ``extra_cols``, such as "not scorable")."""
    cols = [*categories, *extra_cols]
    counts = {(r, c): 0 for r in categories for c in cols}
    for reference, model in pairs:
        counts[(reference, model)] += 1
    most = max(counts.values(), default=0) or 1
    cells = [
        Cell(
            x=ROW_LABELS + j * CELL,
            y=COL_LABELS + i * CELL,
            count=counts[(r, c)],
            shade=round(counts[(r, c)] / most, 3),
            agrees=r == c,
        )
        for i, r in enumerate(categories)
        for j, c in enumerate(cols)
    ]
    return Matrix(
        title=title,
        row_title=row_title,
        col_title=col_title,
        rows=[(r, COL_LABELS + i * CELL + CELL // 2) for i, r in enumerate(categories)],
        cols=[(c, ROW_LABELS + j * CELL + CELL // 2) for j, c in enumerate(cols)],
        cells=cells,
        cell=CELL,
        width=ROW_LABELS + len(cols) * CELL + 10,
        height=COL_LABELS + len(categories) * CELL + 10,
    )
