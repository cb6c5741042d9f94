"""Helpers shared by the zero-shot transfer experiment's data scripts (zst-extra.py, zst-gloss.py)."""
import os, re, shutil, subprocess, tempfile


def debian_package(name, dest):
    """Unpacks Debian package `name` into folder `dest` (apt-get download, dpkg-deb -x; no install)."""
    tmp = tempfile.mkdtemp()
    try:
        subprocess.run(["apt-get", "download", name], cwd=tmp, check=True)
        deb = [f for f in os.listdir(tmp) if f.endswith(".deb")][0]
        subprocess.run(["dpkg-deb", "-x", os.path.join(tmp, deb), dest], check=True)
    finally:
        shutil.rmtree(tmp)


def names_pattern(held):
    """A caption or definition "names" a class when its name, or the plural, appears as whole words, case-blind."""
    alts = sorted({re.escape(h) for h in held}, key=len, reverse=True)
    return re.compile(r"\b(?:%s)(?:s|es)?\b" % "|".join(alts), re.IGNORECASE)
