"""NumPy side of `npm run bench` (scripts/bench/ runs it as a child process).

Reads a JSON config on stdin, prints one JSON object on stdout (the last line):
  W1  the chapter's code (its classes and its XOR training loop, verbatim, float64);
  W2  784-256-128-10 ReLU/ReLU/softmax cross-entropy, batch 64, SGD, from the weights and data
      scratchnet wrote to files: a float32 loop, and the chapter's classes (float64) with a
      Linear output layer and the loss taken on the logits;
  W3  np.matmul (float32, into a preallocated output) on the given shapes;
  W4  784-128-10 ReLU/softmax cross-entropy, batch 64, Adam, shuffled with scratchnet's own row
      orders (order.i32), from scratchnet's starting weights: a float32 loop.
The BLAS thread count is whatever the environment says (scripts/bench/lib/numpy.ts sets OPENBLAS_NUM_THREADS=1 for
the one-thread column); the count actually in force is read back from OpenBLAS and reported.
"""
import contextlib
import ctypes
import io
import json
import os
import platform
import sys
import time
from typing import List, Tuple, Optional

import numpy as np

# The clock of every measurement: wall time, or (config "clock": "cpu", one BLAS thread) this
# process's CPU time, which other processes on a shared machine do not inflate.
clock = time.perf_counter


# ---------------------------------------------------------------------------------------------
# The chapter's classes, verbatim (neural-networks-from-scratch.md).
# ---------------------------------------------------------------------------------------------

class Activation:
    """Base class for activation functions"""
    
    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        raise NotImplementedError
        
    @staticmethod
    def backward(x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

class ReLU(Activation):
    """Rectified Linear Unit activation function"""
    
    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        return np.maximum(0, x)
    
    @staticmethod
    def backward(x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, 1, 0)

class Sigmoid(Activation):
    """Sigmoid activation function"""
    
    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-x))
    
    @staticmethod
    def backward(x: np.ndarray) -> np.ndarray:
        s = Sigmoid.forward(x)
        return s * (1 - s)

