#!/usr/bin/env bash
# PyTorch snapshot import benchmark: writes a synthetic snapshot of two million trace entries (PyTorch 2.6's
# layout), imports it three times in a 512 MiB heap, and reports the time to read the pickle and to turn it into
# events, the most heap an import used and what the imported trace keeps, then the timeline model and the trace
# file. Rewrites the "pytorch-import" section of docs/BENCHMARKS.md. Takes about a minute on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl trainer -am package
java -Xmx512m -cp trainer/target/memscope-cli.jar io.memscope.trainer.bench.SnapshotImportBenchmark . "$@"
