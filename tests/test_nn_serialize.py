from __future__ import annotations

import json
import math
import os
import random
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Value
from nn import MLP, load_model, save_model
from nn._modelfile import MAX_BYTES
from nn.serialize import FORMAT, FORMAT_VERSION
from strategies import json_values
from work import lines_run


def _model() -> MLP:
    model = MLP(3, [5, 4, 2], activation="tanh", seed=11, metadata={"classes": ["a", "b"]})
    # Trained a few steps, so that every bias moves from its initial 0.0 and a save that wrote
    # any parameter as zero (or dropped a layer's biases) is seen number by number.
    rng = random.Random(5)
    for _ in range(3):
        xs = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(4)]
        loss = sum(((o - 0.5) ** 2 for x in xs for o in model.outputs(x)), Value(0.0))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
    assert all(p.data != 0.0 for p in model.parameters())
    # Awkward floats: ones whose shortest repr is long, tiny, huge and negative zero.
    params = model.parameters()
    params[0].data = 0.1 + 0.2
    params[1].data = 5e-324
    params[2].data = -1.7976931348623157e308
    params[3].data = -0.0
    return model


def _outputs(model: MLP, xs: list[list[float]]) -> list[list[float]]:
    return [[v.data for v in model.outputs(x)] for x in xs]


def test_round_trip_is_bit_identical(tmp_path: Path) -> None:
    model = _model()
    path = tmp_path / "model.json"
    model.save(path)
    loaded = MLP.load(path)
    assert isinstance(loaded, MLP)
    assert (loaded.nin, loaded.nouts, loaded.activation) == (3, [5, 4, 2], "tanh")
    assert loaded.metadata == {"classes": ["a", "b"]}
    for a, b in zip(model.parameters(), loaded.parameters(), strict=True):
        assert a.label == b.label
        assert math.copysign(1.0, a.data) == math.copysign(1.0, b.data)
        assert a.data == b.data
    rng = random.Random(0)
    xs = [[rng.uniform(-3, 3) for _ in range(3)] for _ in range(25)]
    assert _outputs(loaded, xs) == _outputs(model, xs)


def test_save_and_load_functions_and_str_paths(tmp_path: Path) -> None:
    model = MLP(2, [1], seed=0)
    path = str(tmp_path / "m.json")
    save_model(model, path)
    assert [p.data for p in load_model(path).parameters()] == [p.data for p in model.parameters()]


