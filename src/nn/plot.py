"""Pictures of training: loss and accuracy curves, and a 2-D model's decision boundary.

Needs matplotlib, the ``plot`` extra (``pip install 'opgrad[plot]'``), imported only when a
picture is drawn. The figures are drawn with matplotlib's object-oriented API on an Agg canvas:
no window opens, and pyplot's global state (the backend of a Jupyter session) is left alone.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from autograd import write_atomic
from nn._checks import predicted_class
from nn.datasets import Standardizer, check_dataset
from nn.module import Module
from nn.train import History

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["DEFAULT_RESOLUTION", "plot_decision_boundary", "plot_history"]

DEFAULT_RESOLUTION = 60
"""Grid points per axis for :func:`plot_decision_boundary`.

The model is evaluated once per grid point, with plain floats through scalar Values: for
``MLP(2, [16, 16, 1])`` the 60 x 60 = 3600 forward passes take about 0.9 s and the whole
picture about 1.1 s; at 100 x 100 the picture takes about 3 s.
"""

_FORMATS = ("png", "svg")
_DPI = 100
# One colour per class (matplotlib's tab10), for the points and, lighter, for their regions.
_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


def _new_figure(what: str, width: float, height: float) -> Figure:
    """A matplotlib Figure on an Agg canvas; a clear ImportError without matplotlib."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(
            f"{what} needs matplotlib, which comes with the 'plot' extra: "
            "pip install 'opgrad[plot]'"
        ) from error
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)  # draw off-screen, whatever pyplot's backend is
    return figure


def _target(path: str | os.PathLike[str], what: str) -> tuple[Path, str]:
    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if suffix not in _FORMATS:
        raise ValueError(f"{what}: cannot write {target}; use a .png or .svg path")
    return target, suffix


def _save(figure: Figure, path: Path, format: str) -> Path:
    """Render the figure in memory, then write it atomically (see :func:`autograd.write_atomic`)."""
    from matplotlib import rc_context

    # Without a date and with a fixed salt for ids, the same figure gives the same SVG bytes;
    # text stays text (not outlines), so it can be searched and selected.
    metadata = {"Date": None} if format == "svg" else None
    buffer = io.BytesIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "opgrad"}):
        figure.savefig(buffer, format=format, dpi=_DPI, metadata=metadata)
    return write_atomic(path, buffer.getvalue())


def plot_history(
    history: History, path: str | os.PathLike[str], *, title: str | None = None
) -> Path:
    """Draw the loss and the accuracy per epoch of a training run into a PNG or SVG file.

    The left panel shows the training loss (and the test loss, if measured), on a log scale
    when it falls by more than a factor of 100; the right panel the training and test accuracy
    in percent. A regression run, which has no accuracy, gets the loss panel alone.

    Args:
        history: What :meth:`nn.Trainer.fit` returned.
        path: The picture to write; the suffix ``.png`` or ``.svg`` chooses the format. Missing
            directories are created and an existing file is replaced atomically.
        title: A title above the panels.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed.
        ValueError: ``path`` is neither ``.png`` nor ``.svg``, or ``history`` has no epochs.
    """
    target, format = _target(path, "plot_history")
    if not isinstance(history, History):
        raise TypeError(f"plot_history needs a History, got {type(history).__name__}")
    if history.epochs == 0:
        raise ValueError("plot_history: the history has no epochs to draw")
    has_accuracy = bool(history.train_accuracy or history.test_accuracy)
    figure = _new_figure("plot_history", 10.0 if has_accuracy else 5.5, 4.0)
    axes = figure.subplots(1, 2 if has_accuracy else 1, squeeze=False)[0]
    _loss_panel(axes[0], history)
    if has_accuracy:
        _accuracy_panel(axes[1], history)
    if title:
        figure.suptitle(title)
    return _save(figure, target, format)


def _epochs(values: Sequence[float]) -> list[int]:
    return list(range(1, len(values) + 1))


