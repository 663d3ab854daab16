"""The preview of one file: PDF pages (rendered by PyMuPDF), pictures, or the extracted text.

Rendering one page at screen width takes a few tens of milliseconds, so it is done on demand on
the UI thread; only the page shown is rendered, and a large PDF is never read whole.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QImage, QImageReader, QPixmap, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

IMAGE_EXTS = {"jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp"}
MAX_ZOOM = 3.0


def render_pdf_page(path: Path, page_no: int, width: int) -> tuple[QImage, int]:
    """Page ``page_no`` (0-based) as an image ``width`` pixels wide, and the page count."""
    import pymupdf

    with pymupdf.open(str(path)) as doc:
        if doc.needs_pass:
            raise ValueError("PDF 已加密，需要密码才能查看")
        count = doc.page_count
        if count == 0:
            raise ValueError("PDF 中没有页面")
        page = doc[max(0, min(page_no, count - 1))]
        zoom = min(MAX_ZOOM, max(0.2, width / max(page.rect.width, 1)))
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        image = QImage(pix.samples, pix.width, pix.height, pix.stride,
                       QImage.Format.Format_RGB888).copy()  # own the pixels before pix goes
    return image, count


class PreviewWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self._ext = ""
        self._page = 0
        self._pages = 0
        self._highlight: list[str] = []
        self.stack = QStackedWidget()
        self.message = QLabel("选择一件资料即可在此预览。")
        self.message.setObjectName("previewMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.image = QLabel()
        self.image.setObjectName("previewImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.image)
        self.scroll.setWidgetResizable(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("previewText")
        self.text.setReadOnly(True)
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.scroll)
        self.stack.addWidget(self.text)
        self.prev_button = QPushButton("上一页")
        self.next_button = QPushButton("下一页")
        self.page_box = QSpinBox()
        self.page_box.setObjectName("previewPage")
        self.page_box.setMinimum(1)
        self.page_label = QLabel("")
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.page_box)
        nav.addWidget(self.page_label)
        nav.addWidget(self.next_button)
        nav.addStretch(1)
        self.nav = QWidget()
        self.nav.setLayout(nav)
        nav.setContentsMargins(0, 0, 0, 0)
        self.nav.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack)
        self.prev_button.clicked.connect(lambda: self.show_page(self._page - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self._page + 1))
        self.page_box.valueChanged.connect(lambda v: self.show_page(v - 1))
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(150)
        self._resize_timer.timeout.connect(self._rerender)

    @property
    def page(self) -> int:
        """The 0-based page shown (PDFs) or scrolled to (text)."""
        return self._page

    @property
    def page_count(self) -> int:
        return self._pages

    def clear(self, message: str = "选择一件资料即可在此预览。") -> None:
        self._path = None
        self.nav.setVisible(False)
        self.message.setText(message)
        self.stack.setCurrentWidget(self.message)

    def show_file(self, path: Path, ext: str, text: str | None = None, page: int = 0,
                  highlight: list[str] | None = None) -> None:
        """Show ``path``; ``text`` is the extracted text for files that cannot be drawn."""
        self._path, self._ext = path, ext.lower()
        self._highlight = [h for h in (highlight or []) if h]
        self._page, self._pages = 0, 0
        if not path.exists():
            self.clear(f"找不到文件内容：{path.name}\n请运行“校验资料库”。")
            return
        if self._ext == "pdf":
            self.show_page(page)
            return
        self.nav.setVisible(False)
        if self._ext in IMAGE_EXTS:
            self._show_image(path)
            return
        self._show_text(text, page)

    def _width(self) -> int:
        return max(200, self.scroll.viewport().width() - 8)

    def show_page(self, page: int) -> None:
        if self._path is None or self._ext != "pdf":
            return
        try:
            image, count = render_pdf_page(self._path, page, self._width())
        except Exception as exc:  # noqa: BLE001 - a broken PDF is shown, not raised
            self.clear(f"无法显示此 PDF：{exc}")
            return
        self._pages = count
        self._page = max(0, min(page, count - 1))
        self.image.setPixmap(QPixmap.fromImage(image))
        self.stack.setCurrentWidget(self.scroll)
        self.nav.setVisible(True)
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(count)
        self.page_box.setValue(self._page + 1)
        self.page_box.blockSignals(False)
        self.page_label.setText(f"/ {count} 页")
        self.prev_button.setEnabled(self._page > 0)
        self.next_button.setEnabled(self._page < count - 1)

    def _show_image(self, path: Path) -> None:
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)  # photos from phones are rotated by EXIF
        image = reader.read()
        if image.isNull():
            self.clear(f"无法显示此图片：{reader.errorString()}")
            return
        if image.width() > self._width():
            image = image.scaledToWidth(self._width(), Qt.TransformationMode.SmoothTransformation)
        self.image.setPixmap(QPixmap.fromImage(image))
        self.stack.setCurrentWidget(self.scroll)

    def _show_text(self, text: str | None, page: int) -> None:
        if text is None:
            self.clear("尚未提取此文件的文字（导入后会在后台提取）。\n双击列表中的资料可用 Windows 程序打开。")
            return
        if not text.strip():
            self.clear("此文件中没有可显示的文字。双击列表中的资料可用 Windows 程序打开。")
            return
        pages = text.split("\f")
        self._pages = len(pages)
        self.text.setPlainText(text.replace("\f", "\n\n──────── 分页 ────────\n\n"))
        self.stack.setCurrentWidget(self.text)
        self._page = max(0, min(page, len(pages) - 1))
        self._mark_highlights()
        if self._page:
            offset = sum(len(p) + len("\n\n──────── 分页 ────────\n\n") for p in pages[:page])
            cursor = self.text.textCursor()
            cursor.setPosition(min(offset, len(self.text.toPlainText())))
            self.text.setTextCursor(cursor)
            self.text.centerCursor()

    def _mark_highlights(self) -> None:
        selections = []
        doc = self.text.document()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#ffe066"))
        for term in self._highlight:
            cursor = doc.find(term)
            while not cursor.isNull() and len(selections) < 500:
                sel = QTextEdit.ExtraSelection()
                sel.cursor = QTextCursor(cursor)
                sel.format = fmt
                selections.append(sel)
                cursor = doc.find(term, cursor)
        self.text.setExtraSelections(selections)
        if selections and not self._page:
            self.text.setTextCursor(selections[0].cursor)
            self.text.centerCursor()

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        if self._path is not None and self.stack.currentWidget() is self.scroll:
            self._resize_timer.start()

    def _rerender(self) -> None:
        if self._path is None:
            return
        if self._ext == "pdf":
            self.show_page(self._page)
        elif self._ext in IMAGE_EXTS:
            self._show_image(self._path)
