"""opgrad's autograd engine: scalar Values, Operation classes and the GraphExecutor.

The core (value, operation, ops, executor) is at the top of the package with the gradient checks
(numerical, testing) and the file writer (files); :mod:`autograd.replay` holds the compiled
replay backends and :mod:`autograd.views` the drawings, the explainer and the formula parser.
Everything public is re-exported here.
"""

from autograd.executor import (
    BackwardStep,
    BackwardStepper,
    CompiledGraph,
    GraphExecutor,
    NodeStep,
    NonFiniteError,
    backends,
    register_backend,
)
from autograd.files import write_atomic
from autograd.higher import derivative, hessian, hvp
from autograd.numerical import GradcheckError, GradientReport, gradcheck, numerical_gradients
from autograd.operation import Operation
from autograd.ops import (
    Abs,
    Add,
    Cos,
    Div,
    Exp,
    Log,
    LogSumExp,
    Max,
    Min,
    Mod,
    Mul,
    Neg,
    Pow,
    Power,
    ReLU,
    Sigmoid,
    Sin,
    Softmax,
    Softplus,
    Sqrt,
    Sub,
    Tanh,
)
from autograd.replay import Plan
from autograd.value import Value
from autograd.views import (
    ExplainedStep,
    ExpressionError,
    GraphvizNotFoundError,
    animate_backward,
    draw_dot,
    explain,
    explain_steps,
    parse_assignments,
    parse_expression,
    render,
    to_dot,
)

__all__ = [
    "Abs",
    "Add",
    "BackwardStep",
    "BackwardStepper",
    "CompiledGraph",
    "Cos",
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
    "Max",
    "Min",
    "Mod",
    "Mul",
    "Neg",
    "NodeStep",
    "NonFiniteError",
    "Operation",
    "Plan",
    "Pow",
    "Power",
    "ReLU",
    "Sigmoid",
    "Sin",
    "Softmax",
    "Softplus",
    "Sqrt",
    "Sub",
    "Tanh",
    "Value",
    "animate_backward",
    "backends",
    "derivative",
    "draw_dot",
    "explain",
    "explain_steps",
    "gradcheck",
    "hessian",
    "hvp",
    "numerical_gradients",
    "parse_assignments",
    "parse_expression",
    "register_backend",
    "render",
    "to_dot",
    "write_atomic",
]
