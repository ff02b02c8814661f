#!/usr/bin/env bash
# End-to-end suite on a kind cluster: real Strimzi, real Flink Kubernetes Operator, this chart, the operator
# and job images built from this checkout. See README.md. Exits 0 printing "SKIPPED: ..." where docker or
# kind is missing; any other exit 0 means every step passed.
set -euo pipefail

# First, before anything that needs a tool: where there is no container engine or kind, say so and stop.
for tool in docker kind; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIPPED: $tool not found; this suite needs docker and kind (and kubectl, helm)"
    exit 0
  fi
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

CLUSTER="${CLUSTER:-streampipeline-e2e}"
NS=sp-e2e
OPERATOR_IMAGE="${OPERATOR_IMAGE:-streampipeline-operator:e2e}"
JOB_IMAGE="${JOB_IMAGE:-streampipeline-job:e2e}"
STRIMZI_VERSION="${STRIMZI_VERSION:-0.49.1}"
FLINK_OPERATOR_VERSION="${FLINK_OPERATOR_VERSION:-1.10.0}"
CERT_MANAGER_VERSION="${CERT_MANAGER_VERSION:-v1.16.3}"
KEEP_CLUSTER="${KEEP_CLUSTER:-false}"
TIMEOUT="${TIMEOUT:-600s}"

log() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

for tool in kubectl helm; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool not found"
done

cleanup() {
  if [[ "$KEEP_CLUSTER" != true ]]; then
    kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
  else
    echo "Keeping kind cluster $CLUSTER (KEEP_CLUSTER=true)"
  fi
}

log "kind cluster $CLUSTER"
if ! kind get clusters | grep -qx "$CLUSTER"; then
  kind create cluster --name "$CLUSTER" --config "$here/kind-cluster.yaml" --wait 120s
fi
trap cleanup EXIT
kubectl config use-context "kind-$CLUSTER"
kubectl apply -f "$here/namespace.yaml"

log "images: operator $OPERATOR_IMAGE, job $JOB_IMAGE"
(cd "$root" && ./mvnw -B -q -pl operator -am -Pimage package -DskipTests -Dimage.name="$OPERATOR_IMAGE")
if [[ -f "$root/job/pom.xml" ]]; then
  (cd "$root" && ./mvnw -B -q -pl job -am -Pimage package -DskipTests -Dimage.name="$JOB_IMAGE")
  docker load -i "$root/job/target/jib-image.tar"
elif ! docker image inspect "$JOB_IMAGE" >/dev/null 2>&1; then
  fail "no job module in this checkout and no local image $JOB_IMAGE; set JOB_IMAGE to a built job image"
fi
kind load docker-image --name "$CLUSTER" "$OPERATOR_IMAGE" "$JOB_IMAGE"

log "cert-manager $CERT_MANAGER_VERSION (the Flink operator's webhook needs its certificates)"
kubectl apply -f "https://github.com/cert-manager/cert-manager/releases/download/$CERT_MANAGER_VERSION/cert-manager.yaml"
kubectl -n cert-manager wait deployment --all --for=condition=Available --timeout="$TIMEOUT"

log "Strimzi $STRIMZI_VERSION"
helm upgrade --install strimzi oci://quay.io/strimzi-helm/strimzi-kafka-operator --version "$STRIMZI_VERSION" \
  --namespace "$NS" --wait --timeout "$TIMEOUT"

log "Flink Kubernetes Operator $FLINK_OPERATOR_VERSION"
helm repo add flink-operator-repo \
  "https://archive.apache.org/dist/flink/flink-kubernetes-operator-$FLINK_OPERATOR_VERSION/" --force-update
helm upgrade --install flink-kubernetes-operator flink-operator-repo/flink-kubernetes-operator \
  --version "$FLINK_OPERATOR_VERSION" --namespace flink-operator --create-namespace \
  --set "watchNamespaces={$NS}" --wait --timeout "$TIMEOUT"

log "StreamPipeline operator (this chart)"
helm upgrade --install streampipeline "$root/deploy/helm/streampipeline-operator" \
  --namespace streampipeline-system --create-namespace \
  --set image.repository="${OPERATOR_IMAGE%:*}" --set image.tag="${OPERATOR_IMAGE##*:}" \
  --set image.pullPolicy=Never \
  --set job.image.repository="${JOB_IMAGE%:*}" --set job.image.tag="${JOB_IMAGE##*:}" \
  --wait --timeout "$TIMEOUT"

log "Kafka cluster (KRaft, one node; TLS listener with SCRAM-SHA-512, simple authorization)"
kubectl apply -f "$here/kafka.yaml"
kubectl -n "$NS" wait kafka/events --for=condition=Ready --timeout="$TIMEOUT"
kubectl -n "$NS" wait kafkauser/e2e-client --for=condition=Ready --timeout="$TIMEOUT"
kubectl apply -f "$here/lines.yaml" -f "$here/kafka-client.yaml"
kubectl -n "$NS" wait pod/kafka-client --for=condition=Ready --timeout="$TIMEOUT"

