#!/usr/bin/env bash
# On the build machine: the SASS of one v4 kernel from an object of the sm_90a build, cut into regions as
# sass_regions.py cuts ncu's profiles (prologue, unit loop, epilogue, producer), with the epilogue's part after the
# staging buffer's free-barrier wait counted apart: instruction counts without a GPU (bench/NOTES.md §23).
# Needs cuobjdump and nvdisasm, which the CUDA image here lacks; PyPI carries both:
#   pip download --no-deps -d /tmp/w nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm, unzip the wheels, put their bin/ on
#   PATH (or in $SASS_TOOLS).
#   bash bench/gpu/sass_local.sh [OBJECT] [KERNEL-REGEX] [OUT.txt]
#   default: build-h100's fused_v4_wgmma_tf32.cu.o, the TF32 whole-rows kernel (FlavorV4Tf32, kWholeRows)
set -euo pipefail
obj=${1:-build-h100/gpu/CMakeFiles/gate_gpu.dir/fused_v4_wgmma_tf32.cu.o}
kernel=${2:-fused_v4_wgmma.*FlavorV4Tf32E.*Lb1}
out=${3:-$(mktemp)}
PATH=${SASS_TOOLS:+$SASS_TOOLS:}$PATH cuobjdump -sass "$obj" |
  awk -v k="$kernel" '/Function :/ {p = ($0 ~ k)} p' > "$out"
python3 - "$out" <<'PY'
import re, sys
ins = [l for l in open(sys.argv[1]) if re.match(r"^\s+/\*[0-9a-f]+\*/\s", l)]
if not ins:
    sys.exit("no instructions: no function matched")
src = [re.sub(r"^\s+/\*[0-9a-f]+\*/\s+", "", l).split(";")[0].strip() for l in ins]
producer = next(i for i, s in enumerate(src) if "SETMAXREG.DEALLOC" in s)
last_wait = max(i for i, s in enumerate(src) if "DEPBAR.LE gsb0, 0x0" in s and i < producer)
loop = max(0, next(i for i, s in enumerate(src) if "HGMMA" in s) - 80)
epilogue = src[last_wait + 1:producer]
staging = next((i for i, s in enumerate(epilogue) if "SYNCS.PHASECHK" in s), len(epilogue))
print(f"{sys.argv[1]}: {len(src)} instructions: prologue {loop}, unit loop {last_wait - loop}, "
      f"epilogue {len(epilogue)} (from the free-barrier wait on: {len(epilogue) - staging}), "
      f"producer {len(src) - producer}")
PY
