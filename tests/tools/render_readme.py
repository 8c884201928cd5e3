#!/usr/bin/env python3
"""Render README.md from README.template.md.

* Every ```console block whose lines start with `$ COMMAND` gets each command followed by its real
  output. Commands run in order, in one scratch folder laid out like the repository root (copies
  of fixtures/ and tests/data/), with the debug binary first on PATH, so that every example works
  when pasted at the repository root. tests/cli/readme.rs runs them again and compares.
* A line `<!-- include PATH -->` becomes the file's text in a ```yaml block (PATH from the root).
* A line `<!-- output of: COMMAND -->` is followed by COMMAND's output as Markdown, up to a line
  `<!-- end of output -->` (both kept, so that tests/cli/readme.rs can run it again).

    cargo build && python3 tests/tools/render_readme.py
"""
import os, re, shutil, subprocess, tempfile

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
template = open(os.path.join(repo, "tests/tools/README.template.md")).read()
work = tempfile.mkdtemp(prefix="tracekit-readme-")
for rel in ("fixtures", "tests/data"):
    shutil.copytree(os.path.join(repo, rel), os.path.join(work, rel))
env = {"PATH": os.path.join(repo, "target/debug") + ":" + os.environ["PATH"],
       "HOME": work, "NO_COLOR": "1", "COLUMNS": "100", "TZ": "UTC", "LC_ALL": "C.UTF-8"}

def run(block):
    out = []
    for line in block.strip("\n").split("\n"):
        if not line.startswith("$ "):
            continue
        out.append(line)
        r = subprocess.run(["bash", "-c", line[2:]], cwd=work, env=env, capture_output=True, text=True)
        text = (r.stdout + r.stderr).rstrip("\n")
        if text:
            out.append(text)
    return "```console\n" + "\n".join(out) + "\n```"

def include(m):
    text = open(os.path.join(repo, m.group(1))).read()
    return "```yaml\n" + text + "```"

rendered = re.sub(r"```console\n(.*?)```", lambda m: run(m.group(1)), template, flags=re.S)
rendered = re.sub(r"^<!-- include (\S+) -->$", include, rendered, flags=re.M)

def output_of(m):
    r = subprocess.run(["bash", "-c", m.group(1)], cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return "<!-- output of: %s -->\n%s<!-- end of output -->" % (m.group(1), r.stdout)

rendered = re.sub(r"^<!-- output of: (.*) -->$", output_of, rendered, flags=re.M)
open(os.path.join(repo, "README.md"), "w").write(rendered)
shutil.rmtree(work)
print("README.md rendered")
