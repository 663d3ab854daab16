"""Run every benchmark of the issues and write ``bench/results.json`` and ``bench/RESULTS.md``.

    python bench/run.py              # full size, as the issues state the targets
    python bench/run.py --quick      # small corpora, a few minutes in all
    python bench/run.py --only archive --only search

Each ``bench/bench_<area>.py`` exposes ``run(quick: bool, workdir: Path) -> list[dict]`` (rows with
issue, name, value, unit, target, ok, notes) and measures its own baselines in the same run. Every
module runs in a fresh Python process: its peak memory is its own, and one that crashes or hangs
does not stop the others. Generated corpora go to ``bench/work/<area>/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / "work"
RESULTS_JSON = BENCH_DIR / "results.json"
RESULTS_MD = BENCH_DIR / "RESULTS.md"
ROW_KEYS = ("issue", "name", "value", "unit", "target", "ok", "notes")
PACKAGES = ("sqlalchemy", "alembic", "pymupdf", "python-docx", "openpyxl", "whoosh3", "rjieba",
            "jieba", "tantivy", "pillow", "lxml", "pyside6-essentials", "psycopg")


# -- the machine -----------------------------------------------------------------------------

def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    if sys.platform == "win32":
        import ctypes

        class MemoryStatus(ctypes.Structure):
            _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                        ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                        ("ullTotalPageFile", ctypes.c_ulonglong),
                        ("ullAvailPageFile", ctypes.c_ulonglong),
                        ("ullTotalVirtual", ctypes.c_ulonglong),
                        ("ullAvailVirtual", ctypes.c_ulonglong),
                        ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

        status = MemoryStatus()
        status.dwLength = ctypes.sizeof(MemoryStatus)
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
            return int(status.ullTotalPhys)
    return None


def _disk(path: Path) -> dict[str, Any]:
    path.mkdir(parents=True, exist_ok=True)
    usage = shutil.disk_usage(path)
    out: dict[str, Any] = {"path": str(path), "total_gb": round(usage.total / 1e9, 1),
                           "free_gb": round(usage.free / 1e9, 1)}
    try:  # the file system and device the work folder lives on (Linux)
        best = ""
        for line in Path("/proc/mounts").read_text().splitlines():
            device, mount, fstype = line.split()[:3]
            if str(path.resolve()).startswith(mount) and len(mount) >= len(best):
                best = mount
                out.update(device=device, fs=fstype, mount=mount)
        name = Path(str(out.get("device", ""))).name.rstrip("0123456789")
        rotational = Path(f"/sys/block/{name}/queue/rotational")
        if name and rotational.exists():
            out["rotational"] = rotational.read_text().strip() == "1"
    except (OSError, ValueError):
        pass
    return out


def _versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def describe_machine() -> dict[str, Any]:
    ram = _ram_bytes()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": round(ram / 2**30, 1) if ram else None,
        "disk": _disk(WORK_DIR),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "packages": _versions(),
    }


# -- one module in its own process -----------------------------------------------------------

def discover() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py"))


def _peak_rss_mb() -> float | None:
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
    except ImportError:  # Windows
        try:
            import ctypes
            from ctypes import wintypes

            class Counters(ctypes.Structure):
                _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                            ("PeakWorkingSetSize", ctypes.c_size_t),
                            ("WorkingSetSize", ctypes.c_size_t),
                            ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
                            ("QuotaPagedPoolUsage", ctypes.c_size_t),
                            ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
                            ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                            ("PagefileUsage", ctypes.c_size_t),
                            ("PeakPagefileUsage", ctypes.c_size_t)]

            counters = Counters()
            counters.cb = ctypes.sizeof(Counters)
            process = ctypes.windll.kernel32.GetCurrentProcess()  # type: ignore[attr-defined]
            ctypes.windll.psapi.GetProcessMemoryInfo(  # type: ignore[attr-defined]
                process, ctypes.byref(counters), counters.cb)
            return round(counters.PeakWorkingSetSize / 2**20, 1)
        except Exception:  # noqa: BLE001 - memory is a nice-to-have figure
            return None


def child(name: str, quick: bool, workdir: Path, out: Path) -> int:
    """Inside the subprocess: run one module and write its rows (or its traceback) to ``out``."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    payload: dict[str, Any] = {"module": name}
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}",
                                                      BENCH_DIR / f"bench_{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        payload["rows"] = module.run(quick, workdir)
        code = 0
    except BaseException:  # noqa: BLE001 - reported to the parent, which goes on
        payload["error"] = traceback.format_exc()
        code = 1
    payload["seconds"] = round(time.perf_counter() - started, 1)
    payload["peak_rss_mb"] = _peak_rss_mb()
    out.write_text(json.dumps(payload, ensure_ascii=False, default=str), "utf-8")
    return code


def _normalise(row: dict[str, Any], module: str) -> dict[str, Any]:
    clean = {key: row.get(key) for key in ROW_KEYS}
    clean["notes"] = clean["notes"] or ""
    clean["module"] = module
    return clean


