#!/usr/bin/env bash
# Spark's overhead on a toy study: the local thread pool against Spark local[2] and against a
# standalone master + worker (2 cores) started here from the Maven jars on 127.0.0.1 (no Spark
# distribution), in one run; both cluster processes are stopped by their process ids.
# Usage (from the repository root): benchmarks/scripts/spark_overhead.sh [toys] [toysPerTask]
set -euo pipefail
cd "$(dirname "$0")/../.."
toys="${1:-200}"
per="${2:-50}"
mvn -B -o -q -pl distributed -am package -DskipTests >/dev/null
cp="distributed/target/ratiofit-distributed.jar:distributed/target/lib/*"
flags="$(java -cp "$cp" org.ratiofit.distributed.SparkJvmFlags)"
export SPARK_LOCAL_IP=127.0.0.1
echo "# $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java $flags -cp "$cp" org.ratiofit.distributed.SparkOverhead "$toys" "$per" 'local[2]' 2>/dev/null | grep -v '^\[' || true
work="$(mktemp -d)"
fullcp="$(cd distributed/target && echo "$PWD/ratiofit-distributed.jar:$(ls "$PWD"/lib/*.jar | tr '\n' ':')")"
port=7177
SPARK_HOME="$work" SPARK_TESTING=1 SPARK_SCALA_VERSION=2.13 SPARK_DIST_CLASSPATH="$fullcp" SPARK_WORKER_DIR="$work/work" \
  java $flags -Xmx512m -cp "$fullcp" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port $port --webui-port 7178 \
  >"$work/master.log" 2>&1 &
master=$!
sleep 8
SPARK_HOME="$work" SPARK_TESTING=1 SPARK_SCALA_VERSION=2.13 SPARK_DIST_CLASSPATH="$fullcp" SPARK_WORKER_DIR="$work/work" \
  java $flags -Xmx512m -cp "$fullcp" org.apache.spark.deploy.worker.Worker spark://127.0.0.1:$port --host 127.0.0.1 \
  --cores 2 --memory 2g --webui-port 7179 >"$work/worker.log" 2>&1 &
worker=$!
trap 'kill $worker $master 2>/dev/null || true; wait $worker $master 2>/dev/null || true' EXIT
java $flags -Dspark.executor.memory=1g -cp "$cp" org.ratiofit.distributed.SparkOverhead "$toys" "$per" "spark://127.0.0.1:$port" 2>/dev/null \
  | grep -v '^\[' || { echo "standalone run failed; logs in $work" >&2; exit 1; }
