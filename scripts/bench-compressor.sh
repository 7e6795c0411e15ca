#!/usr/bin/env bash
# Error-bounded compressor benchmark: ratio at eb = 1e-2, 1e-3, 1e-4 of the range on the small VGG's saved
# activations and on synthetic smooth and post-ReLU planes, compress/decompress throughput, what each stage buys,
# and fp16, 8-bit linear and Deflate alone at equal largest error. Rewrites the "compressor" section of
# docs/BENCHMARKS.md. Takes about two minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl trainer -am package
java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED -Xmx6g -cp trainer/target/memscope-cli.jar \
  io.memscope.trainer.bench.CompressorBenchmark . 2> >(grep -v "incubator" >&2)
