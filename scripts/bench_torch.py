#!/usr/bin/env python3
"""PyTorch on the same networks, batches and card as MemScope's GpuBenchmark, for comparison.

Builds each network from MemScope's own JSON file (samples/NAME.json), so the layers are the same, trains it in
float32 with SGD (lr 0.01, momentum 0.9, weight decay 5e-4) on random data of the right shape, and measures the
median step time (after warm-up steps, with torch.cuda.synchronize around each step) and
torch.cuda.max_memory_allocated over the steps (PyTorch's caching allocator's peak of tensors in use; cuDNN's
handle and the context are not in it, as they are not in MemScope's arena). TF32 is turned off, so both do FP32
arithmetic. scripts/gpu-check.sh runs it where torch is installed.

usage: bench_torch.py SAMPLES_DIR [OUT.md]
"""
import json
import statistics
import sys
import time

CASES = [("lenet5", 256, 60), ("resnet18_cifar", 128, 30)]
WARMUP = 2


def build(spec, torch):
    nn = torch.nn
    c, h, w = spec["input"]["channels"], spec["input"]["height"], spec["input"]["width"]
    shapes = {}
    modules = nn.ModuleDict()
    order = []
    prev = None
    for layer in spec["layers"]:
        name, kind = layer["name"], layer["type"]
        inputs = layer.get("inputs", [prev] if prev else [])
        in_shape = shapes[inputs[0]] if inputs else (c, h, w)
        key = name.replace(".", "_")
        if kind == "conv2d":
            k, s, p = layer["kernel"], layer.get("stride", 1), layer.get("padding", 0)
            m = nn.Conv2d(in_shape[0], layer["out_channels"], k, s, p, bias=layer.get("bias", True))
            out = (layer["out_channels"], (in_shape[1] + 2 * p - k) // s + 1, (in_shape[2] + 2 * p - k) // s + 1)
        elif kind == "batchnorm2d":
            m = nn.BatchNorm2d(in_shape[0], eps=layer.get("eps", 1e-5), momentum=layer.get("momentum", 0.1))
            out = in_shape
        elif kind == "relu":
            m, out = nn.ReLU(), in_shape
        elif kind == "leaky_relu":
            m, out = nn.LeakyReLU(layer.get("negative_slope", 0.01)), in_shape
        elif kind in ("maxpool2d", "avgpool2d"):
            k = layer["kernel"]
            s, p = layer.get("stride", k), layer.get("padding", 0)
            m = nn.MaxPool2d(k, s, p) if kind == "maxpool2d" else nn.AvgPool2d(k, s, p, count_include_pad=True)
            out = (in_shape[0], (in_shape[1] + 2 * p - k) // s + 1, (in_shape[2] + 2 * p - k) // s + 1)
        elif kind == "global_avgpool":
            m, out = nn.AdaptiveAvgPool2d(1), (in_shape[0], 1, 1)
        elif kind == "flatten":
            m, out = nn.Flatten(), (in_shape[0] * in_shape[1] * in_shape[2], 1, 1)
        elif kind == "linear":
            m = nn.Linear(in_shape[0] * in_shape[1] * in_shape[2], layer["out_features"], bias=layer.get("bias", True))
            out = (layer["out_features"], 1, 1)
        elif kind == "dropout":
            m, out = nn.Dropout(layer.get("p", 0.5)), in_shape
        elif kind == "add":
            m, out = None, in_shape
        elif kind == "softmax_cross_entropy":
            m, out = None, in_shape
        else:
            raise SystemExit(f"bench_torch.py: layer type {kind} ({name}) is not mapped to PyTorch")
        if m is not None:
            modules[key] = m
        shapes[name] = out
        order.append((name, key, kind, inputs))
        prev = name

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = modules

        def forward(self, x):
            values = {}
            last = None
            for name, key, kind, inputs in order:
                args = [values[i] for i in inputs] if inputs else [x]
                if kind == "add":
                    y = args[0] + args[1]
                elif kind == "softmax_cross_entropy":
                    y = args[0]
                else:
                    y = self.layers[key](args[0])
                values[name] = y
                last = y
            return last

    return Net(), (c, h, w), shapes


def main():
    import torch

    samples = sys.argv[1] if len(sys.argv) > 1 else "samples"
    out_path = sys.argv[2] if len(sys.argv) > 2 else None
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    device = torch.device("cuda")
    lines = [f"## PyTorch {torch.__version__} on {torch.cuda.get_device_name(0)} (cuDNN {torch.backends.cudnn.version()})",
             "", "FP32 (TF32 off), SGD lr 0.01 momentum 0.9 weight decay 5e-4, random data; median step after "
             f"{WARMUP} warm-up steps; peak is torch.cuda.max_memory_allocated over the steps.", "",
             "| network | batch | steps | median step | peak allocated |", "|---|---:|---:|---:|---:|"]
    for sample, batch, steps in CASES:
        with open(f"{samples}/{sample}.json") as f:
            spec = json.load(f)
        torch.manual_seed(1)
        net, (c, h, w), shapes = build(spec, torch)
        net = net.to(device)
        classes = shapes[spec["layers"][-1]["name"]][0]
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        loss_fn = torch.nn.CrossEntropyLoss()
        x = torch.randn(batch, c, h, w, device=device)
        y = torch.randint(0, classes, (batch,), device=device)
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        times = []
        for step in range(steps):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(x), y)
            loss.backward()
            opt.step()
            torch.cuda.synchronize()
            times.append(time.perf_counter() - t0)
        median = statistics.median(times[WARMUP:]) * 1e3
        peak = torch.cuda.max_memory_allocated()
        line = f"| {sample} | {batch} | {steps} | {median:.2f} ms | {peak / 2**20:.1f} MiB |"
        print(line, flush=True)
        lines.append(line)
        del net, opt, x, y
        torch.cuda.empty_cache()
    text = "\n".join(lines) + "\n"
    print(text)
    if out_path:
        with open(out_path, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
