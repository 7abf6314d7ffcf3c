"""opgrad's neural-network library, built on the autograd engine's public API."""

from nn.module import MLP, Layer, Module, MultiLayerPerceptron, Neuron
from nn.serialize import load_model, save_model

__all__ = [
    "MLP",
    "Layer",
    "Module",
    "MultiLayerPerceptron",
    "Neuron",
    "load_model",
    "save_model",
]
