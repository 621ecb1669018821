#!/usr/bin/env python3
"""bench-report.py: turn the JSON lines of `make bench` into docs.

    bench-report.py RESULTS.jsonl TEMPLATE.md.in OUT.md OUT.json OUT.png

Repetitions of a point are reduced to their median.  The template's
@@NAME@@ markers are replaced by generated tables; everything else in it is
prose kept by hand.  The plot is drawn by gnuplot (Debian package
gnuplot-nox); without it the document says the plot is missing.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    return rows


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Results:
    """Points keyed by (row, lib, path, size), with their repetitions."""

    def __init__(self, rows):
        self.meta = next((r for r in rows if r.get("row") == "meta"), {})
        self.points = {}
        for r in rows:
            if r.get("row") in (None, "meta"):
                continue
            key = (r["row"], r.get("lib", "raw"), r.get("path", r.get("mode")), r["size"])
            self.points.setdefault(key, []).append(r)

    def reps(self, row, lib, path, size):
        return self.points.get((row, lib, path, size), [])

    def value(self, row, lib, path, size, field):
        """Median over the repetitions that completed and checked out."""
        good = [r[field] for r in self.reps(row, lib, path, size)
                if r.get("ok") and not r.get("skipped") and field in r]
        return median(good)

    def status(self, row, lib, path, size):
        reps = self.reps(row, lib, path, size)
        if not reps:
            return "not run"
        if all(r.get("skipped") for r in reps):
            return "n/a"
        bad = [r for r in reps if not r.get("ok")]
        if bad:
            return "FAILED %d/%d: %s" % (len(bad), len(reps), bad[0].get("note", "?"))
        return "ok"

    def sizes(self, row):
        return sorted({k[3] for k in self.points if k[0] == row})

    def raw(self, mode, size):
        return self.value("raw", "raw", mode, size, "mb_per_s")

    def raw_best(self):
        """The best memcpy rate of the run: the physical copy limit.

        glibc picks vector loops for mid sizes, which software emulation runs
        slowly, and `rep movsb` for large ones, as the kernel always does; the
        best size's rate is the one the kernel's copies can approach.
        """
        rates = [self.raw("memcpy", s) for s in self.sizes("raw")]
        rates = [r for r in rates if r]
        return max(rates) if rates else None

    def checked(self):
        n = errors = 0
        for reps in self.points.values():
            for r in reps:
                if r.get("row", "").startswith("raw"):
                    continue
                n += 1
                errors += sum(r.get(k, 0) for k in
                              ("format_errors", "sequence_errors", "payload_errors",
                               "lost", "order_errors"))
        return n, errors


def human_size(n):
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return "%d %s" % (n // div, unit)
    return "%d B" % n


def fmt(v, digits=None):
    if v is None:
        return "–"
    if digits is None:
        digits = 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2
    return "{:,.{d}f}".format(v, d=digits)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(r):
    if r is None:
        return "–"
    return "%.2fx" % r if r < 0.1 else "%.1fx" % r if r < 100 else "%.0fx" % r


def fmt_pct(r):
    return "–" if r is None else "%.1f%%" % (100 * r)


def throughput_table(res, row):
    lines = [
        "| size | path | corosync msgs/s | kcpg msgs/s | corosync MB/s | kcpg MB/s "
        "| kcpg / corosync | kcpg / best memcpy | check |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size in res.sizes(row):
        for path in ("copy", "zcb"):
            cm = res.value(row, "corosync", path, size, "msgs_per_s")
            km = res.value(row, "kcpg", path, size, "msgs_per_s")
            cb = res.value(row, "corosync", path, size, "mb_per_s")
            kb = res.value(row, "kcpg", path, size, "mb_per_s")
            if not res.reps(row, "corosync", path, size) and not res.reps(row, "kcpg", path, size):
                continue
            st = {res.status(row, "corosync", path, size), res.status(row, "kcpg", path, size)}
            check = "ok" if st == {"ok"} else "; ".join(
                "%s: %s" % (lib, res.status(row, lib, path, size))
                for lib in ("corosync", "kcpg") if res.status(row, lib, path, size) != "ok")
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                human_size(size), path, fmt(cm), fmt(km), fmt(cb), fmt(kb),
                fmt_ratio(ratio(kb, cb)), fmt_pct(ratio(kb, res.raw_best())),
                check))
    return "\n".join(lines)


def latency_table(res):
    lines = [
        "| measurement | path | corosync p50 µs | kcpg p50 µs | corosync p99 µs | kcpg p99 µs "
        "| p50 corosync / kcpg | p99 corosync / kcpg | check |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    names = {"latency": "self-delivery, 64 B", "pingpong": "ping-pong round trip, 64 B"}
    for row in ("latency", "pingpong"):
        for path in ("copy", "zcb"):
            c50 = res.value(row, "corosync", path, 64, "p50_us")
            k50 = res.value(row, "kcpg", path, 64, "p50_us")
            c99 = res.value(row, "corosync", path, 64, "p99_us")
            k99 = res.value(row, "kcpg", path, 64, "p99_us")
            st = [res.status(row, lib, path, 64) for lib in ("corosync", "kcpg")]
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                names[row], path, fmt(c50), fmt(k50), fmt(c99), fmt(k99),
                fmt_ratio(ratio(c50, k50)), fmt_ratio(ratio(c99, k99)),
                "ok" if st == ["ok", "ok"] else " / ".join(st)))
    return "\n".join(lines)


def raw_table(res):
    sizes = res.sizes("raw")
    lines = ["| size | " + " | ".join(human_size(s) for s in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]
    for mode, name in (("memcpy", "memcpy MB/s"), ("hash", "receiver hash MB/s")):
        lines.append("| %s | %s |" % (name, " | ".join(fmt(res.raw(mode, s)) for s in sizes)))
    return "\n".join(lines)


def extra_table(res):
    lines = ["| measurement | corosync | kcpg | kcpg / corosync | check |",
             "|---|---:|---:|---:|---|"]
    c = res.value("tp-3senders", "corosync", "copy", 1024, "msgs_per_s")
    k = res.value("tp-3senders", "kcpg", "copy", 1024, "msgs_per_s")
    st = [res.status("tp-3senders", lib, "copy", 1024) for lib in ("corosync", "kcpg")]
    lines.append("| 3 senders of 1 KiB, msgs/s delivered to each member | %s | %s | %s | %s |" % (
        fmt(c), fmt(k), fmt_ratio(ratio(k, c)), "ok" if st == ["ok", "ok"] else " / ".join(st)))
    for path in ("copy", "zcb"):
        c = res.value("tp-bigwindow", "corosync", path, 1048576, "mb_per_s")
        k = res.value("tp-bigwindow", "kcpg", path, 1048576, "mb_per_s")
        st = [res.status("tp-bigwindow", lib, path, 1048576) for lib in ("corosync", "kcpg")]
        lines.append("| 1 MiB %s, 1 sender, 1 receiver, 8 MiB window (kcpg rings 16 MiB), MB/s "
                     "| %s | %s | %s | %s |" % (path, fmt(c), fmt(k), fmt_ratio(ratio(k, c)),
                                                "ok" if st == ["ok", "ok"] else " / ".join(st)))
    for size in (64, 102400):
        v = res.value("crypto-1to1", "corosync-aes256", "copy", size,
                      "msgs_per_s" if size == 64 else "mb_per_s")
        plain = res.value("tp-1to1", "corosync", "copy", size,
                          "msgs_per_s" if size == 64 else "mb_per_s")
        k = res.value("tp-1to1", "kcpg", "copy", size, "msgs_per_s" if size == 64 else "mb_per_s")
        unit = "msgs/s" if size == 64 else "MB/s"
        lines.append("| corosync with knet aes256/sha256, %s copy, %s (kcpg: one node sends no "
                     "packets, so no crypto) | %s | %s | %s | %s |" % (
                         human_size(size), unit, fmt(v), fmt(k), fmt_ratio(ratio(k, v)),
                         res.status("crypto-1to1", "corosync-aes256", "copy", size)))
        del plain
    full = [res.status("verify-full", lib, p, s) for lib in ("corosync", "kcpg")
            for p in ("copy", "zcb") for s in res.sizes("verify-full")]
    lines.append("| full byte-by-byte verification, 2 senders, 2 receivers, 64 B / 10 KiB / 1 MiB "
                 "| %s | %s | | |" % (
                     "ok" if all(x in ("ok", "n/a") for x in full[:len(full) // 2]) else "FAILED",
                     "ok" if all(x in ("ok", "n/a") for x in full[len(full) // 2:]) else "FAILED"))
    return "\n".join(lines)


def best_of(res, row, lib, size, field="mb_per_s", paths=("copy", "zcb")):
    vals = [res.value(row, lib, p, size, field) for p in paths]
    vals = [v for v in vals if v is not None]
    return max(vals) if vals else None


def udp_limit(res, gso):
    return res.value("raw3-udp", "raw", "gso" if gso else "nogso",
                     next(iter(res.sizes("raw3-udp")), 0), "mb_per_s")


def summary_table(res, nodes):
    """Headline numbers: corosync, kcpg, TIPC, and the ratios between them."""
    lines = ["| measurement | corosync | kcpg | TIPC | kcpg / corosync | kcpg / TIPC "
             "| kcpg / raw limit |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    if nodes == 1:
        tp, tp3, lat, pp = "tp-1to1", "tp-3senders", "latency", "pingpong"
        ttp, ttp3, tlat, tpp = "tipc-1to1", "tipc-3senders", "tipc-latency", "tipc-pingpong"
        raw = res.raw_best()
        rawname = "best memcpy"
        paths = ("copy", "zcb")
    else:
        tp, tp3, lat, pp = "n3-tp", "n3-3senders", "n3-latency", "n3-pingpong"
        ttp, ttp3, tlat, tpp = "tipc3-tp", "tipc3-3senders", "tipc3-latency", "tipc3-pingpong"
        raw = udp_limit(res, False)
        rawname = "UDP fan-out, no GSO"
        paths = ("copy",)
    rows = [
        ("64 B, msgs/s at the slowest receiver", tp, 64, ttp, 64, "msgs_per_s", False),
        ("1 KiB, MB/s", tp, 1024, ttp, 1024, "mb_per_s", False),
        ("10 KiB, MB/s", tp, 10240, ttp, 10240, "mb_per_s", False),
        ("100 KiB, MB/s (TIPC: 60 KiB, its largest)", tp, 102400, ttp, 61440, "mb_per_s", True),
        ("1 MiB, MB/s (TIPC: 60 KiB)", tp, 1048576, ttp, 61440, "mb_per_s", True),
        ("3 senders of 1 KiB, msgs/s delivered to each member", tp3, 1024, ttp3, 1024,
         "msgs_per_s", False),
    ]
    for name, row, size, trow, tsize, field, vs_raw in rows:
        c = best_of(res, row, "corosync", size, field, ("copy",))
        k = best_of(res, row, "kcpg", size, field,
                    paths if field == "mb_per_s" and size >= 102400 else ("copy",))
        t = res.value(trow, "tipc", "copy", tsize, field)
        if c is None and k is None and t is None:
            continue
        lines.append("| %s%s | %s | %s | %s | %s | %s | %s |" % (
            name, " (kcpg: best of copy and zcb)" if len(paths) > 1 and field == "mb_per_s"
            and size >= 102400 else "",
            fmt(c), fmt(k), fmt(t), fmt_ratio(ratio(k, c)), fmt_ratio(ratio(k, t)),
            ("%s of %s (%s MB/s)" % (fmt_pct(ratio(k, raw)), rawname, fmt(raw)))
            if vs_raw and raw else ""))
    for name, row, trow in (("self-delivery", lat, tlat), ("ping-pong round trip", pp, tpp)):
        for field in ("p50_us", "p99_us"):
            c = res.value(row, "corosync", "copy", 64, field)
            k = res.value(row, "kcpg", "copy", 64, field)
            t = res.value(trow, "tipc", "copy", 64, field)
            if c is None and k is None and t is None:
                continue
            lines.append("| %s, 64 B, %s µs (lower is better; ratios: how many times "
                         "lower kcpg is) | %s | %s | %s | %s | %s | |" % (
                             name, field[:3], fmt(c), fmt(k), fmt(t),
                             fmt_ratio(ratio(c, k)), fmt_ratio(ratio(t, k))))
    return "\n".join(lines)


def tipc_table(res, nodes):
    rows = ("tipc-1to1", "tipc-1to3", "tipc-3senders") if nodes == 1 else \
        ("tipc3-tp", "tipc3-3senders")
    lines = ["| row | size | senders | receivers | msgs/s | MB/s | check |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        for size in res.sizes(row):
            reps = res.reps(row, "tipc", "copy", size)
            r0 = reps[0] if reps else {}
            lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                row, human_size(size), r0.get("senders", "?"), r0.get("receivers", "?"),
                fmt(res.value(row, "tipc", "copy", size, "msgs_per_s")),
                fmt(res.value(row, "tipc", "copy", size, "mb_per_s")),
                res.status(row, "tipc", "copy", size)))
    for row in (("tipc-latency", "tipc-pingpong") if nodes == 1 else
                ("tipc3-latency", "tipc3-pingpong")):
        lines.append("| %s | 64 B | | | p50 %s µs | p99 %s µs | %s |" % (
            row, fmt(res.value(row, "tipc", "copy", 64, "p50_us")),
            fmt(res.value(row, "tipc", "copy", 64, "p99_us")),
            res.status(row, "tipc", "copy", 64)))
    return "\n".join(lines)


def nodes_table(res):
    """Three nodes, kcpg against corosync, point by point."""
    lines = throughput_table(res, "n3-tp").split("\n")
    lines[0] = lines[0].replace("kcpg / best memcpy", "kcpg / UDP fan-out (no GSO)")
    raw = udp_limit(res, False)
    best = res.raw_best()
    out = []
    for line in lines:
        # The throughput table divides by memcpy; here the limit is the network.
        if best and raw and line.startswith("| ") and "%" in line:
            cells = line.split(" | ")
            kb = res.value("n3-tp", "kcpg", "copy", parse_size(cells[0][2:]), "mb_per_s")
            cells[7] = fmt_pct(ratio(kb, raw))
            line = " | ".join(cells)
        out.append(line)
    for row, name in (("n3-latency", "self-delivery, 64 B, group on all 3 nodes"),
                      ("n3-pingpong", "ping-pong n1 ↔ n2, 64 B")):
        c50 = res.value(row, "corosync", "copy", 64, "p50_us")
        k50 = res.value(row, "kcpg", "copy", 64, "p50_us")
        c99 = res.value(row, "corosync", "copy", 64, "p99_us")
        k99 = res.value(row, "kcpg", "copy", 64, "p99_us")
        st = [res.status(row, lib, "copy", 64) for lib in ("corosync", "kcpg")]
        out.append("")
        out.append("%s: corosync p50 %s / p99 %s µs, kcpg p50 %s / p99 %s µs "
                   "(p50 %s lower, p99 %s lower; check: %s)." % (
                       name, fmt(c50), fmt(c99), fmt(k50), fmt(k99),
                       fmt_ratio(ratio(c50, k50)), fmt_ratio(ratio(c99, k99)),
                       "ok" if st == ["ok", "ok"] else " / ".join(st)))
    c = res.value("n3-3senders", "corosync", "copy", 1024, "msgs_per_s")
    k = res.value("n3-3senders", "kcpg", "copy", 1024, "msgs_per_s")
    st = [res.status("n3-3senders", lib, "copy", 1024) for lib in ("corosync", "kcpg")]
    out.append("")
    out.append("Three senders of 1 KiB (one per node), messages/s delivered to each member: "
               "corosync %s, kcpg %s (%s; check: %s)." % (
                   fmt(c), fmt(k), fmt_ratio(ratio(k, c)),
                   "ok" if st == ["ok", "ok"] else " / ".join(st)))
    return "\n".join(out)


def crypto_nodes_table(res):
    """Three nodes with crypto on (bench-nodes.sh --crypto) beside crypto off."""
    row, lat = "n3-crypto-tp", "n3-crypto-latency"
    if not res.sizes(row) and not res.sizes(lat):
        return "(not run: `BENCH_CRYPTO=0`, or a run from before this row existed)"
    lines = ["| measurement | corosync, knet aes256/sha256 | kcpg, AES-256-GCM cluster key "
             "| kcpg / corosync | corosync on / off | kcpg on / off | check |",
             "|---|---:|---:|---:|---:|---:|---|"]

    def check(r, size):
        st = [res.status(r, lib, "copy", size) for lib in ("corosync", "kcpg")]
        return "ok" if st == ["ok", "ok"] else " / ".join(st)

    for size in res.sizes(row):
        field = "msgs_per_s" if size == 64 else "mb_per_s"
        unit = "msgs/s at the slowest receiver" if size == 64 else "MB/s"
        c = res.value(row, "corosync", "copy", size, field)
        k = res.value(row, "kcpg", "copy", size, field)
        c0 = res.value("n3-tp", "corosync", "copy", size, field)
        k0 = res.value("n3-tp", "kcpg", "copy", size, field)
        lines.append("| %s, %s | %s | %s | %s | %s | %s | %s |" % (
            human_size(size), unit, fmt(c), fmt(k), fmt_ratio(ratio(k, c)),
            fmt_ratio(ratio(c, c0)), fmt_ratio(ratio(k, k0)), check(row, size)))
    if res.sizes(lat):
        for field in ("p50_us", "p99_us"):
            c = res.value(lat, "corosync", "copy", 64, field)
            k = res.value(lat, "kcpg", "copy", 64, field)
            c0 = res.value("n3-latency", "corosync", "copy", 64, field)
            k0 = res.value("n3-latency", "kcpg", "copy", 64, field)
            lines.append("| self-delivery, 64 B, %s µs (lower is better; kcpg / corosync: how "
                         "many times lower kcpg is) | %s | %s | %s | %s | %s | %s |" % (
                             field[:3], fmt(c), fmt(k), fmt_ratio(ratio(c, k)),
                             fmt_ratio(ratio(c, c0)), fmt_ratio(ratio(k, k0)),
                             check(lat, 64)))
    reps = max([len(res.reps(r, lib, "copy", s)) for r in (row, lat)
                for lib in ("corosync", "kcpg") for s in res.sizes(r)] or [0])
    lines.append("")
    lines.append("On / off: the crypto-on figure divided by the crypto-off one of the same "
                 "run (below 1x for a rate, above 1x for a latency: what encryption costs). "
                 "Median of %d repetition%s." % (reps, "" if reps == 1 else "s"))
    return "\n".join(lines)


def parse_size(text):
    n, unit = text.split()
    return int(n) * {"B": 1, "KiB": 1024, "MiB": 1 << 20}[unit]


def raw_nodes_table(res):
    lines = ["| raw limit | MB/s | note |", "|---|---:|---|"]
    for gso in (False, True):
        reps = res.reps("raw3-udp", "raw", "gso" if gso else "nogso",
                        next(iter(res.sizes("raw3-udp")), 0))
        r0 = reps[0] if reps else {}
        lines.append("| kernel UDP fan-out n1 → n2 + n3, %s B datagrams (MTU %s), %s "
                     "| %s | slower receiver, median of %d rounds |" % (
                         r0.get("size", "?"), r0.get("mtu", "?"),
                         "UDP GSO (40 segments per send)" if gso else "one send per datagram",
                         fmt(udp_limit(res, gso)), len(reps)))
    for size in res.sizes("raw-aead"):
        lines.append("| AES-256-GCM (kcpg's cipher, gcm(aes) via AF_ALG), %s per operation "
                     "| %s | one core, system calls included |" % (
                         human_size(size), fmt(res.value("raw-aead", "raw", "aead", size,
                                                         "mb_per_s"))))
    return "\n".join(lines)


def target_lines(res):
    """The targets of issue 8, each met or missed, with the numbers."""
    out = []

    def verdict(ok):
        return "**met**" if ok else "**missed**"

    c = res.value("tp-1to1", "corosync", "copy", 64, "msgs_per_s")
    k = res.value("tp-1to1", "kcpg", "copy", 64, "msgs_per_s")
    # The ratio of the MB/s medians, as in the tables.
    r = ratio(res.value("tp-1to1", "kcpg", "copy", 64, "mb_per_s"),
              res.value("tp-1to1", "corosync", "copy", 64, "mb_per_s"))
    t = res.value("tipc-1to1", "tipc", "copy", 64, "msgs_per_s")
    out.append("- One node, 64 B messages/s at least 20x corosync: %s (%s; %s vs %s msgs/s). "
               "Above TIPC: %s (TIPC %s msgs/s, kcpg %s of it)." % (
                   verdict(r is not None and r >= 20), fmt_ratio(r), fmt(k), fmt(c),
                   verdict(k is not None and t is not None and k > t), fmt(t),
                   fmt_ratio(ratio(k, t))))
    for size in (102400, 1048576):
        c = res.value("tp-1to1", "corosync", "copy", size, "mb_per_s")
        best = max([v for v in (res.value("tp-1to1", "kcpg", p, size, "mb_per_s")
                                for p in ("copy", "zcb")) if v is not None] or [0]) or None
        r = ratio(best, c)
        t = res.value("tipc-1to1", "tipc", "copy", 61440, "mb_per_s")
        out.append("- One node, %s MB/s at least 5x corosync: %s (%s; kcpg best path %s vs "
                   "corosync copy %s MB/s). Above TIPC's 60 KiB figure: %s (TIPC %s MB/s)." % (
                       human_size(size), verdict(r is not None and r >= 5),
                       fmt_ratio(r), fmt(best), fmt(c),
                       verdict(best is not None and t is not None and best > t), fmt(t)))
    c = res.value("latency", "corosync", "copy", 64, "p50_us")
    k = res.value("latency", "kcpg", "copy", 64, "p50_us")
    r = ratio(c, k)
    t = res.value("tipc-latency", "tipc", "copy", 64, "p50_us")
    out.append("- One node, self-delivery p50 at least 20x lower than corosync: %s (%s; %s vs "
               "%s µs). Within 1.5x of TIPC: %s (TIPC %s µs; kcpg/TIPC %s)." % (
                   verdict(r is not None and r >= 20), fmt_ratio(r), fmt(k), fmt(c),
                   verdict(k is not None and t is not None and k <= 1.5 * t), fmt(t),
                   fmt_ratio(ratio(k, t))))
    z = res.value("tp-1to1", "kcpg", "zcb", 1048576, "mb_per_s")
    cp = res.value("tp-1to1", "kcpg", "copy", 1048576, "mb_per_s")
    r = ratio(z, cp)
    out.append("- zero copy pays, 1 MiB, one receiver, zcb at least 1.5x copy: %s (%s; %s vs "
               "%s MB/s)." % (verdict(r is not None and r >= 1.5), fmt_ratio(r), fmt(z), fmt(cp)))
    best = max([v for v in (res.value("tp-1to1", "kcpg", p, 1048576, "mb_per_s")
                            for p in ("copy", "zcb")) if v is not None] or [0]) or None
    raw = res.raw("memcpy", 1048576)
    r = ratio(best, raw)
    out.append("- One node, large messages reach at least half of the raw limit (memcpy at "
               "1 MiB): %s (%s of %s MB/s)." % (verdict(r is not None and r >= 0.5),
                                                "–" if r is None else "%.1f%%" % (100 * r),
                                                fmt(raw)))
    # Three nodes.
    c = res.value("n3-tp", "corosync", "copy", 64, "msgs_per_s")
    k = res.value("n3-tp", "kcpg", "copy", 64, "msgs_per_s")
    t = res.value("tipc3-tp", "tipc", "copy", 64, "msgs_per_s")
    r = ratio(k, c)
    out.append("- Three nodes, 64 B messages/s at least 10x corosync: %s (%s; %s vs %s "
               "msgs/s). Above TIPC: %s (TIPC %s msgs/s)." % (
                   verdict(r is not None and r >= 10), fmt_ratio(r), fmt(k), fmt(c),
                   verdict(k is not None and t is not None and k > t), fmt(t)))
    c = res.value("n3-3senders", "corosync", "copy", 1024, "msgs_per_s")
    k = res.value("n3-3senders", "kcpg", "copy", 1024, "msgs_per_s")
    r = ratio(k, c)
    out.append("- Three nodes, three senders of 1 KiB, aggregate at least 10x corosync: %s "
               "(%s; %s vs %s msgs/s at each member)." % (
                   verdict(r is not None and r >= 10), fmt_ratio(r), fmt(k), fmt(c)))
    c = res.value("n3-tp", "corosync", "copy", 102400, "mb_per_s")
    k = res.value("n3-tp", "kcpg", "copy", 102400, "mb_per_s")
    r = ratio(k, c)
    out.append("- Three nodes, 100 KiB MB/s at least 5x corosync: %s (%s; %s vs %s MB/s)." % (
        verdict(r is not None and r >= 5), fmt_ratio(r), fmt(k), fmt(c)))
    for field, name in (("p50_us", "p50"), ("p99_us", "p99")):
        c = res.value("n3-latency", "corosync", "copy", 64, field)
        k = res.value("n3-latency", "kcpg", "copy", 64, field)
        t = res.value("tipc3-latency", "tipc", "copy", 64, field)
        r = ratio(c, k)
        extra = ""
        if field == "p50_us":
            extra = " Within 2x of TIPC: %s (TIPC %s µs; kcpg/TIPC %s)." % (
                verdict(k is not None and t is not None and k <= 2 * t), fmt(t),
                fmt_ratio(ratio(k, t)))
        out.append("- Three nodes, self-delivery latency %s at least 10x lower than corosync: "
                   "%s (%s; %s vs %s µs).%s" % (name, verdict(r is not None and r >= 10),
                                                fmt_ratio(r), fmt(k), fmt(c), extra))
    c = res.value("n3-pingpong", "corosync", "copy", 64, "p50_us")
    k = res.value("n3-pingpong", "kcpg", "copy", 64, "p50_us")
    t = res.value("tipc3-pingpong", "tipc", "copy", 64, "p50_us")
    r = ratio(c, k)
    out.append("- Three nodes, ping-pong across nodes (n1 ↔ n2), p50 at least 10x lower than "
               "corosync: %s (%s; %s vs %s µs). Within 2x of TIPC: %s (TIPC %s µs)." % (
                   verdict(r is not None and r >= 10), fmt_ratio(r), fmt(k), fmt(c),
                   verdict(k is not None and t is not None and k <= 2 * t), fmt(t)))
    raw = udp_limit(res, False)
    for size in (102400, 1048576):
        k = res.value("n3-tp", "kcpg", "copy", size, "mb_per_s")
        r = ratio(k, raw)
        out.append("- Three nodes, %s reaches at least half of the raw limit (UDP fan-out to "
                   "two receivers at the same MTU, no GSO, as kcpg sends): %s (%s of %s MB/s; "
                   "with GSO the limit is %s MB/s)." % (
                       human_size(size), verdict(r is not None and r >= 0.5), fmt_pct(r),
                       fmt(raw), fmt(udp_limit(res, True))))
    return "\n".join(out)


def plot(res, png):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        return "gnuplot is not installed (Debian package gnuplot-nox): no plot."
    series = [("corosync", "copy", "corosync copy"), ("corosync", "zcb", "corosync zcb"),
              ("kcpg", "copy", "kcpg copy"), ("kcpg", "zcb", "kcpg zcb")]
    panels = (("tp-1to1", "tipc-1to1", "one node: 1 sender, 1 receiver", "memcpy (raw limit)"),
              ("tp-1to3", "tipc-1to3", "one node: 1 sender, 3 receivers", "memcpy (raw limit)"),
              ("n3-tp", "tipc3-tp", "three nodes: sender on n1, receivers on n2, n3",
               "UDP fan-out, no GSO (raw limit)"))
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for row, trow, title, _ in panels:
            for lib, path, name in series + [("tipc", "copy", "TIPC group")]:
                fn = os.path.join(tmp, "%s-%s-%s.dat" % (row, lib, path))
                with open(fn, "w") as f:
                    for size in res.sizes(trow if lib == "tipc" else row):
                        v = res.value(trow if lib == "tipc" else row, lib, path, size,
                                      "mb_per_s")
                        if v:
                            f.write("%d %g\n" % (size, v))
                if os.path.getsize(fn):
                    files.append((row, title, fn, name))
        rawfn = os.path.join(tmp, "raw.dat")
        with open(rawfn, "w") as f:
            for size in res.sizes("raw"):
                v = res.raw("memcpy", size)
                if v:
                    f.write("%d %g\n" % (size, v))
        udpfn = os.path.join(tmp, "udp.dat")
        with open(udpfn, "w") as f:
            v = udp_limit(res, False)
            if v:
                f.write("40 %g\n1.6e6 %g\n" % (v, v))
        terms = subprocess.run([gnuplot, "-e", "set terminal"], capture_output=True)
        script = [
            "set terminal pngcairo size 1500,520 font ',10'"
            if b"pngcairo" in terms.stdout + terms.stderr
            else "set terminal png size 1500,520",
            "set output '%s'" % png,
            "set multiplot layout 1,3 title 'kcpg vs corosync 3.1.7 vs TIPC groups, "
            "same VM boot (MB/s of payload at the slowest receiver, median)'",
            "set logscale xy", "set grid", "set key bottom right",
            "set xlabel 'message size (bytes)'", "set ylabel 'MB/s'",
            "set format x '%.0s%cB'", "set xrange [40:1.6e6]",
        ]
        styles = {"corosync copy": "lc rgb '#d62728' dt 1", "corosync zcb": "lc rgb '#d62728' dt 2",
                  "kcpg copy": "lc rgb '#1f77b4' dt 1", "kcpg zcb": "lc rgb '#1f77b4' dt 2",
                  "TIPC group": "lc rgb '#2ca02c' dt 1"}
        for row, trow, title, rawname in panels:
            parts = ["'%s' using 1:2 with linespoints lw 2 pt 7 %s title '%s'" % (
                fn, styles[name], name) for r, _, fn, name in files if r == row]
            lim = udpfn if row == "n3-tp" else rawfn
            if os.path.getsize(lim):
                parts.append("'%s' using 1:2 with lines lw 1 lc rgb '#555555' dt 3 "
                             "title '%s'" % (lim, rawname))
            if not parts:
                continue
            script.append("set title '%s'" % title)
            script.append("plot " + ", ".join(parts))
        script.append("unset multiplot")
        r = subprocess.run([gnuplot], input="\n".join(script), text=True, capture_output=True)
        if r.returncode != 0:
            return "gnuplot failed: %s" % r.stderr.strip()[:200]
    return None


def analysis(template):
    """The hand-written reading of the last profiles, kept beside the template."""
    path = os.path.join(os.path.dirname(template), "benchmarks-analysis.md")
    if not os.path.exists(path):
        return "(not written for this run)"
    with open(path) as f:
        return f.read().strip()


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    results, template, out_md, out_json, out_png = sys.argv[1:]
    rows = load(results)
    res = Results(rows)
    n, errors = res.checked()
    plot_error = plot(res, out_png)
    meta = res.meta
    if not meta.get("corosync"):
        # Runs before the meta line carried it: the log names the version.
        log = os.path.splitext(results)[0] + ".log"
        if os.path.exists(log):
            for line in open(log):
                if line.startswith("# corosync") and "version '" in line:
                    meta["corosync"] = line.split("version '")[1].split("'")[0]
                    break
    run = "%s, kernel %s, %s vCPUs (TCG), corosync %s" % (
        meta.get("date", "?"), meta.get("kernel", "?"), meta.get("cpus", "?"),
        meta.get("corosync", "?"))
    reps = max([r.get("rep", 1) for r in rows if "rep" in r] or [1])
    text = open(template).read()
    subst = {
        "RUN": run,
        "REPS": str(reps),
        "CHECKED": "%d benchmark points, %d delivery errors (format, sequence, payload, "
                   "lost or order)" % (n, errors),
        "TP_1TO1": throughput_table(res, "tp-1to1"),
        "TP_1TO3": throughput_table(res, "tp-1to3"),
        "LATENCY": latency_table(res),
        "EXTRA": extra_table(res),
        "RAW": raw_table(res),
        "SUMMARY_1": summary_table(res, 1),
        "SUMMARY_3": summary_table(res, 3),
        "TIPC_1": tipc_table(res, 1),
        "TIPC_3": tipc_table(res, 3),
        "NODES": nodes_table(res),
        "NODES_CRYPTO": crypto_nodes_table(res),
        "RAW_NODES": raw_nodes_table(res),
        "TARGETS": target_lines(res),
        "ANALYSIS": analysis(template),
        "PLOT": ("![throughput vs message size](benchmarks.png)" if not plot_error
                 else "(no plot: %s)" % plot_error),
    }
    for k, v in subst.items():
        text = text.replace("@@%s@@" % k, v)
    with open(out_md, "w") as f:
        f.write(text)
    summary = {"meta": meta, "points": [
        {"row": k[0], "lib": k[1], "path": k[2], "size": k[3],
         "reps": len(v),
         "ok": all(r.get("ok") for r in v),
         "median": {f: median([r.get(f) for r in v if r.get("ok") and f in r])
                    for f in ("msgs_per_s", "mb_per_s", "p50_us", "p99_us")
                    if any(f in r for r in v)}}
        for k, v in sorted(res.points.items(), key=lambda kv: [str(x) for x in kv[0]])]}
    with open(out_json, "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
