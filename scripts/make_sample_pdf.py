"""Render examples/annual_report_excerpt.txt as a PDF with a text layer (needs reportlab; run once).

    pip install reportlab && python scripts/make_sample_pdf.py
"""
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

ROOT = Path(__file__).resolve().parents[1]
src = ROOT / "examples" / "annual_report_excerpt.txt"
pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK")
story = []
for para in src.read_text(encoding="utf-8").split("\n"):
    story.append(Paragraph(para, style) if para.strip() else Spacer(1, 8))
SimpleDocTemplate(str(src.with_suffix(".pdf")), pagesize=A4, title="annual report excerpt").build(story)
print(f"wrote {src.with_suffix('.pdf')}")
