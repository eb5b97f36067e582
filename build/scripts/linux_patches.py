# SPDX-License-Identifier: GPL-2.0
"""The kernel side of the repository: patch directories and overlay files.

A patch directory patches/linux/NNNN-slug/ holds `message` (commit message),
`files` (overlay paths the patch adds; a trailing '/' claims a directory),
optional `*.diff` hunks against upstream files, applied in name order, and
an optional `checkpatch-ignore` (checkpatch types that are false positives
for this patch, one a line, each with its reason in a `#` comment).
"""

import os
import re
import subprocess

# Repository paths that are never part of the kernel overlay.
NOT_OVERLAY = {'build', 'patches', 'qemu', 'docs', 'out', 'bench', '.ci',
               '.git', '.gitignore', 'README.md', 'Makefile'}


def read_list(path):
    """The non-empty lines of @path that are not # comments; [] if absent."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith('#')]


class Patch:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        with open(os.path.join(path, 'message')) as f:
            self.message = f.read().strip() + '\n'
        self.subject = self.message.splitlines()[0]
        self.claims = read_list(os.path.join(path, 'files'))
        # checkpatch types this patch is allowed, each with its reason in
        # a comment of the file (false positives, e.g. a macro argument
        # that is a name, not an expression).
        self.checkpatch_ignore = read_list(os.path.join(path,
                                                        'checkpatch-ignore'))
        self.diffs = sorted(os.path.join(path, d) for d in os.listdir(path)
                            if d.endswith('.diff'))

    def claims_file(self, rel):
        return any(rel == c or (c.endswith('/') and rel.startswith(c))
                   for c in self.claims)

    def diff_targets(self):
        """Upstream files the hunks of this patch touch."""
        out = []
        for d in self.diffs:
            with open(d) as f:
                for line in f:
                    m = re.match(r'\+\+\+ (?:b/)?(\S+)', line)
                    if m and m.group(1) != '/dev/null':
                        out.append(m.group(1))
        return out


def load_patches(repo):
    top = os.path.join(repo, 'patches', 'linux')
    if not os.path.isdir(top):
        return []
    names = sorted(n for n in os.listdir(top)
                   if re.match(r'\d{4}-', n) and
                   os.path.isdir(os.path.join(top, n)))
    return [Patch(os.path.join(top, n)) for n in names]


def overlay_files(repo, base):
    """Overlay files: every tracked or untracked (not ignored) file of the
    repository below a top-level directory that the kernel tree also has."""
    roots = sorted(n for n in os.listdir(repo)
                   if n not in NOT_OVERLAY and
                   os.path.isdir(os.path.join(base, n)))
    if not roots:
        return []
    out = subprocess.run(['git', '-C', repo, 'ls-files', '-co',
                          '--exclude-standard', '--'] + roots,
                         check=True, capture_output=True, text=True).stdout
    return sorted(f for f in out.splitlines()
                  if os.path.isfile(os.path.join(repo, f)))


def owners(patches, files):
    """Map each overlay file to the patches claiming it."""
    return {f: [p for p in patches if p.claims_file(f)] for f in files}
