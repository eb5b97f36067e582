#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Assemble the kernel build tree: pristine base + hunks + overlay.

Only files whose content changes are rewritten, so kbuild rebuilds only what
an edit affects.  Files that an earlier sync added or patched and that are no
longer part of the series are restored from the base or removed.

Usage: sync-linux.py <repo> <base-dir> <src-dir>
"""

import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_patches  # noqa: E402


def same(a, b):
    return os.path.exists(b) and filecmp.cmp(a, b, shallow=False)


def install(src, dst, what, changed):
    if same(src, dst):
        return
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)
    shutil.copymode(src, dst)
    changed.append(what)


def main():
    repo, base, src = (os.path.abspath(a) for a in sys.argv[1:4])
    state_file = os.path.join(src, '.heki-sync.json')
    with open(os.path.join(base, '.heki-base')) as f:
        base_id = f.read()

    state = {}
    if os.path.exists(state_file):
        with open(state_file) as f:
            state = json.load(f)
    if state.get('base') != base_id:
        print('  SYNC    copying the base tree')
        shutil.rmtree(src, ignore_errors=True)
        subprocess.run(['cp', '-a', base, src], check=True)
        state = {}

    patches = linux_patches.load_patches(repo)
    overlay = linux_patches.overlay_files(repo, base)
    for f in overlay:
        if os.path.lexists(os.path.join(base, f)):
            sys.exit(f'sync-linux: overlay file {f} exists upstream; '
                     'change it with a hunk in patches/linux/ instead')
    for f, who in linux_patches.owners(patches, overlay).items():
        if len(who) != 1:
            print(f'  SYNC    warning: {f} is claimed by '
                  f'{len(who)} patches ({", ".join(p.name for p in who)})')

    changed = []

    # Hunks: patch copies of the touched upstream files in a scratch tree.
    targets = sorted({t for p in patches for t in p.diff_targets()})
    with tempfile.TemporaryDirectory() as tmp:
        for t in targets:
            if os.path.exists(os.path.join(base, t)):
                os.makedirs(os.path.dirname(os.path.join(tmp, t)),
                            exist_ok=True)
                shutil.copy2(os.path.join(base, t), os.path.join(tmp, t))
        for p in patches:
            for d in p.diffs:
                r = subprocess.run(['patch', '-p1', '-s', '--fuzz=0',
                                    '--no-backup-if-mismatch', '-d', tmp,
                                    '-i', d], capture_output=True, text=True)
                if r.returncode:
                    sys.exit(f'sync-linux: {os.path.relpath(d, repo)} does '
                             f'not apply:\n{r.stdout}{r.stderr}')
        for t in targets:
            install(os.path.join(tmp, t), os.path.join(src, t), t, changed)

    # Files patched by an earlier sync but not any more: back to pristine.
    for t in state.get('patched', []):
        if t not in targets:
            if os.path.exists(os.path.join(base, t)):
                install(os.path.join(base, t), os.path.join(src, t), t,
                        changed)
            elif os.path.exists(os.path.join(src, t)):
                os.unlink(os.path.join(src, t))
                changed.append(t + ' (removed)')

    for f in overlay:
        install(os.path.join(repo, f), os.path.join(src, f), f, changed)
    for f in state.get('overlay', []):
        if f not in overlay and f not in targets and \
           os.path.exists(os.path.join(src, f)):
            os.unlink(os.path.join(src, f))
            changed.append(f + ' (removed)')

    with open(state_file, 'w') as f:
        json.dump({'base': base_id, 'patched': targets, 'overlay': overlay},
                  f, indent=1)
    for c in changed:
        print(f'  SYNC    {c}')


if __name__ == '__main__':
    main()
