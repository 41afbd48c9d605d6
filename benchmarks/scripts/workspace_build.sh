#!/usr/bin/env bash
# The workspace-builder benchmark (BENCHMARKS.md, "workspace-builder: build time against pure
# inference"): a build of DATA events x 33 ensembles of 3 members against bare ONNX Runtime on the
# same events, threads and sessions; peak memory from /usr/bin/time -v (the process also holds the
# baseline's sessions and tensors).
# Usage: [JAVA_OPTS=-Xmx2g] benchmarks/scripts/workspace_build.sh [DATA_EVENTS] [REFERENCE_EVENTS] [THREADS] [ROUNDS]
# ROUNDS 0 runs the build alone (its own peak memory).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -DskipTests -Pjmh package -pl benchmarks -am
echo "load before: $(uptime)"
/usr/bin/time -v java ${JAVA_OPTS:-} --add-modules jdk.incubator.vector -Dai.djl.offline=true -cp benchmarks/target/benchmarks.jar \
    org.ratiofit.benchmarks.workspace.BuildBenchmark "${1:-1000000}" "${2:-100000}" "${3:-2}" "${4:-1}" 2>&1 \
    | grep -E 'events|round|peak|warm-up|build alone|Maximum resident|Elapsed'
echo "load after: $(uptime)"
