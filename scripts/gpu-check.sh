#!/usr/bin/env bash
# The CUDA backend's checks on a machine with an NVIDIA GPU, its driver and cuDNN 9 (installed, or inside Python
# wheels such as nvidia-cudnn-cu12) but no Java or Maven, from gpu-bundle/ (make it first with
# scripts/gpu-bundle.sh and carry it along with the working tree). In order, each step's raw output to OUT_DIR:
#
#   nvidia-smi.txt, summary.txt   the card, the driver, where cuDNN was found, each step's exit status and time
#   devices.txt                   memscope devices
#   gpu-tests.txt                 the CUDA tests (GpuTestMain): every op against the CPU backend, LeNet-5's loss
#                                 curve over 20 steps on both, the probe, the kernels under emulation (where g++ is)
#   train-resnet18.txt            ResNet-18/32x32 at batch 128 trained 5 steps on the card, with its trace
#   resnet18_cifar_cuda_b128.json   (for samples/traces/)
#   benchmark.txt, BENCHMARKS.md  GpuBenchmark: step time and peak on the card against the CPU backend
#   torch.txt, torch.md           scripts/bench_torch.py, where a python with torch is found
#
# Steps share a deadline (GPU_CHECK_SECONDS, 450 by default) so the whole check ends in under 8 minutes; a step
# that fails or runs out of time is recorded and the next one runs.
#
# usage: scripts/gpu-check.sh [OUT_DIR]    (default $OUT, else ./gpu-results)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="$here/gpu-bundle"
out="${1:-${OUT:-$here/gpu-results}}"
deadline="${GPU_CHECK_SECONDS:-450}"
mkdir -p "$out"
java="$bundle/runtime/bin/java"
if [ ! -x "$java" ]; then
  echo "gpu-check.sh: no $bundle/runtime: run scripts/gpu-bundle.sh on a machine with a JDK first" >&2
  exit 1
fi
summary="$out/summary.txt"
: > "$summary"
note() { echo "$*" | tee -a "$summary"; }

# cuDNN 9 and the CUDA libraries it loads beside it (cuBLAS, cuBLASLt): every lib folder of the nvidia wheels
# next to the cuDNN found, or cuDNN's own folder
cudnn="$(timeout 60 find / \( -path /proc -o -path /sys -o -path /dev \) -prune -o -name 'libcudnn.so.9*' -print 2>/dev/null | head -1)"
if [ -n "$cudnn" ]; then
  dir="$(dirname "$cudnn")"
  paths="$dir"
  wheels="$(dirname "$(dirname "$dir")")"
  if [ "$(basename "$wheels")" = nvidia ]; then
    for lib in "$wheels"/*/lib; do
      [ -d "$lib" ] && [ "$lib" != "$dir" ] && paths="$paths:$lib"
    done
  fi
  export LD_LIBRARY_PATH="$paths${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  note "cuDNN: $cudnn"
  note "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
else
  note "cuDNN: no libcudnn.so.9 found on this machine (the tests will say so and skip)"
fi
export OPENBLAS_NUM_THREADS=1
jvm=("$java" --add-modules jdk.incubator.vector -Xmx12g -Dmemscope.root="$here" -cp "$bundle/lib/*")

# step NAME MAX_SECONDS OUTPUT COMMAND...: runs it within the deadline, records status and time
step() {
  local name="$1" max="$2" file="$3"
  shift 3
  local left=$((deadline - SECONDS))
  if [ "$left" -lt 20 ]; then
    note "$name: not run (the check's ${deadline}s are spent)"
    return
  fi
  [ "$max" -gt "$left" ] && max="$left"
  local start=$SECONDS
  timeout --kill-after=10 "$max" "$@" > "$out/$file" 2>&1
  local rc=$?
  local status="exit $rc"
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && status="stopped after ${max}s"
  note "$name: $status in $((SECONDS - start))s -> $file"
}

if command -v nvidia-smi >/dev/null; then
  nvidia-smi > "$out/nvidia-smi.txt" 2>&1
  note "$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
fi
note "java: $("$java" -version 2>&1 | head -1)"

step "devices" 60 devices.txt "${jvm[@]}" io.memscope.trainer.cli.MemScopeCli devices
step "CUDA tests" 240 gpu-tests.txt "${jvm[@]}" io.memscope.trainer.backend.cuda.GpuTestMain
step "ResNet-18 trace" 120 train-resnet18.txt "${jvm[@]}" io.memscope.trainer.cli.MemScopeCli train resnet18_cifar \
  --device cuda --batch 128 --steps 5 --eval 0 --budget 4GiB --log-every 1 --trace "$out/resnet18_cifar_cuda_b128.json"

# the benchmark rewrites its section of a copy of docs/BENCHMARKS.md
root="$(mktemp -d)"
mkdir -p "$root/docs"
cp -r "$here/samples" "$root/"
cp "$here/docs/BENCHMARKS.md" "$root/docs/" 2>/dev/null || true
step "GPU benchmark" 240 benchmark.txt "${jvm[@]}" io.memscope.trainer.bench.GpuBenchmark "$root"
cp "$root/docs/BENCHMARKS.md" "$out/BENCHMARKS.md" 2>/dev/null || true
rm -rf "$root"

python=""
for py in python3 python; do
  if command -v "$py" >/dev/null && "$py" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
    python="$py"
    break
  fi
done
if [ -n "$python" ]; then
  step "PyTorch benchmark" 150 torch.txt "$python" "$here/scripts/bench_torch.py" "$here/samples" "$out/torch.md"
else
  note "PyTorch benchmark: no python with torch and CUDA here"
fi
note "done in ${SECONDS}s"
