#!/usr/bin/env bash
# Reversible-mode benchmark: pixel-wise memory cost against depth (RevNet, fully invertible), peak memory and
# step time against baseline with the recomputation in extra forwards, largest batch in 1 GiB (ResNet-18 and its
# reversible conversion included), training curves and held-out accuracy on the built-in data and the MNIST
# subset, reconstruction SNR against depth. Rewrites the "reversible" section of docs/BENCHMARKS.md.
# Takes about nine minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl trainer -am package
# The CPU backend already splits work over the cores; one OpenBLAS thread per worker avoids oversubscription.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED -Xmx8g -cp trainer/target/memscope-cli.jar \
  io.memscope.trainer.bench.ReversibleBenchmark . 2> >(grep -v "incubator" >&2)
