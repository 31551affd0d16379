#!/usr/bin/env bash
# Runs a benchmark (not part of the test suite) and prints its table; docs/benchmarks.md keeps
# the figures with the machine and date.
#   scripts/bench.sh operator [SIZES...]   the operator on the local control plane, one row per fleet size
#                                          (default 1000; e.g. 1000 3000 10000), each on a fresh control
#                                          plane, with its admission webhooks on; BENCH_WEBHOOKS=false: off;
#                                          BENCH_OPERATOR_JVM: the operator's heap flags (default -Xmx256m);
#                                          BENCH_CONTROLLERS: kube-controller-manager's --controllers (default all)
#   scripts/bench.sh fleet-view [SIZES...] the control API's tenant list and the console's fleet view over a
#                                          fleet grown to each size (default 1000 3000 10000)
#   scripts/bench.sh admission             200 concurrent dry-run pod creates with and without the webhooks
#   scripts/bench.sh runtime               the tenant runtime's APIs against bare baselines
#   scripts/bench.sh backup                a tenant of 100,000 events: event-log export, archive size, load
#   scripts/bench.sh node                  createTenant to Ready on the real local node (1, then 20 at once)
#   scripts/bench.sh wake                  the first call to a hibernated tenant on the real node, answered
#                                          after its wake (1 tenant, then 20 at once); memory running and asleep
#   scripts/bench.sh start                 fast start side by side: the runtime image of BENCH_BASELINE (default
#                                          the last commit on Java 17, built here with Java 17) against
#                                          today's Java 25 image with its AOT cache: on the host, in a pod on
#                                          plan free, wakes (REST, gRPC), 20 wakes at once, memory, sizes
#   scripts/bench.sh rollout [TENANTS]     a TenantRollout of 200 tenants in 4 waves against the same
#                                          change applied all at once (local control plane, simulated pods)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/install-deps.sh
. scripts/java-home.sh
what="${1:-operator}"
case "$what" in
  operator)
    mvn -B -q install -DskipTests
    shift
    sizes="${*:-1000}"
    mvn -B -pl e2e -Pbench verify -Dtest=OperatorBenchmark -Dbench.sizes="$sizes" \
      -Dbench.webhooks="${BENCH_WEBHOOKS:-true}" -Dbench.operator.jvm="${BENCH_OPERATOR_JVM:--Xmx256m}" \
      -Dbench.controllers="${BENCH_CONTROLLERS:-}" \
      -Dsurefire.failIfNoSpecifiedTests=false
    cat e2e/target/benchmarks/operator*.md ;;
  fleet-view)
    shift
    sizes="${*:-1000 3000 10000}"
    mvn -B -q install -DskipTests
    mvn -B -pl control-api -Pbench verify -Dtest=FleetViewBenchmark -Dbench.sizes="$sizes" \
      -Dsurefire.failIfNoSpecifiedTests=false
    cat control-api/target/benchmarks/fleet-view.md ;;
  admission)
    mvn -B -q install -DskipTests
    mvn -B -pl e2e -Pbench verify -Dtest=AdmissionBenchmark -Dsurefire.failIfNoSpecifiedTests=false
    cat e2e/target/benchmarks/admission.md ;;
  runtime)
    mvn -B -q install -DskipTests
    mvn -B -pl tenant-runtime -Pbench verify -Dtest=RuntimeBenchmark -Dsurefire.failIfNoSpecifiedTests=false
    cat tenant-runtime/target/benchmarks/runtime.md ;;
  backup)
    mvn -B -q install -DskipTests
    mvn -B -pl tenant-runtime -Pbench verify -Dtest=BackupBenchmark -Dsurefire.failIfNoSpecifiedTests=false
    cat tenant-runtime/target/benchmarks/backup.md ;;
  node)
    scripts/images.sh base
    mvn -B -q install -DskipTests -Pimages
    mvn -B -pl e2e -Pbench verify -Dtest=NodeBenchmark -Dsurefire.failIfNoSpecifiedTests=false
    cat e2e/target/benchmarks/node.md ;;
  wake)
    scripts/images.sh base
    mvn -B -q install -DskipTests -Pimages
    mvn -B -pl e2e -Pbench verify -Dtest=WakeBenchmark -Dsurefire.failIfNoSpecifiedTests=false
    cat e2e/target/benchmarks/wake.md ;;
  start)
    # the baseline: its own sources, its own scripts and Java 17, its runtime image tagged -java17
    baseline="${BENCH_BASELINE:-e6d0a95}"
    java17="${BENCH_BASELINE_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
    dir="$HOME/.cache/tenantry/bench-baseline-$baseline"
    if [ ! -f "$dir/tenant-runtime/target/jib-image.tar" ]; then
      echo "bench: building the baseline $baseline with $java17 in $dir" >&2
      rm -rf "$dir" && mkdir -p "$dir"
      git -C "$ROOT" archive "$baseline" | tar -x -C "$dir"
      (cd "$dir" && export JAVA_HOME="$java17" PATH="$java17/bin:$PATH" MAVEN_OPTS= && scripts/images.sh base \
        && mvn -B -q verify -DskipTests -Pimages -pl tenant-runtime -am -Dtenantry.image.tag=0.1.0-java17)
    fi
    scripts/images.sh base
    mvn -B -q install -DskipTests -Pimages
    mvn -B -pl e2e -Pbench verify -Dtest=StartBenchmark -Dbench.start.baseline="$dir" \
      -Dsurefire.failIfNoSpecifiedTests=false
    cat e2e/target/benchmarks/start.md ;;
  rollout)
    mvn -B -q install -DskipTests
    mvn -B -pl e2e -Pbench verify -Dtest=RolloutBenchmark -Dbench.tenants="${2:-200}" \
      -Dsurefire.failIfNoSpecifiedTests=false
    cat e2e/target/benchmarks/rollout.md ;;
  *) echo "usage: scripts/bench.sh operator [SIZES...] | fleet-view [SIZES...] | admission | runtime | backup | node | wake | start | rollout [TENANTS]" >&2; exit 2 ;;
esac
