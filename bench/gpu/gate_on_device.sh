#!/usr/bin/env bash
# On the GPU machine, after run_on_device.sh (same $CARRY): the gate itself on the GPU — verify --all on the full suite
# (seed workload included), this project's kernel as a PyTorch op and as a --candidate-lib library gated under both
# contracts, the seed Triton kernel gated, and KernelBench's own check of both modules. One log: $OUT/gate.log;
# a summary (exit status and closing line of each step) last.
set -u
CARRY=${CARRY:-build-carry}
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
export LD_LIBRARY_PATH="$PWD/$CARRY${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" PYTHONUNBUFFERED=1
export GATE_CANDIDATE_LIB="$PWD/$CARRY/libgate_candidate_fused.so"
V="$PWD/$CARRY/verify"
summary=""
step() {
  local name=$1; shift
  echo "=== $name: $*" >> "$OUT/gate.log"
  "$@" >> "$OUT/gate.log" 2>&1
  local rc=$?
  summary+=$(printf '%-16s exit %d  %s' "$name" $rc "$(tail -1 "$OUT/gate.log")")$'\n'
}
step verify_full "$V" --all --suite full --threads "$(nproc)" --cases-dir data/cases
step lib_fused "$V" --candidate-lib "$GATE_CANDIDATE_LIB" --threads "$(nproc)" --cases-dir data/cases
for p in tf32 fp32; do
  step op_$p python3 tools/gate_kernelbench.py examples/kernelbench_fused.py --verify "$V" --precision $p --work /tmp/op_$p
  step triton_$p python3 tools/gate_kernelbench.py examples/seed_triton.py --verify "$V" --precision $p --work /tmp/tr_$p
done
step kb_fused python3 tools/kernelbench_check.py examples/kernelbench_fused.py
step kb_triton python3 tools/kernelbench_check.py examples/seed_triton.py
grep -E "^(FAIL|  worst|  repro)|Model .* ms" "$OUT/gate.log" | head -40
printf '%s' "$summary"
