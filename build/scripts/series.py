#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate and check the LKML series.

generate <repo> <base> <outdir>
    Commit each patch directory of patches/linux/ (its hunks plus the overlay
    files it claims) on top of the pristine base in a scratch git tree and
    write `git format-patch --cover-letter` output to <outdir>.  The patches
    are signed off by the git identity of <repo> (user.name, user.email, or
    GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL); without one, generate stops.  The
    cover letter ends with `base-commit:` when the base came from a git tree,
    and otherwise says which base was used (<base>/.heki-base-source, written
    by fetch-linux.sh).

check <repo> <base> <outdir> <fragment>...
    Apply the series with `git am` onto a pristine base, run
    `checkpatch.pl --strict` on every patch and build every step of the
    series (incrementally, with the given config fragments).  The one
    checkpatch warning not reported is "does MAINTAINERS need updating?":
    the series adds the MAINTAINERS entry in its last patch, as usual;
    a patch directory's `checkpatch-ignore` names the false positives
    that patch is allowed.
"""

import glob
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_patches  # noqa: E402

ENV = dict(os.environ, GIT_AUTHOR_DATE='2026-01-01T00:00:00Z',
           GIT_COMMITTER_DATE='2026-01-01T00:00:00Z')


# checkpatch runs scripts/spdxcheck.py, which needs Debian's python3-ply
# and python3-git: make sure it finds the system python3 first.
SYSTEM_PYTHON = dict(os.environ, PATH='/usr/bin:' + os.environ['PATH'])


def git(tree, *args, **kw):
    return subprocess.run(['git', '-C', tree] + list(args), check=True,
                          env=ENV, text=True, **kw)


def identity(repo):
    """The name and e-mail address to sign the series with, never made up."""
    def cfg(env, key):
        if os.environ.get(env, '').strip():
            return os.environ[env].strip()
        r = subprocess.run(['git', '-C', repo, 'config', key],
                           capture_output=True, text=True)
        return r.stdout.strip()
    name = cfg('GIT_AUTHOR_NAME', 'user.name')
    email = cfg('GIT_AUTHOR_EMAIL', 'user.email')
    if not name or not email:
        sys.exit('series: no git identity to sign the patches off with '
                 f'(user.name {name or "unset"}, user.email '
                 f'{email or "unset"}). Set yours first:\n'
                 '  git config --global user.name "Your Name"\n'
                 '  git config --global user.email you@example.org')
    return name, email


def base_note(base):
    """What the cover letter says about the base, after the diffstat."""
    try:
        with open(os.path.join(base, '.heki-base-source')) as f:
            source = f.read().strip()
    except FileNotFoundError:
        source = ''
    kind, _, what = source.partition(' ')
    if kind == 'git' and what:
        return f'base-commit: {what}\n'
    version = subprocess.run(['make', '-s', '-C', base, 'kernelversion'],
                             capture_output=True, text=True).stdout.strip()
    return (f'base: Linux {version or "7.3"}, '
            f'{source or "source not recorded"} (no base-commit: not taken '
            'from a clean git checkout)\n')


def base_repo(base, outdir):
    """A git repository holding the pristine base as one commit (cached)."""
    with open(os.path.join(base, '.heki-base')) as f:
        base_id = f.read()
    parent = os.path.dirname(os.path.abspath(outdir))
    os.makedirs(parent, exist_ok=True)
    repo = os.path.join(parent, 'series-base.git')
    stamp = os.path.join(repo, 'heki-base')
    if os.path.exists(stamp) and open(stamp).read() == base_id:
        return repo
    print('  SERIES  committing the pristine base (once per base)')
    shutil.rmtree(repo, ignore_errors=True)
    work = repo + '.work'
    shutil.rmtree(work, ignore_errors=True)
    subprocess.run(['cp', '-a', base, work], check=True)
    for f in ('.heki-base', '.heki-base-source'):
        if os.path.exists(os.path.join(work, f)):
            os.unlink(os.path.join(work, f))
    git(work, 'init', '-q', '-b', 'base')
    git(work, 'add', '-A', '-f')
    git(work, '-c', 'user.name=base', '-c', 'user.email=base@localhost',
        'commit', '-q', '-m', 'Linux 7.3 base')
    subprocess.run(['git', 'clone', '-q', '--bare', work, repo], check=True)
    shutil.rmtree(work)
    with open(stamp, 'w') as f:
        f.write(base_id)
    return repo


def fresh_tree(base_git, path):
    path = os.path.abspath(path)
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run(['git', 'clone', '-q', '--shared', base_git, path],
                   check=True)
    return path


def generate(repo, base, outdir):
    repo = os.path.abspath(repo)
    name, email = identity(repo)
    patches = linux_patches.load_patches(repo)
    overlay = linux_patches.overlay_files(repo, base)
    errors = []
    for f, who in linux_patches.owners(patches, overlay).items():
        if len(who) != 1:
            errors.append(f'{f}: claimed by {len(who)} patches')
    for p in patches:
        for c in p.claims:
            if not any(f == c or (c.endswith('/') and f.startswith(c))
                       for f in overlay):
                errors.append(f'{p.name}: claims {c}, which does not exist')
    if errors:
        sys.exit('series: ' + '\n  '.join(['overlay ownership:'] + errors))
    if not patches:
        sys.exit('series: no patches in patches/linux/')

    base_git = base_repo(base, outdir)
    work = fresh_tree(base_git, os.path.join(outdir + '.work'))
    for p in patches:
        for d in p.diffs:
            git(work, 'apply', '--whitespace=error-all', d)
        added = [f for f in overlay if p.claims_file(f)]
        for f in added:
            dst = os.path.join(work, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(repo, f), dst)
        git(work, 'add', '-A')
        # Debian's tarball ignores every top-level path: add by name.
        if added:
            git(work, 'add', '-f', '--', *added)
        msg = p.message + f'\nSigned-off-by: {name} <{email}>\n'
        git(work, '-c', f'user.name={name}', '-c', f'user.email={email}',
            'commit', '-q', '-F', '-', input=msg)

    shutil.rmtree(outdir, ignore_errors=True)
    git(work, '-c', f'user.name={name}', '-c', f'user.email={email}',
        'format-patch', '-q', '--cover-letter', '--thread=shallow',
        '--subject-prefix=RFC PATCH', '-o', os.path.abspath(outdir),
        'origin/base..HEAD')
    cover_src = os.path.join(repo, 'patches', 'linux', 'cover-letter')
    cover = sorted(glob.glob(os.path.join(outdir, '0000-*.patch')))[0]
    with open(cover_src) as f:
        subject, _, body = f.read().partition('\n')
    with open(cover) as f:
        text = f.read()
    text = text.replace('*** SUBJECT HERE ***', subject.strip())
    text = text.replace('*** BLURB HERE ***', body.strip())
    # Where git format-patch --base puts it: before the signature.
    head, sep, sig = text.rpartition('\n-- \n')
    if not sep:
        head, sig = text, ''
    text = head.rstrip('\n') + '\n\n' + base_note(base) + sep[1:] + sig
    with open(cover, 'w') as f:
        f.write(text)
    print(f'  SERIES  {len(patches)} patches + cover letter in {outdir}')


def check(repo, base, outdir, fragments):
    repo = os.path.abspath(repo)
    name, email = identity(repo)
    here = os.path.dirname(os.path.abspath(__file__))
    fragments = [os.path.abspath(f) for f in fragments]
    base_git = base_repo(base, outdir)
    work = fresh_tree(base_git, os.path.join(outdir + '-check'))
    obj = os.path.abspath(os.path.join(outdir + '-build'))
    # A fragment generated into another kernel build directory (the test
    # keys) names its files relative to that directory: bring them along.
    for f in fragments:
        d = os.path.dirname(f)
        if os.path.exists(os.path.join(os.path.dirname(d), '.config')):
            shutil.copytree(d, os.path.join(obj, os.path.basename(d)),
                            dirs_exist_ok=True)
    mails = sorted(glob.glob(os.path.join(os.path.abspath(outdir),
                                          '[0-9]*.patch')))[1:]
    patches = linux_patches.load_patches(repo)
    if len(patches) != len(mails):
        sys.exit(f'series-check: {len(mails)} patches in {outdir}, '
                 f'{len(patches)} in the repository: run make series')
    failures = 0
    for i, mail in enumerate(mails, 1):
        ignore = ','.join(['FILE_PATH_CHANGES'] +
                          patches[i - 1].checkpatch_ignore)
        title = os.path.basename(mail)
        r = subprocess.run(['git', '-C', work, '-c', f'user.name={name}',
                            '-c', f'user.email={email}', 'am', '-q', mail],
                           capture_output=True, text=True, env=ENV)
        if r.returncode:
            sys.exit(f'series-check: {title} does not apply:\n'
                     f'{r.stdout}{r.stderr}')
        r = subprocess.run([os.path.join(work, 'scripts', 'checkpatch.pl'),
                            '--strict', '--terse', '--no-summary',
                            '--show-types', '--ignore', ignore,
                            mail], cwd=work, env=SYSTEM_PYTHON,
                           capture_output=True, text=True)
        if r.returncode or r.stdout.strip():
            print(f'  CHECK   {title}: checkpatch --strict findings:')
            print(r.stdout + r.stderr)
            failures += 1
        env = dict(os.environ)
        if i < len(mails):
            env['HEKI_CONFIG_LENIENT'] = '1'
        r = subprocess.run([os.path.join(here, 'build-kernel.sh'), work, obj,
                            'bzImage modules', '--'] + fragments,
                           capture_output=True, text=True, env=env)
        if r.returncode:
            print(f'  BUILD   {title}: does not build:')
            print((r.stdout + r.stderr)[-6000:])
            failures += 1
        else:
            print(f'  OK      {title}: applies, checkpatch clean, builds')
    print(f'summary: {len(mails)} patches, {len(mails) - failures} '
          'applied, checkpatch --strict clean and built')
    if failures:
        sys.exit(1)


def main():
    cmd = sys.argv[1]
    if cmd == 'generate':
        generate(*sys.argv[2:5])
    elif cmd == 'check':
        check(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
