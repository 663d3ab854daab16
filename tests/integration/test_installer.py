"""The Windows installer's parts: bundle contents, the NSIS script, the self-test, crash logging.

Fast tests check what goes into the bundle (and that the application does not import what is left
out), compile the NSIS script against a dummy bundle, run the self-test in this process and
exercise the log and crash files. ``test_frozen_bundle_self_test`` (marked ``slow``) builds the
real bundle with PyInstaller and runs its ``--self-test``.
"""

from __future__ import annotations

import ast
import importlib.util
import logging
import logging.handlers
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
APP_PACKAGES = ("archive", "indexing", "exporters", "gui")


def _load(name: str) -> ModuleType:
    """An installer script as a module (installer/ is not a package; ``build`` would clash)."""
    if str(INSTALLER) not in sys.path:
        sys.path.append(str(INSTALLER))
    spec = importlib.util.spec_from_file_location(f"civledger_installer_{name}",
                                                  INSTALLER / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundle() -> ModuleType:
    return _load("bundle")


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return _load("build")


def _imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is_excluded(name: str, excluded: tuple[str, ...]) -> bool:
    return any(name == e or name.startswith(e + ".") for e in excluded)


# -- what goes into the bundle ------------------------------------------------------------------
def test_spec_is_python_and_uses_the_shared_lists() -> None:
    text = (INSTALLER / "civledger.spec").read_text("utf-8")
    tree = ast.parse(text)
    called = {n.func.id for n in ast.walk(tree)
              if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT"} <= called
    for use in ("bundle.excluded_modules(GROUPS)", "bundle.keep_file(entry[0], GROUPS)",
                "bundle.hidden_imports()", "bundle.data_files(", 'name="civledger"',
                'console=not WINDOWS', 'name="civledger-cli", console=True'):
        assert use in text, use


def test_exclusions_name_the_heavy_unused_parts(bundle: ModuleType) -> None:
    excluded = set(bundle.EXCLUDED_MODULES)
    for name in ("PySide6.QtWebEngineCore", "PySide6.Qt3DCore", "PySide6.QtQuick",
                 "PySide6.QtQml", "PySide6.QtMultimedia", "PySide6.QtNetwork", "PySide6.QtSql",
                 "PySide6.QtCharts", "jieba", "tkinter", "numpy", "pytest"):
        assert name in excluded, name


def test_application_imports_nothing_the_bundle_leaves_out(bundle: ModuleType) -> None:
    """A new ``import jieba`` or ``from PySide6.QtNetwork import …`` in the application would
    work from source and break only in the frozen build; catch it here."""
    excluded = tuple(bundle.EXCLUDED_MODULES)
    sources = [ROOT / "main.py"] + [p for pkg in APP_PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    offenders = {f"{p.relative_to(ROOT)}: {name}" for p in sources for name in _imports_of(p)
                 if _is_excluded(name, excluded)}
    assert not offenders


def test_hook_overrides_exist_for_the_qt_modules_the_app_uses(bundle: ModuleType) -> None:
    used = {name.split(".")[1] for p in [ROOT / "main.py", *(ROOT / "gui").rglob("*.py")]
            for name in _imports_of(p) if name.startswith("PySide6.Qt")}
    assert used, "the GUI imports Qt modules"
    hooks = {p.name[len("hook-PySide6."):-3] for p in (INSTALLER / "hooks").glob("hook-*.py")}
    assert used <= hooks  # else that module's plugins would come in unfiltered


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6\\plugins\\imageformats\\qjpeg.dll", True),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
    ("PySide6/Qt/plugins/styles/qmodernwindowsstyle.dll", True),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/plugins/somethingnew/libqfoo.so", True),
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("PySide6/translations/qt_zh_CN.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt/translations/qtwebengine_zh_CN.qm", False),
    ("PySide6/opengl32sw.dll", False),
    ("PySide6/Qt/lib/libQt6Network.so.6", False),
    ("PySide6/Qt6Quick.dll", False),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6/Qt6Gui.dll", True),
    ("jieba/dict.txt", False),
    ("rjieba/rjieba.abi3.so", True),
    ("archive/migrations/versions/0001_initial_schema.py", True),
])
def test_keep_file(bundle: ModuleType, dest: str, kept: bool) -> None:
    assert bundle.keep_file(dest) is kept


def test_exclusion_groups_can_be_switched_off(bundle: ModuleType) -> None:
    assert bundle.exclusion_groups(None) == set(bundle.EXCLUSION_GROUPS)
    assert bundle.exclusion_groups("none") == set()
    assert bundle.keep_file("PySide6/Qt/translations/qtbase_de.qm", set())
    assert bundle.excluded_modules({"plugins"}) == []
    with pytest.raises(ValueError, match="未知的排除组"):
        bundle.exclusion_groups("plugins,everything")


def test_filter_qt_hook_drops_plugins_before_their_dependencies_are_followed(
        bundle: ModuleType) -> None:
    hidden, binaries, datas = bundle.filter_qt_hook(
        ["PySide6.QtCore", "PySide6.QtNetwork"],
        [("/site/PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/platformthemes"),
         ("/site/PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms")],
        [("/site/PySide6/Qt/translations/qtbase_fr.qm", "PySide6/Qt/translations"),
         ("/site/PySide6/Qt/translations/qtbase_zh_CN.qm", "PySide6/Qt/translations")],
        groups=set(bundle.EXCLUSION_GROUPS))
    assert hidden == ["PySide6.QtCore"]
    assert [Path(src).name for src, _ in binaries] == ["libqxcb.so"]
    assert [Path(src).name for src, _ in datas] == ["qtbase_zh_CN.qm"]


def test_data_files_hold_what_is_read_from_disk(bundle: ModuleType, tmp_path: Path) -> None:
    pairs = bundle.data_files(tmp_path)
    targets = {(Path(src).name, dest) for src, dest in pairs}
    for revision in (ROOT / "archive" / "migrations" / "versions").glob("*.py"):
        assert (revision.name, "archive/migrations/versions") in targets
    assert ("env.py", "archive/migrations") in targets
    assert ("script.py.mako", "archive/migrations") in targets
    for resource in (ROOT / "resources").glob("*.json"):
        assert (resource.name, "resources") in targets
    for asset in (ROOT / "exporters" / "package" / "assets").iterdir():
        assert (asset.name, "exporters/package/assets") in targets
    assert ("civledger-version.txt", ".") in targets
    missing = [src for src, _ in pairs if not Path(src).exists() and Path(src).parent != tmp_path]
    assert not missing


def test_hidden_imports_cover_modules_loaded_by_name(bundle: ModuleType) -> None:
    import main
    from indexing.workers import DEFAULT_TARGET

    hidden = set(bundle.hidden_imports())
    for name in main.COMMAND_MODULES:
        if importlib.util.find_spec(name) is not None:
            assert name in hidden, name
    assert DEFAULT_TARGET.partition(":")[0] in hidden
    assert "indexing.analysis" in hidden  # the analyzer class is pickled into the index
    assert not any(name.startswith("archive.migrations") for name in hidden)
    for name in hidden:
        assert importlib.util.find_spec(name) is not None, name


def test_version_resource_comes_from_pyproject(bundle: ModuleType, tmp_path: Path) -> None:
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    path = bundle.write_version_files(tmp_path)
    text = path.read_text("utf-8")
    call = ast.parse(text, mode="eval").body
    assert isinstance(call, ast.Call) and call.func.id == "VSVersionInfo"  # type: ignore[attr-defined]
    assert f"filevers={bundle.version_tuple(version)}" in text
    assert f"StringStruct('ProductVersion', '{version}')" in text
    assert (tmp_path / "civledger-version.txt").read_text("utf-8").strip() == version
    assert bundle.version_tuple("1.2") == (1, 2, 0, 0)


def test_icon_has_every_windows_size() -> None:
    from PIL import Image

    with Image.open(ROOT / "resources" / "civledger.ico") as ico:
        sizes = ico.info["sizes"]
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(sizes)
    with Image.open(ROOT / "resources" / "civledger.png") as png:
        assert png.size[0] == png.size[1] >= 256


# -- the NSIS installer -------------------------------------------------------------------------
def _nsi() -> str:
    return (INSTALLER / "civledger.nsi").read_text("utf-8-sig")


def _section(text: str, name: str) -> str:
    match = re.search(rf'^Section "{re.escape(name)}"[^\n]*\n(.*?)^SectionEnd', text, re.M | re.S)
    assert match, name
    return match.group(1)


def test_installer_is_per_user_chinese_and_keeps_the_data() -> None:
    text = _nsi()
    assert "RequestExecutionLevel user" in text
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_ID}"' in text
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in text
    assert "HKLM" not in text  # HKLM needs administrator rights
    uninstall = _section(text, "Uninstall")
    recursive = re.findall(r"RMDir /r \"([^\"]+)\"", uninstall)
    assert recursive == ["$INSTDIR\\_internal"]  # never the install folder or the data folder
    assert "$LOCALAPPDATA" not in uninstall
    assert "DeleteRegKey HKCU \"${UNINSTALL_KEY}\"" in uninstall