def _loss_panel(ax: Axes, history: History) -> None:
    ax.plot(_epochs(history.loss), history.loss, color=_COLOURS[0], label="training loss")
    if history.test_loss:
        ax.plot(_epochs(history.test_loss), history.test_loss, color=_COLOURS[1], label="test loss")
    values = [*history.loss, *history.test_loss]
    if min(values) > 0.0 and max(values) / min(values) > 100.0:
        ax.set_yscale("log")
    ax.set_title("loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (log scale)" if ax.get_yscale() == "log" else "loss")
    ax.grid(True, alpha=0.3)
    ax.legend()


def _accuracy_panel(ax: Axes, history: History) -> None:
    for values, colour, label in (
        (history.train_accuracy, _COLOURS[0], "training accuracy"),
        (history.test_accuracy, _COLOURS[1], "test accuracy"),
    ):
        if values:
            ax.plot(_epochs(values), [100.0 * a for a in values], color=colour, label=label)
    ax.set_ylim(-2.0, 102.0)
    ax.set_title("accuracy")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (%)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")


def _outputs(model: Module, x: Sequence[float]) -> list[float]:
    out = model(x)
    return [v.data for v in out] if isinstance(out, list) else [out.data]


def _class_indices(y: Sequence[int | float], n_outputs: int) -> list[int]:
    """Labels as class indices: -1/+1 and 0/1 for one output, 0..k-1 for k outputs."""
    indices = []
    for i, label in enumerate(y):
        if n_outputs == 1:
            if label not in (-1, 0, 1):
                raise ValueError(
                    f"plot_decision_boundary: label {i} is {label!r}, not 0/1 or -1/+1"
                )
            indices.append(int(label == 1))
        else:
            if label != int(label) or not 0 <= label < n_outputs:
                raise ValueError(
                    f"plot_decision_boundary: label {i} is {label!r}, not a class index "
                    f"of the model's {n_outputs} outputs"
                )
            indices.append(int(label))
    return indices


