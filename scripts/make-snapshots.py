#!/usr/bin/env python3
"""Synthetic PyTorch memory snapshots for MemScope's import tests, and the facts of any snapshot.

`torch.cuda.memory._dump_snapshot()` pickles a dict: `segments` (the allocator's state when the snapshot was
taken) and `device_traces` (one list of trace entries per device, the allocator's ring buffer). Its layout
changed between PyTorch releases; each file `write` makes holds one variant, built as the PyTorch release of
its name builds it, with plain Python values only (no torch needed):

  v2_0_history_p2.pickle     2.0: blocks without addresses, each with a `history` of {addr, real_size,
                             frames}; trace entries without `time_us`; an `oom` entry with `device_free`
                             and a `snapshot` entry; Python frames only; pickle protocol 2
  v2_1_blocks_p3.pickle      2.1: blocks with `address`, `requested_size`, `frames`; segments with
                             `segment_pool_id`, `is_expandable`, `frames`; combined C++/Python frames as
                             `stacks="all"` records them; a segment allocated and freed; protocol 3
  v2_2_devices_p4.pickle     2.2+: `time_us`; two devices (device 1 the busier); `allocator_settings`;
                             protocol 4
  v2_6_expandable_p5.pickle  2.6+: expandable segments (segment_map / segment_unmap), `compile_context`,
                             `user_metadata`, an `oom`, a block pending free, and a ring buffer that wrapped:
                             frees of blocks allocated before the first entry and blocks alive at the
                             snapshot whose alloc is not in the trace; protocol 5
  segments_only_p4.pickle    no trace (history was not recorded): only the blocks alive at the snapshot

and hostile or broken files that must be refused without executing anything (see HOSTILE below).

`facts FILE [--device N]` reads a snapshot with Python's own pickle module and prints, as JSON, what MemScope's
import must find: the count of each action, the allocations, the blocks alive before the first entry, the
peak of allocated bytes (entry sizes, as PyTorch's trace records them), the reserved bytes before the trace
and at their peak, and the category each allocation's frames give by the rules of docs/PYTORCH_IMPORT.md.
The import tests assert these numbers.

Usage: scripts/make-snapshots.py write [OUTDIR]      (default trainer/src/test/resources/pytorch)
       scripts/make-snapshots.py facts FILE [--device N]
The output of `write` is the same bytes on every run.
"""
import json
import os
import pickle
import struct
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "trainer", "src", "test", "resources",
                   "pytorch")
BASE = 0x7F3A_0000_0000
MIB = 1 << 20

# ---- frames -------------------------------------------------------------------------------------------------

TORCH = "/opt/venv/lib/python3.11/site-packages/torch"


def frame(filename, line, name):
    return {"filename": filename, "line": line, "name": name}


USER = frame("/work/train.py", 40, "<module>")
STEP = frame("/work/train.py", 31, "train_step")


def py_stack(kind):
    """Python frames, innermost first, as PyTorch 2.0 records them (stacks='python')."""
    if kind == "parameter":
        return [frame(TORCH + "/nn/modules/module.py", 1143, "convert"),
                frame(TORCH + "/nn/modules/module.py", 797, "_apply"),
                frame(TORCH + "/nn/modules/module.py", 1145, "to"), USER]
    if kind == "activation":
        return [frame(TORCH + "/nn/functional.py", 1469, "relu"),
                frame(TORCH + "/nn/modules/activation.py", 101, "forward"),
                frame(TORCH + "/nn/modules/module.py", 1501, "_call_impl"), STEP, USER]
    if kind == "activation_grad":
        return [frame(TORCH + "/autograd/__init__.py", 200, "backward"),
                frame(TORCH + "/_tensor.py", 487, "backward"), STEP, USER]
    if kind == "optimizer":
        return [frame(TORCH + "/optim/adam.py", 350, "_single_tensor_adam"),
                frame(TORCH + "/optim/adam.py", 141, "step"),
                frame(TORCH + "/optim/optimizer.py", 280, "wrapper"), STEP, USER]
    return [frame("/work/train.py", 12, "make_batch"), USER]


def cpp(name):
    return frame("??", 0, name)


