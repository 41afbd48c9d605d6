#!/usr/bin/env bash
# MIGRAD call counts: ratiofit's minimiser and iminuit on the same functions, in one run.
# Usage (from the repository root): benchmarks/scripts/minimiser_vs_iminuit.sh [outdir]
# Needs /usr/bin/python3 with iminuit (Debian python3-iminuit); not part of CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/scripts/peers.sh
require_peers numpy scipy iminuit
out="${1:-benchmarks/target/minimiser-bench}"
mkdir -p "$out"
mvn -B -o -q -pl benchmarks -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
cp="benchmarks/target/classes:samplers/target/classes:core/target/classes:$(cat benchmarks/target/classpath.txt)"
java --add-modules jdk.incubator.vector -cp "$cp" org.ratiofit.benchmarks.minimiser.MigradCallCounts "$out" 2>/dev/null
/usr/bin/python3 -c "import iminuit; print('# iminuit', iminuit.__version__)"
/usr/bin/python3 benchmarks/scripts/minimiser_vs_iminuit.py "$out"
