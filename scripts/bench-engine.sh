#!/usr/bin/env bash
# Engine benchmark: sgemm/conv GFLOP/s (native vs Java BLAS), training step times, VGG-16 plan.
# Rewrites the "engine" section of docs/BENCHMARKS.md. Takes a few minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl trainer -am package
# the sgemm rows then measure one core of OpenBLAS; the backend's workers supply the parallelism
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED -Xmx10g -cp trainer/target/memscope-cli.jar \
  io.memscope.trainer.bench.EngineBenchmark . 2> >(grep -v "incubator" >&2)