def all_stack(kind):
    """Combined C++ and Python frames, innermost first, as stacks='all' records them (2.1 and later)."""
    top = [cpp("torch::unwind::unwind()"), cpp("torch::CapturedTraceback::gather(bool, bool, bool)"),
           frame("CUDACachingAllocator.cpp", 0,
                 "c10::cuda::CUDACachingAllocator::Native::DeviceCachingAllocator::malloc(int, unsigned long, "
                 "CUstream_st*)")]
    engine = [cpp("torch::autograd::Engine::evaluate_function(std::shared_ptr<torch::autograd::GraphTask>&, "
                  "torch::autograd::Node*, torch::autograd::InputBuffer&, std::shared_ptr<torch::autograd::"
                  "ReadyQueue> const&)"),
              cpp("torch::autograd::Engine::thread_main(std::shared_ptr<torch::autograd::GraphTask> const&)")]
    if kind == "gradient":
        return top + [cpp("torch::autograd::AccumulateGrad::apply(std::vector<at::Tensor, "
                          "std::allocator<at::Tensor> >&&)")] + engine
    if kind == "activation_grad":
        # the autograd engine's own thread: no Python frame at all
        return top + [cpp("torch::autograd::generated::MulBackward0::apply(std::vector<at::Tensor, "
                          "std::allocator<at::Tensor> >&&)")] + engine
    return top + [cpp("at::native::empty_cuda(c10::ArrayRef<long>)")] + py_stack(kind)


# ---- the variants -------------------------------------------------------------------------------------------


class Device:
    """Builds one device's trace and its segments as the allocator would report them."""

    def __init__(self, device, base, frames_of, times=False, t0=1_700_000_000_000_000):
        self.device = device
        self.base = base
        self.frames_of = frames_of
        self.times = times
        self.time = t0
        self.trace = []
        self.live = {}

    def entry(self, action, addr, size, stream=0, frames=None, **extra):
        e = {"action": action, "addr": addr, "size": size, "stream": stream}
        if self.times:
            self.time += 37
            e["time_us"] = self.time
        e["frames"] = frames if frames is not None else []
        e.update(extra)
        self.trace.append(e)
        return e

    def alloc(self, addr, size, kind, stream=0, **extra):
        frames = self.frames_of(kind)
        self.entry("alloc", addr, size, stream, frames, **extra)
        self.live[addr] = (size, frames, stream)

    def free(self, addr, stream=0, requested_only=False, **extra):
        size, frames, _ = self.live[addr]
        self.entry("free_requested", addr, size, stream, self.frames_of("unknown"), **extra)
        if not requested_only:
            self.entry("free_completed", addr, size, stream, self.frames_of("unknown"), **extra)
            del self.live[addr]


def v2_0():
    d = Device(0, BASE, py_stack)
    seg = BASE
    d.entry("segment_alloc", seg, 20 * MIB, frames=py_stack("parameter"))
    d.alloc(seg, 4 * MIB, "parameter")
    d.alloc(seg + 4 * MIB, 4 * MIB, "parameter")
    d.alloc(seg + 8 * MIB, 2 * MIB, "activation")
    d.alloc(seg + 10 * MIB, 3 * MIB, "activation")
    d.free(seg + 8 * MIB)
    d.alloc(seg + 8 * MIB, 1 * MIB, "activation_grad")
    d.entry("oom", 0, 64 * MIB, frames=py_stack("activation"), device_free=5 * MIB)
    d.free(seg + 10 * MIB)
    d.entry("snapshot", 0, 0)
    # the state at the end: one segment of 20 MiB holding the two parameters and the gradient's block
    history = lambda addr, size, kind: [{"addr": addr, "real_size": size, "frames": py_stack(kind)}]
    blocks = [
        {"size": 4 * MIB, "state": "active_allocated", "history": history(seg, 4 * MIB, "parameter")},
        {"size": 4 * MIB, "state": "active_allocated", "history": history(seg + 4 * MIB, 4 * MIB, "parameter")},
        {"size": 1 * MIB, "state": "active_allocated",
         "history": history(seg + 8 * MIB, 1 * MIB, "activation_grad")},
        {"size": 11 * MIB, "state": "inactive", "history": []},
    ]
    segments = [{"device": 0, "address": seg, "total_size": 20 * MIB, "allocated_size": 9 * MIB,
                 "active_size": 9 * MIB, "stream": 0, "segment_type": "large", "blocks": blocks}]
    return {"segments": segments, "device_traces": [d.trace]}


