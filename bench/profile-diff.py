#!/usr/bin/env python3
"""Differential profile of two async-profiler recordings (collapsed stacks with `total`, as
bench/path-ab.sh writes them: CPU nanoseconds or allocated bytes per stack, first line
'# requests N'), normalised per request: what B runs that A does not.

Usage: bench/profile-diff.py A.collapsed[.gz] B.collapsed[.gz] [top, default 40] [--alloc]
Prints, per request (µs of CPU, or bytes with --alloc): the totals, the inclusive cost of frames
(each counted once per stack) where B and A differ most, the self cost by leaf package, and the
inclusive cost of a few groups of frames that matter to a gateway.
"""
import gzip
import re
import sys
from collections import defaultdict

GROUPS = [  # name, regular expression on a frame: a stack is in the group if any of its frames matches
    ("Scopegate code (io.scopegate.*, not the connection handlers)", r"^io/scopegate/gateway/(?!connection/)|^io/scopegate/store"),
    ("SCG global filters (org.springframework.cloud.gateway.filter.*)", r"cloud/gateway/filter/|cloud\.gateway\.filter\."),
    ("SCG headers filters (HttpHeadersFilter)", r"filter/headers/|filter\.headers\."),
    ("SCG route lookup (RoutePredicateHandlerMapping)", r"RoutePredicateHandlerMapping"),
    ("Spring Security / firewall", r"security"),
    ("Micrometer / observation", r"micrometer|observation"),
    ("Reactor Netty HTTP client (upstream)", r"reactor/netty/http/client|reactor\.netty\.http\.client"),
    ("Reactor Netty HTTP server", r"reactor/netty/http/server|reactor\.netty\.http\.server"),
    ("R2DBC / PostgreSQL", r"r2dbc|postgresql"),
    ("logging (logback, slf4j)", r"logback|slf4j"),
    ("GC threads", r"^\[?G1|GCTaskThread|G1 |gc_"),
    ("JIT compiler threads", r"CompileBroker|C2Compiler|C1Compiler|Compile::"),
    ("kernel (syscalls)", r"_\[k\]$"),
    ("HttpHeaders / header maps", r"HttpHeaders|HeadersAdapter|LinkedCaseInsensitiveMap|DefaultHttpHeaders"),
    ("exchange attributes (ConcurrentHashMap in exchange)", r"DefaultServerWebExchange.getAttributes|ServerWebExchangeUtils"),
]


def read(path):
    requests, stacks = None, []
    with (gzip.open(path, "rt") if path.endswith(".gz") else open(path)) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# requests"):
                requests = int(line.split()[2])
                continue
            if not line or line.startswith("#"):
                continue
            stack, _, value = line.rpartition(" ")
            stacks.append((stack.split(";"), int(value)))
    if not requests:
        sys.exit(f"{path}: no '# requests N' line")
    return requests, stacks


# Frames that do work on someone else's behalf: a sample in them is charged to the nearest caller
# that is not one of them (see owner()).
PLUMBING = re.compile(r"^(reactor/core/|java/|jdk/|sun/|itable stub|vtable stub|\[|Interpreter|.*_\[k\]$|"
                      r"io/netty/util/|io/netty/buffer/|org/springframework/util/|org/springframework/core/|"
                      r"io/scopegate/gateway/connection/RequestHeadTimeout|reactor/netty/http/IdleTimeoutHandler|"
                      r"io/netty/handler/timeout/IdleStateHandler|[a-z_0-9]+$|[A-Z][a-zA-Z]+::|libjvm|libc)")


def owner(frames):
    """The class and method closest to the leaf that is not plumbing (Reactor operators, JDK, kernel)."""
    for frame in reversed(frames):
        if not PLUMBING.match(frame):
            return re.sub(r"\$\$Lambda.*", "$$Lambda", frame.split("(")[0])
    return "(plumbing only: " + (frames[1] if len(frames) > 1 else frames[0])[:60] + ")"


def per_request(path, scale):
    requests, stacks = read(path)
    total = 0.0
    inclusive, leaf, groups = defaultdict(float), defaultdict(float), defaultdict(float)
    owners = defaultdict(float)
    for frames, value in stacks:
        v = value / scale / requests
        total += v
        for frame in set(frames):
            inclusive[frame] += v
        leaf[package(frames[-1])] += v
        owners[owner(frames)] += v
        for name, pattern in GROUPS:
            if any(re.search(pattern, frame) for frame in frames):
                groups[name] += v
    return requests, total, inclusive, leaf, groups, owners


def package(frame):
    frame = re.sub(r"_\[[a-z0-9]\]$", "", frame)
    if "." not in frame and "/" not in frame:
        return frame if len(frame) < 40 else frame[:40]
    name = frame.replace("/", ".").split("(")[0]
    parts = name.split(".")
    return ".".join(parts[:4]) if len(parts) > 4 else name


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    alloc = "--alloc" in sys.argv
    scale, unit = (1.0, "B") if alloc else (1000.0, "us")
    top = int(args[2]) if len(args) > 2 else 40
    ra, ta, ia, la, ga, oa = per_request(args[0], scale)
    rb, tb, ib, lb, gb, ob = per_request(args[1], scale)
    print(f"A {args[0]}: {ra} requests, {ta:.1f} {unit}/request profiled")
    print(f"B {args[1]}: {rb} requests, {tb:.1f} {unit}/request profiled")
    print(f"B - A: {tb - ta:+.1f} {unit}/request\n")
    print(f"groups (inclusive, {unit}/request): A, B, B - A")
    for name, _ in GROUPS:
        print(f"  {ga[name]:8.1f} {gb[name]:8.1f} {gb[name] - ga[name]:+8.1f}  {name}")
    print(f"\nframes with the largest inclusive difference ({unit}/request): A, B, B - A")
    frames = set(ia) | set(ib)
    for frame in sorted(frames, key=lambda f: -abs(ib[f] - ia[f]))[:top]:
        print(f"  {ia[frame]:8.1f} {ib[frame]:8.1f} {ib[frame] - ia[frame]:+8.1f}  {frame[:150]}")
    print(f"\ncost charged to the nearest non-plumbing frame ({unit}/request): A, B, B - A")
    for o in sorted(set(oa) | set(ob), key=lambda o: -abs(ob[o] - oa[o]))[:top]:
        print(f"  {oa[o]:8.1f} {ob[o]:8.1f} {ob[o] - oa[o]:+8.1f}  {o[:150]}")
    print(f"\nself cost by leaf package ({unit}/request): A, B, B - A")
    for p in sorted(set(la) | set(lb), key=lambda p: -abs(lb[p] - la[p]))[:top]:
        print(f"  {la[p]:8.1f} {lb[p]:8.1f} {lb[p] - la[p]:+8.1f}  {p}")


if __name__ == "__main__":
    main()
