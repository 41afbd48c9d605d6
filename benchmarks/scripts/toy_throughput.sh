#!/usr/bin/env bash
# Toy throughput: ratiofit's toy engine on all cores against a Python loop with numpy + iminuit,
# in one run. Usage (from the repository root): benchmarks/scripts/toy_throughput.sh [toys] [pythonToys]
# Needs /usr/bin/python3 with numpy and iminuit; on Debian: apt-get install -y python3-numpy python3-iminuit
set -euo pipefail
cd "$(dirname "$0")/../.."
toys="${1:-400}"
ptoys="${2:-100}"
if ! /usr/bin/python3 -c "import numpy, iminuit" 2>/dev/null; then
  echo "toy_throughput.sh: /usr/bin/python3 lacks numpy or iminuit: apt-get install -y python3-numpy python3-iminuit" >&2
  exit 1
fi
mvn -B -o -q -pl benchmarks -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
for m in core likelihood samplers ratio-models workspace-builder validation; do cp="$m/target/classes:$cp"; done
echo "# $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java --add-modules jdk.incubator.vector -Dai.djl.offline=true -cp "$cp" org.ratiofit.benchmarks.toys.ToyThroughput "$toys" "$(nproc)" 8 2>/dev/null
/usr/bin/python3 benchmarks/scripts/toy_throughput.py "$ptoys"
