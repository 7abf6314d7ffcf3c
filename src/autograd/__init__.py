"""opgrad's autograd engine: scalar Values, Operation classes and the GraphExecutor."""

from autograd.executor import BackwardStep, GraphExecutor, NonFiniteError
from autograd.explainer import ExplainedStep, explain, explain_steps
from autograd.files import write_atomic
from autograd.numerical import GradcheckError, GradientReport, gradcheck, numerical_gradients
from autograd.operation import Operation
from autograd.ops import (
    Add,
    Div,
    Exp,
    Log,
    LogSumExp,
    Mul,
    Neg,
    Pow,
    Power,
    ReLU,
    Sigmoid,
    Sub,
    Tanh,
)
from autograd.parse import ExpressionError, parse_assignments, parse_expression
from autograd.plan import Plan
from autograd.value import Value
from autograd.viz import GraphvizNotFoundError, animate_backward, render, to_dot

__all__ = [
    "Add",
    "BackwardStep",
    "Div",
    "Exp",
    "ExplainedStep",
    "ExpressionError",
    "GradcheckError",
    "GradientReport",
    "GraphExecutor",
    "GraphvizNotFoundError",
    "Log",
    "LogSumExp",
    "Mul",
    "Neg",
    "NonFiniteError",
    "Operation",
    "Plan",
    "Pow",
    "Power",
    "ReLU",
    "Sigmoid",
    "Sub",
    "Tanh",
    "Value",
    "animate_backward",
    "explain",
    "explain_steps",
    "gradcheck",
    "numerical_gradients",
    "parse_assignments",
    "parse_expression",
    "render",
    "to_dot",
    "write_atomic",
]
