#!/usr/bin/env bash
# Job benchmark: the job (at-least-once, exactly-once) against a plain Kafka copy loop, one local broker.
# Usage: bench/job-bench.sh [--records 1000000] [--rate 20000] [--seconds 10] [--parallelism 1] ...
# Extra JVM options (for example a JFR recording) in JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=bench/target/classpath.txt
./mvnw -B -q -pl bench -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=runtime
exec java -Xmx4g ${JAVA_OPTS:-} -cp "bench/target/classes:$(cat "$cp_file")" \
  io.streampipeline.bench.job.JobBenchmark "$@"
