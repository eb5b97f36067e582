#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that Documentation/virt/hyperv/vsm.rst documents the VTL call table.

The table is include/hyperv/hv_vsm_calls.h, one line per call:

    HV_VSM_VTL_CALL(NAME, name, id, nargs, rules)

vsm.rst has a table of the calls (Function, ID, Args, Rules) and a
description of each call starting with ``NAME`` (id). Both must list the
same calls with the same IDs, argument counts and rules.

Usage: check-vtl-call-doc.py <repo>
"""

import re
import sys

RULES = {
    'HV_VSM_RULE_BOOT_ONLY': 'boot only',
    'HV_VSM_RULE_ONCE': 'once',
    'HV_VSM_RULE_THIS_CPU': 'this CPU',
}


def code_table(path):
    text = open(path).read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    calls = {}
    for m in re.finditer(r'HV_VSM_VTL_CALL\(([^)]*)\)', text):
        fields = [f.strip() for f in m.group(1).split(',')]
        if len(fields) != 5:
            sys.exit('check-vtl-call-doc: bad line in %s: %s' %
                     (path, m.group(0)))
        name, _, ident, nargs, rules = fields
        words = set()
        for r in re.split(r'\s*\|\s*', rules):
            if r == '0':
                continue
            if r not in RULES:
                sys.exit('check-vtl-call-doc: unknown rule %s' % r)
            words.add(RULES[r])
        calls[name] = (int(ident, 16), int(nargs), words)
    return calls


def doc_table(path):
    lines = open(path).read().splitlines()
    calls, terms = {}, set()
    row = re.compile(r'^``([A-Z_]+)``\s+(0x[0-9a-fA-F]+)\s+(\d)\s*(.*)$')
    for line in lines:
        m = row.match(line)
        if m:
            name, ident, nargs, rules = m.groups()
            words = {w.strip() for w in rules.split(',') if w.strip()}
            calls[name] = (int(ident, 16), int(nargs), words)
        m = re.match(r'^``([A-Z_]+)`` \((0x[0-9a-fA-F]+)\)', line)
        if m:
            terms.add((m.group(1), int(m.group(2), 16)))
    return calls, terms


def main():
    repo = sys.argv[1]
    code = code_table(repo + '/include/hyperv/hv_vsm_calls.h')
    doc, terms = doc_table(repo + '/Documentation/virt/hyperv/vsm.rst')
    errors = []
    for name in sorted(set(code) | set(doc)):
        if name not in doc:
            errors.append('%s is in the code but not in the table of vsm.rst'
                          % name)
        elif name not in code:
            errors.append('%s is in the table of vsm.rst but not in the code'
                          % name)
        elif code[name] != doc[name]:
            c, d = code[name], doc[name]
            errors.append('%s: code has ID %#x, %d arguments, rules "%s"; '
                          'vsm.rst has ID %#x, %d arguments, rules "%s"' %
                          (name, c[0], c[1], ', '.join(sorted(c[2])),
                           d[0], d[1], ', '.join(sorted(d[2]))))
        if name in code and (name, code[name][0]) not in terms:
            errors.append('%s: no description ``%s`` (%#x) in vsm.rst' %
                          (name, name, code[name][0]))
    for e in errors:
        print('check-vtl-call-doc: ' + e)
    print('summary: %d VTL calls in the code, %d in vsm.rst, %d mismatches'
          % (len(code), len(doc), len(errors)))
    sys.exit(1 if errors else 0)


main()
