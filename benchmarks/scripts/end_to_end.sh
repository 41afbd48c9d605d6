#!/usr/bin/env bash
# The end-to-end benchmark (BENCHMARKS.md, "End to end at 10^6 events"): build, fit (MIGRAD + HESSE),
# MINOS on mu, a 31-point profile scan and an asymptotic CLs limit of a workspace of DATA events,
# 3 samples, 10 per-event shape nuisance parameters and 5 normsys; per step the wall time, the
# share spent in the likelihood and the peak Java heap; the process's peak memory from /usr/bin/time -v.
# STRATEGY=0|1|2 sets MIGRAD's strategy (default 1).
# Usage: [JAVA_OPTS=-Xmx4g] [STRATEGY=1] benchmarks/scripts/end_to_end.sh [DATA_EVENTS] [REFERENCE_EVENTS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -DskipTests -Pjmh package -pl benchmarks -am
echo "load before: $(uptime)"
/usr/bin/time -v java ${JAVA_OPTS:-} -Dstrategy=${STRATEGY:-1} --add-modules jdk.incubator.vector -Dai.djl.offline=true -cp benchmarks/target/benchmarks.jar \
    org.ratiofit.benchmarks.endtoend.EndToEndBenchmark "${1:-1000000}" "${2:-100000}" "${3:-2}" 2>&1 \
    | grep -vE 'incubator modules|SLF4J' | grep -E -v '^\s+(Command|User time|System time|Percent|Average|Exit|Socket|Signals|Swaps|File system|Voluntary|Involuntary|Minor|Major|Page size)'
echo "load after: $(uptime)"
