"""Teaching views of a graph: drawings and animations, the explainer, the formula parser, examples.

They read graphs and run them through the core's public surface; the core never imports them.
Jupyter's display of a Value is the one drawing the core calls, through the seam
:func:`autograd.value.set_display`, which is set here.
"""

from autograd.value import set_display
from autograd.views.animation import animate_backward
from autograd.views.explainer import ExplainedStep, explain, explain_steps
from autograd.views.parse import ExpressionError, parse_assignments, parse_expression
from autograd.views.viz import GraphvizNotFoundError, _mimebundle, draw_dot, render, to_dot

set_display(_mimebundle)

__all__ = [
    "ExplainedStep",
    "ExpressionError",
    "GraphvizNotFoundError",
    "animate_backward",
    "draw_dot",
    "explain",
    "explain_steps",
    "parse_assignments",
    "parse_expression",
    "render",
    "to_dot",
]
