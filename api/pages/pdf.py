"""The transcript (学时证明) as a PDF: fpdf2 with Noto Sans CJK SC from Debian's
fonts-noto-cjk embedded (subset), and a QR code (segno) to the public verification page.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ledger.wording import SUBJECTS

from .web import beijing

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
# Index of "Noto Sans CJK SC" in Debian's collection (JP, KR, SC, TC, HK, Mono ...).
SC_IN_COLLECTION = 2
FONT = "NotoSansSC"
TEXT_WIDTH = 120  # mm, beside the QR code
INK, MUTED, RULE = (27, 27, 27), (80, 80, 80), (200, 200, 200)


class FontMissing(RuntimeError):
    pass


class _Transcript(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, f"学时账本 · 第 {self.page_no()}/{{nb}} 页", align="C")


def _fonts(pdf: FPDF) -> None:
    for style, name in (("", "NotoSansCJK-Regular.ttc"), ("B", "NotoSansCJK-Bold.ttc")):
        path = FONT_DIR / name
        if not path.exists():
            raise FontMissing(f"{path} is missing: install Debian's fonts-noto-cjk "
                              "(make system-packages)")
        pdf.add_font(FONT, style, str(path), collection_font_number=SC_IN_COLLECTION)


def _row(pdf: FPDF, widths: list[float], cells: list[str], *, bold: bool = False,
         fill: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", 9)
    height = 6.5
    for width, text in zip(widths, cells, strict=True):
        pdf.cell(width, height, _fit(pdf, text, width - 2), border="B", fill=fill)
    pdf.ln(height)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text, shortened with an ellipsis to fit one table cell."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _h(value: Decimal | str | None) -> str:
    # An attestation's report entries come already dumped (hours as "24.0" strings,
    # ledger/services/attest_pass.py); year sums stay Decimal.
    return "—" if value is None else f"{Decimal(str(value)):.1f}"


def transcript_pdf(data: dict[str, Any]) -> bytes:
    """``data``: ``professional`` (name, id_masked), ``years`` (reading's year summaries
    with their entries), ``issued_at``, and where the attestation service gave them
    ``verification_code``, ``verify_url``, ``checkpoint``; ``attestation`` is the JWS."""
    pdf = _Transcript(format="A4")
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(18, 16, 18)
    pdf.set_title("继续教育学时证明")
    pdf.set_author("学时账本")
    pdf.set_lang("zh-CN")
    _fonts(pdf)
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 18)
    pdf.cell(0, 12, "专业技术人员继续教育学时证明", align="C", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    who = data["professional"]
    years = data["years"]
    pdf.set_font(FONT, "", 10.5)
    lines = [
        f"姓名：{who['name']}　　身份证号码：{who['id_masked']}",
        f"年度：{years[0]['year']}—{years[-1]['year']}　　"
        f"出具时间：{beijing(data['issued_at'])}（北京时间）",
    ]
    for line in lines:
        pdf.cell(0, 7, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)

    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, "一、各年度学时", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    widths = [22, 26, 26, 26, 26, 48]
    pdf.set_fill_color(238, 242, 246)
    _row(pdf, widths, ["年度", "公需科目", "专业科目", "合计", "要求", "是否达标"],
         bold=True, fill=True)
    for year in years:
        c = year["compliance"]
        verdict = "达标" if c["met"] else f"未达标（差{_h(c['shortfall_total'])}学时）"
        _row(pdf, widths, [str(year["year"]), _h(year["public"]), _h(year["professional"]),
                           _h(year["total"]), _h(c["required_total"]), verdict])
    pdf.ln(3)

    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, "二、学时明细", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    widths = [12, 54, 38, 42, 10, 11, 10]
    _row(pdf, widths, ["年度", "培训项目", "培训日期", "继续教育基地", "科目", "学时", "类型"],
         bold=True, fill=True)
    for year in years:
        for e in year["entries"]:
            project = e["project"]
            _row(pdf, widths, [str(e["year"]), project["title"],
                               f"{project['start_on']}至{project['end_on']}", e["base"]["name"],
                               SUBJECTS.get(e["subject"], e["subject"])[:2],
                               _h(e["hours"]), "登记" if e["kind"] == "credit" else "冲销"])
    pdf.ln(4)
    _verification(pdf, data)
    return bytes(pdf.output())


def _verification(pdf: FPDF, data: dict[str, Any]) -> None:
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, "三、核验", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    top = pdf.get_y()
    pdf.set_font(FONT, "", 9.5)
    code = data.get("verification_code")
    if code and data.get("verify_url"):
        qr = io.BytesIO()
        segno.make(data["verify_url"], error="m").save(qr, kind="png", scale=8, border=2)
        qr.seek(0)
        pdf.image(qr, x=pdf.w - pdf.r_margin - 42, y=top, w=42, h=42)
        pdf.set_font(FONT, "B", 14)
        pdf.cell(TEXT_WIDTH, 9, f"核验码：{code}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9.5)
        _para(pdf, f"扫描右侧二维码或访问 {data['verify_url']}，可查验本证明是否真实、"
              "所载学时是否仍然有效（如其后有冲销，核验页会列出）。")
    checkpoint = data.get("checkpoint")
    if checkpoint:
        _para(pdf, f"依据的账本检查点：第{checkpoint['size']}条记录，时间 "
              f"{_when(checkpoint['time'])}，根哈希 {checkpoint['root_hash']}")
    chain = data.get("chain")
    if chain:
        _para(pdf, f"个人记录链：共{chain['length']}条，末条哈希 {chain['head_hash']}，"
              f"完整性校验{'通过' if chain['intact'] else '未通过'}。")
    details = data.get("attestation_details")
    if details:
        _para(pdf, f"电子签名（JWS，EdDSA）：签名密钥 {details['kid']}，报告摘要 SHA-256 "
              f"{details['report_sha256']}；公钥见 /.well-known/jwks.json。")
    pdf.set_y(max(pdf.get_y(), top + 44))


def _para(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(TEXT_WIDTH, 5.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _when(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return beijing(value)
