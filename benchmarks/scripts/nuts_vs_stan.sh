#!/usr/bin/env bash
# NUTS against Stan on the same models in one run (issue 5). Not part of CI.
# Needs Java 17, Maven (offline is fine once ~/.m2 is filled) and R with rstan
# (Debian: apt-get install -y r-base-core r-cran-rstan).
# Usage: benchmarks/scripts/nuts_vs_stan.sh [OUT_DIR] [SEEDS] [CHAINS] [PARALLEL_CHAINS]
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/scripts/peers.sh
require_peers Rscript R:rstan
OUT=${1:-benchmarks/target/nuts-vs-stan}
SEEDS=${2:-3}
CHAINS=${3:-4}
PAR=${4:-2}
rm -rf "$OUT"; mkdir -p "$OUT"
if [ ! -f benchmarks/target/benchmarks.jar ] || [ -n "${REBUILD:-}" ]; then
  mvn -B -q ${MVN_OFFLINE:--o} -DskipTests -Pjmh package -pl benchmarks -am
fi
echo "load before: $(uptime)"
java --add-modules jdk.incubator.vector -Dai.djl.offline=true -cp benchmarks/target/benchmarks.jar \
  org.ratiofit.benchmarks.nuts.NutsVsStan "$OUT" "$SEEDS" "$CHAINS" "$PAR" 2>&1 | grep -v "incubator modules"
Rscript benchmarks/scripts/nuts_vs_stan.R "$OUT" "$SEEDS" "$CHAINS" "$PAR"
echo "load after: $(uptime)"
