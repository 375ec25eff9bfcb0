#!/usr/bin/env python3
"""Where a v4 kernel's warps spend their samples, by region of its SASS: ncu's per-instruction source CSV
(bench/gpu/source_profile_on_device.sh) cut at the first wgmma (the unit loop starts ~80 instructions before it),
the computing warps' last wait_group 0 before the producer's setmaxnreg (the epilogue follows it) and that
setmaxnreg (the producer warps' code). Per region: its share of all samples, its largest stall reasons and opcodes.
    python3 bench/gpu/sass_regions.py src_f16.csv.gz"""
import collections
import csv
import gzip
import sys


def main(path):
    rows = list(csv.reader(gzip.open(path, "rt") if path.endswith(".gz") else open(path)))
    hdr, data = rows[1], rows[2:]
    ix = {h: i for i, h in enumerate(hdr)}
    stalls = [h for h in hdr if h.startswith("stall_") and "(Not Issued)" not in h]
    samples = [int(r[ix["Warp Stall Sampling (All Samples)"]] or 0) for r in data]
    total = sum(samples) or 1
    src = [r[ix["Source"]] for r in data]
    producer = next(i for i, s in enumerate(src) if "SETMAXREG.DEALLOC" in s)
    last_wait = max(i for i, s in enumerate(src) if "DEPBAR.LE gsb0, 0x0" in s and i < producer)
    loop = max(0, next(i for i, s in enumerate(src) if "HGMMA" in s) - 80)
    regions = [(0, loop - 1, "prologue"), (loop, last_wait - 1, "unit loop"), (last_wait, last_wait, "last wait"),
               (last_wait + 1, producer - 1, "epilogue"), (producer, len(data) - 1, "producer")]
    for first, last, name in regions:
        reasons, ops = collections.Counter(), collections.Counter()
        n = sum(samples[first:last + 1]) or 1
        for r, s in zip(data[first:last + 1], samples[first:last + 1]):
            for h in stalls:
                reasons[h[len("stall_"):]] += int(r[ix[h]] or 0)
            words = r[ix["Source"]].split()
            if words:
                ops[(words[1] if words[0].startswith("@") and len(words) > 1 else words[0]).split(".")[0]] += s
        print(f"{name:10s} {100 * sum(samples[first:last + 1]) / total:5.1f}%  stalls: " +
              " ".join(f"{k}={100 * v / n:.0f}%" for k, v in reasons.most_common(6)))
        print("           opcodes: " + " ".join(f"{k}={100 * v / n:.0f}%" for k, v in ops.most_common(8)))


if __name__ == "__main__":
    main(sys.argv[1])
