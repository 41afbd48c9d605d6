#!/usr/bin/env bash
# pyhf-sized binned likelihoods: -ln L+gradient rate, MIGRAD+HESSE and CLs-limit times on generated
# workspaces (50 channels x 10 samples, ~600 parameters; and ~100 parameters).
# Usage (from the repository root): benchmarks/scripts/histfactory.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -pl benchmarks -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
cp="benchmarks/target/classes:likelihood/target/classes:samplers/target/classes:core/target/classes:$(cat benchmarks/target/classpath.txt)"
uptime
java ${JAVA_OPTS:-} --add-modules jdk.incubator.vector -Dai.djl.offline=true -cp "$cp" org.ratiofit.benchmarks.histfactory.HistFactoryBenchmark 2>/dev/null
