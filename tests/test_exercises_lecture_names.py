"""The lecture's private names on opgrad's Value say what opgrad calls them (issue 21.2).

A learner following the micrograd lecture types ``d._prev``, ``d._op``, ``o._backward()`` and
``Value(2.0, (a, b), '*')``; each fails, as before, but the error names opgrad's way.
"""

from __future__ import annotations

import copy
import pickle

import pytest

from autograd import GraphExecutor, Value


def _product() -> Value:
    return Value(2.0, label="a") * Value(-3.0, label="b")


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("_prev", "node.parents"),
        ("_children", "node.parents"),
        ("_op", "node.op"),
        ("_backward", "GraphExecutor().stepper(root).step()"),
    ],
)
def test_value_lecture_name_is_an_attribute_error_naming_opgrads(name: str, says: str) -> None:
    node = _product()
    with pytest.raises(AttributeError, match=rf"no attribute '{name}': opgrad .*") as error:
        getattr(node, name)
    assert says in str(error.value)
    assert error.value.name == name
    assert error.value.obj is node


def test_value_lecture_backward_call_fails_before_running() -> None:
    node = _product()
    with pytest.raises(AttributeError, match=r"root\.backward\(\)"):
        node._backward()  # type: ignore[attr-defined]
    assert [p.grad for p in node.parents] == [0.0, 0.0]


def test_value_other_missing_names_keep_pythons_message() -> None:
    node = _product()
    with pytest.raises(AttributeError) as error:
        node.gard  # type: ignore[attr-defined]  # noqa: B018
    assert str(error.value) == "'Value' object has no attribute 'gard'"
    assert not hasattr(node, "_repr_html_")
    assert copy.copy(node).data == -6.0
    assert pickle.loads(pickle.dumps(Value(1.5, label="x"))).label == "x"


@pytest.mark.parametrize("extra", [((), "*"), ((),), ((), "*", "c")])
def test_value_lecture_constructor_is_a_type_error_naming_operations(
    extra: tuple[object, ...],
) -> None:
    a, b = Value(2.0), Value(-3.0)
    args = ((a, b), *extra[1:]) if extra[0] == () else extra
    with pytest.raises(TypeError, match=r"takes no parents and no op .* a \* b or Mul\(\)\(a, b\)"):
        Value(2.0, *args)  # type: ignore[arg-type]


def test_value_label_of_another_type_keeps_its_message() -> None:
    with pytest.raises(TypeError, match="Value label must be a str, got int: 3"):
        Value(2.0, 3)  # type: ignore[arg-type]


def test_value_stepper_named_by_the_hint_takes_the_lectures_steps() -> None:
    node = _product()
    stepper = GraphExecutor().stepper(node)
    stepper.step()
    assert [p.grad for p in node.parents] == [-3.0, 2.0]
