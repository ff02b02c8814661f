#!/usr/bin/env bash
# Operator benchmark: N pipelines (default 1000) applied by a concurrent client to a real kube-apiserver, with the
# operator in a JVM of its own. Usage: bench/operator-bench.sh [--pipelines 1000] [--client-threads 16]
# [--played-threads 8] [--xmx 512m]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp -pl operator -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx1g -Dlog4j2.level=WARN -Dstreampipeline.crds=crds \
  -cp "operator/target/test-classes:operator/target/classes:$(cat operator/target/bench.classpath)" \
  io.streampipeline.operator.bench.OperatorBenchmark "$@"
