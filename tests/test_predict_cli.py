import csv
import io
import json

import pytest

from zhcausal.cli import main


@pytest.fixture()
def run(trained_model, capsys):
    def _run(*args):
        rc = main(["predict", "--model", str(trained_model), "--precision", "fp32", "-q", *map(str, args)])
        cap = capsys.readouterr()
        return rc, cap.out, cap.err
    return _run


DOC = "报告期内，钢材价格上涨导致宝钢股份营业收入增长12.3%。\n\n受疫情影响，海外消费者转向线上，进而使跨境电商销售额大幅增长。"


def test_formats_and_document_offsets(run, tmp_path):
    p = tmp_path / "r.txt"
    p.write_text(DOC, encoding="utf-8")
    for fmt in ("jsonl", "csv", "triples"):
        out = tmp_path / f"o.{fmt}"
        rc, _, err = run(p, "-o", out, "--format", fmt)
        assert rc == 0, err
        assert "1 document(s)" in err
    recs = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    last = next(r for r in recs if r["text"].startswith("受疫情影响"))  # toy-2, which the model learnt
    assert last["doc"] == str(p) and last["id"] == f"{p}#1" and DOC[last["sentence_start"]:] == last["text"]
    base = DOC.index("受疫情影响")
    by_id = {s["id"]: s for s in last["spans"]}
    causes = {(by_id[r["head"]]["text"], by_id[r["tail"]]["text"]) for r in last["relations"] if r["label"] == "CAUSES"}
    assert causes == {("疫情", "海外消费者转向线上"), ("海外消费者转向线上", "跨境电商销售额大幅增长")}
    for rec in recs:
        for s in rec["spans"]:
            assert DOC[s["start"]:s["end"]] == s["text"]
    assert by_id[last["relations"][0]["head"]]["start"] == base + 1  # 疫情, in document offsets
    rows = list(csv.DictReader(io.StringIO((tmp_path / "o.csv").read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["head_text"] == "疫情")
    assert (row["relation"], row["tail_text"], row["sentence"], row["record"]) == ("CAUSES", "海外消费者转向线上", "1", f"{p}#1")
    assert DOC[int(row["head_start"]):int(row["head_end"])] == "疫情" and 0 < float(row["score"]) <= 1
    assert len(rows) == sum(len(r["relations"]) for r in recs)
    triples = list(csv.DictReader(io.StringIO((tmp_path / "o.triples").read_text(encoding="utf-8"))))
    t = next(r for r in triples if r["cause"] == "海外消费者转向线上")
    assert (t["effect"], t["actors"]) == ("跨境电商销售额大幅增长", "海外消费者")


def test_jsonl_input_keeps_id_and_text(run, tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"id": "a1", "text": DOC}, ensure_ascii=False) + "\n", encoding="utf-8")
    rc, out, _ = run(p)
    rec = json.loads(out)
    assert rc == 0 and rec["id"] == "a1" and rec["text"] == DOC


