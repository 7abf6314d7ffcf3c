"""The exercises: their ids, titles, tasks and graders, in the order a learner takes them."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

import attrs

from opgrad.exercises import engine, extending, lecture, networks
from opgrad.exercises.feedback import Learner
from opgrad.exercises.starters import starter_from

__all__ = ["EXERCISES", "Exercise", "find"]


@attrs.frozen
class Exercise:
    """One exercise.

    Attributes:
        id: Its name on the command line and its file's name (``ID.py``).
        title: One line saying what it is about.
        part: Which part of the course: "lecture", "engine", "networks" or "extending".
        tasks: The functions (``Class.method`` for a method) the learner writes.
        check: The grader: raises :class:`~opgrad.exercises.feedback.AnswerError` at the first
            problem it finds in the learner's file, run.
    """

    id: str
    title: str
    part: str
    tasks: tuple[str, ...]
    check: Callable[[Learner], None] = attrs.field(repr=False)

    @property
    def solution(self) -> str:
        """The reference solution's text."""
        files = resources.files("opgrad.exercises.solutions")
        return files.joinpath(f"{self.id}.py").read_text(encoding="utf-8")

    @property
    def starter(self) -> str:
        """The starter's text: the solution with the tasks' bodies taken out."""
        return starter_from(self.solution, self.id, self.tasks)


EXERCISES: tuple[Exercise, ...] = (
    Exercise("nudge", "The derivative as a nudge", "lecture", ("slope", "df"), lecture.check_nudge),
    Exercise(
        "value",
        "A Value with add and mul, and its parents",
        "lecture",
        ("Value.__add__", "Value.__mul__", "Value.__radd__", "Value.__rmul__"),
        lecture.check_value,
    ),
    Exercise(
        "draw", "Drawing it: a graph's nodes and edges", "lecture", ("trace",), lecture.check_draw
    ),
    Exercise(
        "chain_rule",
        "The chain rule by hand on L",
        "lecture",
        ("lecture_grads",),
        lecture.check_chain_rule,
    ),
    Exercise(
        "neuron_by_hand",
        "The tanh neuron by hand",
        "lecture",
        ("neuron_grads",),
        lecture.check_neuron_by_hand,
    ),
    Exercise(
        "tanh_op",
        "Tanh as an Operation (local_grads)",
        "lecture",
        ("Tanh.forward", "Tanh.local_grads"),
        lecture.check_tanh_op,
    ),
    Exercise(
        "exp_pow_div",
        "Exp, Pow and Div",
        "engine",
        ("Exp.local_grads", "Pow.local_grads", "Div.local_grads"),
        engine.check_exp_pow_div,
    ),
    Exercise(
        "plus_equals",
        "The += bug: a gradient adds up over every use",
        "engine",
        ("chain_rule",),
        engine.check_plus_equals,
    ),
    Exercise(
        "topo_sort",
        "An iterative topological sort",
        "engine",
        ("topological_order",),
        engine.check_topo_sort,
    ),
    Exercise(
        "backward", "Backward through the sort", "engine", ("backward",), engine.check_backward
    ),
    Exercise(
        "zero_grad",
        "zero_grad, and where hand-set grads meet backward",
        "engine",
        ("zero_grad", "fresh_backward"),
        engine.check_zero_grad,
    ),
    Exercise(
        "numeric_grads",
        "A gradient checker: central differences",
        "engine",
        ("numerical_gradient",),
        engine.check_numeric_grads,
    ),
    Exercise(
        "neuron",
        "Neuron",
        "networks",
        ("Neuron.__call__", "Neuron.parameters"),
        networks.check_neuron,
    ),
    Exercise(
        "layer",
        "Layer",
        "networks",
        ("Layer.__init__", "Layer.__call__", "Layer.parameters"),
        networks.check_layer,
    ),
    Exercise(
        "mlp",
        "MLP: the lecture's network, tanh in every layer",
        "networks",
        ("MLP.__init__", "MLP.__call__", "MLP.parameters"),
        networks.check_mlp,
    ),
    Exercise(
        "loss",
        "A loss: mean squared error and hinge",
        "networks",
        ("mse", "hinge"),
        networks.check_loss,
    ),
    Exercise(
        "training_loop",
        "The lecture's training loop",
        "networks",
        ("train",),
        networks.check_training_loop,
    ),
    Exercise(
        "momentum",
        "Past the lecture: SGD with momentum",
        "networks",
        ("Momentum.step",),
        networks.check_momentum,
    ),
    Exercise(
        "own_op",
        "Your own Operation, checked with check_operation",
        "extending",
        ("SmoothAbs.forward", "SmoothAbs.local_grads", "check"),
        extending.check_own_op,
    ),
    Exercise(
        "relu_op",
        "ReLU: an operation with a kink",
        "extending",
        ("ReLU.forward", "ReLU.local_grads"),
        extending.check_relu_op,
    ),
    Exercise(
        "second_derivative",
        "A second derivative",
        "extending",
        ("second_derivative", "tanh_second"),
        extending.check_second_derivative,
    ),
)
"""Every exercise, in the order of the course."""


def find(exercise: str) -> Exercise | None:
    """The exercise with this id, or None."""
    return next((e for e in EXERCISES if e.id == exercise), None)
