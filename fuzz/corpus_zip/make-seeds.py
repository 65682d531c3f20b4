#!/usr/bin/env python3
"""Makes the seed zips of fuzz_zip from the test fixtures (see
tests/fixtures/SOURCES.md for their origin): a capture bundle, a zip inside a
zip, duplicate entry names, data descriptors (a zip written to a pipe),
zip64 records, a ZipCrypto-encrypted entry and a truncated bundle.
Run from the repository root: python3 fuzz/corpus_zip/make-seeds.py"""
import io
import struct
import zipfile
import zlib

FIX = "tests/fixtures/"
OUT = "fuzz/corpus_zip/"
BUNDLE = [
    ("services.csv", FIX + "services/services-cim.csv"),
    ("update-history.csv", FIX + "history/update-history.csv"),
    ("CBS.log", FIX + "cbs/CBS.log"),
    ("WindowsUpdate.log", FIX + "wulog/WindowsUpdate-win10-slash.log"),
    ("facts.txt", FIX + "facts/facts.txt"),
    ("Security.evtx", "fuzz/corpus/evtx/security-1-record.evtx"),
]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def zip_bytes(entries, method=zipfile.ZIP_DEFLATED, zip64=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in entries:
            with z.open(name, "w", force_zip64=zip64) as f:
                f.write(data)
    return buf.getvalue()


class Pipe(io.RawIOBase):
    """A write-only stream that cannot seek: zipfile writes data descriptors."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.data += b
        return len(b)


def streamed(entries):
    p = Pipe()
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            with z.open(name, "w") as f:
                f.write(data)
    return bytes(p.data)


def zipcrypto(name, data, password):
    """One stored entry encrypted with traditional PKWARE encryption."""
    keys = [0x12345678, 0x23456789, 0x34567890]

    def crc(c, b):
        return zlib.crc32(bytes([b]), c ^ 0xFFFFFFFF) ^ 0xFFFFFFFF

    def update(b):
        keys[0] = crc(keys[0], b)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = crc(keys[2], keys[1] >> 24)

    for b in password:
        update(b)
    check = zlib.crc32(data)
    header = bytes(11) + bytes([check >> 24])
    out = bytearray()
    for b in header + data:
        t = (keys[2] | 2) & 0xFFFF
        out.append(b ^ (((t * (t ^ 1)) >> 8) & 0xFF))
        update(b)
    n = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 1, 0, 0, 0, check, len(out),
                        len(data), len(n), 0) + n
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 1, 0, 0, 0, check,
                          len(out), len(data), len(n), 0, 0, 0, 0, 0, 0) + n
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central),
                      len(local) + len(out), 0)
    return local + bytes(out) + central + end


def main():
    files = [(name, read(path)) for name, path in BUNDLE]
    seeds = {
        "bundle.zip": zip_bytes(files),
        "nested.zip": zip_bytes([("evidence/inner.zip",
                                  zip_bytes(files[:2], zipfile.ZIP_STORED))]),
        "dup.zip": zip_bytes([("services.csv", files[0][1]), ("services.csv", files[1][1]),
                              ("services.csv (2)", files[4][1])]),
        "streamed.zip": streamed(files[:4]),
        "zip64.zip": zip_bytes(files[2:4], zip64=True),
        "encrypted.zip": zipcrypto("WindowsUpdate.log", files[3][1], b"secret"),
    }
    seeds["truncated.zip"] = seeds["bundle.zip"][: len(seeds["bundle.zip"]) * 2 // 3]
    for name, data in seeds.items():
        with open(OUT + name, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
