#!/usr/bin/env bash
# Builds gpu-bundle/ (ignored by git): everything scripts/gpu-check.sh needs on a machine with a GPU but no Java
# or Maven. It holds a Java runtime made with jlink (java.base, java.logging, java.management, java.sql,
# jdk.unsupported, jdk.incubator.vector: what jdeps finds the command line and the GPU tests use, less the
# desktop; and jdk.zipfs, with which JUnit finds the tests inside their jar), the command-line jar (MemScope with
# gson, netlib and JCuda/JCudnn with their Linux x86-64 natives, less the PTX compiler), the CUDA tests (the
# backend.cuda test package and DeviceCliTest) and the JUnit jars that run them. The network files and scripts
# come with the working tree.
#
# usage: scripts/gpu-bundle.sh        (then: scripts/gpu-check.sh OUT_DIR on the GPU machine)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/gpu-bundle"
cd "$here"
echo "building the command line and the tests..."
mvn -B -q -o -DskipTests -pl trainer -am package
rm -rf "$out"
mkdir -p "$out/lib"
cp trainer/target/memscope-cli.jar "$out/lib/"
mvn -B -q -o dependency:copy-dependencies -pl trainer -DincludeScope=test \
  -DincludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian -DoutputDirectory="$out/lib"
(cd trainer/target/test-classes && jar --create --file "$out/lib/memscope-gpu-tests.jar" \
  io/memscope/trainer/backend/cuda io/memscope/trainer/cli/DeviceCliTest*.class io/memscope/trainer/TestPaths.class)
echo "making the Java runtime..."
jlink --add-modules java.base,java.logging,java.management,java.sql,jdk.unsupported,jdk.incubator.vector,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out/runtime" 2> >(grep -v "incubator modules" >&2)
# the JVM's symbol table is a third of the runtime and nothing here reads it
chmod u+w "$out/runtime/lib/server/libjvm.so"
strip --strip-unneeded "$out/runtime/lib/server/libjvm.so" 2>/dev/null || true
"$out/runtime/bin/java" -version 2>&1 | head -1
size="$(du -sm "$out" | cut -f1)"
echo "gpu-bundle/: ${size} MiB ($(du -sm "$out/runtime" | cut -f1) MiB runtime, $(du -sm "$out/lib" | cut -f1) MiB jars)"
if [ "$size" -gt 56 ]; then
  echo "gpu-bundle.sh: the bundle is over 56 MiB; with the working tree it would not travel in 64 MiB" >&2
  exit 1
fi
