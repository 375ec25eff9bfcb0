#!/usr/bin/env python3
"""The GPU's write ceiling for the seed workload's output, on the GPU machine (bench/NOTES.md §11d).

Times torch's fill_ (CUDA events, median of 50 after 5 warm-up calls) of the seed output y (128 × 128 × 130 × 130):
contiguous in float32 and float16, and float32 with only the first 128 of every 130 outputs written, the pieces the
v4 kernel's row items write (512 bytes at a 520-byte pitch; the other 8 bytes of each row are never written here).
The gap between the last two shows what writes that leave 32-byte sectors partly written cost the DRAM.
    python3 bench/gpu/write_ceiling.py
"""
import torch


def median_ms(fn, reps=50):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for _ in range(5):
        fn()
    times = []
    for _ in range(reps):
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


def main():
    print(torch.cuda.get_device_name(), "torch", torch.__version__)
    y = torch.empty(128, 128, 130, 130, device="cuda")
    rows = y[:, :, :, :128]
    y16 = torch.empty(128, 128, 130, 130, device="cuda", dtype=torch.float16)
    for name, t in (("y float32, contiguous", y), ("y float32, 128 of every 130 outputs", rows),
                    ("y float16, contiguous", y16)):
        ms = median_ms(lambda: t.fill_(1.0))
        gb = t.numel() * t.element_size() / 1e9
        print(f"  fill_ {name:38s} {gb:6.3f} GB  {ms:7.3f} ms  {gb / ms * 1e3:6.0f} GB/s")


if __name__ == "__main__":
    main()
