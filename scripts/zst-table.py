#!/usr/bin/env python3
"""The zero-shot transfer table from the run folders of scripts/zero-shot-transfer.sh.

Usage: scripts/zst-table.py OUT   (prints Markdown; reads OUT/split-*/{minilm,scratch,shuffled}/)
Per run: the checkpoint chosen on validation-unseen, zero-shot top-1/top-5 and mean per-class
recall on the test-unseen photos and on the seen classes' held-out photos, the k-shot probe curve
on test-unseen and the zero-shot classifier's effective shots. Then means ± std over the splits.
"""
import glob, json, os, statistics as st, sys

out = sys.argv[1]
TOWERS = ["minilm", "minilm-fixed", "scratch", "shuffled", "shuffled-fixed"]
runs = []
for split in sorted(glob.glob(os.path.join(out, "split-*"))):
    seed = split.rsplit("-", 1)[1]
    for t in TOWERS:
        d = os.path.join(split, t)
        u, s = os.path.join(d, "eval-unseen/results.json"), os.path.join(d, "eval-seen/results.json")
        if not (os.path.exists(u) and os.path.exists(s)):
            continue
        ru, rs = json.load(open(u)), json.load(open(s))
        evals = [json.loads(l) for l in open(os.path.join(d, "metrics.jsonl")) if "zeroshot_top1" in l]
        # as scripts/zero-shot-transfer.sh: mean per-class recall when the run logged it, else top-1
        key = "zeroshot_mean_recall" if all("zeroshot_mean_recall" in e for e in evals) else "zeroshot_top1"
        best = max(evals, key=lambda e: (e[key], e["step"]))
        steps = [json.loads(l) for l in open(os.path.join(d, "metrics.jsonl")) if '"loss"' in l]
        r = {"split": seed, "tower": t, "step": best["step"], "val": best["zeroshot_top1"],
             "valr": best.get("zeroshot_mean_recall", float("nan")),
             "u1": ru["top1"], "u5": ru["top5"], "ur": ru["mean_per_class_recall"],
             "s1": rs["top1"], "s5": rs["top5"], "sr": rs["mean_per_class_recall"],
             "loss": steps[-1]["loss"] if steps else float("nan"), "images_u": ru["images"], "images_s": rs["images"]}
        for key, name in [("v", "eval-val"), ("vc", "eval-val-centered"), ("uc", "eval-unseen-centered"),
                          ("sc", "eval-seen-centered"), ("vz", "eval-val-calibrated"), ("uz", "eval-unseen-calibrated"),
                          # described class names (DESCRIBE=1 scripts/zst-center.sh)
                          ("vd", "eval-val-desc"), ("vdc", "eval-val-desc-centered"), ("vdz", "eval-val-desc-calibrated"),
                          ("ud", "eval-unseen-desc"), ("udc", "eval-unseen-desc-centered"),
                          ("udz", "eval-unseen-desc-calibrated")]:
            f = os.path.join(d, name, "results.json")
            if os.path.exists(f):
                j = json.load(open(f))
                r[key + "1"], r[key + "5"], r[key + "r"] = j["top1"], j["top5"], j["mean_per_class_recall"]
        p = os.path.join(d, "eval-probe/results.json")
        if os.path.exists(p):
            rp = json.load(open(p))
            r["probe"] = {pt["shots"]: pt["mean"] for pt in rp["points"]}
            r["probe_zs"] = rp.get("zeroshot_top1")
            e = rp.get("effective_shots")
            r["eff"] = None if not e else ({"at_most": "≤ ", "more_than": "> ", "interpolated": ""}[e["bound"]]
                                           + ("%.2g" % e["shots"]))
        runs.append(r)

pct = lambda v: "%.1f" % (100 * v)


