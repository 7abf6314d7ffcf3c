"""Typical slips in every reference solution fail its grader: the mutation table of each exercise.

Each row is (slip, text in the solution, what the slip writes instead). The text must occur in
the solution exactly once, so a solution edited later cannot silently make a row test nothing.
The mutation rate (killed/total) is printed by ``python tests/test_exercises_mutants.py``.
"""

from __future__ import annotations

import pytest

from opgrad.exercises import EXERCISES, find, grade

MUTANTS: dict[str, list[tuple[str, str, str]]] = {
    "nudge": [
        (
            "sign",
            "return (fn(x + h) - fn(x)) / h",
            "return (fn(x) - fn(x + h)) / h",
        ),
        (
            "no division by h",
            "return (fn(x + h) - fn(x)) / h",
            "return fn(x + h) - fn(x)",
        ),
        (
            "factor 2",
            "return (fn(x + h) - fn(x)) / h",
            "return (fn(x + h) - fn(x)) / (2 * h)",
        ),
        (
            "central, not the forward nudge",
            "return (fn(x + h) - fn(x)) / h",
            "return (fn(x + h) - fn(x - h)) / (2 * h)",
        ),
        (
            "large default h",
            "h: float = 0.0001",
            "h: float = 1.0",
        ),
        (
            "sign in df",
            "6 * x - 4",
            "6 * x + 4",
        ),
        (
            "power rule factor",
            "6 * x - 4",
            "3 * x - 4",
        ),
        (
            "dropped term",
            "6 * x - 4",
            "6 * x",
        ),
    ],
    "value": [
        (
            "parents reversed",
            'Value(self.data + other.data, (self, other), "+")',
            'Value(self.data + other.data, (other, self), "+")',
        ),
        (
            "wrong op symbol",
            'Value(self.data * other.data, (self, other), "*")',
            'Value(self.data * other.data, (self, other), "+")',
        ),
        (
            "mul adds",
            'Value(self.data * other.data, (self, other), "*")',
            'Value(self.data + other.data, (self, other), "*")',
        ),
        (
            "parents a list",
            'Value(self.data + other.data, (self, other), "+")',
            'Value(self.data + other.data, [self, other], "+")',
        ),
        (
            "radd keeps self first",
            "return Value(other) + self",
            "return self + other",
        ),
        (
            "rmul keeps self first",
            "return Value(other) * self",
            "return self * other",
        ),
        (
            "number not wrapped",
            (
                "        other = other if isinstance(other, Value) else Value(other)\n"
                "        return Value(self.data + other.data"
            ),
            "        return Value(self.data + other.data",
        ),
    ],
    "draw": [
        (
            "edges reversed",
            "edges.add((parent, node))",
            "edges.add((node, parent))",
        ),
        (
            "no walk past the root's parents",
            "                stack.append(parent)\n",
            "",
        ),
        (
            "root missing",
            "nodes: set[Value] = {root}",
            "nodes: set[Value] = set()",
        ),
        (
            "leaves missing",
            (
                "            if parent not in nodes:\n"
                "                nodes.add(parent)\n"
                "                stack.append(parent)"
            ),
            (
                "            if parent not in nodes and parent.parents:\n"
                "                nodes.add(parent)\n"
                "                stack.append(parent)"
            ),
        ),
    ],
    "chain_rule": [
        (
            "dL/dd is d",
            "dd = f  # L = d * f",
            "dd = d  # L = d * f",
        ),
        (
            "dL/df is f",
            '"f": d,',
            '"f": f,',
        ),
        (
            "sign",
            '"a": de * b',
            '"a": -de * b',
        ),
        (
            "own input, not the other",
            '"a": de * b',
            '"a": de * a',
        ),
        (
            "forgot the upstream gradient",
            "de = dd * 1.0",
            "de = 1.0",
        ),
        (
            "dL/dL",
            '"L": 1.0',
            '"L": 0.0',
        ),
    ],
    "neuron_by_hand": [
        (
            "1 - o, not 1 - o**2",
            "dn = 1 - o**2",
            "dn = 1 - o",
        ),
        (
            "1 - n**2",
            "dn = 1 - o**2",
            "dn = 1 - (x1 * w1 + x2 * w2 + b) ** 2",
        ),
        (
            "own input, not the other",
            '"x1": dn * w1',
            '"x1": dn * x1',
        ),
        (
            "sign",
            '"w2": dn * x2',
            '"w2": -dn * x2',
        ),
        (
            "bias gets 1",
            '"b": dn,',
            '"b": 1.0,',
        ),
    ],
    "tanh_op": [
        (
            "1 - output",
            "(1.0 - output * output,)",
            "(1.0 - output,)",
        ),
        (
            "sign",
            "(1.0 - output * output,)",
            "(1.0 + output * output,)",
        ),
        (
            "x for the output",
            "(1.0 - output * output,)",
            "(1.0 - x * x,)",
        ),
        (
            "math on a Value (second order)",
            "(1.0 - output * output,)",
            "(1.0 - math.tanh(x) ** 2,)",
        ),
        (
            "not a tuple",
            "(1.0 - output * output,)",
            "1.0 - output * output",
        ),
        (
            "forward",
            "return math.tanh(x)",
            "return math.sinh(x)",
        ),
    ],
    "exp_pow_div": [
        (
            "exp: x for e**x",
            "return (output,)",
            "return (x,)",
        ),
        (
            "pow: wrong power",
            "(self.exponent * x ** (self.exponent - 1),)",
            "(self.exponent * x**self.exponent,)",
        ),
        (
            "pow: no factor",
            "(self.exponent * x ** (self.exponent - 1),)",
            "(x ** (self.exponent - 1),)",
        ),
        (
            "div: sign",
            "(1.0 / b, -a / (b * b))",
            "(1.0 / b, a / (b * b))",
        ),
        (
            "div: order reversed",
            "(1.0 / b, -a / (b * b))",
            "(-a / (b * b), 1.0 / b)",
        ),
        (
            "div: b, not b squared",
            "(1.0 / b, -a / (b * b))",
            "(1.0 / b, -a / b)",
        ),
    ],
    "plus_equals": [
        (
            "= for +=",
            "grads[parent] = grads.get(parent, 0.0) + d * upstream",
            "grads[parent] = d * upstream",
        ),
        (
            "data for the gradient",
            "upstream = grads[node]",
            "upstream = node.data",
        ),
        (
            "parents reversed",
            "zip(node.parents, local)",
            "zip(reversed(node.parents), local)",
        ),
        (
            "sign",
            "grads.get(parent, 0.0) + d * upstream",
            "grads.get(parent, 0.0) - d * upstream",
        ),
    ],
    "topo_sort": [
        (
            "no visited set",
            "                visited.add(parent)\n",
            "",
        ),
        (
            "reversed",
            "    return order",
            "    return order[::-1]",
        ),
        (
            "pre-order (no break)",
            "                break\n",
            "",
        ),
        (
            "recursion",
            "    order: list[Value] = []\n    visited = {root}",
            (
                "    order: list[Value] = []\n"
                "    visited = {root}\n"
                "\n"
                "    def build(v: Value) -> None:\n"
                "        for p in v.parents:\n"
                "            if p not in visited:\n"
                "                visited.add(p)\n"
                "                build(p)\n"
                "        order.append(v)\n"
                "\n"
                "    build(root)\n"
                "    return order"
            ),
        ),
    ],
    "backward": [
        (
            "forward order",
            "for node in reversed(order):",
            "for node in order:",
        ),
        (
            "no seed",
            "root.grad = 1.0",
            "root.grad = 0.0",
        ),
        (
            "= for +=",
            "parent.grad += d * node.grad",
            "parent.grad = d * node.grad",
        ),
        (
            "data for the gradient",
            "parent.grad += d * node.grad",
            "parent.grad += d * node.data",
        ),
    ],
    "zero_grad": [
        (
            "only leaves",
            "        node.grad = 0.0",
            "        if node.is_leaf:\n            node.grad = 0.0",
        ),
        (
            "not the root",
            "for node in GraphExecutor().topological_order(root):",
            "for node in GraphExecutor().topological_order(root)[:-1]:",
        ),
        (
            "only the root",
            "    for node in GraphExecutor().topological_order(root):\n        node.grad = 0.0",
            "    root.grad = 0.0",
        ),
        (
            "no zero before backward",
            "    zero_grad(root)\n    root.backward()",
            "    root.backward()",
        ),
        (
            "zero after backward",
            "    zero_grad(root)\n    root.backward()",
            "    root.backward()\n    zero_grad(root)",
        ),
    ],
    "numeric_grads": [
        (
            "forward difference",
            "(fn(up) - fn(down)) / (2 * h)",
            "(fn(up) - fn(point)) / h",
        ),
        (
            "factor 2",
            "(fn(up) - fn(down)) / (2 * h)",
            "(fn(up) - fn(down)) / h",
        ),
        (
            "sign",
            "(fn(up) - fn(down)) / (2 * h)",
            "(fn(down) - fn(up)) / (2 * h)",
        ),
        (
            "no copy",
            "up, down = list(point), list(point)",
            "up, down = point, point",
        ),
    ],
    "neuron": [
        (
            "no tanh",
            "return act.tanh()",
            "return act",
        ),
        (
            "relu for tanh",
            "return act.tanh()",
            "return act.relu()",
        ),
        (
            "no bias",
            "act = self.b\n",
            "act = self.b * 0.0\n",
        ),
        (
            "w + x",
            "act = act + wi * xi",
            "act = act + wi + xi",
        ),
        (
            "bias missing from parameters",
            "return [*self.w, self.b]",
            "return list(self.w)",
        ),
        (
            "bias first",
            "return [*self.w, self.b]",
            "return [self.b, *self.w]",
        ),
    ],
    "layer": [
        (
            "nin neurons",
            "for _ in range(nout)]",
            "for _ in range(nin)]",
        ),
        (
            "always a list",
            "return outs[0] if len(outs) == 1 else outs",
            "return outs",
        ),
        (
            "relu",
            'Neuron(nin, activation="tanh", rng=rng)',
            "Neuron(nin, rng=rng)",
        ),
        (
            "rng not passed on",
            'Neuron(nin, activation="tanh", rng=rng)',
            'Neuron(nin, activation="tanh")',
        ),
        (
            "first neuron's parameters",
            "[p for neuron in self.neurons for p in neuron.parameters()]",
            "self.neurons[0].parameters()",
        ),
        (
            "outputs reversed",
            "outs = [neuron(x) for neuron in self.neurons]",
            "outs = [neuron(x) for neuron in reversed(self.neurons)]",
        ),
    ],
    "mlp": [
        (
            "square layers",
            "Layer(sizes[i], sizes[i + 1]",
            "Layer(sizes[i], sizes[i]",
        ),
        (
            "linear output",
            'Layer(sizes[i], sizes[i + 1], activation="tanh", rng=rng)',
            (
                'Layer(sizes[i], sizes[i + 1], activation="tanh", rng=rng, nonlin=i <'
                " len(nouts) - 1)"
            ),
        ),
        (
            "layers reversed",
            "for layer in self.layers:\n            out",
            "for layer in reversed(self.layers):\n            out",
        ),
        (
            "last layer's parameters missing",
            "for layer in self.layers for p in layer.parameters()",
            "for layer in self.layers[:-1] for p in layer.parameters()",
        ),
    ],
    "loss": [
        (
            "sum, not mean",
            "    return total / len(predictions)",
            "    return total",
        ),
        (
            "not squared",
            "(p - t) ** 2 for",
            "(p - t) * 2 for",
        ),
        (
            "hinge sign",
            "(1 - y * s).relu()",
            "(1 + y * s).relu()",
        ),
        (
            "no relu",
            "(1 - y * s).relu()",
            "(1 - y * s)",
        ),
        (
            "constant, not a Value",
            "    return total / len(predictions)",
            "    return Value(total.data / len(predictions))",
        ),
    ],
    "training_loop": [
        (
            "ascent",
            "            p.data -= lr * p.grad",
            "            p.data += lr * p.grad",
        ),
        (
            "no zero_grad",
            "        model.zero_grad()\n",
            "",
        ),
        (
            "not squared",
            "(yout - ygt) ** 2",
            "abs(yout - ygt)",
        ),
        (
            "lr ignored",
            "            p.data -= lr * p.grad",
            "            p.data -= 0.1 * p.grad",
        ),
        (
            "loss after the update",
            "        losses.append(loss.data)\n    return losses",
            (
                "        losses.append(sum(((model(x) - y) ** 2 for x, y in zip(xs,"
                " ys)), Value(0.0)).data)\n"
                "    return losses"
            ),
        ),
    ],
    "momentum": [
        (
            "no momentum",
            "self.beta * self.velocity[i] + p.grad",
            "p.grad",
        ),
        (
            "sign",
            "p.data -= self.lr * self.velocity[i]",
            "p.data += self.lr * self.velocity[i]",
        ),
        (
            "lr twice",
            "self.beta * self.velocity[i] + p.grad",
            "self.beta * self.velocity[i] + self.lr * p.grad",
        ),
        (
            "grad for velocity",
            "p.data -= self.lr * self.velocity[i]",
            "p.data -= self.lr * p.grad",
        ),
    ],
    "own_op": [
        (
            "inverted",
            "return (x / output,)",
            "return (output / x,)",
        ),
        (
            "lost the half",
            "return (x / output,)",
            "return (2 * x / output,)",
        ),
        (
            "times for over",
            "return (x / output,)",
            "return (x * output,)",
        ),
        (
            "math on a Value",
            "return (x / output,)",
            "return (x / math.sqrt(x * x + 1.0),)",
        ),
        (
            "check checks nothing",
            "    check_operation(SmoothAbs(), finite_floats(-10, 10), order=2, max_examples=50)",
            "    SmoothAbs()",
        ),
    ],
    "relu_op": [
        (
            "x >= 0",
            "return (1.0 if x > 0 else 0.0,)",
            "return (1.0 if x >= 0 else 0.0,)",
        ),
        (
            "x, not 1",
            "return (1.0 if x > 0 else 0.0,)",
            "return (x if x > 0 else 0.0,)",
        ),
        (
            "reversed",
            "return (1.0 if x > 0 else 0.0,)",
            "return (1.0 if x < 0 else 0.0,)",
        ),
        (
            "forward abs",
            "return x if x > 0 else 0.0",
            "return abs(x)",
        ),
    ],
    "second_derivative": [
        (
            "first derivative only",
            "    return executor.grad(dy, v)",
            "    return dy.data",
        ),
        (
            "no create_graph",
            "dy = executor.grad(f(v), v, create_graph=True)",
            "dy = executor.grad(f(v), v)",
        ),
        (
            "tanh_second sign",
            "return -2 * t * (1 - t**2)",
            "return 2 * t * (1 - t**2)",
        ),
        (
            "tanh_second, 1 - t",
            "return -2 * t * (1 - t**2)",
            "return -2 * t * (1 - t)",
        ),
        (
            "tanh_second forgot the chain",
            "return -2 * t * (1 - t**2)",
            "return -2 * t",
        ),
    ],
}