def test_gb18030_is_detected_with_notice(run, tmp_path):
    p = tmp_path / "gb.txt"
    p.write_bytes(DOC.encode("gb18030"))
    rc, _, err = run(p)
    assert rc == 0 and "decoded as GB18030" in err


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "empty file"),
    ("bin.txt", b"\x00\x01\x02abc", "binary file"),
    ("bad.txt", b"\xff\xfe\xfa\xff\xff\xff", "undecodable bytes"),
    ("nt.jsonl", '{"id": 1, "txt": "x"}\n'.encode(), 'nt.jsonl:1: line has no "text"'),
    ("x.docx", b"abc", "unsupported file type"),
])
def test_bad_inputs_fail_with_one_line(run, tmp_path, name, content, message):
    p = tmp_path / name
    p.write_bytes(content)
    rc, _, err = run(p)
    assert rc == 2 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_pdf_without_text_layer(run, tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    p = tmp_path / "scan.pdf"
    with open(p, "wb") as fh:
        w.write(fh)
    rc, _, err = run(p)
    assert rc == 2 and "no text layer" in err


def test_skip_errors_keeps_going_and_counts(run, tmp_path):
    good, bad = tmp_path / "a.txt", tmp_path / "b.txt"
    good.write_text(DOC, encoding="utf-8")
    bad.write_bytes(b"")
    out = tmp_path / "o.jsonl"
    rc, _, err = run(bad, good, "-o", out, "--skip-errors")
    assert rc == 0 and "warning: skipped" in err and "1 bad input item(s) skipped" in err


def test_error_after_finished_documents_keeps_them(run, tmp_path):
    good, bad = tmp_path / "a.txt", tmp_path / "b.txt"
    good.write_text(DOC, encoding="utf-8")
    bad.write_bytes(b"")
    out = tmp_path / "o.jsonl"
    rc, _, _ = run(good, bad, "-o", out)
    assert rc == 2 and (tmp_path / "o.jsonl.done").read_text(encoding="utf-8").strip().split("\t")[0] == str(good)


def test_long_line_without_punctuation(run, tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("钢材价格上涨营业收入增长" * 4000, encoding="utf-8")  # 48k characters, no punctuation
    rc, _, err = run(p, "-o", tmp_path / "o.jsonl", "--batch-size", "64")
    assert rc == 0 and "120 sentence(s)" in err


def test_model_dir_errors(trained_model, tiny_encoder, tmp_path, capsys):
    p = tmp_path / "a.txt"
    p.write_text(DOC, encoding="utf-8")
    assert main(["predict", "--model", str(tmp_path / "nope"), str(p)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["predict", "--model", str(tiny_encoder), str(p)]) == 2
    assert "another tool" in capsys.readouterr().err


def test_shards_partition_and_resume(run, tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text("".join(json.dumps({"id": f"d{i}", "text": f"第{i}句。"}, ensure_ascii=False) + "\n" for i in range(12)), encoding="utf-8")
    seen = []
    for i in (1, 2, 3):
        out = tmp_path / f"s{i}.jsonl"
        assert run(p, "-o", out, "--shard", f"{i}/3")[0] == 0
        seen += [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(seen) == sorted(f"d{i}" for i in range(12))
    out = tmp_path / "s1.jsonl"
    rc, _, err = run(p, "-o", out, "--resume")
    assert rc == 0
    ids = [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == sorted(f"d{i}" for i in range(12)) and "skipped" in err


@pytest.mark.parametrize("cut", ["after_records", "torn_done_line", "torn_record"])
def test_resume_after_kill_equals_uninterrupted_run(run, tmp_path, cut):
    """Simulate a kill at each point of a document's two writes; the resumed output must equal a clean run's."""
    p = tmp_path / "in.jsonl"
    p.write_text("".join(json.dumps({"id": f"d{i}", "text": DOC}, ensure_ascii=False) + "\n" for i in range(6)), encoding="utf-8")
    clean = tmp_path / "clean.jsonl"
    assert run(p, "-o", clean, "--chunk-chars", "1")[0] == 0
    want = clean.read_text(encoding="utf-8")
    done_lines = (tmp_path / "clean.jsonl.done").read_text(encoding="utf-8").splitlines()
    assert len(done_lines) == 6 and all("\t" in x for x in done_lines)
    out = tmp_path / "o.jsonl"
    k = 3  # documents d0..d2 finished; d3 was being written when the run died
    off3, off4 = int(done_lines[k - 1].split("\t")[1]), int(done_lines[k].split("\t")[1])
    data = want.encode("utf-8")
    if cut == "after_records":      # d3's records written, its done line not
        out.write_bytes(data[:off4])
        (tmp_path / "o.jsonl.done").write_text("\n".join(done_lines[:k]) + "\n", encoding="utf-8")
    elif cut == "torn_done_line":   # d3's done line half written
        out.write_bytes(data[:off4])
        (tmp_path / "o.jsonl.done").write_text("\n".join(done_lines[:k]) + "\n" + done_lines[k][:5], encoding="utf-8")
    else:                           # d3's record line torn
        out.write_bytes(data[:off3 + (off4 - off3) // 2])
        (tmp_path / "o.jsonl.done").write_text("\n".join(done_lines[:k]) + "\n", encoding="utf-8")
    rc, _, err = run(p, "-o", out, "--resume", "--chunk-chars", "1")
    assert rc == 0, err
    assert out.read_text(encoding="utf-8") == want
    assert (tmp_path / "o.jsonl.done").read_text(encoding="utf-8").splitlines() == done_lines