def test_file_is_readable_json_with_version(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    MLP(2, [2, 1], seed=0).save(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == FORMAT
    assert document["version"] == FORMAT_VERSION == 1
    assert (document["nin"], document["nouts"], document["activation"]) == (2, [2, 1], "relu")
    assert len(document["layers"]) == 2
    assert set(document["layers"][0][0]) == {"w", "b"}
    assert document["metadata"] == {}
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_load_leaves_global_random_alone(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    MLP(2, [4, 1], seed=0).save(path)
    state = random.getstate()
    MLP.load(path)
    assert random.getstate() == state


def test_save_replaces_existing_file_and_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("old")
    path.chmod(0o600)
    MLP(2, [1], seed=0).save(path)
    assert json.loads(path.read_text())["format"] == FORMAT
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["m.json"]


def _document() -> dict[str, Any]:
    model = MLP(2, [3, 1], seed=0)
    return {
        "format": FORMAT,
        "version": 1,
        "nin": 2,
        "nouts": [3, 1],
        "activation": "relu",
        "layers": [
            [{"w": [w.data for w in n.w], "b": n.b.data} for n in layer.neurons]
            for layer in model.layers
        ],
        "metadata": {},
    }


def _set(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        d[key] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        del d[key]

    return change


def _neuron(layer: int, neuron: int, key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        d["layers"][layer][neuron][key] = value

    return change


CORRUPTIONS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "wrong format": (_set("format", "pytorch"), "not an opgrad model file"),
    "version 2": (_set("version", 2), "format version 2 is not supported"),
    "version as string": (_set("version", "1"), "format version '1' is not supported"),
    "version true": (_set("version", True), "format version True"),
    "version float": (_set("version", 1.0), "format version 1.0 is not supported"),
    "missing nin": (_drop("nin"), r"missing field\(s\): nin"),
    "unknown field": (_set("optimizer", "sgd"), r"unknown field\(s\): optimizer"),
    "nin zero": (_set("nin", 0), "nin must be a positive int, got 0"),
    "nin float": (_set("nin", 2.0), "nin must be a positive int, got 2.0"),
    "nouts not list": (_set("nouts", 3), "nouts must be a list"),
    "nouts empty": (_set("nouts", []), "nouts is empty"),
    "nouts bad size": (_set("nouts", [3, "1"]), r"nouts\[1\] must be a positive int, got '1'"),
    "activation": (_set("activation", "gelu"), "activation must be one of"),
    "output": (_set("output", "gelu"), "output must be one of linear, relu, tanh, sigmoid"),
    "output list": (_set("output", ["tanh"]), r"output must be one of .*, got \['tanh'\]"),
    "metadata list": (_set("metadata", []), "metadata must be a JSON object"),
    "more layers than nouts": (_set("nouts", [3, 1, 1]), "nouts has 3 layers but layers has 2"),
    "layer size": (_set("nouts", [4, 1]), r"layer L0 has 3 neurons, expected 4 \(nouts\[0\]\)"),
    "nin mismatch": (_set("nin", 3), "neuron L0.N0 has 2 weights, expected 3"),
    "weight count": (_neuron(1, 0, "w", [0.5, 0.5]), "neuron L1.N0 has 2 weights, expected 3"),
    # More weights than the fan-in, in the first layer and in a later one (a validator that
    # checked only for too few would take the extra weights and drop them).
    "nin below the weights": (_set("nin", 1), "neuron L0.N0 has 2 weights, expected 1"),
    "weights beyond fan-in": (
        _neuron(1, 0, "w", [0.5, 0.5, 0.5, 0.5]),
        "neuron L1.N0 has 4 weights, expected 3",
    ),
    "weight string": (_neuron(0, 1, "w", [0.5, "0.5"]), "L0.N1.w1: '0.5' is not a number"),
    "weight null": (_neuron(0, 2, "w", [None, 0.5]), "L0.N2.w0: None is not a number"),
    "weight bool": (_neuron(0, 0, "w", [True, 0.5]), "L0.N0.w0: True is not a number"),
    "bias list": (_neuron(1, 0, "b", [0.0]), r"L1.N0.b: \[0.0\] is not a number"),
    "huge int": (_neuron(1, 0, "b", 10**400), r"L1.N0.b: 10{56}\.\.\. is not a finite number"),
    "neuron extra key": (_neuron(0, 0, "bias", 0.0), "exactly the keys 'w' and 'b'"),
    "layers not list": (_set("layers", {"L0": []}), "layers must be a list, got dict"),
}


@pytest.mark.parametrize("case", CORRUPTIONS)
def test_mismatched_or_wrongly_typed_file_is_a_value_error(tmp_path: Path, case: str) -> None:
    change, message = CORRUPTIONS[case]
    document = _document()
    change(document)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        MLP.load(path)
    assert str(info.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not valid JSON .*truncated"),
        ("{nope", "not valid JSON"),
        ('{"version": tr, "nin": 2}', r"not valid JSON: Expecting value"),
        ("[1, 2]", "expected a JSON object at the top, got list"),
        ('{"format": "opgrad-mlp", "format": "x"}', "the key 'format' appears twice"),
        ('{"version": NaN}', "holds NaN, which is not a finite number"),
        ('{"version": -Infinity}', "holds -Infinity"),
    ],
)
def test_malformed_json_is_a_value_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        MLP.load(path)
    assert str(path) in str(info.value)


def test_truncated_file_is_a_value_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    MLP(2, [8, 1], seed=0).save(path)
    text = path.read_text()
    for cut in (1, len(text) // 3, len(text) // 2, len(text) - 3):
        path.write_text(text[:cut])
        with pytest.raises(ValueError, match=r"m\.json: not valid JSON \(the text ends too early"):
            MLP.load(path)


def test_a_cut_inside_a_string_or_number_is_called_truncated(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    MLP(2, [3, 1], seed=0).save(path)
    text = path.read_text()
    cuts = {
        "inside a string": text.index('"opgrad-mlp"') + 4,
        "inside a number": text.index("[", text.index('"w"')) + 5,
        "inside a literal": None,
    }
    for where, cut in cuts.items():
        path.write_text(text[:cut] if cut is not None else '{"metadata": {"a": tru')
        with pytest.raises(ValueError, match=r"\(the text ends too early") as info:
            MLP.load(path)
        assert str(path) in str(info.value), where


def test_duplicate_keys_are_found_in_linear_time(tmp_path: Path) -> None:
    # Counted, not timed: comparing every key with every other would run n**2 lines.
    work = {}
    for n in (2_000, 8_000):
        path = tmp_path / f"m{n}.json"
        keys = ", ".join(f'"k{i}": 0' for i in range(n))
        path.write_text(f'{{"metadata": {{{keys}, "k{n - 1}": 1}}}}')
        with pytest.raises(ValueError, match=f"the key 'k{n - 1}' appears twice"):
            MLP.load(path)
        work[n] = lines_run(lambda path=path: MLP.load(path))  # type: ignore[misc]
    assert work[8_000] < 4.5 * work[2_000]


def test_binary_garbage_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(b"\x80\x04\x95 a pickle, say")
    with pytest.raises(ValueError, match="not UTF-8"):
        MLP.load(path)


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        MLP.load(tmp_path / "absent.json")


def _existing(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "m.json"
    MLP(2, [3, 1], seed=0).save(path)
    return path, path.read_bytes()


def test_failed_save_of_nan_weight_keeps_existing_file(tmp_path: Path) -> None:
    path, before = _existing(tmp_path)
    model = MLP(2, [3, 1], seed=1)
    model.layers[0].neurons[2].w[1].data = math.nan
    with pytest.raises(ValueError, match=r"m\.json: parameter L0\.N2\.w1 is nan"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.json"]


def test_failed_save_of_bad_metadata_keeps_existing_file(tmp_path: Path) -> None:
    path, before = _existing(tmp_path)
    model = MLP(2, [3, 1], seed=1, metadata={"scale": Value(1.0)})
    with pytest.raises(TypeError, match="metadata is not JSON-serialisable"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.json"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failure_while_writing_keeps_existing_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path, before = _existing(tmp_path)

    def fail(*args: object) -> None:
        raise OSError(f"simulated {failing} failure")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match=f"simulated {failing} failure"):
        MLP(2, [3, 1], seed=1).save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.json"]
    assert MLP.load(path).parameters()[0].data == MLP(2, [3, 1], seed=0).parameters()[0].data


def test_save_needs_an_mlp(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="needs an MLP"):
        save_model(object(), tmp_path / "m.json")  # type: ignore[arg-type]


def test_load_refuses_anything_but_a_regular_file_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)  # no writer: opening it to read blocked forever
    to_zero = tmp_path / "zero.json"
    to_zero.symlink_to("/dev/zero")  # read without limit, it filled the memory
    for path in (fifo, to_zero, tmp_path):
        with pytest.raises(ValueError, match=r"^.*: not a model file \(not a regular file\)$") as e:
            load_model(path)
        assert str(e.value).startswith(str(path))


def test_load_refuses_a_file_over_the_size_limit_and_says_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ValueError, match=r"huge\.json: .*16,777,217 bytes.*at most .*16 MiB"):
        load_model(path)


def test_load_checks_the_parameter_count_before_reading_the_layers(tmp_path: Path) -> None:
    path = tmp_path / "wide.json"
    document = {"format": FORMAT, "version": 1, "nin": 3_000_000, "nouts": [1]}
    path.write_text(json.dumps({**document, "activation": "relu", "layers": [[]]}))
    counted = lines_run(lambda: load_model(path))
    with pytest.raises(ValueError, match=r"3,000,001 parameters, more than the 1,000,000"):
        load_model(path)
    assert counted < 500  # refused from nin and nouts, without looking at a weight


def test_a_number_of_thousands_of_digits_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "digits.json"
    path.write_text(f'{{"format": "opgrad-mlp", "version": 1, "nin": {"9" * 5000}}}')
    with pytest.raises(ValueError, match=r"digits\.json: not a model file \(.*4300") as e:
        load_model(path)
    assert "\n" not in str(e.value)


def test_save_of_deeply_nested_metadata_is_a_type_error_naming_the_file(tmp_path: Path) -> None:
    nested: dict[str, Any] = {}
    for _ in range(100_000):
        nested = {"a": nested}
    path = tmp_path / "m.json"
    path.write_text("old")
    with pytest.raises(TypeError, match=r"cannot save to .*m\.json: metadata is nested too deeply"):
        MLP(2, [1], seed=0, metadata=nested).save(path)
    assert path.read_text() == "old"


def _a_model_document() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": 1,
        "nin": 2,
        "nouts": [2, 1],
        "activation": "tanh",
        "layers": [[{"w": [0.5, -1.0], "b": 0.25}] * 2, [{"w": [1.5, 2.0], "b": -0.5}]],
        "metadata": {"classes": ["a", "b"]},
    }


@given(json_values, st.sampled_from([None, *sorted(_a_model_document())]))
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_load_fuzz_random_json_never_tracebacks_in_linear_work(
    tmp_path: Path, value: Any, field: str | None
) -> None:
    if field is not None:  # a valid model file with one field replaced by anything
        value = {**_a_model_document(), field: value}
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(value))
    size = path.stat().st_size

    def load() -> None:
        try:
            load_model(path)
        except ValueError as error:
            message = str(error)
            assert message.startswith(str(path))
            assert "\n" not in message

    load()
    assert lines_run(load) <= 50 * size + 1000
