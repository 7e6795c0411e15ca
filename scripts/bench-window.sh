#!/usr/bin/env bash
# Window benchmark: the desktop window (headless) with a trace of over a million events: load, show all,
# UI-thread responsiveness, redraw times. Rewrites the "Window" section of docs/BENCHMARKS.md. About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
cp="$(mktemp)"
trap 'rm -f "$cp"' EXIT
# One reactor run, so the app's class path names the sibling modules' target/classes (the last module writes it).
mvn -B -q -DskipTests -pl app -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp"
java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED -Xmx3g -Dmemscope.root="$PWD" \
  -cp "app/target/test-classes:app/target/classes:$(cat "$cp")" \
  io.memscope.app.WindowBenchmark 2> >(grep -v -e "incubator" -e "Unsupported JavaFX configuration" >&2)
