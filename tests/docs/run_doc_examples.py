#!/usr/bin/python3
"""Runs the examples of README.md and docs/*.md with a built keel, so the docs cannot drift.

usage: run_doc_examples.py KEEL_BINARY [MARKDOWN_FILE ...]
       (default files: README.md and docs/*.md of the repository holding this script)

Convention for fenced code blocks (the info string is the text after the opening ```):

    ```sh            run it (also `bash`, `shell`): the block is one bash script run with
                     `bash -e -x -o pipefail` in the document's work folder, with the keel under
                     test first on PATH as `keel`. It must exit 0.
    ```sh exit=3     run it and expect this exit status instead (bash -e stops at the first
                     failing command, so put the command that should fail last).
    ```toml file=book.toml
                     write the block to book.toml in the work folder, for the blocks after it
                     (any language; a toml block is also parsed as TOML, a json block as JSON).
    ```python        run it with the Python that has the keel package (KEEL_PYTHON, else the
                     repository's .venv/bin/python that scripts/setup.sh creates) in the
                     document's work folder; it must exit 0. Without that interpreter the block is
                     skipped and counted as such (scripts/setup.sh installs it).
    ```json          an output shape: must parse as JSON; nothing is run.
    ```text no-run   not an example (a usage synopsis, printed output, a diagram): skipped.
                     `no-run` works after any language.

Any other block -- a toml block without file=, a block without a language -- is an error: every
block says whether and how it runs. Unknown words in an info string are errors too (typos).

Hidden steps, for setup a reader does not need to see (HTML comments, invisible when rendered):

    <!-- doc-test: sh
    keel simulate --assets 12 --days 600 --seed 7 -o prices.csv
    -->                              a hidden sh block (exit=N allowed after `sh`)
    <!-- doc-test: file strategies.toml from docs/strategies.md -->
                                     copy a file= block defined in another page

Each markdown file runs in a fresh temporary folder, its blocks in document order, so a page is a
self-contained script: it creates its prices (`keel simulate`) before it uses them. On failure the
block's location and the tail of its output are printed and the exit status is 1.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHELLS = {"sh", "bash", "shell"}
PYTHON = Path(os.environ.get("KEEL_PYTHON", ROOT / ".venv" / "bin" / "python"))
BLOCK_TIMEOUT_S = 120


@dataclass
class Block:
    path: Path
    line: int  # 1-based line of the opening fence or directive
    lang: str
    text: str
    file: str | None = None
    no_run: bool = False
    exit_code: int = 0
    hidden: bool = False
    copy_from: str | None = None  # doc-test file directive: the page that defines `file`
    errors: list = field(default_factory=list)


def parse_attributes(block: Block, words):
    for word in words:
        if word == "no-run":
            block.no_run = True
        elif word.startswith("file="):
            block.file = word[len("file="):]
        elif re.fullmatch(r"exit=\d+", word):
            block.exit_code = int(word[len("exit="):])
        else:
            block.errors.append(f"unknown word '{word}' in the info string "
                                "(known: file=NAME, exit=N, no-run)")


FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
DIRECTIVE = re.compile(r"^<!--\s*doc-test:\s*(.*)$")


def parse_markdown(path: Path):
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        directive = DIRECTIVE.match(line)
        if fence:
            indent, marker, info = fence.groups()
            words = info.split()
            block = Block(path, i + 1, words[0] if words else "", "")
            parse_attributes(block, words[1:])
            body = []
            i += 1
            while i < len(lines):
                closing = lines[i].strip()
                if closing.startswith(marker[0] * len(marker)) and closing.strip(marker[0]) == "":
                    break
                body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
                i += 1
            else:
                block.errors.append("the block is never closed")
            block.text = "\n".join(body) + "\n"
            blocks.append(block)
        elif directive:
            start = i
            head = directive.group(1)
            body = []
            if "-->" in head:
                head = head[:head.index("-->")]
            else:
                i += 1
                while i < len(lines) and "-->" not in lines[i]:
                    body.append(lines[i])
                    i += 1
                if i < len(lines):
                    tail = lines[i][:lines[i].index("-->")]
                    if tail.strip():
                        body.append(tail)
            words = head.split()
            block = Block(path, start + 1, words[0] if words else "", "\n".join(body) + "\n",
                          hidden=True)
            if block.lang == "sh":
                parse_attributes(block, words[1:])
            elif block.lang == "file" and len(words) == 4 and words[2] == "from":
                block.file, block.copy_from = words[1], words[3]
            else:
                block.errors.append("a doc-test comment is `doc-test: sh [exit=N]` (a script "
                                    "follows) or `doc-test: file NAME from PAGE.md`")
            blocks.append(block)
        i += 1
    return blocks


def file_blocks(path: Path):
    return {b.file: b for b in parse_markdown(path) if b.file and not b.hidden}


def tail(text: str, count: int = 40) -> str:
    lines = text.rstrip("\n").split("\n")
    return "\n".join(("    " + l) for l in lines[-count:])


def run_page(path: Path, bin_dir: Path):
    """Runs one markdown file; returns (counts, failures)."""
    counts = {"run": 0, "files": 0, "json": 0, "skipped": 0, "no-python": 0}
    failures = []
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", PS4="+ ")
    with tempfile.TemporaryDirectory(prefix="keel-doc-") as work:
        for block in parse_markdown(path):
            where = f"{rel}:{block.line}"
            if block.errors:
                failures.append(f"{where}: " + "; ".join(block.errors))
                continue
            if block.no_run:
                counts["skipped"] += 1
                continue
            if block.copy_from:
                source = ROOT / block.copy_from
                found = file_blocks(source).get(block.file) if source.is_file() else None
                if found is None:
                    failures.append(f"{where}: no ```... file={block.file} block in "
                                    f"{block.copy_from}")
                    continue
                block.text, block.lang = found.text, found.lang
            if block.file:
                try:
                    if block.lang == "toml":
                        tomllib.loads(block.text)
                    elif block.lang == "json":
                        json.loads(block.text)
                except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
                    failures.append(f"{where}: {block.file} is not valid {block.lang}: {e}")
                    continue
                target = Path(work) / block.file
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block.text, encoding="utf-8")
                counts["files"] += 1
            elif block.lang in SHELLS:
                started = time.monotonic()
                try:
                    done = subprocess.run(
                        ["/bin/bash", "-e", "-x", "-o", "pipefail", "-c", block.text], cwd=work,
                        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                        timeout=BLOCK_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    failures.append(f"{where}: timed out after {BLOCK_TIMEOUT_S} s")
                    continue
                counts["run"] += 1
                if done.returncode != block.exit_code:
                    failures.append(
                        f"{where}: exit status {done.returncode}, expected {block.exit_code} "
                        f"({time.monotonic() - started:.1f} s)\n  stdout:\n{tail(done.stdout)}\n"
                        f"  stderr (commands are traced with '+ '):\n{tail(done.stderr)}")
            elif block.lang == "python":
                if not os.access(PYTHON, os.X_OK):
                    counts["no-python"] += 1
                    continue
                script = Path(work) / f"block_{block.line}.py"
                script.write_text(block.text, encoding="utf-8")
                try:
                    done = subprocess.run([str(PYTHON), str(script)], cwd=work, env=env,
                                          stdin=subprocess.DEVNULL, capture_output=True,
                                          text=True, timeout=BLOCK_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    failures.append(f"{where}: timed out after {BLOCK_TIMEOUT_S} s")
                    continue
                counts["run"] += 1
                if done.returncode != 0:
                    failures.append(f"{where}: python exit status {done.returncode}\n"
                                    f"  stdout:\n{tail(done.stdout)}\n  stderr:\n"
                                    f"{tail(done.stderr)}")
            elif block.lang == "json":
                try:
                    json.loads(block.text)
                    counts["json"] += 1
                except json.JSONDecodeError as e:
                    failures.append(f"{where}: a json block that is not valid JSON: {e}")
            else:
                failures.append(
                    f"{where}: a ```{block.lang} block without a marker; run it (```sh, ```python), write "
                    "it for later blocks (file=NAME) or opt out (no-run)")
    return counts, failures


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    keel = Path(argv[1]).resolve()
    if not os.access(keel, os.X_OK):
        print(f"run_doc_examples: {keel} is not an executable keel", file=sys.stderr)
        return 2
    pages = [Path(p).resolve() for p in argv[2:]] or \
        [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
    all_failures = []
    with tempfile.TemporaryDirectory(prefix="keel-doc-bin-") as bin_dir:
        os.symlink(keel, Path(bin_dir) / "keel")
        for page in pages:
            started = time.monotonic()
            counts, failures = run_page(page, Path(bin_dir))
            rel = page.relative_to(ROOT) if page.is_relative_to(ROOT) else page
            status = "FAILED" if failures else "ok"
            print(f"{rel}: {status}: {counts['run']} blocks run, {counts['files']} files, "
                  f"{counts['json']} json checked, {counts['skipped']} no-run"
                  + (f", {counts['no-python']} python skipped (no {PYTHON}: run "
                     f"scripts/setup.sh)" if counts["no-python"] else "") + " "
                  f"({time.monotonic() - started:.1f} s)")
            all_failures += failures
    for failure in all_failures:
        print(f"\nFAIL {failure}")
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