def load_average() -> float | None:
    """The 1-minute load average: other work on the machine skews every figure (Unix only)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def run_module(name: str, quick: bool, timeout: float | None) -> dict[str, Any]:
    load_before = load_average()
    workdir = WORK_DIR / name
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    out = WORK_DIR / f"{name}.result.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--workdir",
           str(workdir), "--out", str(out)] + (["--quick"] if quick else [])
    log = WORK_DIR / f"{name}.log"
    started = time.perf_counter()
    with open(log, "w", encoding="utf-8", errors="replace") as sink:
        try:
            returncode = subprocess.run(cmd, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT,
                                        timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            returncode = -1
            sink.write(f"\nstopped: timed out after {timeout} s\n")
    output = log.read_text("utf-8", errors="replace")
    wall = round(time.perf_counter() - started, 1)
    payload: dict[str, Any] = {}
    if out.exists():
        payload = json.loads(out.read_text("utf-8"))
    rows = [_normalise(r, name) for r in payload.get("rows") or []]
    error = payload.get("error") or ("" if returncode == 0 else output[-3000:] or
                                     f"exit code {returncode}")
    if error:
        rows.append(_normalise({"issue": None, "name": f"bench_{name} failed", "value": None,
                                "unit": "", "target": "runs to the end", "ok": False,
                                "notes": error.strip().splitlines()[-1][:300]}, name))
    return {"module": name, "rows": rows, "seconds": wall, "returncode": returncode,
            "peak_rss_mb": payload.get("peak_rss_mb"), "error": error, "quick": quick,
            "log": str(log.relative_to(REPO)), "load_before": load_before,
            "load_after": load_average()}


# -- reports ---------------------------------------------------------------------------------

def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value == 0 or abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}"
    return str(value)


def _ok(ok: Any) -> str:
    return {True: "✅ yes", False: "❌ no"}.get(ok, "—")


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    disk = m.get("disk", {})
    lines = [
        "# Benchmark results",
        "",
        f"Run {report['generated']} ({'quick' if report['quick'] else 'full size'}) with "
        "`python bench/run.py" + (" --quick" if report["quick"] else "") + "`.",
        "",
        "| Machine | |",
        "| --- | --- |",
        f"| CPU | {m['cpu']} ({m['cores']} cores) |",
        f"| RAM | {m['ram_gb']} GB |",
        f"| Disk | {disk.get('fs', '?')} on {disk.get('device', '?')}"
        + (" (rotational)" if disk.get("rotational") else "")
        + f", {disk.get('free_gb')} GB free of {disk.get('total_gb')} GB |",
        f"| OS | {m['os']} |",
        f"| Python | {m['python']} ({m['implementation']}) |",
        "| Packages | " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()
                                    if v != "not installed") + " |",
        "",
        "| Issue | Benchmark | Value | Target | OK | Notes |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    rows = sorted(report["results"], key=lambda r: (r["issue"] is None, r["issue"] or 0))
    for r in rows:
        value = _fmt(r["value"]) + (f" {r['unit']}" if r["unit"] and r["value"] is not None
                                    else "")
        notes = str(r["notes"]).replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {r['issue'] if r['issue'] is not None else ''} | {r['name']} | "
                     f"{value} | {r['target'] or ''} | {_ok(r['ok'])} | {notes} |")
    lines += ["", "| Module | Size | Seconds | Peak memory | Load average before → after |",
              "| --- | --- | --- | --- | --- |"]
    for mod in report["modules"]:
        lines.append(f"| bench_{mod['module']} | {'quick' if mod.get('quick') else 'full'} | "
                     f"{mod['seconds']} | {_fmt(mod['peak_rss_mb'])} MB | "
                     f"{_fmt(mod.get('load_before'))} → {_fmt(mod.get('load_after'))} |")
    lines += ["", f"The machine has {m['cores']} cores: a load average above that means other "
              "work competed with the benchmark, and wall-clock figures are pessimistic."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small corpora (a few minutes)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only bench_NAME.py (repeatable); other rows are kept")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per module before it is stopped (default: none)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.quick, Path(args.workdir), Path(args.out))

    names = discover()
    if args.only:
        wanted = [n.removeprefix("bench_").removesuffix(".py") for n in args.only]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            parser.error(f"no bench/bench_{unknown[0]}.py (have: {', '.join(names)})")
        names = [n for n in names if n in wanted]
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    previous: dict[str, Any] = {}
    if args.only and RESULTS_JSON.exists():
        previous = json.loads(RESULTS_JSON.read_text("utf-8"))
    modules = [m for m in previous.get("modules", []) if m["module"] not in names]
    results = [r for r in previous.get("results", []) if r.get("module") not in names]
    for name in names:
        print(f"bench_{name} …", flush=True)
        outcome = run_module(name, args.quick, args.timeout)
        for r in outcome["rows"]:
            print(f"  [{_ok(r['ok'])}] {r['name']}: {_fmt(r['value'])} {r['unit'] or ''}"
                  f"  (target {r['target'] or '—'})", flush=True)
        if outcome["error"]:
            print("  " + outcome["error"].strip().replace("\n", "\n  "), flush=True)
        results += outcome["rows"]
        modules.append({k: outcome[k] for k in ("module", "seconds", "returncode", "peak_rss_mb",
                                                "quick", "log", "load_before", "load_after")})
    report = {
        "generated": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": describe_machine(),
        "modules": modules,
        "results": results,
    }
    RESULTS_JSON.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    RESULTS_MD.write_text(markdown(report), "utf-8")
    print(f"Wrote {RESULTS_JSON.relative_to(REPO)} and {RESULTS_MD.relative_to(REPO)}")
    failed = [r for r in results if r["ok"] is False]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
