"""Creating a library, and the first-start choice: new, existing, or the demo library."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.settings import recent_libraries
from gui.state import module_available

DEFAULT_NAME = "创文资料库"


def default_location() -> Path:
    docs = Path.home() / "Documents"
    return docs if docs.is_dir() else Path.home()


class NewLibraryDialog(QDialog):
    """Where the new library goes and whether it starts with the sample framework."""

    def __init__(self, parent: QWidget | None = None, name: str = DEFAULT_NAME,
                 location: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newLibraryDialog")
        self.setWindowTitle("新建资料库")
        self.setMinimumWidth(520)
        self.location = QLineEdit(str(location or default_location()))
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse)
        self.name = QLineEdit(name)
        self.sample = QCheckBox("附带示例测评体系（可稍后导入本单位的任务分解表替换）")
        self.sample.setChecked(True)
        self.path_label = QLabel()
        self.path_label.setStyleSheet("color: #666")
        self.path_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.location, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("保存位置", row)
        form.addRow("资料库名称", self.name)
        form.addRow("", self.sample)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("创建")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("资料库是一个文件夹，保存全部资料和目录，可整体复制到其他电脑或U盘备份。"))
        layout.addLayout(form)
        layout.addWidget(self.path_label)
        layout.addWidget(buttons)
        self.location.textChanged.connect(self._update)
        self.name.textChanged.connect(self._update)
        self._update()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择资料库的保存位置", self.location.text())
        if folder:
            self.location.setText(folder)

    def _update(self) -> None:
        self.path_label.setText(f"将创建文件夹：{self.target}")

    @property
    def target(self) -> Path:
        return Path(self.location.text().strip()) / (self.name.text().strip() or DEFAULT_NAME)


class WelcomeDialog(QDialog):
    """Shown when no library could be opened: the three ways to start."""

    CREATE, OPEN, DEMO, RECENT = range(1, 5)
    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None, message: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("welcomeDialog")
        self.setWindowTitle("欢迎使用创文台账")
        self.setMinimumWidth(560)
        self.choice = 0
        self.recent_path: str | None = None
        title = QLabel("创文台账")
        title.setStyleSheet("font-size: 20pt; font-weight: bold")
        intro = QLabel("创建文明城市佐证资料的归档、检索、查漏补缺与迎检导出。\n请选择如何开始：")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        if message:
            note = QLabel(message)
            note.setWordWrap(True)
            note.setStyleSheet("color: #c0392b")
            note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(note)
        for code, text, tip, enabled in (
            (self.CREATE, "新建空资料库", "在本机新建一个资料库文件夹，然后导入任务分解表和资料", True),
            (self.OPEN, "打开已有资料库", "选择以前创建或从别处复制来的资料库文件夹", True),
            (self.DEMO, "试用示例资料库", "生成一个含三个年度示例资料的资料库，体验全部功能",
             module_available("archive.demo")),
        ):
            button = QPushButton(text)
            button.setObjectName(f"welcome{code}")
            button.setMinimumHeight(40)
            button.setToolTip(tip if enabled else "示例资料库功能尚未安装")
            button.setEnabled(enabled)
            button.clicked.connect(lambda _c=False, code=code: self._choose(code))
            layout.addWidget(button)
        recent = recent_libraries()
        if recent:
            layout.addWidget(QLabel("最近打开："))
            self.recent = QListWidget()
            for path in recent:
                item = QListWidgetItem(path)
                item.setToolTip(path)
                self.recent.addItem(item)
            self.recent.itemActivated.connect(self._recent_chosen)
            self.recent.setMaximumHeight(120)
            layout.addWidget(self.recent)
        quit_button = QPushButton("退出")
        quit_button.clicked.connect(self.reject)
        layout.addWidget(quit_button, alignment=Qt.AlignmentFlag.AlignRight)

    def _choose(self, code: int) -> None:
        self.choice = code
        self.chosen.emit(code)
        self.accept()

    def _recent_chosen(self, item: QListWidgetItem) -> None:
        self.recent_path = item.text()
        self._choose(self.RECENT)