def blocks_of(live, lo, hi, inactive_to=None):
    """2.1+ blocks of the live allocations in [lo, hi), in address order, with the gaps as inactive blocks."""
    blocks = []
    at = lo
    for addr in sorted(a for a in live if lo <= a < hi):
        size, frames, _ = live[addr]
        if addr > at:
            blocks.append({"address": at, "size": addr - at, "requested_size": 0, "state": "inactive",
                           "frames": []})
        rounded = (size + 511) // 512 * 512
        blocks.append({"address": addr, "size": rounded, "requested_size": size, "state": "active_allocated",
                       "frames": frames})
        at = addr + rounded
    if at < hi:
        blocks.append({"address": at, "size": hi - at, "requested_size": 0, "state": "inactive", "frames": []})
    return blocks


def segment(device, address, total, live, stream=0, expandable=False, frames=None):
    blocks = blocks_of(live, address, address + total)
    allocated = sum(b["size"] for b in blocks if b["state"] != "inactive")
    return {"device": device, "address": address, "total_size": total, "allocated_size": allocated,
            "active_size": allocated, "requested_size": sum(b["requested_size"] for b in blocks),
            "stream": stream, "segment_type": "large" if total > MIB else "small", "segment_pool_id": (0, 0),
            "is_expandable": expandable, "frames": frames or [], "blocks": blocks}


def v2_1():
    d = Device(0, BASE, all_stack)
    a = BASE
    b = BASE + 0x4000_0000
    d.entry("segment_alloc", a, 20 * MIB, frames=all_stack("parameter"))
    d.alloc(a, 6 * MIB, "parameter")
    d.alloc(a + 6 * MIB, 6 * MIB, "gradient")
    d.entry("segment_alloc", b, 2 * MIB, stream=0x5601, frames=all_stack("activation"))
    d.alloc(b, 1000, "activation", stream=0x5601)
    d.alloc(b + 1024, 500_000, "activation", stream=0x5601)
    d.alloc(a + 12 * MIB, 3 * MIB, "activation_grad")
    d.free(b, stream=0x5601)
    d.free(b + 1024, stream=0x5601)
    d.entry("segment_free", b, 2 * MIB, stream=0x5601, frames=all_stack("unknown"))
    d.alloc(a + 15 * MIB, 2 * MIB, "optimizer")
    d.free(a + 12 * MIB)
    segments = [segment(0, a, 20 * MIB, d.live, frames=all_stack("parameter"))]
    return {"segments": segments, "device_traces": [d.trace]}


def v2_2():
    d0 = Device(0, BASE, all_stack, times=True)
    d1 = Device(1, BASE + 0x10_0000_0000, all_stack, times=True)
    a = d0.base
    d0.entry("segment_alloc", a, 2 * MIB)
    d0.alloc(a, 1 * MIB, "parameter")
    c = d1.base
    d1.entry("segment_alloc", c, 40 * MIB)
    d1.alloc(c, 8 * MIB, "parameter")
    for i in range(4):
        d1.alloc(c + 8 * MIB + i * 4 * MIB, 4 * MIB, "activation")
    d1.alloc(c + 24 * MIB, 2 * MIB, "gradient")
    for i in range(4):
        d1.free(c + 8 * MIB + i * 4 * MIB)
    d1.alloc(c + 26 * MIB, 8 * MIB, "optimizer")
    settings = {"PYTORCH_CUDA_ALLOC_CONF": "", "max_split_size": -1, "garbage_collection_threshold": 0.0,
                "expandable_segments": False, "roundup_power2_divisions": {"1": 0, "2": 0}}
    segments = [segment(0, a, 2 * MIB, d0.live), segment(1, c, 40 * MIB, d1.live)]
    return {"segments": segments, "device_traces": [d0.trace, d1.trace], "allocator_settings": settings}


def v2_6():
    d = Device(0, BASE, all_stack, times=True)
    s = BASE
    # allocated before the first entry (the ring buffer wrapped): a parameter still alive at the snapshot and
    # an activation the trace frees
    d.live[s] = (3 * MIB, all_stack("parameter"), 0)
    d.live[s + 3 * MIB] = (1 * MIB, all_stack("activation"), 0)
    d.free(s + 3 * MIB)
    d.entry("segment_map", s + 8 * MIB, 4 * MIB)
    d.alloc(s + 8 * MIB, 2 * MIB, "activation", compile_context="[0/0] torch/_dynamo: forward")
    d.alloc(s + 10 * MIB, 2 * MIB, "activation_grad", user_metadata="microbatch 3")
    d.free(s + 8 * MIB)
    d.alloc(s + 4 * MIB, 1 * MIB, "optimizer", stream=0x7A00)
    d.free(s + 4 * MIB, stream=0x7A00, requested_only=True)   # pending: its stream still uses it
    d.entry("oom", 0, 32 * MIB, device_free=6 * MIB, frames=all_stack("activation"))
    d.entry("segment_unmap", s + 8 * MIB, 2 * MIB)
    # at the snapshot: the first 8 MiB mapped since before the trace, and the 2 MiB left of the later map
    live = dict(d.live)
    seg_a = segment(0, s, 8 * MIB, live, expandable=True)
    for blk in seg_a["blocks"]:
        if blk["address"] == s + 4 * MIB:
            blk["state"] = "active_pending_free"
    seg_b = segment(0, s + 10 * MIB, 2 * MIB, live, expandable=True)
    settings = {"PYTORCH_CUDA_ALLOC_CONF": "expandable_segments:True", "expandable_segments": True}
    return {"segments": [seg_a, seg_b], "device_traces": [d.trace], "allocator_settings": settings,
            "external_annotations": []}


