#!/usr/bin/env bash
# Out-of-core benchmark: the largest batch baseline and the out-of-core mode fit in a fixed budget (the small VGG
# in 24 MiB, ResNet-18/32x32 in 256 MiB), and at out-of-core's batch the bytes moved per step, the time spent
# waiting for copies, and the step time against baseline's with no budget. Rewrites the "out-of-core" section of
# docs/BENCHMARKS.md; then compares the paged arena with the classic one under the same budgets (largest batch,
# memory and fragmentation at the peak, the failing allocation; meta backend only) in the "out-of-core-paging"
# section. `scripts/bench-out-of-core.sh paging` runs only the comparison (`paging lenet5:4MiB ...`: on other
# networks and budgets, written to the same section).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl trainer -am package
java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED -Xmx8g -cp trainer/target/memscope-cli.jar \
  io.memscope.trainer.bench.OutOfCoreBenchmark . "$@" 2> >(grep -v "incubator" >&2)
