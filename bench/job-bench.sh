#!/usr/bin/env bash
# Job benchmark: the job against the hand-written Flink SQL job (the peer) and, for the stateless workload, a plain
# Kafka copy loop; three workloads, at-least-once and exactly-once, interleaved rounds, one local broker.
# Usage: bench/job-bench.sh [--records 1000000] [--lines 200000] [--events 500000] [--rounds 5] [--parallelism 1] ...
# Extra JVM options (for example a JFR recording) in JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=bench/target/classpath.txt
./mvnw -B -q -pl bench -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=runtime
exec java -Xmx4g ${JAVA_OPTS:-} -cp "bench/target/classes:$(cat "$cp_file")" \
  io.streampipeline.bench.job.JobBenchmark "$@"
