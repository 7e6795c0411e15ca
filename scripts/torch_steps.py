#!/usr/bin/env python3
"""PyTorch (CPU) side of the CPU speed comparison: the same networks, batches and optimizer as MemScope's.

Builds a torch module from a MemScope network file (samples/*.json), trains it on one fixed batch of Gaussian
noise with SGD (momentum 0.9, weight decay 5e-4, lr 0.01, as `memscope train` does by default) and prints one
JSON line per measurement: the step times in milliseconds of every step after the warm-up ones (profile: the
self CPU time per step of each ATen operator under torch's profiler, for where a step goes). Also times one
convolution layer (forward, and forward with both gradients) and one sgemm, for the kernel-level comparison.

Usage: torch_steps.py --threads 2 [--warm-up SECONDS] net SAMPLE.json BATCH STEPS
       torch_steps.py --threads 2 profile SAMPLE.json BATCH STEPS
       torch_steps.py --threads 2 conv N C K H W STEPS
       torch_steps.py --threads 2 sgemm M N K STEPS
Debian: apt-get install python3-torch (CPU build with mkldnn).
"""
import json
import sys
import time


def build(spec):
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.order = []
            self.mods = nn.ModuleDict()
            shapes = {}
            c, h, w = spec["input"]["channels"], spec["input"]["height"], spec["input"]["width"]
            prev = None
            features = None
            for layer in spec["layers"]:
                name, kind = layer["name"], layer["type"]
                inputs = layer.get("inputs") or ([prev] if prev else ["input"])
                src = shapes.get(inputs[0], (c, h, w)) if inputs[0] != "input" else (c, h, w)
                key = "m%d" % len(self.order)
                mod = None
                if kind == "conv2d":
                    k, s, p = layer["kernel"], layer.get("stride", 1), layer.get("padding", 0)
                    mod = nn.Conv2d(src[0], layer["out_channels"], k, s, p, bias=layer.get("bias", True))
                    out = (layer["out_channels"], (src[1] + 2 * p - k) // s + 1, (src[2] + 2 * p - k) // s + 1)
                elif kind in ("batchnorm2d",):
                    mod = nn.BatchNorm2d(src[0], eps=layer.get("eps", 1e-5), momentum=layer.get("momentum", 0.1))
                    out = src
                elif kind == "relu":
                    mod = nn.ReLU()
                    out = src
                elif kind == "leaky_relu":
                    mod = nn.LeakyReLU(layer.get("negative_slope", 0.01))
                    out = src
                elif kind in ("maxpool2d", "avgpool2d"):
                    k = layer["kernel"]
                    s, p = layer.get("stride", k), layer.get("padding", 0)
                    mod = (nn.MaxPool2d if kind == "maxpool2d" else nn.AvgPool2d)(k, s, p)
                    out = (src[0], (src[1] + 2 * p - k) // s + 1, (src[2] + 2 * p - k) // s + 1)
                elif kind == "global_avgpool":
                    mod = nn.AdaptiveAvgPool2d(1)
                    out = (src[0], 1, 1)
                elif kind == "flatten":
                    mod = nn.Flatten()
                    out = (src[0] * src[1] * src[2], 1, 1)
                elif kind == "linear":
                    mod = nn.Linear(src[0] * src[1] * src[2], layer["out_features"], bias=layer.get("bias", True))
                    out = (layer["out_features"], 1, 1)
                elif kind == "dropout":
                    mod = nn.Dropout(layer.get("p", 0.5))
                    out = src
                elif kind == "add":
                    out = src
                elif kind == "softmax_cross_entropy":
                    out = src
                else:
                    raise SystemExit("torch_steps.py: layer %s: type %s has no PyTorch counterpart here" % (name, kind))
                if mod is not None:
                    self.mods[key] = mod
                self.order.append((name, kind, key if mod is not None else None, inputs))
                shapes[name] = out
                prev = name

        def forward(self, x, labels):
            values = {"input": x}
            last = x
            for name, kind, key, inputs in self.order:
                if kind == "add":
                    last = values[inputs[0]] + values[inputs[1]]
                elif kind == "softmax_cross_entropy":
                    return nn.functional.cross_entropy(values[inputs[0]], labels)
                else:
                    last = self.mods[key](values[inputs[0]])
                values[name] = last
            raise SystemExit("torch_steps.py: the network has no softmax_cross_entropy loss")

    return Net()


WARM_UP_SECONDS = 0.0


def timed(fn, steps, warmup=2):
    """Step times in ms of `steps` calls after `warmup` calls and at least WARM_UP_SECONDS of them."""
    start = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - start < WARM_UP_SECONDS:
        fn()
        done += 1
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def main(argv):
    import torch

    global WARM_UP_SECONDS
    threads = 2
    while argv[:1] in (["--threads"], ["--warm-up"]):
        if argv[0] == "--threads":
            threads = int(argv[1])
        else:
            WARM_UP_SECONDS = float(argv[1])
        argv = argv[2:]
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    what = argv[0]
    if what in ("net", "profile"):
        path, batch, steps = argv[1], int(argv[2]), int(argv[3])
        with open(path) as f:
            spec = json.load(f)
        net = build(spec)
        net.train()
        inp = spec["input"]
        x = torch.randn(batch, inp["channels"], inp["height"], inp["width"])
        classes = [l for l in spec["layers"] if l["type"] in ("linear",)][-1]["out_features"]
        labels = torch.randint(0, classes, (batch,))
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

        def step():
            opt.zero_grad(set_to_none=False)
            loss = net(x, labels)
            loss.backward()
            opt.step()

        if what == "net":
            result = {"what": "net", "name": spec.get("name", path), "batch": batch, "ms": timed(step, steps)}
        else:
            timed(step, 3)
            with torch.autograd.profiler.profile() as prof:
                for _ in range(steps):
                    step()
            per_op = {e.key: e.self_cpu_time_total / 1e3 / steps for e in prof.key_averages()}
            result = {"what": "profile", "name": spec.get("name", path), "batch": batch, "self_ms": per_op}
    elif what == "conv":
        n, c, k, h, w, steps = (int(v) for v in argv[1:7])
        conv = torch.nn.Conv2d(c, k, 3, 1, 1, bias=False)
        x = torch.randn(n, c, h, w, requires_grad=True)
        with torch.no_grad():
            y = conv(x)
        dy = torch.randn_like(y)
        fwd = timed(lambda: conv(x.detach()), steps)
        # forward and both gradients (input and weight) in one autograd call: what a training step does
        both = timed(lambda: torch.autograd.grad(conv(x), (x, conv.weight), dy), steps)
        result = {"what": "conv", "shape": [n, c, k, h, w], "fwd_ms": fwd, "fwd_bwd_ms": both}
    elif what == "sgemm":
        m, n, k, steps = (int(v) for v in argv[1:5])
        a, b = torch.randn(m, k), torch.randn(k, n)
        result = {"what": "sgemm", "shape": [m, n, k], "ms": timed(lambda: torch.mm(a, b), steps)}
    else:
        raise SystemExit("torch_steps.py: unknown measurement %s (net, conv or sgemm)" % what)
    result["torch"] = torch.__version__
    result["threads"] = torch.get_num_threads()
    result["mkldnn"] = bool(torch.backends.mkldnn.is_available())
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
