#!/usr/bin/env bash
# Compressed mode (COMET) benchmark: activation memory against baseline at eb = rel:1e-2, rel:1e-3, rel:1e-4 and
# adaptive:0.01 on LeNet-5 (max and average pooling), the small VGG and ResNet-18/32x32 after 20 training steps,
# planned against measured peak, step time and the codec's share of it, what can be compressed at all (VGG-16
# too), the weight-gradient error per layer, training to held-out accuracy (built-in data, MNIST subset), the
# largest batch that fits 24 MiB. Rewrites the "compressed" section of docs/BENCHMARKS.md. Takes about eight
# minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl trainer -am package
java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED -Xmx6g -cp trainer/target/memscope-cli.jar \
  io.memscope.trainer.bench.CompressedBenchmark . 2> >(grep -v "incubator" >&2)
