#!/usr/bin/env python3
"""A site-packages folder shaped like a data-science image's, generated at run time (never committed).

Usage:
  make-deps.py DIR MB            about MB megabytes: a few large compiled libraries (.so, part random, part
                                 repetitive, so partly compressible), thousands of small .py modules (text, very
                                 compressible), a large compressible data file, and many small packages
  make-deps.py DIR --bump N      one dependency bumped: numlike's compiled core rewritten, its dist-info renamed
                                 to version 1.N (what `pip install numlike==1.N` would change)
  make-deps.py DIR --index OUT   the packages of DIR as wheels on a package index a static file server can serve
                                 (OUT/simple/NAME/NAME-VERSION-py3-none-any.whl), and OUT/requirements.txt pinning
                                 each: what pip installs the same site-packages from
Prints the folder's size in bytes (with --index, the wheels' size).
"""
import base64
import hashlib
import os
import random
import re
import sys
import zipfile

# name: ([(count, MB each, random fraction)], .py modules, KB per module), sizes for 685 MB in all
PACKAGES = {
    "torchlike": ([(1, 263, 0.5), (1, 20, 0.6)], 1500, 10),
    "numlike": ([(1, 35, 0.6), (1, 30, 0.6)], 400, 8),
    "scilike": ([(12, 6, 0.5)], 1200, 8),
    "frameslike": ([(8, 5, 0.5)], 800, 10),
    "transformlike": ([], 3000, 16),
    "learnlike": ([(10, 2.5, 0.5)], 600, 8),
    "tokenlike": ([(1, 15, 0.6)], 100, 8),
}
SMALL = 40  # small pure-Python packages of 30 modules each


def blob(size, random_fraction):
    noisy = int(size * random_fraction)
    pattern = bytes(range(256)) * 16
    rest = size - noisy
    return os.urandom(noisy) + (pattern * (rest // len(pattern) + 1))[:rest]


def module(name, i, kb):
    line = f"def {name}_fn_{i}_{{n}}(x, y=None):\n    return compute(x, y, scale={i}, step={{n}})  # {name}\n"
    out, n = [], 0
    while sum(len(s) for s in out) < kb * 1024:
        out.append(line.format(n=n))
        n += 1
    return "".join(out).encode()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def record_hash(data):
    """A RECORD row's hash field, as pip writes it: sha256= and the urlsafe base64 digest without padding."""
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def record_row(root, rel):
    with open(os.path.join(root, rel), "rb") as f:
        data = f.read()
    return f"{rel},{record_hash(data)},{len(data)}\n"


def dist_info(root, name, version):
    """METADATA and a RECORD as pip writes it: every installed file with its SHA-256 and size, RECORD itself bare."""
    info = f"{name}-{version}.dist-info"
    write(os.path.join(root, info, "METADATA"), f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode())
    files = [os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(os.path.join(root, name)) for f in fs]
    rows = [record_row(root, rel) for rel in sorted(files) + [os.path.join(info, "METADATA")]]
    write(os.path.join(root, info, "RECORD"), ("".join(rows) + f"{info}/RECORD,,\n").encode())


def make(root, mb):
    scale = mb / 685
    for name, (libs, modules, kb) in PACKAGES.items():
        for count, each_mb, rf in libs:
            for i in range(count):
                size = max(1 << 16, int(each_mb * scale * (1 << 20)))
                write(os.path.join(root, name, "lib", f"_core_{i}_{each_mb}.cpython-312-x86_64-linux-gnu.so"), blob(size, rf))
        for i in range(max(1, int(modules * scale))):
            write(os.path.join(root, name, f"sub{i % 20}", f"mod_{i}.py"), module(name, i, kb))
        write(os.path.join(root, name, "__init__.py"), f"__version__ = '1.0'\n".encode())
        if name == "tokenlike":
            write(os.path.join(root, name, "data", "vocab.json"),
                  b"".join(b'{"token_%d": %d},\n' % (i, i) for i in range(int(2_200_000 * scale))))
        dist_info(root, name, "1.0")
    for p in range(SMALL):
        name = f"smallpkg{p}"
        for i in range(30):
            write(os.path.join(root, name, f"mod_{i}.py"), module(name, i, 8 * scale if scale < 1 else 8))
        dist_info(root, name, "1.0")


def bump(root, n):
    for entry in os.listdir(root):
        if entry.startswith("numlike-") and entry.endswith(".dist-info"):
            for f in os.listdir(os.path.join(root, entry)):
                os.remove(os.path.join(root, entry, f))
            os.rmdir(os.path.join(root, entry))
    lib = os.path.join(root, "numlike", "lib")
    core = sorted(os.listdir(lib))[0]
    size = os.path.getsize(os.path.join(lib, core))
    write(os.path.join(lib, core), blob(size, 0.6))
    write(os.path.join(root, "numlike", "__init__.py"), f"__version__ = '1.{n}'\n".encode())
    dist_info(root, "numlike", f"1.{n}")


def index(root, out):
    """One wheel per dist-info of ROOT, its files and RECORD rows taken from that RECORD, plus the WHEEL file pip
    needs; pip reads a static server's listing of OUT/simple/NAME/ as the project's page (the simple API, PEP 503)."""
    pins = []
    for info in sorted(e for e in os.listdir(root) if e.endswith(".dist-info")):
        name, version = info[:-len(".dist-info")].rsplit("-", 1)
        project = re.sub(r"[-_.]+", "-", name).lower()
        with open(os.path.join(root, info, "RECORD"), encoding="utf-8") as record:
            rows = [line.rstrip("\n") for line in record if line.strip() and not line.startswith(f"{info}/RECORD,")]
        wheel_meta = b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        path = os.path.join(out, "simple", project, f"{name}-{version}-py3-none-any.whl")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as whl:
            for row in rows:
                rel = row.rsplit(",", 2)[0]
                whl.write(os.path.join(root, rel), rel)
            whl.writestr(f"{info}/WHEEL", wheel_meta)
            rows += [f"{info}/WHEEL,{record_hash(wheel_meta)},{len(wheel_meta)}", f"{info}/RECORD,,"]
            whl.writestr(f"{info}/RECORD", "\n".join(rows) + "\n")
        pins.append(f"{name}=={version}\n")
    write(os.path.join(out, "requirements.txt"), "".join(pins).encode())


def size_of(root):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)


if __name__ == "__main__":
    random.seed(0)
    if sys.argv[2] == "--bump":
        bump(sys.argv[1], int(sys.argv[3]))
    elif sys.argv[2] == "--index":
        index(sys.argv[1], sys.argv[3])
        print(size_of(os.path.join(sys.argv[3], "simple")))
        sys.exit(0)
    else:
        make(sys.argv[1], float(sys.argv[2]))
    print(size_of(sys.argv[1]))
