"""What the PyInstaller bundle holds and what it leaves out (used by civledger.spec and tests).

PyInstaller follows imports; it cannot see what is loaded by name or read from disk, and it
takes in every Qt plugin and translation that might be wanted. So this module names

- the data files read from disk: Alembic's migration scripts (``archive.schema`` points Alembic at
  the ``archive/migrations`` folder, which loads ``env.py`` and ``versions/*.py`` as files), the
  sample framework, the evaluators' page assets, the icon;
- the modules imported by name: the command modules in ``main.COMMAND_MODULES``, the extraction
  target of the worker processes, the PostgreSQL driver SQLAlchemy loads from a URL;
- what to leave out: Qt modules the application does not use, Qt plugins and translations it does
  not need, jieba (the application segments with rjieba), tkinter, test packages, numpy.

Every exclusion was followed by a run of the frozen self-test (``civledger --self-test``).
"""

from __future__ import annotations

import ast
import os
import re
import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ("archive", "indexing", "exporters", "gui")
VERSION_FILE = "civledger-version.txt"  # gui.logging_setup.VERSION_FILE reads it

# -- left out ----------------------------------------------------------------------------------
# Qt modules the application never imports (it uses QtCore, QtGui and QtWidgets only). Listing
# them keeps a stray import (a hook, a test helper) from pulling in their libraries and plugins.
EXCLUDED_QT_MODULES = (
    "PySide6.QtNetwork", "PySide6.QtSql", "PySide6.QtQml", "PySide6.QtQuick",
    "PySide6.QtQuickControls2", "PySide6.QtQuickWidgets", "PySide6.QtQuickTest",
    "PySide6.QtQmlFeatures", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebEngineQuick", "PySide6.QtWebChannel", "PySide6.QtWebSockets",
    "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.Qt3DExtras", "PySide6.Qt3DInput",
    "PySide6.Qt3DLogic", "PySide6.Qt3DAnimation", "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets", "PySide6.QtCharts", "PySide6.QtDataVisualization",
    "PySide6.QtGraphs", "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtDesigner",
    "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtTest", "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets", "PySide6.QtSvg", "PySide6.QtSvgWidgets", "PySide6.QtXml",
    "PySide6.QtConcurrent", "PySide6.QtDBus", "PySide6.QtPrintSupport",
    "PySide6.QtLabsStyleKit", "PySide6.QtBluetooth", "PySide6.QtPositioning",
    "PySide6.QtLocation", "PySide6.QtSensors", "PySide6.QtSerialPort", "PySide6.QtSerialBus",
    "PySide6.QtTextToSpeech", "PySide6.QtNfc", "PySide6.QtRemoteObjects", "PySide6.QtScxml",
    "PySide6.QtStateMachine", "PySide6.QtHttpServer", "PySide6.QtSpatialAudio",
    "PySide6.QtNetworkAuth", "PySide6.QtAxContainer",
)
EXCLUDED_MODULES = (
    *EXCLUDED_QT_MODULES,
    "jieba",  # the application segments with rjieba (jieba-rs); jieba's 50 MB of data unused
    "tkinter", "_tkinter", "turtle", "idlelib",
    "numpy",  # not used; pulled in only by optional paths of other packages
    "pytest", "_pytest", "pytestqt", "hypothesis", "pluggy", "py",
    "unittest", "doctest", "pydoc", "test", "lib2to3", "ensurepip", "distutils", "setuptools",
    "pip", "tantivy",  # benchmark baseline only
    "IPython", "matplotlib", "pandas", "PIL.ImageQt",  # ImageQt would pull in a second Qt binding
    "PIL.ImageTk", "PIL._imagingtk",  # Tk, not used
    # AVIF (libavif, 5 MB): the product files no .avif photos; Pillow skips a missing plugin.
    "PIL._avif", "PIL.AvifImagePlugin",
    # Pygments (1.8 MB, twice: it is in each executable's archive) only colours Mako's
    # template tracebacks; Mako imports it optionally, and Alembic uses Mako only for new revisions.
    "pygments", "mako.ext.pygmentplugin", "mako.testing",
)

