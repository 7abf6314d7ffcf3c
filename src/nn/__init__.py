"""opgrad's neural-network library, built on the autograd engine's public API."""

from nn.dead import dead_relu_layers
from nn.losses import (
    accuracy,
    binary_accuracy,
    binary_cross_entropy,
    l2,
    max_margin,
    mse,
    softmax_cross_entropy,
)
from nn.module import MLP, Layer, LectureMLP, Module, MultiLayerPerceptron, Neuron
from nn.optim import SGD, Adam, LinearDecay, Optimizer
from nn.plot import plot_decision_boundary, plot_history
from nn.serialize import load_model, save_model
from nn.train import Evaluation, Graph, History, Trainer, build_graph, fit

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "Evaluation",
    "Graph",
    "History",
    "Layer",
    "LectureMLP",
    "LinearDecay",
    "Module",
    "MultiLayerPerceptron",
    "Neuron",
    "Optimizer",
    "Trainer",
    "accuracy",
    "binary_accuracy",
    "binary_cross_entropy",
    "build_graph",
    "dead_relu_layers",
    "fit",
    "l2",
    "load_model",
    "max_margin",
    "mse",
    "plot_decision_boundary",
    "plot_history",
    "save_model",
    "softmax_cross_entropy",
]
