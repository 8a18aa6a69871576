"""What the end-to-end tests share: HJ 212 framing for hand-made packets, and the small store
the store-reading tests (targets, rankings) fill through `serve` and `sim`, and the ok/FAIL checks
with their summary.

Why a module: the same CRC, frame builder and store set-up had been copied into several tests."""
import os
import subprocess
import sys
import time


def crc212(data: bytes) -> int:
    """HJ 212's CRC-16 of a data segment (the standard's bit-by-bit loop)."""
    crc = 0xFFFF
    for b in data:
        crc = (crc >> 8) ^ b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def frame(seg: str) -> bytes:
    """##LLLL + segment + CRC + CRLF."""
    b = seg.encode()
    return b"##%04d" % len(b) + b + b"%04X\r\n" % crc212(b)


def store_serve(eb, tmp):
    """A store with three air sites in two cities (two devices at A1: the later MN wins an hour) and
    an outlet whose flue-gas SO2 shares the ambient code, and `serve` on it with the per-device rate
    limit lifted (the simulator sends a minute a millisecond). Returns (process, port, data dir, log)."""
    data = f"{tmp}/data"
    with open(f"{tmp}/sites.csv", "w") as f:
        f.write("code,kind,name,province,city,county\nA1,air,a,P省,杭州市,西湖区\nA2,air,b,P省,杭州市,钱塘区\n"
                "A3,air,c,P省,宁波市,海曙区\nO1,outlet,o,P省,宁波市,\n")
    with open(f"{tmp}/devices.csv", "w") as f:
        f.write("mn,pw,site\nSIMA00000001,123456,A1\nSIMA00000002,123456,A2\nSIMA00000003,123456,A3\n"
                "SIMA00000004,123456,A1\nSIMC00000001,123456,O1\n")
    subprocess.run([eb, "site", "import", "--data", data, f"{tmp}/sites.csv"], check=True, capture_output=True)
    subprocess.run([eb, "device", "import", "--data", data, f"{tmp}/devices.csv"], check=True, capture_output=True)
    log = open(f"{tmp}/serve.log", "w")
    with open(f"{tmp}/serve.ini", "w") as f:
        f.write("[store]\nsync = off\n[hj212]\nrate_per_device = 1000000\nrate_burst = 1000000\n")
    srv = subprocess.Popen([eb, "serve", "--data", data, "--hj212", "127.0.0.1:0", "--port-file", f"{tmp}/port",
                            "--config", f"{tmp}/serve.ini"], stdout=log, stderr=log)
    for _ in range(200):
        if os.path.exists(f"{tmp}/port") and open(f"{tmp}/port").read().strip():
            break
        time.sleep(0.05)
    return srv, open(f"{tmp}/port").read().strip(), data, log


# ---- checks: one "ok"/"FAIL" line each, a summary and the exit status at the end
_n = _fails = 0


def check(c, what):
    """Print the outcome of one check; returns c, so a dependent check can be skipped."""
    global _n, _fails
    _n += 1
    print(("ok   " if c else "FAIL ") + what)
    if not c:
        _fails += 1
    return c


def finish():
    """The summary line, and exit 1 when any check failed."""
    print(f"{_n - _fails}/{_n} checks passed")
    sys.exit(1 if _fails else 0)