def chosen(rs, choices):
    """Of choices (label, val-unseen key, test key), the one validation-unseen picks for the runs rs: the
    highest mean val-unseen mean per-class recall, the first on a tie. Returns it and every choice's mean."""
    vals = {c: st.mean(r[c[1] + "r"] for r in rs) for c in choices}
    return max(vals, key=vals.get), vals


def mean_std(rs, key):
    """Mean ± std in percent of key over the runs that have it ("-" if none)."""
    v = [100 * r[key] for r in rs if key in r]
    return "-" if not v else "%.1f ± %.1f" % (st.mean(v), st.stdev(v)) if len(v) > 1 else "%.1f" % v[0]


print("Per run (the checkpoint with the best validation-unseen mean per-class recall):\n")
print("| split | text tower | step | val-unseen top-1 | val-unseen per-class recall | unseen top-1 | unseen top-5 "
      "| unseen per-class recall | seen top-1 | seen top-5 | final loss |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in runs:
    print("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %.2f |" % (r["split"], r["tower"], r["step"], pct(r["val"]),
          pct(r["valr"]) if r["valr"] == r["valr"] else "-", pct(r["u1"]), pct(r["u5"]), pct(r["ur"]), pct(r["s1"]),
          pct(r["s5"]), r["loss"]))
print("\nMean ± std over the splits done:\n")
print("| text tower | splits | unseen top-1 | unseen top-5 | unseen per-class recall | seen top-1 | seen top-5 |")
print("|---|---|---|---|---|---|---|")
for t in TOWERS:
    rs = [r for r in runs if r["tower"] == t]
    if not rs:
        continue
    m = lambda k: mean_std(rs, k)
    print("| %s | %d (%s) | %s | %s | %s | %s | %s |" % (t, len(rs), ",".join(r["split"] for r in rs), m("u1"), m("u5"),
          m("ur"), m("s1"), m("s5")))
print("\nChance: 5.0% top-1, 25.0% top-5 on the 20 test-unseen classes (a constant guess of the largest class "
      "scores its share of the photos, see per-class recall); 1.7% / 8.5% on the 59 seen classes.")
centered = [r for r in runs if "uc1" in r and "vc1" in r and "v1" in r]
if centered:
    print("\nCentered class embeddings (`--center-classes`), the second choice made on validation-unseen: "
          "val-unseen mean per-class recall plain → centered, and the test numbers with centering:\n")
    print("| split | text tower | val-unseen plain | val-unseen centered | unseen top-1 | unseen top-5 "
          "| unseen per-class recall | seen top-1 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in centered:
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (r["split"], r["tower"], pct(r["vr"]), pct(r["vcr"]),
              pct(r["uc1"]), pct(r["uc5"]), pct(r["ucr"]), pct(r["sc1"]) if "sc1" in r else "-"))
    print("\nMean over splits, with the choice validation-unseen makes per text tower (centered if its mean "
          "val-unseen mean per-class recall is higher):\n")
    print("| text tower | splits | choice (val-unseen plain / centered) | unseen top-1 | unseen top-5 | seen top-1 |")
    print("|---|---|---|---|---|---|")
    for t in TOWERS:
        rs = [r for r in centered if r["tower"] == t]
        if not rs:
            continue
        plain, cen = ("plain", "v", "u"), ("centered", "vc", "uc")
        c, vals = chosen(rs, [plain, cen])
        print("| %s | %d | %s (%s / %s) | %s | %s | %s |" % (t, len(rs), c[0], pct(vals[plain]), pct(vals[cen]),
              mean_std(rs, c[2] + "1"), mean_std(rs, c[2] + "5"), mean_std(rs, c[2].replace("u", "s") + "1")))
probes = [r for r in runs if "probe" in r]
if probes:
    ks = sorted({k for r in probes for k in r["probe"]}, key=lambda k: (not str(k).isdigit(), int(k) if str(k).isdigit() else 0))
    print("\nk-shot linear probe on the test-unseen classes (top-1 %, mean of 3 draws) and the zero-shot "
          "classifier's effective shots:\n")
    print("| split | text tower | " + " | ".join("k=%s" % k for k in ks) + " | zero-shot top-1 | effective shots |")
    print("|---|---|" + "---|" * len(ks) + "---|---|")
    for r in probes:
        print("| %s | %s | " % (r["split"], r["tower"]) + " | ".join(pct(r["probe"][k]) if k in r["probe"] else "-" for k in ks)
              + " | %s | %s |" % (pct(r["probe_zs"]) if r["probe_zs"] is not None else "-", r["eff"] or "-"))

NAMES = [("plain", "v", "u"), ("centred", "vc", "uc"), ("calibrated", "vz", "uz")]
calibrated = [r for r in runs if "uz1" in r and "vz1" in r and "v1" in r and "vc1" in r]
if calibrated:
    print("\nClass scores standardised over the seen training images (`--calibrate-on train-seen`): "
          "val-unseen mean per-class recall, and the test-unseen numbers with it:\n")
    print("| split | text tower | val-unseen plain | val-unseen calibrated | unseen top-1 | unseen top-5 "
          "| unseen per-class recall |")
    print("|---|---|---|---|---|---|---|")
    for r in calibrated:
        print("| %s | %s | %s | %s | %s | %s | %s |" % (r["split"], r["tower"], pct(r["vr"]), pct(r["vzr"]),
              pct(r["uz1"]), pct(r["uz5"]), pct(r["uzr"])))
    print("\nMean over splits, with the classifier validation-unseen chooses per text tower among plain, centred and "
          "calibrated (the highest mean val-unseen mean per-class recall):\n")
    print("| text tower | splits | choice (val-unseen plain / centred / calibrated) | unseen top-1 | unseen top-5 "
          "| unseen per-class recall |")
    print("|---|---|---|---|---|---|")
    for t in TOWERS:
        rs = [r for r in calibrated if r["tower"] == t]
        if not rs:
            continue
        c, vals = chosen(rs, NAMES)
        print("| %s | %d | %s (%s) | %s | %s | %s |" % (t, len(rs), c[0], " / ".join(pct(vals[n]) for n in NAMES),
              mean_std(rs, c[2] + "1"), mean_std(rs, c[2] + "5"), mean_std(rs, c[2] + "r")))

DESC = ["vd1", "vdc1", "vdz1", "ud1", "udc1", "udz1"]
described = [r for r in calibrated if all(k in r for k in DESC)] if calibrated else []
if described:
    print("\nPrompts that name the class or describe it (name + WordNet definition, DESCRIBE=1 scripts/zst-center.sh), "
          "each plain, centred or calibrated: val-unseen mean per-class recall per run:\n")
    CHOICES = [("names, " + n, v, u) for n, v, u in NAMES] + \
              [("descriptions, " + n, "vd" + v[1:], "ud" + u[1:]) for n, v, u in NAMES]
    print("| split | text tower | " + " | ".join(c[0] for c in CHOICES) + " |")
    print("|---|---|" + "---|" * len(CHOICES))
    for r in described:
        print("| %s | %s | " % (r["split"], r["tower"]) + " | ".join(pct(r[c[1] + "r"]) for c in CHOICES) + " |")
    print("\nMean over splits, with the classifier validation-unseen chooses per text tower among the six "
          "(the highest mean val-unseen mean per-class recall):\n")
    print("| text tower | splits | choice (its val-unseen mean recall) | unseen top-1 | unseen top-5 | unseen per-class recall |")
    print("|---|---|---|---|---|---|")
    for t in TOWERS:
        rs = [r for r in described if r["tower"] == t]
        if not rs:
            continue
        c, vals = chosen(rs, CHOICES)
        print("| %s | %d | %s (%s) | %s | %s | %s |" % (t, len(rs), c[0], pct(vals[c]), mean_std(rs, c[2] + "1"),
              mean_std(rs, c[2] + "5"), mean_std(rs, c[2] + "r")))
