#!/usr/bin/env bash
# Row-centric benchmark: activation memory and step time against baseline (small VGG, ResNet-18/32x32),
# planned memory for VGG-16 at 224x224, largest batch in 1 GiB, an automatic choice for a budget.
# Rewrites the "row-centric" section of docs/BENCHMARKS.md. Takes about ten minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl trainer -am package
java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED -Xmx10g -cp trainer/target/memscope-cli.jar \
  io.memscope.trainer.bench.RowCentricBenchmark . 2> >(grep -v "incubator" >&2)