# Feeds one file of lines.yaml to the source topic.
produce() {
  kubectl -n "$NS" exec kafka-client -- sh -c \
    "bin/kafka-console-producer.sh --bootstrap-server \$BOOTSTRAP --producer.config \$CLIENT_CONFIG --topic lines < /data/$1"
}

# The latest committed count per word on the sink topic, as sorted word=count lines.
counts() {
  kubectl -n "$NS" exec kafka-client -- sh -c "bin/kafka-console-consumer.sh --bootstrap-server \$BOOTSTRAP \
    --consumer.config \$CLIENT_CONFIG --topic word-counts --from-beginning --timeout-ms 10000 \
    --consumer-property isolation.level=read_committed" \
    2>/dev/null \
    | sed -n 's/.*"word":"\([^"]*\)".*"cnt":\([0-9][0-9]*\).*/\1 \2/p' \
    | awk '{ last[$1] = $2 } END { for (w in last) print w "=" last[w] }' | sort
}

# Waits until every word=count line of an expected file of lines.yaml is among the counts.
expect_counts() {
  local expected actual deadline=$((SECONDS + 300))
  expected="$(kubectl -n "$NS" exec kafka-client -- cat "/data/$1" | sort)"
  while true; do
    actual="$(counts)"
    if [[ -z "$(comm -23 <(echo "$expected") <(echo "$actual"))" ]]; then
      echo "counts as expected ($1)"
      return 0
    fi
    if ((SECONDS > deadline)); then
      printf 'expected (%s):\n%s\nread:\n%s\n' "$1" "$expected" "$actual" >&2
      fail "counts on word-counts differ from $1"
    fi
    sleep 10
  done
}

# Applies a pipeline file on the cluster's TLS listener with a SCRAM-SHA-512 user the operator makes for it.
apply_secured() {
  kubectl patch --local -f "$1" --type merge -o yaml \
    -p '{"spec":{"kafka":{"listener":"tls","authentication":{"type":"scram-sha-512"}}}}' \
    | kubectl -n "$NS" apply -f -
}

phase_is() {
  kubectl -n "$NS" wait streampipeline/wordcount --for=jsonpath='{.status.phase}'="$1" --timeout="$TIMEOUT"
}

log "word-count pipeline, its state on the chart's default storage (the claim flink-state)"
kubectl apply -f "$here/flink-state-pvc.yaml"
apply_secured "$root/operator/src/test/resources/wordcount-pipeline.yaml"
phase_is Running
# The pipeline's own Kafka user, made by the operator and by Strimzi's User Operator, and its ACLs.
kubectl -n "$NS" wait kafkauser/streampipeline-wordcount --for=condition=Ready --timeout="$TIMEOUT"
kubectl -n "$NS" get kafkauser/streampipeline-wordcount -o jsonpath='{.spec.authorization.acls}'; echo
[[ "$(kubectl -n "$NS" get streampipeline/wordcount -o jsonpath='{.status.kafka.securityProtocol}')" == SASL_SSL ]] \
  || fail "the pipeline does not reach Kafka over SASL_SSL: $(kubectl -n "$NS" get streampipeline/wordcount -o jsonpath='{.status.kafka}')"
kubectl -n "$NS" get kafkatopics,flinkdeployments,streampipelines
produce lines.txt
expect_counts expected-counts.txt

log "SQL upgrade (savepoint)"
apply_secured "$here/wordcount-upgraded.yaml"
kubectl -n "$NS" wait streampipeline/wordcount --for=jsonpath='{.status.observedGeneration}'="$(
  kubectl -n "$NS" get streampipeline/wordcount -o jsonpath='{.metadata.generation}')" --timeout="$TIMEOUT"
phase_is Running
produce lines-after-upgrade.txt
expect_counts expected-after-upgrade.txt
if counts | grep -Eq '^(a|b)='; then
  fail "one-letter words counted after the upgrade: $(counts | tr '\n' ' ')"
fi

log "suspend and resume"
kubectl -n "$NS" patch streampipeline/wordcount --type merge -p '{"spec":{"job":{"state":"suspended"}}}'
phase_is Suspended
produce lines-while-suspended.txt
kubectl -n "$NS" patch streampipeline/wordcount --type merge -p '{"spec":{"job":{"state":"running"}}}'
phase_is Running
expect_counts expected-after-resume.txt

log "delete with deletion policy Retain: the topics and their records stay"
kubectl -n "$NS" delete streampipeline/wordcount --wait=true --timeout="$TIMEOUT"
kubectl -n "$NS" wait flinkdeployment/wordcount --for=delete --timeout="$TIMEOUT"
for topic in lines word-counts lines-dlq; do
  kubectl -n "$NS" get kafkatopic "$topic" >/dev/null || fail "KafkaTopic $topic was deleted with the pipeline"
done
kubectl -n "$NS" exec kafka-client -- sh -c \
  "bin/kafka-topics.sh --bootstrap-server \$BOOTSTRAP --command-config \$CLIENT_CONFIG --list" \
  | grep -qx word-counts || fail "Kafka topic word-counts is gone"
expect_counts expected-after-resume.txt

log "PASSED"
