#!/usr/bin/env bash
# Operator benchmark: N pipelines (default 1000) applied to a real kube-apiserver with the operator running.
# Usage: bench/operator-bench.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000}"
./mvnw -B -q -ntp -pl operator -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
java -Xmx2g -Dlog4j2.level=WARN -Dstreampipeline.crds=crds \
  -cp "operator/target/test-classes:operator/target/classes:$(cat operator/target/bench.classpath)" \
  io.streampipeline.operator.bench.OperatorBenchmark "$count"