def _span(values: Sequence[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    pad = 0.15 * (high - low) if high > low else 1.0
    return low - pad, high + pad


def _linspace(low: float, high: float, count: int) -> list[float]:
    return [low + (high - low) * k / (count - 1) for k in range(count)]


def _shade_by_sign(
    ax: Axes, xs: list[float], ys: list[float], scores: list[list[float]], colours: list[str]
) -> None:
    """Shade where the score is <= 0 and > 0, and draw the line where it is 0."""
    low = min(-1.0, *map(min, scores)) - 1.0
    high = max(1.0, *map(max, scores)) + 1.0
    # Shaded by the score itself, not the class, so the regions meet exactly on the line.
    ax.contourf(xs, ys, scores, levels=[low, 0.0, high], colors=colours, alpha=0.25)
    if min(map(min, scores)) < 0.0 < max(map(max, scores)):
        ax.contour(xs, ys, scores, levels=[0.0], colors="black", linewidths=1.5)


def _shade_by_class(
    ax: Axes, xs: list[float], ys: list[float], classes: list[list[int]], colours: list[str]
) -> None:
    """Shade each class's region and draw the borders between them."""
    levels = [k - 0.5 for k in range(len(colours) + 1)]
    ax.contourf(xs, ys, classes, levels=levels, colors=colours, alpha=0.25)
    if len({c for row in classes for c in row}) > 1:
        ax.contour(xs, ys, classes, levels=levels[1:-1], colors="black", linewidths=1.0)


def plot_decision_boundary(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    path: str | os.PathLike[str],
    *,
    resolution: int = DEFAULT_RESOLUTION,
    standardizer: Standardizer | None = None,
    class_names: Sequence[str] | None = None,
    feature_names: Sequence[str] = ("x1", "x2"),
    title: str | None = None,
) -> Path:
    """Draw a 2-D classifier's decision regions with the data points into a PNG or SVG file.

    The model is evaluated on a ``resolution`` x ``resolution`` grid covering the points with a
    margin. A model with one output predicts class 1 where its score is > 0 and class 0 (or -1)
    elsewhere, and the boundary is the line where the score is 0; a model with several outputs
    predicts the class of its largest output. Each class's region is shaded in its points'
    colour, and the boundary is drawn in black. The grid is evaluated with plain floats, one
    forward pass per point (see :data:`DEFAULT_RESOLUTION` for the time it takes).

    Args:
        model: A module taking 2 inputs (e.g. ``MLP(2, [16, 16, 1])``).
        X: The points, in the units they are drawn in (before standardisation).
        y: Their labels: 0/1 or -1/+1 for a one-output model, class indices otherwise.
        path: The picture to write, ``.png`` or ``.svg``; written atomically, with missing
            directories created.
        resolution: Grid points per axis, at least 2.
        standardizer: The standardiser the model was trained behind: each grid point and
            each data point is transformed by it before it reaches the model, as the training
            inputs were. The picture keeps the original units.
        class_names: A name per class for the legend; by default the labels.
        feature_names: The axis labels.
        title: The title; by default the model and how many points it classifies right.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed.
        ValueError: A wrong suffix, points that are not 2-D, labels that do not fit the model's
            outputs, a ``resolution`` below 2, or ``class_names`` of the wrong length.
    """
    target, format = _target(path, "plot_decision_boundary")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(
            f"plot_decision_boundary: resolution must be an int >= 2, got {resolution!r}"
        )
    points, labels = check_dataset(X, y)
    if len(points[0]) != 2:
        raise ValueError(
            f"plot_decision_boundary: the points have {len(points[0])} features; it draws 2"
        )

    def inputs(rows: list[list[float]]) -> list[list[float]]:
        return standardizer.transform(rows) if standardizer is not None else rows

    scores = [_outputs(model, row) for row in inputs(points)]
    n_outputs = len(scores[0])
    classes = _class_indices(labels, n_outputs)
    n_classes = max(2, n_outputs)
    if n_classes > len(_COLOURS):
        raise ValueError(
            f"plot_decision_boundary: draws at most {len(_COLOURS)} classes, the model has "
            f"{n_classes} outputs"
        )
    if class_names is None:
        negative = "-1" if any(label == -1 for label in labels) else "0"
        class_names = [negative, "1"] if n_outputs == 1 else [str(k) for k in range(n_classes)]
    if len(class_names) != n_classes:
        raise ValueError(
            f"plot_decision_boundary: {len(class_names)} class names for {n_classes} classes"
        )
    right = sum(predicted_class(s) == c for s, c in zip(scores, classes, strict=True))

    xs = _linspace(*_span([p[0] for p in points]), resolution)
    ys = _linspace(*_span([p[1] for p in points]), resolution)
    grid = inputs([[x, y_] for y_ in ys for x in xs])
    grid_outputs = [_outputs(model, row) for row in grid]
    figure = _new_figure("plot_decision_boundary", 7.6, 5.2)
    ax = figure.subplots()
    colours = list(_COLOURS[:n_classes])
    rows = [grid_outputs[j * resolution : (j + 1) * resolution] for j in range(resolution)]
    if n_outputs == 1:
        _shade_by_sign(ax, xs, ys, [[out[0] for out in row] for row in rows], colours)
    else:
        _shade_by_class(
            ax, xs, ys, [[predicted_class(out) for out in row] for row in rows], colours
        )
    for k in range(n_classes):
        members = [p for p, c in zip(points, classes, strict=True) if c == k]
        if members:
            ax.scatter(
                [p[0] for p in members],
                [p[1] for p in members],
                color=colours[k],
                edgecolors="black",
                linewidths=0.6,
                s=36,
                label=class_names[k],
                zorder=3,
            )
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    # Outside the axes, where it hides no point.
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    if title is None:
        share = right / len(points)
        title = f"{model!r}\n{right} of {len(points)} points classified right ({share:.0%})"
    ax.set_title(title)
    return _save(figure, target, format)
