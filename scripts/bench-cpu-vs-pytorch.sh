#!/usr/bin/env bash
# The CPU backend against PyTorch's CPU build on this machine, in one run: LeNet-5 (batch 64), the small VGG and
# ResNet-18/32x32 (batch 32), one 3x3 convolution layer pass by pass, and row-centric at 4 bands against
# baseline. Needs python3 with torch (Debian: apt-get install python3-torch); another interpreter:
# PYTHON=/path/to/python3. Rewrites the "cpu-vs-pytorch" section of docs/BENCHMARKS.md. About five minutes on
# two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}"
mvn -B -q -DskipTests -pl trainer -am package
java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED -Xmx6g -Dmemscope.python="$PYTHON" -cp trainer/target/memscope-cli.jar \
  io.memscope.trainer.bench.TorchCpuBenchmark . 2> >(grep -v "incubator" >&2)
