"""Merge a helper's annotation chunks with the pool texts, compile, and validate.

    python3 /work/annot-tools/check.py N

Reads /work/main/annotations/authoring/real/ann-N-*.txt (blocks of '# id:' + span and
relation lines; a block with only '# id:' means "read, not causal"), takes each record's text
and meta from the real pool, writes the full block file
/work/main/annotations/authoring/real/real-N.txt, and prints every block error and contract
violation with the record id, then a summary.
"""
import glob, json, os, sys, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compile_blocks import BlockError, compile_block, read_blocks
from zhcausal.data.validate import validate_file

N = int(sys.argv[1])
REAL = "/work/main/annotations/authoring/real"
pool = {}
for line in open("/work/shared/real-pool/pool.jsonl", encoding="utf-8"):
    r = json.loads(line); pool[r["id"]] = r
batch = [l[5:].strip() for l in open(f"{HERE}/inputs/input-{N}.txt", encoding="utf-8") if l.startswith("# id:")]
batch_set = set(batch)
problems = 0
ann = {}
for path in sorted(glob.glob(f"{REAL}/ann-{N}-*.txt")):
    for block in read_blocks(path):
        lineno, first = block[0]
        if not first.startswith("# id:"):
            print(f"{path}:{lineno}: block does not start with '# id:'"); problems += 1; continue
        rid = first[5:].strip()
        if rid not in batch_set:
            print(f"{path}:{lineno}: id {rid!r} is not in batch {N}"); problems += 1; continue
        if rid in ann:
            print(f"{path}:{lineno}: id {rid!r} annotated twice (also {ann[rid][0]})"); problems += 1; continue
        rest = [(n, l) for n, l in block[1:] if not l.startswith("text:") and not l.startswith("# meta:")]
        ann[rid] = (f"{path}:{lineno}", rest)
order = [rid for rid in batch if rid in ann]
recs = []
out_lines = []
for rid in order:
    r = pool[rid]
    m = r["meta"]
    meta = {"source": m["source"], "genre": m["genre"], "kind": m.get("kind"), "locator": m.get("locator"),
            "cue": m["cue"], "origin": "real-pool"}
    meta = {a: b for a, b in meta.items() if b is not None}
    where, rest = ann[rid]
    block = [(0, f"# id: {rid}"), (0, "# meta: " + json.dumps(meta, ensure_ascii=False)), (0, "text: " + r["text"])] + rest
    try:
        recs.append(compile_block(block, where))
    except BlockError as exc:
        print(f"[{rid}] {exc}"); problems += 1; continue
    out_lines += [l for _, l in block] + [""]
with open(f"{REAL}/real-{N}.txt", "w", encoding="utf-8") as fh:
    fh.write("\n".join(out_lines))
with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
    for r in recs:
        fh.write(json.dumps(r, ensure_ascii=False) + "\n")
viol = validate_file(fh.name)
ids = [r["id"] for r in recs]
for v in viol:
    s = str(v)
    try:
        line = int(s.split(":")[1]); s = f"[{ids[line-1]}] " + s.split(":", 2)[2]
    except Exception:
        pass
    print(s)
os.unlink(fh.name)
causal = sum(1 for r in recs if r["relations"])
print(f"batch {N}: {len(ann)}/{len(batch)} records annotated ({causal} causal); {problems} block problem(s), {len(viol)} contract violation(s)")
missing = [rid for rid in batch if rid not in ann]
if missing:
    print(f"next unannotated id: {missing[0]}")
sys.exit(1 if problems or viol else 0)