# Qt plugins: the platforms the application runs on (Windows; Linux/X11 for CI and developers;
# offscreen for the self-test and screenshots), the image formats the preview shows (JPEG, GIF,
# ICO, BMP and PNG are built in; TIFF and WebP come from scanners and phones), and nothing else.
QT_PLUGINS_KEPT = {
    "platforms": {"qwindows", "qoffscreen", "qxcb", "qminimal"},
    "imageformats": {"qjpeg", "qgif", "qico", "qtiff", "qwebp"},
    "styles": {"qmodernwindowsstyle", "qwindowsvistastyle"},
    "platformthemes": set(),  # GTK would bring 15 MB of GTK and cairo; Fusion is used instead
    "xcbglintegrations": {"qxcb-glx-integration", "qxcb-egl-integration"},
    "platforminputcontexts": {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"},
    "iconengines": set(),  # SVG icons are not used
    "generic": set(),  # touch-screen input (tslib, evdev)
    "egldeviceintegrations": set(),
    "networkinformation": set(),
    "tls": set(),
    "wayland-decoration-client": set(),
    "wayland-graphics-integration-client": set(),
    "wayland-shell-integration": set(),
}
# Qt's own translations: only Simplified Chinese (standard dialog buttons, context menus).
QT_TRANSLATIONS_KEPT = re.compile(r"^qt(base)?_zh_CN\.qm$")
# Qt libraries whose modules are excluded above but which plugins or hooks may still drag in.
EXCLUDED_QT_LIBRARIES = re.compile(
    r"(^|/)(lib)?Qt6(Network|Qml|QmlModels|QmlMeta|QmlWorkerScript|Quick|QuickControls2|"
    r"QuickTemplates2|Pdf|Svg|SvgWidgets|WebEngineCore|Multimedia|Sql|Test|Designer|Help|"
    r"OpenGLWidgets|VirtualKeyboard|WaylandClient|WaylandEglClientHwIntegration|"
    r"WlShellIntegration)\b")
# Qt's software OpenGL for PCs without a graphics driver (20 MB on Windows): widgets do not need
# OpenGL at all; Qt Quick would, and it is not used.
EXCLUDED_LIBRARY_NAMES = {"opengl32sw.dll"}


def _plugin_kept(parts: tuple[str, ...]) -> bool:
    """``parts`` after ``plugins/``: (category, file name)."""
    if len(parts) < 2:
        return True
    category, name = parts[0], parts[-1]
    if category not in QT_PLUGINS_KEPT:
        return True  # a category we did not think of: keep rather than break the program
    stem = name.split(".")[0]
    if stem.startswith("lib"):
        stem = stem[3:]
    return stem in QT_PLUGINS_KEPT[category]


EXCLUSION_GROUPS = ("modules", "plugins", "translations", "libraries")
EXCLUDE_ENV = "CIVLEDGER_BUNDLE_EXCLUDE"


def exclusion_groups(value: str | None) -> set[str]:
    """The exclusion groups a build applies: ``CIVLEDGER_BUNDLE_EXCLUDE`` = ``all`` (default),
    ``none``, or a comma list of ``EXCLUSION_GROUPS`` — to measure what each saves, or to find
    out which one broke the self-test."""
    value = (value or "all").strip().lower()
    if value == "all":
        return set(EXCLUSION_GROUPS)
    if value == "none":
        return set()
    groups = {g.strip() for g in value.split(",") if g.strip()}
    unknown = groups - set(EXCLUSION_GROUPS)
    if unknown:
        raise ValueError(f"{EXCLUDE_ENV}: 未知的排除组 {sorted(unknown)}；可选 {EXCLUSION_GROUPS}")
    return groups


def excluded_modules(groups: set[str]) -> list[str]:
    return list(EXCLUDED_MODULES) if "modules" in groups else []


def keep_file(dest: str, groups: set[str] | frozenset[str] = frozenset(EXCLUSION_GROUPS)) -> bool:
    """Whether a file at ``dest`` (its path inside the bundle) stays in it."""
    path = PurePosixPath(dest.replace("\\", "/"))
    parts = path.parts
    if "PySide6" in parts:
        rest = parts[parts.index("PySide6") + 1:]
        if rest[:1] == ("Qt",):
            rest = rest[1:]
        if rest[:1] == ("plugins",) and "plugins" in groups:
            return _plugin_kept(rest[1:])
        if rest[:1] == ("translations",) and "translations" in groups:
            return bool(QT_TRANSLATIONS_KEPT.match(path.name))
        if rest[:1] == ("qml",) and "libraries" in groups:
            return False
    if "libraries" in groups and (EXCLUDED_QT_LIBRARIES.search(path.as_posix())
                                  or path.name.lower() in EXCLUDED_LIBRARY_NAMES):
        return False
    return not ("modules" in groups and parts[:1] == ("jieba",))


def filter_qt_hook(hiddenimports: list[str], binaries: list[tuple[str, str]],
                   datas: list[tuple[str, str]], groups: set[str] | None = None
                   ) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """What a PySide6 hook collects, minus what ``keep_file`` leaves out. Used by the hooks in
    ``installer/hooks``: a plugin filtered out of ``a.binaries`` after the analysis would leave
    behind the libraries PyInstaller collected for it (GTK, cairo, Wayland), so the plugins must
    be dropped in the hook, before their dependencies are followed."""
    if groups is None:
        groups = exclusion_groups(os.environ.get(EXCLUDE_ENV))

    def kept(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(src, dest) for src, dest in pairs
                if keep_file(f"{dest}/{PurePosixPath(src.replace(chr(92), '/')).name}", groups)]

    hidden = [m for m in hiddenimports if m not in excluded_modules(groups)]
    return hidden, kept(binaries), kept(datas)


# -- taken in ----------------------------------------------------------------------------------
def project_version() -> str:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return str(data["project"]["version"])


def _command_modules() -> list[str]:
    """``main.COMMAND_MODULES``, read from the source without importing main."""
    tree = ast.parse((ROOT / "main.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "COMMAND_MODULES" for t in node.targets):
            return [str(v) for v in ast.literal_eval(node.value)]
    raise RuntimeError("main.py 中找不到 COMMAND_MODULES")


def _package_modules() -> list[str]:
    """Every module of the application's packages (by file: importing them is not needed)."""
    names: list[str] = []
    for package in APP_PACKAGES:
        base = ROOT / package
        for path in sorted(base.rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            if "migrations" in rel.parts or "__pycache__" in rel.parts:
                continue  # migrations are data files that Alembic loads from disk
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts.pop()
            names.append(".".join(parts))
    return names


def hidden_imports() -> list[str]:
    """Modules loaded by name at run time. All of the application's own modules are listed, so
    that a module loaded through a string (worker targets, command modules, the pickled Whoosh
    analyzer) is never missing; and what Alembic's ``env.py`` and SQLAlchemy's URLs import."""
    wanted = set(_package_modules()) | set(_command_modules())
    present = {m for m in wanted if _module_file(m) is not None}
    return sorted(present) + [
        "alembic.runtime.migration", "alembic.operations", "alembic.ddl.sqlite",
        "alembic.ddl.postgresql", "sqlalchemy.dialects.sqlite.pysqlite",
        "sqlalchemy.dialects.postgresql.psycopg", "psycopg", "psycopg_binary",
        "multiprocessing.forkserver", "multiprocessing.resource_tracker",
    ]


def _module_file(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def data_files(workdir: Path) -> list[tuple[str, str]]:
    """(source, folder in the bundle) pairs for what is read from disk at run time."""
    migrations = ROOT / "archive" / "migrations"
    pairs = [
        (str(migrations / "env.py"), "archive/migrations"),
        (str(migrations / "script.py.mako"), "archive/migrations"),
    ]
    pairs += [(str(p), "archive/migrations/versions")
              for p in sorted((migrations / "versions").glob("*.py"))]
    pairs += [(str(p), "resources") for p in sorted((ROOT / "resources").glob("*.json"))]
    pairs += [(str(ROOT / "resources" / name), "resources")
              for name in ("civledger.ico", "civledger.png")]
    assets = ROOT / "exporters" / "package" / "assets"
    if assets.is_dir():
        pairs += [(str(p), "exporters/package/assets") for p in sorted(assets.iterdir())
                  if p.is_file()]
    for folder in ("gui",):  # style sheets and icons the GUI loads from disk, if any
        for ext in ("qss", "svg", "png"):
            pairs += [(str(p), str(p.parent.relative_to(ROOT)).replace("\\", "/"))
                      for p in sorted((ROOT / folder).rglob(f"*.{ext}"))]
    pairs.append((str(workdir / VERSION_FILE), "."))
    return pairs


def version_tuple(version: str) -> tuple[int, int, int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    return (*numbers, 0, 0, 0, 0)[:4]  # type: ignore[return-value]


def version_info_text(version: str) -> str:
    """The Windows version resource (Explorer → Properties → Details) as PyInstaller reads it."""
    numbers = version_tuple(version)
    strings = {
        "CompanyName": "CivLedger",
        "FileDescription": "创文台账",
        "FileVersion": version,
        "InternalName": "civledger",
        "LegalCopyright": "AGPL-3.0-or-later",
        "OriginalFilename": "civledger.exe",
        "ProductName": "创文台账 CivLedger",
        "ProductVersion": version,
    }
    string_structs = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""# UTF-8
# Generated by installer/bundle.py from pyproject.toml; do not edit.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '080404b0',
        [
{string_structs}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])
  ]
)
"""


def write_version_files(workdir: Path) -> Path:
    """Write the version resource and the bundle's version file; returns the resource's path."""
    workdir.mkdir(parents=True, exist_ok=True)
    version = project_version()
    (workdir / VERSION_FILE).write_text(version + "\n", "utf-8")
    path = workdir / "version_info.txt"
    path.write_text(version_info_text(version), "utf-8")
    return path