def test_installer_upgrades_over_an_older_version() -> None:
    text = _nsi()
    assert 'ReadRegStr $OldUninstaller HKCU "${UNINSTALL_KEY}" "UninstallString"' in text
    assert "ExecWait '\"$0\" /S _?=$OldInstallDir'" in text
    assert "Call RemoveOldVersion" in _section(text, "!${APP_NAME}（必需）")


def _makensis() -> str:
    found = shutil.which("makensis")
    if found is None:
        pytest.skip("makensis (NSIS) is not installed")
    return found


def test_nsis_script_compiles_against_a_dummy_bundle(build: ModuleType, tmp_path: Path) -> None:
    makensis = _makensis()
    dist = tmp_path / "dist" / "civledger"
    (dist / "_internal").mkdir(parents=True)
    (dist / "civledger.exe").write_bytes(b"MZ dummy")
    (dist / "civledger-cli.exe").write_bytes(b"MZ dummy")
    (dist / "_internal" / "base_library.zip").write_bytes(b"PK dummy")
    out = tmp_path / "CivLedger-setup.exe"
    build.compile_installer(makensis, dist, out, fast=True)  # -WX: warnings are errors
    assert out.read_bytes()[:2] == b"MZ"
    assert out.stat().st_size > 50_000  # the NSIS stub, the UI and the uninstaller


