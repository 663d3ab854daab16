"""The assessment package for evaluators (迎检资料包): a folder or USB stick that opens on any
Windows PC with nothing to install and no network.

    <period>/<block>/<item>/<standard code + short title>/<NNN>-<title>.<ext>
    <period>/…/<standard>/000-测评材料提交表.docx, 000-照片资料.docx
    index.html, index-data.js, index-text.js      the evaluators' page (tree, documents, search)
    资料目录.xlsx, 资料目录.docx                     catalogue after DA/T 22
    bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt

Public API (for the command line and the GUI's export wizard): ``export_package``,
``verify_package``, ``estimate``, ``ExportReport``.
"""

from exporters.package.export import estimate, export_package, is_package
from exporters.package.report import ExportReport
from exporters.package.verify import verify_package

__all__ = ["ExportReport", "estimate", "export_package", "is_package", "verify_package"]
