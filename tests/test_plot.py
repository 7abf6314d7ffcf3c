from __future__ import annotations

import io
import struct
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import pytest

from autograd import Value
from nn import Layer, Module, Neuron, plot_decision_boundary, plot_history
from nn.datasets import Standardizer
from nn.train import History

pytest.importorskip("matplotlib")

SVG_NS = "{http://www.w3.org/2000/svg}"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (the IHDR chunk right after the signature)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def svg_texts(path: Path) -> list[str]:
    """Every piece of text in an SVG (plots keep text as text, not outlines)."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    return ["".join(element.itertext()) for element in root.iter(f"{SVG_NS}text")]


def classification_history() -> History:
    return History(
        loss=[1.0, 0.5, 0.2, 0.1],
        train_accuracy=[0.5, 0.75, 0.9, 1.0],
        test_loss=[1.1, 0.6, 0.3, 0.2],
        test_accuracy=[0.5, 0.6, 0.8, 0.9],
    )


def linear_neuron(w0: float, w1: float, b: float = 0.0) -> Neuron:
    """A linear neuron whose score is w0*x1 + w1*x2 + b: its boundary is a known line."""
    neuron = Neuron(2, nonlin=False, seed=0)
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = w0, w1, b
    return neuron


def test_plot_history_writes_a_png_with_two_panels(tmp_path: Path) -> None:
    path = plot_history(classification_history(), tmp_path / "history.png")
    assert path == tmp_path / "history.png"
    assert png_size(path) == (1000, 400)


def test_plot_history_of_a_regression_has_the_loss_panel_alone(tmp_path: Path) -> None:
    path = plot_history(History(loss=[0.9, 0.1, 0.01]), tmp_path / "history.png")
    assert png_size(path) == (550, 400)


def test_plot_history_svg_is_xml_with_labelled_axes_and_legends(tmp_path: Path) -> None:
    path = plot_history(classification_history(), tmp_path / "history.svg", title="run 7")
    texts = svg_texts(path)
    for label in ("run 7", "loss", "accuracy", "epoch", "accuracy (%)"):
        assert label in texts
    for legend in ("training loss", "test loss", "training accuracy", "test accuracy"):
        assert legend in texts


def test_plot_history_uses_a_log_scale_when_the_loss_falls_a_hundredfold(tmp_path: Path) -> None:
    falling = plot_history(History(loss=[1.0, 1e-3]), tmp_path / "falling.svg")
    flat = plot_history(History(loss=[1.0, 0.5]), tmp_path / "flat.svg")
    assert "loss (log scale)" in svg_texts(falling)
    assert "loss (log scale)" not in svg_texts(flat)


def test_plot_history_refuses_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no epochs"):
        plot_history(History(), tmp_path / "h.png")
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        plot_history(classification_history(), tmp_path / "h.jpg")
    with pytest.raises(TypeError, match="needs a History"):
        plot_history([1.0, 0.5], tmp_path / "h.png")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_plot_decision_boundary_counts_the_points_on_the_right_side(tmp_path: Path) -> None:
    X = [[-1.0, 0.0], [-2.0, 1.0], [1.0, 0.0], [2.0, -1.0], [0.5, 3.0]]
    y = [0, 0, 1, 1, 0]  # the last point is on the positive side of x1 = 0 with label 0
    path = plot_decision_boundary(
        linear_neuron(1.0, 0.0), X, y, tmp_path / "b.svg", class_names=["left", "right"]
    )
    texts = svg_texts(path)
    assert any("4 of 5 points classified right (80%)" in text for text in texts)
    assert {"left", "right", "x1", "x2"} <= set(texts)


def test_plot_decision_boundary_png_has_its_pixel_size(tmp_path: Path) -> None:
    X = [[-1.0, 0.0], [1.0, 0.0]]
    path = plot_decision_boundary(linear_neuron(1.0, 0.0), X, [-1, 1], tmp_path / "b.png")
    assert png_size(path) == (760, 520)


class RecordingModel(Module):
    """Scores x1 and remembers every input it was given."""

    def __init__(self) -> None:
        self.seen: list[list[float]] = []

    def __call__(self, x: Sequence[Value | float]) -> Value:
        self.seen.append([xi.data if isinstance(xi, Value) else float(xi) for xi in x])
        return Value(self.seen[-1][0])

    def parameters(self) -> list[Value]:
        return []


def test_plot_decision_boundary_maps_the_grid_through_the_standardizer(tmp_path: Path) -> None:
    # The model was trained on standardised inputs: x1 = 9 is -1 after standardising, 11 is +1.
    X, y = [[9.0, 0.0], [11.0, 1.0]], [0, 1]
    scaler = Standardizer(mean=(10.0, 0.5), std=(1.0, 0.5))
    raw = plot_decision_boundary(linear_neuron(1.0, 0.0), X, y, tmp_path / "raw.svg")
    assert any("1 of 2 points" in text for text in svg_texts(raw))

    model = RecordingModel()
    mapped = plot_decision_boundary(
        model, X, y, tmp_path / "mapped.svg", standardizer=scaler, resolution=10
    )
    assert any("2 of 2 points" in text for text in svg_texts(mapped))
    assert len(model.seen) == 2 + 10 * 10  # the points, then the grid
    # Every input reached the model standardised: x1 in 9 +- margin became about -1.3..1.3.
    assert all(-1.5 < x1 < 1.5 and -1.5 < x2 < 1.5 for x1, x2 in model.seen)
    assert min(x1 for x1, _ in model.seen) < -1.0
    assert max(x1 for x1, _ in model.seen) > 1.0
    # The picture keeps the original units: the x axis is labelled around 9..11.
    assert "10.0" in svg_texts(mapped)


def test_plot_decision_boundary_of_several_outputs_uses_the_largest(tmp_path: Path) -> None:
    layer = Layer(2, 3, nonlin=False, seed=0)
    # Scores x1, x2 and -x1 - x2: class 0 right, class 1 up, class 2 down-left.
    for neuron, (w0, w1) in zip(layer.neurons, [(1.0, 0.0), (0.0, 1.0), (-1.0, -1.0)]):
        neuron.w[0].data, neuron.w[1].data, neuron.b.data = w0, w1, 0.0
    X = [[2.0, 0.0], [0.0, 2.0], [-2.0, -2.0], [2.0, 0.1]]
    y = [0, 1, 2, 1]
    path = plot_decision_boundary(layer, X, y, tmp_path / "b.svg", resolution=20)
    texts = svg_texts(path)
    assert any("3 of 4 points" in text for text in texts)
    assert {"0", "1", "2"} <= set(texts)


def test_plot_decision_boundary_refuses_bad_input(tmp_path: Path) -> None:
    model = linear_neuron(1.0, 0.0)
    X = [[-1.0, 0.0], [1.0, 0.0]]
    with pytest.raises(ValueError, match="draws 2"):
        plot_decision_boundary(model, [[1.0, 2.0, 3.0]], [1], tmp_path / "b.png")
    with pytest.raises(ValueError, match="label 1 is 2"):
        plot_decision_boundary(model, X, [0, 2], tmp_path / "b.png")
    with pytest.raises(ValueError, match="resolution"):
        plot_decision_boundary(model, X, [0, 1], tmp_path / "b.png", resolution=1)
    with pytest.raises(ValueError, match="3 class names for 2 classes"):
        plot_decision_boundary(model, X, [0, 1], tmp_path / "b.png", class_names=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        plot_decision_boundary(model, X, [0, 1], tmp_path / "b.pdf")
    assert list(tmp_path.iterdir()) == []


def test_plot_writes_atomically_and_keeps_the_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    path = plot_history(classification_history(), tmp_path / "deep" / "er" / "h.png")
    before = path.read_bytes()
    plot_history(classification_history(), path)  # replacing a file works
    assert sorted(p.name for p in path.parent.iterdir()) == ["h.png"]

    def broken_savefig(self: Figure, fname: io.BytesIO, **kwargs: object) -> None:
        fname.write(b"half a picture")
        raise OSError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken_savefig)
    with pytest.raises(OSError, match="disk full"):
        plot_history(History(loss=[3.0, 2.0]), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["h.png"]


def test_plot_without_matplotlib_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=r"pip install 'opgrad\[plot\]'"):
        plot_history(classification_history(), tmp_path / "h.png")
    with pytest.raises(ImportError, match=r"pip install 'opgrad\[plot\]'"):
        plot_decision_boundary(linear_neuron(1, 0), [[0, 0], [1, 1]], [0, 1], tmp_path / "b.png")
