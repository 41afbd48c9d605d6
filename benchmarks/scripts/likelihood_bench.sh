#!/usr/bin/env bash
# Runs the likelihood JMH benchmarks (Java value+gradient, polynomial form, STREAM-like triad) and
# the same formula in numpy, in one go, and prints the machine load before and after.
# Usage: benchmarks/scripts/likelihood_bench.sh [events]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/scripts/peers.sh
require_peers numpy
EVENTS="${1:-1000000}"
# Always (re)build: a jar left from an older checkout lacks the benchmark list.
mvn -B -q -o -DskipTests -Pjmh package -pl benchmarks -am
echo "load before: $(uptime)"
java --add-modules jdk.incubator.vector -Dai.djl.offline=true -jar benchmarks/target/benchmarks.jar \
  'org.ratiofit.benchmarks.likelihood.LikelihoodBenchmark' -p events="$EVENTS" -f 1 -wi 3 -i 5 -w 2s -r 3s
/usr/bin/python3 benchmarks/scripts/likelihood_numpy.py "$EVENTS" 5
echo "load after: $(uptime)"
