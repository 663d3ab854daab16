"""``python installer/build.py``: the one-folder bundle for this OS, and the Windows installer.

1. PyInstaller builds ``dist/civledger/`` from ``installer/civledger.spec``: ``civledger.exe``
   (windowed) and ``civledger-cli.exe`` (console) sharing ``_internal/`` on Windows, one
   ``civledger`` elsewhere.
2. ``--self-test`` (on by default) runs the built program's ``--self-test`` — the frozen build is
   only worth shipping if every part works inside it.
3. Where ``makensis`` exists (NSIS: on Windows its default install folder is searched too), the
   installer ``dist/CivLedger-<version>-setup.exe`` is compiled from ``installer/civledger.nsi``.
   On Linux and macOS that is a compile check of the script only (the bundle inside would be the
   Linux one, useless on Windows): it is compiled without compression into the build folder and
   deleted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bundle  # noqa: E402

WINDOWS = sys.platform == "win32"
NSIS_DIRS = (r"C:\Program Files (x86)\NSIS", r"C:\Program Files\NSIS")


def exe_name(name: str) -> str:
    return name + ".exe" if WINDOWS else name


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def find_makensis() -> str | None:
    found = shutil.which("makensis")
    if found:
        return found
    if WINDOWS:
        for folder in NSIS_DIRS:
            candidate = Path(folder) / "makensis.exe"
            if candidate.exists():
                return str(candidate)
    return None


def build_bundle(dist: Path, work: Path, clean: bool) -> Path:
    cmd = [sys.executable, "-m", "PyInstaller", str(HERE / "civledger.spec"), "--noconfirm",
           "--distpath", str(dist), "--workpath", str(work), "--log-level", "WARN"]
    if clean:
        cmd.append("--clean")
    print("运行：" + " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)
    return dist / "civledger"


def run_self_test(bundle_dir: Path) -> int:
    """The frozen program's self-test, through a console executable (it prints)."""
    exe = bundle_dir / exe_name("civledger-cli" if WINDOWS else "civledger")
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"自检：{exe} --self-test", flush=True)
    return subprocess.run([str(exe), "--self-test"], env=env, check=False).returncode


def nsis_defines(version: str, bundle_dir: Path, out_file: Path, fast: bool) -> list[str]:
    """The ``!define``s civledger.nsi expects (it has defaults only for compiling by hand)."""
    version4 = ".".join(str(n) for n in bundle.version_tuple(version))
    defines = [f"-DVERSION={version}", f"-DVERSION4={version4}",
               f"-DDIST_DIR={bundle_dir}", f"-DOUT_FILE={out_file}",
               f"-DICON_FILE={ROOT / 'resources' / 'civledger.ico'}",
               f"-DBUNDLE_MB={round(folder_size(bundle_dir) / 1024 / 1024)}"]
    if fast:
        defines.append("-DFAST")
    return defines


def compile_installer(makensis: str, bundle_dir: Path, out_file: Path, fast: bool) -> None:
    cmd = [makensis, "-V2", "-WX", "-INPUTCHARSET", "UTF8",
           *nsis_defines(bundle.project_version(), bundle_dir, out_file, fast),
           str(HERE / "civledger.nsi")]
    print("运行：" + " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=HERE, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建创文台账的程序文件夹和 Windows 安装包")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="输出文件夹（默认 dist）")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller 的中间文件夹")
    parser.add_argument("--clean", action="store_true", help="清除 PyInstaller 缓存后重新构建")
    parser.add_argument("--no-self-test", action="store_true", help="构建后不运行自检")
    parser.add_argument("--no-installer", action="store_true", help="不编译安装包")
    args = parser.parse_args(argv)

    started = time.monotonic()
    bundle_dir = build_bundle(args.dist.resolve(), args.work.resolve(), args.clean)
    size = folder_size(bundle_dir)
    print(f"程序文件夹：{bundle_dir}（{size / 1024 / 1024:.0f} MB，"
          f"构建 {time.monotonic() - started:.0f} 秒）", flush=True)

    if not args.no_self_test:
        code = run_self_test(bundle_dir)
        if code != 0:
            print(f"自检失败（退出码 {code}）：不编译安装包。", file=sys.stderr)
            return code

    if args.no_installer:
        return 0
    makensis = find_makensis()
    if makensis is None:
        print("未找到 makensis（NSIS）：跳过安装包。Windows 上请安装 NSIS 3 后重新运行。")
        return 0
    version = bundle.project_version()
    if WINDOWS:
        out_file = args.dist.resolve() / f"CivLedger-{version}-setup.exe"
        compile_installer(makensis, bundle_dir, out_file, fast=False)
        print(f"安装包：{out_file}（{out_file.stat().st_size / 1024 / 1024:.0f} MB）")
    else:
        out_file = args.work.resolve() / "nsis-compile-check.exe"
        compile_installer(makensis, bundle_dir, out_file, fast=True)
        out_file.unlink(missing_ok=True)
        print("安装脚本编译检查通过（非 Windows：安装包只能在 Windows 上构建，已删除检查产物）。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
