"""Conversions of files written by the annotation tools themselves (tests/fixtures/real-exports)."""
from pathlib import Path

from zhcausal.data.formats import ConversionReport, labelstudio

FIX = Path(__file__).parent / "fixtures" / "real-exports"


def test_labelstudio_unfinished_tasks_are_skipped_with_warning():
    report = ConversionReport()
    recs = labelstudio.read(FIX / "labelstudio_edgecases_text_JSON_all_tasks_true.json", report)
    assert len(recs) == 2  # the two annotated tasks only
    assert any("task 46" in p and "cancelled" in p for p in report.problems)
    assert any("task 47" in p and "never labelled" in p for p in report.problems)
