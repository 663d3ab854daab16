"""Draw the application icon: a red seal (印章) with a white 创, as resources/civledger.png/.ico.

The generated files are committed, so a Windows build needs neither this script nor a Chinese
font; run it again only to change the design (``python installer/make_icon.py``). Every size of
the .ico is drawn on its own, supersampled, instead of shrinking the 256 px picture: at 16 px a
scaled-down seal border turns to mush, so the small sizes leave it out and fill the square.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
PNG = ROOT / "resources" / "civledger.png"
ICO = ROOT / "resources" / "civledger.ico"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
PNG_SIZE = 512
SUPERSAMPLE = 8
SEAL_RED = (200, 22, 29, 255)  # 中国红, a little darker than pure red so white reads on it
WHITE = (255, 255, 255, 255)
GLYPH = "创"
# A bold CJK face: Debian's fonts-wqy-microhei, Noto CJK, or Microsoft YaHei on Windows.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyhbd.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


def find_font() -> Path:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return Path(candidate)
    raise SystemExit("找不到中文字体（例如 Debian 的 fonts-wqy-microhei），无法绘制图标。")


def draw(size: int, font_path: Path) -> Image.Image:
    """The icon at ``size`` pixels: drawn ``SUPERSAMPLE`` times larger, then reduced."""
    big = size * SUPERSAMPLE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    small = size < 32
    margin = 0 if small else round(big * 0.04)
    radius = round(big * (0.12 if small else 0.14))
    d.rounded_rectangle((margin, margin, big - 1 - margin, big - 1 - margin), radius,
                        fill=SEAL_RED)
    if not small:
        # The seal's inner frame: a white line inset from the edge.
        inset = margin + round(big * 0.075)
        width = max(SUPERSAMPLE, round(big * 0.028))
        d.rounded_rectangle((inset, inset, big - 1 - inset, big - 1 - inset),
                            round(radius * 0.6), outline=WHITE, width=width)
    glyph_box = big * (0.80 if small else 0.62)
    font = ImageFont.truetype(str(font_path), round(glyph_box))
    left, top, right, bottom = d.textbbox((0, 0), GLYPH, font=font)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top
    # Microhei has no bold; a stroke of the fill colour thickens the strokes like a carved seal.
    stroke = max(1, round(big * (0.018 if small else 0.008)))
    d.text((x, y), GLYPH, font=font, fill=WHITE, stroke_width=stroke, stroke_fill=WHITE)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> int:
    font_path = find_font()
    PNG.parent.mkdir(parents=True, exist_ok=True)
    draw(PNG_SIZE, font_path).save(PNG, optimize=True)
    frames = [draw(s, font_path) for s in ICO_SIZES]
    largest = frames[-1]
    largest.save(ICO, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=frames[:-1])
    print(f"已生成 {PNG.relative_to(ROOT)} 和 {ICO.relative_to(ROOT)}"
          f"（{', '.join(str(s) for s in ICO_SIZES)} 像素）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
