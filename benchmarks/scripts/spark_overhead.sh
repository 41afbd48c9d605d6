#!/usr/bin/env bash
# Spark's overhead on a toy study: the local thread pool against Spark local[2] and against a
# standalone master + worker (2 cores) started here from the Maven jars on 127.0.0.1 (no Spark
# distribution), in one run; both cluster processes are stopped by their process ids.
# Each runner first runs a warm-up study in the JVM that runs the toys (the driver for the pool and
# local[2], the executor for the cluster); the executor's heap is sized like the local run's (the
# JVM's default maximum heap here) unless EXECUTOR_MEMORY says otherwise (Spark's own default is 1g).
# Beside the wall times it prints each runner's CPU, GC and JIT time, Spark's per-task metrics and
# the master's and worker's CPU time.
# Usage (from the repository root):
#   benchmarks/scripts/spark_overhead.sh [toys] [toysPerTask[,toysPerTask...]] [warmToys] [repeats]
#   (defaults 200 50 toys/2 3: each study runs `repeats` times in a row, each timed; the JIT keeps
#   compiling for thousands of toys, so compare the last repeats)
#   EXECUTOR_MEMORY=1g benchmarks/scripts/spark_overhead.sh 2000 50            (Spark's default executor heap)
set -euo pipefail
cd "$(dirname "$0")/../.."
toys="${1:-200}"
per="${2:-50}"
warm="${3:-$(( toys / 2 ))}"
repeats="${4:-3}"
mvn -B -o -q -pl distributed -am package -DskipTests >/dev/null
cp="distributed/target/ratiofit-distributed.jar:distributed/target/lib/*"
flags="$(java -cp "$cp" org.ratiofit.distributed.SparkJvmFlags)"
# the heap a plain `java` gets here (what the local thread pool runs with)
default_heap_mb="$(( $(java -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" {print $4}') / 1048576 ))"
executor_memory="${EXECUTOR_MEMORY:-${default_heap_mb}m}"
export SPARK_LOCAL_IP=127.0.0.1
echo "# $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); executor memory $executor_memory (driver default heap ${default_heap_mb}m)"
java $flags -cp "$cp" org.ratiofit.distributed.SparkOverhead "$toys" "$per" 'local[2]' "$warm" "$repeats" 2>/dev/null | grep -v '^\[' || true
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
  --cores 2 --memory "$executor_memory" --webui-port 7179 >"$work/worker.log" 2>&1 &
worker=$!
sleep 6   # the worker's own start-up, so that its CPU below is the study's
trap 'kill $worker $master 2>/dev/null || true; wait $worker $master 2>/dev/null || true' EXIT
cpu() { awk '{printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }
m0="$(cpu $master)"; w0="$(cpu $worker)"; t0="$(date +%s.%N)"
java $flags -Dspark.executor.memory="$executor_memory" -cp "$cp" org.ratiofit.distributed.SparkOverhead "$toys" "$per" \
  "spark://127.0.0.1:$port" "$warm" "$repeats" 2>/dev/null | grep -v '^\[' || { echo "standalone run failed; logs in $work" >&2; exit 1; }
echo "  master and worker JVMs over the whole standalone pass ($(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $t0}") s):" \
  "CPU $(awk "BEGIN {print $(cpu $master) - $m0}") s and $(awk "BEGIN {print $(cpu $worker) - $w0}") s"
