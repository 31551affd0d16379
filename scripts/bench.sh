#!/usr/bin/env bash
# Runs a benchmark (not part of the test suite) and prints its table; docs/benchmarks.md keeps
# the figures with the machine and date.
#   scripts/bench.sh operator [TENANTS]    the operator on the local control plane (default 1000), with
#                                          its admission webhooks on; BENCH_WEBHOOKS=false: off
#   scripts/bench.sh admission             200 concurrent dry-run pod creates with and without the webhooks
#   scripts/bench.sh runtime               the tenant runtime's APIs against bare baselines
#   scripts/bench.sh node                  createTenant to Ready on the real local node (1, then 20 at once)
#   scripts/bench.sh rollout [TENANTS]     a TenantRollout of 200 tenants in 4 waves against the same
#                                          change applied all at once (local control plane, simulated pods)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/install-deps.sh
what="${1:-operator}"
case "$what" in
  operator)
    mvn -B -q install -DskipTests
    mvn -B -pl e2e -Pbench verify -Dtest=OperatorBenchmark -Dbench.tenants="${2:-1000}" \
      -Dbench.webhooks="${BENCH_WEBHOOKS:-true}" -Dsurefire.failIfNoSpecifiedTests=false
    cat e2e/target/benchmarks/operator*.md ;;
  admission)
    mvn -B -q install -DskipTests
    mvn -B -pl e2e -Pbench verify -Dtest=AdmissionBenchmark -Dsurefire.failIfNoSpecifiedTests=false
    cat e2e/target/benchmarks/admission.md ;;
  runtime)
    mvn -B -q install -DskipTests
    mvn -B -pl tenant-runtime -Pbench verify -Dtest=RuntimeBenchmark -Dsurefire.failIfNoSpecifiedTests=false
    cat tenant-runtime/target/benchmarks/runtime.md ;;
  node)
    scripts/images.sh base
    mvn -B -q install -DskipTests -Pimages
    mvn -B -pl e2e -Pbench verify -Dtest=NodeBenchmark -Dsurefire.failIfNoSpecifiedTests=false
    cat e2e/target/benchmarks/node.md ;;
  rollout)
    mvn -B -q install -DskipTests
    mvn -B -pl e2e -Pbench verify -Dtest=RolloutBenchmark -Dbench.tenants="${2:-200}" \
      -Dsurefire.failIfNoSpecifiedTests=false
    cat e2e/target/benchmarks/rollout.md ;;
  *) echo "usage: scripts/bench.sh operator [TENANTS] | admission | runtime | node | rollout [TENANTS]" >&2; exit 2 ;;
esac