def segments_only():
    live = {BASE: (2 * MIB, py_stack("parameter"), 0), BASE + 2 * MIB: (1 * MIB, py_stack("unknown"), 0)}
    return {"segments": [segment(0, BASE, 4 * MIB, live)], "device_traces": [[]]}


VARIANTS = [
    ("v2_0_history_p2.pickle", v2_0, 2),
    ("v2_1_blocks_p3.pickle", v2_1, 3),
    ("v2_2_devices_p4.pickle", v2_2, 4),
    ("v2_6_expandable_p5.pickle", v2_6, 5),
    ("segments_only_p4.pickle", segments_only, 4),
]

# ---- hostile and broken files -------------------------------------------------------------------------------


def hostile():
    small = pickle.dumps(v2_1(), protocol=4)
    proto2 = b"\x80\x02"
    return [
        # GLOBAL + REDUCE: what pickle.loads would turn into os.system("echo pwned")
        ("global_reduce.pickle", proto2 + b"cos\nsystem\nq\x00X\n\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03."),
        # STACK_GLOBAL (protocol 4)
        ("stack_global.pickle", b"\x80\x04\x8c\x08builtins\x94\x8c\x04eval\x94\x93\x94."),
        # REDUCE alone, on plain values
        ("reduce.pickle", proto2 + b"N)R."),
        # BUILD, which would set an object's state
        ("build.pickle", proto2 + b"}N\x62."),
        # EXT1, which names a registered class
        ("ext1.pickle", proto2 + b"\x82\x01."),
        # a valid snapshot cut in the middle
        ("truncated.pickle", small[: len(small) // 2]),
        # a list at the top, not a dict
        ("list_top.pickle", pickle.dumps([1, 2, 3], protocol=4)),
        # a dict that is not a snapshot
        ("not_snapshot.pickle", pickle.dumps({"weights": [1.0, 2.0]}, protocol=4)),
        # BINUNICODE8 announcing 2^62 bytes in a file of a few
        ("huge_length.pickle", b"\x80\x04\x8d" + struct.pack("<Q", 1 << 62) + b"abc"),
        # BINGET of a memo slot never written
        ("bad_memo.pickle", proto2 + b"h\x07."),
        # text, not a pickle
        ("text.pickle", b"segments: []\n"),
    ]


# ---- facts ------------------------------------------------------------------------------------------------


def category(frames):
    """The rules of docs/PYTORCH_IMPORT.md: the innermost frame any rule recognises decides."""
    for f in frames:
        name = f.get("name", "")
        path = f.get("filename", "").replace("\\", "/")
        if "AccumulateGrad" in name:
            return "GRADIENT"
        if "/torch/optim/" in path:
            return "OPTIMIZER_STATE"
        if name.startswith("torch::autograd::Engine::") or (
                name == "backward" and ("/torch/autograd/" in path or path.endswith("/torch/_tensor.py"))):
            return "ACTIVATION_GRAD"
        if path.endswith("/torch/nn/init.py") or (
                "/torch/nn/modules/" in path and name in ("_apply", "reset_parameters", "__init__",
                                                          "_load_from_state_dict")):
            return "PARAMETER"
        if "/torch/nn/modules/" in path and name in ("forward", "_call_impl", "_wrapped_call_impl"):
            return "ACTIVATION"
    return "UNKNOWN"


def blocks_alive(snapshot, device):
    """(address, requested bytes, frames) of each block in use at the snapshot (2.0: addresses summed up)."""
    out = []
    for seg in snapshot.get("segments", []):
        if seg.get("device", 0) != device:
            continue
        at = seg["address"]
        for b in seg.get("blocks", []):
            addr = b.get("address", at)
            at = addr + b["size"]
            if b["state"] not in ("active_allocated", "active_pending_free"):
                continue
            if "history" in b and b["history"]:
                last = b["history"][-1]
                out.append((last.get("addr", addr), last.get("real_size", b["size"]), last.get("frames", [])))
            else:
                out.append((addr, b.get("requested_size", b["size"]), b.get("frames", [])))
    return out


def facts(snapshot, device):
    traces = snapshot.get("device_traces", [])
    trace = traces[device] if device < len(traces) else []
    actions = {}
    for e in trace:
        actions[e["action"]] = actions.get(e["action"], 0) + 1
    live = {}
    before = []          # blocks freed by the trace that no entry allocated
    categories = {}
    allocated = 0
    reserved_delta = 0
    steps = []           # allocated bytes after each entry, before the blocks alive from the start are added
    for e in trace:
        a = e["action"]
        if a == "alloc":
            live[e["addr"]] = e["size"]
            allocated += e["size"]
            c = category(e.get("frames", []))
            categories[c] = categories.get(c, 0) + 1
        elif a in ("free_requested", "free_completed"):
            if e["addr"] not in live:
                # allocated before the first entry: counted in `start` below, not here
                before.append(e["size"])
                live[e["addr"]] = e["size"]
            if a == "free_completed":
                allocated -= live.pop(e["addr"])
        elif a in ("segment_alloc", "segment_map"):
            reserved_delta += e["size"]
        elif a in ("segment_free", "segment_unmap"):
            reserved_delta -= e["size"]
        steps.append(allocated)
    untraced = [(size, frames) for addr, size, frames in blocks_alive(snapshot, device) if addr not in live]
    untraced_categories = {}
    for _, frames in untraced:
        c = category(frames)
        untraced_categories[c] = untraced_categories.get(c, 0) + 1
    start = sum(before) + sum(size for size, _ in untraced)
    reserved_end = sum(s["total_size"] for s in snapshot.get("segments", []) if s.get("device", 0) == device)
    reserved_before = reserved_end - reserved_delta
    reserved, reserved_peak = reserved_before, reserved_before
    for e in trace:
        if e["action"] in ("segment_alloc", "segment_map"):
            reserved += e["size"]
        elif e["action"] in ("segment_free", "segment_unmap"):
            reserved -= e["size"]
        reserved_peak = max(reserved_peak, reserved)
    return {
        "device": device,
        "entries": len(trace),
        "actions": dict(sorted(actions.items())),
        "allocs": actions.get("alloc", 0),
        "aliveBeforeTrace": len(before) + len(untraced),
        "freedButNotAllocated": len(before),
        "aliveAtSnapshotNotAllocated": len(untraced),
        "peakAllocatedBytes": start + max([0] + steps),
        "allocatedAtEndBytes": start + (steps[-1] if steps else 0),
        "reservedBeforeTraceBytes": reserved_before,
        "reservedPeakBytes": reserved_peak,
        "reservedAtEndBytes": reserved_end,
        "allocCategories": dict(sorted(categories.items())),
        "aliveAtSnapshotNotAllocatedCategories": dict(sorted(untraced_categories.items())),
        "hasTimeUs": bool(trace) and all("time_us" in e for e in trace),
        "devicesWithEntries": [i for i, t in enumerate(traces) if t],
    }


# ---- main -------------------------------------------------------------------------------------------------


def main(argv):
    if len(argv) >= 2 and argv[1] == "facts":
        path = argv[2]
        device = int(argv[argv.index("--device") + 1]) if "--device" in argv else None
        with open(path, "rb") as f:
            snapshot = pickle.load(f)
        if device is None:
            traces = snapshot.get("device_traces", [])
            device = max(range(len(traces)), key=lambda i: len(traces[i])) if traces else 0
        print(json.dumps(facts(snapshot, device), indent=1))
        return 0
    if len(argv) >= 2 and argv[1] == "write":
        out = argv[2] if len(argv) > 2 else OUT
        os.makedirs(out, exist_ok=True)
        for name, build, protocol in VARIANTS:
            with open(os.path.join(out, name), "wb") as f:
                f.write(pickle.dumps(build(), protocol=protocol))
        hostile_dir = os.path.join(out, "hostile")
        os.makedirs(hostile_dir, exist_ok=True)
        for name, data in hostile():
            with open(os.path.join(hostile_dir, name), "wb") as f:
                f.write(data)
        print("wrote %d snapshots and %d hostile files to %s" % (len(VARIANTS), len(hostile()), out))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
