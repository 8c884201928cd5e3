#!/usr/bin/env python3
"""Render README.md from README.template.md: every ```console block whose first line is
`$ COMMAND` is replaced by the command and its real output (run in a scratch folder holding the
fixtures, with the debug binary first on PATH). Run after changing output formats:

    cargo build && python3 tests/tools/render_readme.py
"""
import os, re, shutil, subprocess, sys, tempfile

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
template = open(os.path.join(repo, "tests/tools/README.template.md")).read()
work = tempfile.mkdtemp(prefix="tracekit-readme-")
shutil.copytree(os.path.join(repo, "fixtures"), os.path.join(work, "fixtures"))
os.symlink(os.path.join(repo, "..", "shared"), os.path.join(work, "shared"))
env = dict(os.environ, PATH=os.path.join(repo, "target/debug") + ":" + os.environ["PATH"],
           NO_COLOR="1", COLUMNS="100", TZ="UTC")
env.pop("GITHUB_STEP_SUMMARY", None)

def run(block):
    lines = block.strip("\n").split("\n")
    out = []
    for line in lines:
        if not line.startswith("$ "):
            continue
        cmd = line[2:]
        out.append(line)
        r = subprocess.run(cmd, shell=True, cwd=work, env=env, capture_output=True, text=True)
        text = (r.stdout + r.stderr).rstrip("\n")
        if text:
            out.append(text)
    return "```console\n" + "\n".join(out) + "\n```"

rendered = re.sub(r"```console\n(.*?)```", lambda m: run(m.group(1)), template, flags=re.S)
open(os.path.join(repo, "README.md"), "w").write(rendered)
shutil.rmtree(work)
print("README.md rendered")
