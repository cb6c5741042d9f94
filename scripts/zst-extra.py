#!/usr/bin/env python3
"""Captioned seen-side data for the zero-shot transfer experiment (docs/zero-shot-transfer.md).

With only the 59 seen class names, the image tower is fitted to 59 points of the text tower's
space. This adds images whose captions are other texts, none naming a held-out class:
  - Tux Paint stamps (Debian tuxpaint-stamps-default, GPL-2): ~800 PNG drawings, each with a
    one-line English caption; flattened onto white and scaled to 96 px (ImageMagick);
  - COCO-mini (../shared/data/coco-mini): 159 photos with 5 captions each, scaled to 96 px;
  - CIFAR-10 test photos (../shared/data/cifar10/test), N per class, captioned from the
    train-photo templates with the class name.
Builds OUT/extra/ once (images and extra.tsv with every candidate row), then for each
OUT/split-SEED/split.json writes
  train-mixed.tsv           seen Caltech photos (one train-photo template each) + the extra rows
                            whose caption names no held-out (validation- or test-unseen) class;
  train-mixed-shuffled.tsv  the same rows with the captions permuted against the images (the
                            Caltech names as in train-shuffled/, the extra captions among the
                            extra rows): the shuffled-names control.
A caption "names" a class when the class name, or its plural, appears as whole words, case-blind.
Usage: scripts/zst-extra.py OUT [CIFAR_PER_CLASS]
"""
import csv, json, os, random, shutil, subprocess, sys

from zst_common import debian_package, names_pattern

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.environ.get("SHARED", os.path.join(root, "..", "shared"))
out = sys.argv[1]
cifar_per_class = int(sys.argv[2]) if len(sys.argv) > 2 else 200
extra = os.path.join(out, "extra")
templates = [l.strip() for l in open(os.path.join(root, "core/src/main/resources/dev/jclip/zeroshot/templates/train-photo.txt"))
             if l.strip() and not l.startswith("#")]


def convert_tool():
    # Debian's ImageMagick 6 binary by its own name: a bare "convert" may be something else on PATH
    for c in ("convert-im6.q16", "magick"):
        if shutil.which(c):
            return c
    sys.exit("ImageMagick is needed to flatten and scale the images: apt-get install imagemagick")


def scale(tool, src, dst):
    # shorter side 96 px like caltech101-96; transparent drawings flattened onto white
    subprocess.run([tool, src, "-background", "white", "-alpha", "remove", "-alpha", "off",
                    "-resize", "96x96^", "-quality", "92", dst], check=True)


def build_extra():
    rows = []
    tool = convert_tool()
    # Tux Paint stamps
    stamps = os.path.join(extra, "deb", "usr/share/tuxpaint/stamps")
    if not os.path.isdir(stamps):
        debian_package("tuxpaint-stamps-default", os.path.join(extra, "deb"))
    os.makedirs(os.path.join(extra, "tux"), exist_ok=True)
    for d, _, files in sorted(os.walk(stamps)):
        for f in sorted(files):
            base, ext = os.path.splitext(f)
            txt = os.path.join(d, base + ".txt")
            if ext != ".png" or not os.path.isfile(txt):
                continue
            caption = open(txt, encoding="utf-8").readline().strip()
            if not caption:
                continue
            rel = os.path.relpath(os.path.join(d, base), stamps).replace(os.sep, "__")
            dst = os.path.join(extra, "tux", rel + ".jpg")
            if not os.path.isfile(dst):
                scale(tool, os.path.join(d, f), dst)
            rows.append(("tux", os.path.abspath(dst), caption))
    # COCO-mini
    coco = os.path.join(shared, "data", "coco-mini")
    os.makedirs(os.path.join(extra, "coco"), exist_ok=True)
    for part in ("train2017", "val2017"):
        ann = json.load(open(os.path.join(coco, "annotations", "captions_%s.json" % part)))
        files = {i["id"]: i["file_name"] for i in ann["images"]}
        for a in sorted(ann["annotations"], key=lambda a: a["id"]):
            dst = os.path.join(extra, "coco", files[a["image_id"]])
            if not os.path.isfile(dst):
                scale(tool, os.path.join(coco, part, files[a["image_id"]]), dst)
            rows.append(("coco", os.path.abspath(dst), " ".join(a["caption"].split())))
    # CIFAR-10 test photos, captioned from the templates
    cifar = os.path.join(shared, "data", "cifar10")
    names = [l.strip() for l in open(os.path.join(cifar, "classes.txt")) if l.strip()]
    rng = random.Random("cifar")
    for n in names:
        files = sorted(os.listdir(os.path.join(cifar, "test", n)))[:cifar_per_class]
        for f in files:
            rows.append(("cifar10", os.path.abspath(os.path.join(cifar, "test", n, f)), rng.choice(templates).replace("{}", n)))
    with open(os.path.join(extra, "extra.tsv"), "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["source", "filepath", "title"])
        w.writerows(rows)
    return rows


def write(path, rows):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["filepath", "title"])
        w.writerows(rows)


if os.path.isfile(os.path.join(extra, "extra.tsv")):
    with open(os.path.join(extra, "extra.tsv")) as fh:
        rows = [tuple(r) for r in list(csv.reader(fh, delimiter="\t"))[1:]]
else:
    rows = build_extra()

for s in sorted(os.listdir(out)):
    meta = os.path.join(out, s, "split.json")
    if not (s.startswith("split-") and os.path.isfile(meta)):
        continue
    split = json.load(open(meta))
    seed, held = split["seed"], split["val_unseen"] + split["test_unseen"]
    pat = names_pattern(held)
    rng = random.Random("mixed/%d" % seed)
    caltech, caltech_shuffled = [], []
    for sub, dst in (("train-seen", caltech), ("train-shuffled", caltech_shuffled)):
        r = random.Random("mixed/%d" % seed)  # the same template per photo in both trees
        d = os.path.join(out, s, sub)
        for name in sorted(os.listdir(d)):
            for f in sorted(os.listdir(os.path.join(d, name))):
                dst.append((os.path.realpath(os.path.join(d, name, f)), r.choice(templates).replace("{}", name)))
    # train-shuffled holds the same photos under permuted names: pair each photo with its permuted caption
    permuted = dict(caltech_shuffled)
    caltech_shuffled = [(p, permuted[p]) for p, _ in caltech]
    kept = [(src, p, c) for src, p, c in rows if not pat.search(c)]
    dropped = len(rows) - len(kept)
    extra_rows = [(p, c) for _, p, c in kept]
    mixed = caltech + extra_rows
    captions = [c for _, c in extra_rows]
    shuffled = captions[:]
    rng.shuffle(shuffled)
    mixed_shuffled = caltech_shuffled + [(p, c) for (p, _), c in zip(extra_rows, shuffled)]
    write(os.path.join(out, s, "train-mixed.tsv"), mixed)
    write(os.path.join(out, s, "train-mixed-shuffled.tsv"), mixed_shuffled)
    by_src = {}
    for src, _, _ in kept:
        by_src[src] = by_src.get(src, 0) + 1
    print("%s: %d Caltech rows + %d extra rows (%s), %d extra captions dropped for naming a held-out class, "
          "%d distinct captions" % (s, len(caltech), len(extra_rows),
                                    ", ".join("%s %d" % kv for kv in sorted(by_src.items())), dropped,
                                    len({c for _, c in mixed})))