ROWS = [(ident, *row) for ident, rows in MUTANTS.items() for row in rows]


def mutant(ident: str, old: str, new: str) -> str:
    exercise = find(ident)
    assert exercise is not None
    solution = exercise.solution
    assert solution.count(old) == 1, f"{ident}: {old!r} occurs {solution.count(old)} times"
    return solution.replace(old, new)


def test_every_exercise_has_a_mutation_table_of_at_least_four_slips() -> None:
    assert set(MUTANTS) == {e.id for e in EXERCISES}
    assert all(len(rows) >= 4 for rows in MUTANTS.values())


@pytest.mark.parametrize(
    ("ident", "slip", "old", "new"), ROWS, ids=[f"{r[0]}: {r[1]}" for r in ROWS]
)
def test_exercises_grader_fails_the_slip(ident: str, slip: str, old: str, new: str) -> None:
    report = grade(mutant(ident, old, new), filename=f"{ident}.py")
    assert not report.passed, f"{ident}: the slip {slip!r} passed"
    assert report.lines[0].startswith(f"failed: {ident}  ")


if __name__ == "__main__":
    killed = 0
    for ident, slip, old, new in ROWS:
        report = grade(mutant(ident, old, new), filename=f"{ident}.py")
        killed += not report.passed
        print(f"{'killed' if not report.passed else 'SURVIVED'}  {ident}: {slip}")
        print("    " + (report.lines[1] if len(report.lines) > 1 else report.lines[0]))
    print(f"mutation rate: {killed}/{len(ROWS)} killed ({100 * killed / len(ROWS):.0f}%)")