class Layer:
    """Neural network layer implementation"""
    
    def __init__(self, input_size: int, output_size: int, activation: Activation):
        self.weights = np.random.randn(input_size, output_size) * 0.01
        self.bias = np.zeros((1, output_size))
        self.activation = activation
        
        # Cache for backpropagation
        self.input = None
        self.output = None
        self.activation_input = None
        
    def forward(self, x: np.ndarray) -> np.ndarray:
        """Forward pass through the layer"""
        self.input = x
        self.activation_input = x @ self.weights + self.bias
        self.output = self.activation.forward(self.activation_input)
        return self.output
    
    def backward(self, grad_output: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Backward pass through the layer"""
        # Gradient of activation
        grad_activation = grad_output * self.activation.backward(self.activation_input)
        
        # Gradients of weights and bias
        grad_weights = self.input.T @ grad_activation
        grad_bias = np.sum(grad_activation, axis=0, keepdims=True)
        
        # Gradient for next layer
        grad_input = grad_activation @ self.weights.T
        
        return grad_input, grad_weights, grad_bias

class NeuralNetwork:
    """Simple neural network implementation"""
    
    def __init__(self, layer_sizes: List[int], activations: List[Activation]):
        assert len(layer_sizes) >= 2, "Need at least input and output layers"
        assert len(layer_sizes) - 1 == len(activations), "Need activation for each layer except input"
        
        self.layers = []
        for i in range(len(layer_sizes) - 1):
            layer = Layer(layer_sizes[i], layer_sizes[i + 1], activations[i])
            self.layers.append(layer)
    
    def forward(self, x: np.ndarray) -> np.ndarray:
        """Forward pass through the network"""
        current_input = x
        for layer in self.layers:
            current_input = layer.forward(current_input)
        return current_input
    
    def backward(self, grad_output: np.ndarray, learning_rate: float = 0.01):
        """Backward pass through the network"""
        current_gradient = grad_output
        for layer in reversed(self.layers):
            grad_input, grad_weights, grad_bias = layer.backward(current_gradient)
            # Update weights and biases
            layer.weights -= learning_rate * grad_weights
            layer.bias -= learning_rate * grad_bias
            current_gradient = grad_input


# ---------------------------------------------------------------------------------------------
# W1: the chapter's training loop, verbatim (np.random.seed(42) first, as the chapter's
# notebook does before building the network; its progress lines go to a discarded buffer).
# ---------------------------------------------------------------------------------------------

def chapter_xor(epochs: int) -> List[float]:
    np.random.seed(42)

    # Generate a simple dataset: XOR problem
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([[0], [1], [1], [0]])

    # Create a neural network with one hidden layer
    network = NeuralNetwork(
        layer_sizes=[2, 4, 1],  # Input layer: 2, Hidden layer: 4, Output layer: 1
        activations=[ReLU(), Sigmoid()]  # ReLU for hidden layer, Sigmoid for output
    )

    # Training loop
    learning_rate = 0.1
    losses = []

    for epoch in range(epochs):
        # Forward pass
        output = network.forward(X)
        
        # Compute loss (binary cross-entropy)
        loss = -np.mean(y * np.log(output + 1e-15) + (1 - y) * np.log(1 - output + 1e-15))
        losses.append(loss)
        
        # Compute gradient of loss with respect to output
        grad_output = -(y / (output + 1e-15) - (1 - y) / (1 - output + 1e-15)) / len(X)
        
        # Backward pass
        network.backward(grad_output, learning_rate)
        
        # Print progress every 1000 epochs
        if epoch % 1000 == 0:
            print(f"Epoch {epoch}, Loss: {loss:.4f}")
    return losses


def run_w1(cfg: dict) -> dict:
    epochs = int(cfg["epochs"])
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        warm = 0.0
        while True:  # warm-up: shortened runs until warmup_s has passed
            t = clock()
            chapter_xor(min(epochs, 1000))
            warm += clock() - t
            if warm >= float(cfg.get("warmup_s", 0.3)):
                break
        us = []
        losses: List[float] = []
        for _ in range(int(cfg["reps"])):
            t = clock()
            losses = chapter_xor(epochs)
            us.append((clock() - t) / epochs * 1e6)
    return {
        "us_per_epoch": us,
        "loss": float(losses[-1]),
        "log": [float(losses[e]) for e in range(0, epochs, 1000)],
    }


# ---------------------------------------------------------------------------------------------
# W2: the MLP, from the starting weights and data scratchnet wrote.
# ---------------------------------------------------------------------------------------------

class Linear(Activation):
    """Identity output activation: the chapter's classes with the loss taken on the logits."""

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        return x

    @staticmethod
    def backward(x: np.ndarray) -> np.ndarray:
        return np.ones_like(x)


def softmax_cross_entropy(z: np.ndarray, t: np.ndarray) -> Tuple[float, np.ndarray]:
    """Mean over rows of -sum(t * log softmax(z)), and its gradient (softmax(z) - t) / rows."""
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    s = e.sum(axis=1, keepdims=True)
    lse = np.log(s) + m
    loss = float(np.sum(t * (lse - z), dtype=np.float64) / z.shape[0])
    grad = (e / s - t) / z.dtype.type(z.shape[0])
    return loss, grad


def load_w2(cfg: dict):
    d, sizes, n = cfg["dir"], cfg["sizes"], int(cfg["n"])
    x = np.fromfile(os.path.join(d, "x.f32"), dtype="<f4").reshape(n, sizes[0])
    y = np.fromfile(os.path.join(d, "y.f32"), dtype="<f4").reshape(n, sizes[-1])
    params = []
    for i in range(len(sizes) - 1):
        w = np.fromfile(os.path.join(d, f"w{i}.f32"), dtype="<f4").reshape(sizes[i], sizes[i + 1])
        b = np.fromfile(os.path.join(d, f"b{i}.f32"), dtype="<f4").reshape(1, sizes[i + 1])
        params.append((w, b))
    return x, y, params


TINY = np.finfo(np.float32).tiny  # 2^-126, the smallest normal float32


class AdamF32:
    """Adam as scratchnet's kernel computes it (float32): m, v (flushed to 0 below 2^-126, as the
    kernels do), then (lr·c1)·(m / (sqrt(v·c2) + eps))."""

    def __init__(self, shapes, lr: float, beta1=0.9, beta2=0.999, eps=1e-7):
        self.m = [np.zeros(s, dtype=np.float32) for s in shapes]
        self.v = [np.zeros(s, dtype=np.float32) for s in shapes]
        self.lr, self.b1, self.b2, self.eps = np.float32(lr), np.float32(beta1), np.float32(beta2), np.float32(eps)
        self.p1 = self.p2 = 1.0
        self.c1 = self.c2 = np.float32(1)

    def step(self):
        self.p1 *= float(self.b1)
        self.p2 *= float(self.b2)
        self.c1, self.c2 = np.float32(1 / (1 - self.p1)), np.float32(1 / (1 - self.p2))

    def update(self, i: int, p, g):
        m, v = self.m[i], self.v[i]
        m *= self.b1
        m += (1 - self.b1) * g
        v *= self.b2
        v += (1 - self.b2) * (g * g)
        m[np.abs(m) < TINY] = 0
        v[v < TINY] = 0
        p -= (self.lr * self.c1) * (m / (np.sqrt(v * self.c2) + self.eps))


def mlp_f32(x, y, params, batch: int, lr: float, epochs: int, optimizer: str = "sgd", orders=None):
    """A float32 training loop: the same products, in the same order, as scratchnet's."""
    W = [w.copy() for w, _ in params]
    B = [b.copy() for _, b in params]
    lr32 = np.float32(lr)
    n = x.shape[0]
    L = len(W)
    adam = AdamF32([a.shape for pair in zip(W, B) for a in pair], lr) if optimizer == "adam" else None
    times, epoch_loss = [], []
    for e in range(epochs):
        t0 = clock()
        total = 0.0
        order = orders[e] if orders is not None else None
        for start in range(0, n, batch):
            if order is not None:
                rows_ix = order[start:start + batch]
                xb, tb = x[rows_ix], y[rows_ix]
            else:
                xb, tb = x[start:start + batch], y[start:start + batch]
            rows = xb.shape[0]
            inputs, zs = [], []
            a = xb
            for i in range(L):
                inputs.append(a)
                z = a @ W[i] + B[i]
                zs.append(z)
                a = np.maximum(z, np.float32(0)) if i < L - 1 else z
            loss, g = softmax_cross_entropy(zs[-1], tb)
            total += loss * rows
            if adam is not None:
                adam.step()
            for i in range(L - 1, -1, -1):
                if i < L - 1:
                    g = g * (zs[i] > 0)
                dw = inputs[i].T @ g
                db = g.sum(axis=0, keepdims=True)
                if i > 0:
                    g_next = g @ W[i].T
                if adam is not None:
                    adam.update(2 * i, W[i], dw)
                    adam.update(2 * i + 1, B[i], db)
                else:
                    W[i] -= lr32 * dw
                    B[i] -= lr32 * db
                if i > 0:
                    g = g_next
        times.append(clock() - t0)
        epoch_loss.append(total / n)
    return times, epoch_loss


def mlp_chapter_f64(x, y, params, batch: int, lr: float, epochs: int):
    """The chapter's classes (float64, as the chapter runs), Linear output + softmax CE on logits."""
    sizes = [params[0][0].shape[0]] + [w.shape[1] for w, _ in params]
    np.random.seed(42)
    network = NeuralNetwork(sizes, [ReLU() for _ in range(len(sizes) - 2)] + [Linear()])
    for layer, (w, b) in zip(network.layers, params):
        layer.weights = w.astype(np.float64)
        layer.bias = b.astype(np.float64)
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    n = x.shape[0]
    times, epoch_loss = [], []
    for _ in range(epochs):
        t0 = clock()
        total = 0.0
        for start in range(0, n, batch):
            xb, tb = x64[start:start + batch], y64[start:start + batch]
            output = network.forward(xb)
            loss, grad_output = softmax_cross_entropy(output, tb)
            total += loss * xb.shape[0]
            network.backward(grad_output, lr)
        times.append(clock() - t0)
        epoch_loss.append(total / n)
    return times, epoch_loss


def run_w2(cfg: dict) -> dict:
    """W2 (SGD, rows in order) or W4 (Adam, scratchnet's shuffled orders): per-epoch rates and losses."""
    x, y, params = load_w2(cfg)
    out = {}
    epochs = int(cfg["epochs"])
    orders = None
    if cfg.get("shuffled"):
        orders = np.fromfile(os.path.join(cfg["dir"], "order.i32"), dtype="<i4").reshape(epochs, x.shape[0])
    opt = cfg.get("optimizer", "sgd")
    variants = {
        "f32": lambda *a: mlp_f32(*a, optimizer=opt, orders=orders),
        "chapter_f64": mlp_chapter_f64,
    }
    for name in cfg["variants"]:
        times, losses = variants[name](x, y, params, int(cfg["batch"]), float(cfg["lr"]), epochs)
        out[name] = {
            "samples_per_sec": [x.shape[0] / t for t in times[1:]],  # epoch 0 is the warm-up
            "epoch_loss": losses,
        }
    return out


# ---------------------------------------------------------------------------------------------
# W3: np.matmul.
# ---------------------------------------------------------------------------------------------

def sample_calls(fn, reps: int, target_ms: float, warmup_ms: float, budget_ms: float) -> List[float]:
    t = clock(); fn(); first = max((clock() - t) * 1e3, 1e-4)
    inner = max(1, min(1_000_000, int(np.ceil(target_ms / first))))
    warm = first
    while True:
        t = clock()
        for _ in range(inner):
            fn()
        warm += (clock() - t) * 1e3
        if warm >= warmup_ms:
            break
    per_call, spent = [], 0.0
    for _ in range(reps):
        t = clock()
        for _ in range(inner):
            fn()
        dt = (clock() - t) * 1e3
        per_call.append(dt / inner)
        spent += dt
        if spent + dt > budget_ms:
            break
    return per_call


def run_w3(cfg: dict) -> dict:
    rng = np.random.default_rng(11)
    out = {}
    for s in cfg["shapes"]:
        m, n, k, ta, tb = s["m"], s["n"], s["k"], s["transA"], s["transB"]
        a = rng.random(m * k, dtype=np.float32) - np.float32(0.5)
        b = rng.random(k * n, dtype=np.float32) - np.float32(0.5)
        A = a.reshape(k, m).T if ta else a.reshape(m, k)
        Bm = b.reshape(n, k).T if tb else b.reshape(k, n)
        c = np.empty((m, n), dtype=np.float32)
        out[s["id"]] = {"per_call_ms": sample_calls(lambda: np.matmul(A, Bm, out=c), int(cfg["reps"]),
                                                    float(cfg["target_ms"]), float(cfg["warmup_ms"]),
                                                    float(cfg.get("budget_ms", 1e12)))}
    return out


# ---------------------------------------------------------------------------------------------

def blas_info() -> dict:
    info = {"env_OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS")}
    try:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info.update({"name": cfg.get("name"), "version": cfg.get("version")})
    except Exception as e:  # older NumPy
        info["show_config_error"] = str(e)
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({l.split()[-1] for l in f if "openblas" in l.lower() and l.split()[-1].startswith("/")})
        for path in libs:
            lib = ctypes.CDLL(path)
            for sym in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads"):
                f = getattr(lib, sym, None)
                if f is not None:
                    info["threads"] = int(f())
                    break
            for sym in ("scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename"):
                f = getattr(lib, sym, None)
                if f is not None:
                    f.restype = ctypes.c_char_p
                    info["corename"] = f().decode()
                    break
            for sym in ("scipy_openblas_get_config64_", "openblas_get_config64_", "openblas_get_config"):
                f = getattr(lib, sym, None)
                if f is not None:
                    f.restype = ctypes.c_char_p
                    info["config"] = f().decode().strip()
                    break
    except Exception as e:
        info["probe_error"] = str(e)
    return info


def main() -> None:
    global clock
    cfg = json.loads(sys.stdin.read() or "{}")
    if cfg.get("clock") == "cpu":
        clock = time.process_time
    out = {"numpy": np.__version__, "python": platform.python_version(), "blas": blas_info()}
    if cfg.get("w1"):
        out["w1"] = run_w1(cfg["w1"])
    if cfg.get("w2"):
        out["w2"] = run_w2(cfg["w2"])
    if cfg.get("w3"):
        out["w3"] = run_w3(cfg["w3"])
    if cfg.get("w4"):
        out["w4"] = run_w2(cfg["w4"])
    sys.stdout.write("\n" + json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