def test_nsis_compile_fails_on_a_broken_script(build: ModuleType, tmp_path: Path) -> None:
    """The compile check above can fail: makensis rejects a script with an unknown define."""
    makensis = _makensis()
    broken = tmp_path / "broken.nsi"
    broken.write_text(_nsi().replace("SectionEnd", "SectionEnd\nInstallDirr x", 1), "utf-8-sig")
    result = subprocess.run([makensis, "-V1", "-WX", "-DFAST", f"-DOUT_FILE={tmp_path / 'x.exe'}",
                             f"-DDIST_DIR={tmp_path}", str(broken)],
                            capture_output=True, check=False, cwd=INSTALLER)
    assert result.returncode != 0


def test_nsis_defines_carry_the_project_version(build: ModuleType, bundle: ModuleType,
                                                tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x" * 3 * 1024 * 1024)
    defines = build.nsis_defines("1.2.3", tmp_path, tmp_path / "o.exe", fast=False)
    assert "-DVERSION=1.2.3" in defines and "-DVERSION4=1.2.3.0" in defines
    assert "-DBUNDLE_MB=3" in defines and "-DFAST" not in defines


# -- the self-test ------------------------------------------------------------------------------
@pytest.fixture
def restore_hooks():  # noqa: ANN201
    """The self-test (like the GUI) subscribes the indexing stage to ``documents_changed``;
    other tests in this process must not start indexing because of it."""
    from archive.hooks import documents_changed

    before = list(documents_changed._subscribers)
    yield
    documents_changed._subscribers[:] = before


@pytest.mark.usefixtures("restore_hooks")
def test_self_test_passes_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gui.self_test import run_self_test

    code = run_self_test(tmp_path, configure_logging=False)
    out = capsys.readouterr().out
    assert code == 0, out
    lines = [line for line in out.splitlines() if line.startswith(("ok", "FAILED"))]
    assert len(lines) == 10 and all(line.startswith("ok ") for line in lines), out
    assert "自检通过" in out
    assert (tmp_path / "主窗口.png").stat().st_size > 10_000


def test_self_test_fails_loudly_when_a_module_is_missing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from gui.self_test import SelfTest, StepFailed

    monkeypatch.setitem(sys.modules, "indexing.search", None)  # as if not in the build
    test = SelfTest(tmp_path, lambda _line: None)
    with pytest.raises(StepFailed, match=r"indexing\.search"):
        test.search()


def test_self_test_reports_every_step_and_fails_if_one_fails(tmp_path: Path) -> None:
    from gui.self_test import SelfTest, StepFailed

    lines: list[str] = []

    class Partial(SelfTest):
        def steps(self):  # noqa: ANN202
            def broken() -> str:
                raise StepFailed("故意失败")

            def crashing() -> str:
                raise KeyError("x")

            return [("一", lambda: "好"), ("二", broken), ("三", crashing), ("四", lambda: "好")]

    assert Partial(tmp_path, lines.append).run() is False
    assert [line.split()[0] for line in lines] == ["ok", "FAILED", "FAILED", "ok"]
    assert "故意失败" in lines[1] and "KeyError" in lines[2]


# -- logging and crash reports ------------------------------------------------------------------
@pytest.fixture
def windowed_logging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    from gui import logging_setup

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    log_path = logging_setup.setup_logging(windowed=True, directory=tmp_path / "logs")
    yield log_path
    logging_setup.teardown_logging()


def test_windowed_logging_replaces_missing_streams(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from gui import logging_setup

    # Inside the test, not a fixture: pytest swaps its capture streams in between phases.
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    log_path = logging_setup.setup_logging(windowed=True, directory=tmp_path)
    try:
        assert log_path == tmp_path / "civledger.log"
        print("打印到不存在的控制台")  # would vanish in a windowed program without the log
        sys.stderr.write("写到标准错误\n")
        logging.getLogger("civledger.test").info("一条日志")
    finally:
        logging_setup.teardown_logging()
    assert sys.stdout is None and sys.stderr is None  # restored as they were
    text = log_path.read_text("utf-8")
    assert "打印到不存在的控制台" in text and "写到标准错误" in text and "一条日志" in text


def test_uncaught_exception_writes_a_crash_file(windowed_logging: Path) -> None:
    from gui import logging_setup

    seen: list[tuple[Path, str]] = []
    logging_setup.on_crash(lambda path, summary: seen.append((path, summary)))
    try:
        raise ValueError("资料库打不开")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    crashes = list(windowed_logging.parent.glob("crash-*.txt"))
    assert len(crashes) == 1
    body = crashes[0].read_text("utf-8")
    assert "Traceback" in body and "ValueError: 资料库打不开" in body and "CivLedger" in body
    assert seen == [(crashes[0], "ValueError: 资料库打不开")]
    assert "资料库打不开" in windowed_logging.read_text("utf-8")


def test_exception_in_a_thread_writes_a_crash_file(windowed_logging: Path) -> None:
    def work() -> None:
        raise RuntimeError("后台任务出错")

    thread = threading.Thread(target=work, name="导出线程")
    thread.start()
    thread.join()
    crashes = list(windowed_logging.parent.glob("crash-*.txt"))
    assert len(crashes) == 1
    body = crashes[0].read_text("utf-8")
    assert "导出线程" in body and "RuntimeError: 后台任务出错" in body


def test_teardown_restores_hooks_and_streams(tmp_path: Path) -> None:
    from gui import logging_setup

    before = (sys.excepthook, threading.excepthook, sys.stdout, len(logging.getLogger().handlers))
    logging_setup.setup_logging(windowed=False, directory=tmp_path)
    assert sys.excepthook is not before[0]
    logging_setup.teardown_logging()
    after = (sys.excepthook, threading.excepthook, sys.stdout, len(logging.getLogger().handlers))
    assert after == before


def test_setup_logging_twice_keeps_one_file_handler(tmp_path: Path) -> None:
    """main.py sets logging up for the windowed build, run_app may do it again."""
    from gui import logging_setup

    root = logging.getLogger()
    before = len(root.handlers)
    try:
        logging_setup.setup_logging(windowed=False, directory=tmp_path / "a")
        second = logging_setup.setup_logging(windowed=False, directory=tmp_path / "b")
        files = [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
        assert [Path(h.baseFilename) for h in files] == [second]
        assert logging_setup.current_log_file() == second
    finally:
        logging_setup.teardown_logging()
    assert len(root.handlers) == before


def test_log_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gui import logging_setup

    monkeypatch.setenv(logging_setup.LOG_DIR_ENV, str(tmp_path / "x"))
    assert logging_setup.log_dir() == tmp_path / "x"
    monkeypatch.delenv(logging_setup.LOG_DIR_ENV)
    assert "CivLedger" in str(logging_setup.log_dir())


# -- the frozen bundle (slow: PyInstaller, about 1.5 minutes on 2 cores) -------------------------
@pytest.mark.slow
def test_frozen_bundle_self_test(build: ModuleType, tmp_path: Path) -> None:
    pytest.importorskip("PyInstaller", reason="pip install -e .[build] brings PyInstaller")
    bundle_dir = build.build_bundle(tmp_path / "dist", tmp_path / "work", clean=False)
    exe = bundle_dir / build.exe_name("civledger-cli" if sys.platform == "win32" else "civledger")
    internal = bundle_dir / "_internal"
    assert (internal / "archive" / "migrations" / "versions" / "0001_initial_schema.py").exists()
    assert not (internal / "jieba").exists()
    translations = {p.name for p in internal.rglob("*.qm")}
    assert translations and all("zh_CN" in name for name in translations)
    assert not list(internal.rglob("*qgtk3*")) and not list(internal.rglob("*Qt6Network*"))

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CIVLEDGER_LOG_DIR=str(tmp_path / "log"))
    result = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True, env=env,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "自检通过" in result.stdout
    log = (tmp_path / "log" / "civledger.log").read_text("utf-8")
    assert "(frozen)" in log and "自检通过" in log

    makensis = shutil.which("makensis")
    if makensis:  # the script against the real (Linux) bundle: a compile check only
        out = tmp_path / "check.exe"
        build.compile_installer(makensis, bundle_dir, out, fast=True)
        assert out.exists()
