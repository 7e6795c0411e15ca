#!/usr/bin/env bash
# Out-of-core benchmark: the largest batch baseline and the out-of-core mode fit in a fixed budget (the small VGG
# in 24 MiB, ResNet-18/32x32 in 256 MiB), and at out-of-core's batch the bytes moved per step, the time spent
# waiting for copies, and the step time against baseline's with no budget. Rewrites the "out-of-core" section of
# docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl trainer -am package
java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED -Xmx8g -cp trainer/target/memscope-cli.jar \
  io.memscope.trainer.bench.OutOfCoreBenchmark . 2> >(grep -v "incubator" >&2)
