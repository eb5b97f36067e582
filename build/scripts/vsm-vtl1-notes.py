#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read or change the HvVsmVtl1 ELF notes of a VTL1 image.

The notes (include/hyperv/hv_vsm.h: HV_VSM_NOTE_*) tell VTL0 the VTL call
ABI, the security version and the CPU limit of the image. The failure
policy tests change them in a copy of the image (then sign the copy, or
not) to make images VTL0 must refuse.

Usage: vsm-vtl1-notes.py show <elf>
       vsm-vtl1-notes.py set <elf> <out> <note> <value>
       vsm-vtl1-notes.py retype <elf> <out> <note> <type>
<note> is abi, security_version or max_cpus; set changes its value,
retype its type (number).
"""

import struct
import sys

NAME = b"HvVsmVtl1\0"
TYPES = {"abi": 1, "security_version": 2, "max_cpus": 3}
PT_NOTE = 4


def notes(image):
    """Yield (type, offset of the note, offset of its 4-byte value) of
    every HvVsmVtl1 note."""
    if image[:4] != b"\x7fELF" or image[4] != 2 or image[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    phoff, = struct.unpack_from("<Q", image, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", image, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", image, phoff + i * phentsize)
        if p_type != PT_NOTE:
            continue
        pos, end = p_offset, p_offset + p_filesz
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", image, pos)
            name = image[pos + 12:pos + 12 + namesz]
            desc = pos + 12 + (namesz + 3) // 4 * 4
            if name == NAME and descsz == 4:
                yield ntype, pos, desc
            pos = desc + (descsz + 3) // 4 * 4


def main(argv):
    if len(argv) == 3 and argv[1] == "show":
        image = open(argv[2], "rb").read()
        found = {t: struct.unpack_from("<I", image, desc)[0]
                 for t, _, desc in notes(image)}
        for name, t in TYPES.items():
            if t not in found:
                sys.exit(f"vsm-vtl1-notes: {argv[2]} has no {name} note")
            print(f"{name} {found[t]}")
        return
    if len(argv) == 6 and argv[1] in ("set", "retype") and argv[4] in TYPES:
        image = bytearray(open(argv[2], "rb").read())
        found = [(pos, desc) for t, pos, desc in notes(image)
                 if t == TYPES[argv[4]]]
        if len(found) != 1:
            sys.exit(f"vsm-vtl1-notes: {argv[2]}: {len(found)} {argv[4]} notes")
        pos, desc = found[0]
        # The value, or the type: the third word of the note's header.
        off = desc if argv[1] == "set" else pos + 8
        struct.pack_into("<I", image, off, int(argv[5], 0))
        open(argv[3], "wb").write(image)
        return
    sys.exit(__doc__.split("\n\n")[-1])


if __name__ == "__main__":
    main(sys.argv)
