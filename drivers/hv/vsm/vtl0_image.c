// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM backend of HEKI, VTL0 side: the VTL1 image.
 *
 * Loads the VTL1 secure kernel's image from the firmware path, checks its
 * signature, then what its ELF notes say (the VTL call ABI it serves, its
 * security version against the anti-rollback floor, how many processors
 * it supports), and copies its segments into the memory reserved for
 * VTL1. Nothing of the partition changes here: a failure leaves VTL1 off.
 * See "The VTL1 image" in Documentation/virt/hyperv/vsm.rst.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/align.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/cpumask.h>
#include <linux/elf.h>
#include <linux/firmware.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/verification.h>
#include <asm/hv_vsm.h>
#include <generated/utsrelease.h>

#include "vsm.h"

/* Per kernel release: each VTL0 kernel needs a VTL1 of its own ABI. */
#define HV_VSM_IMAGE		"heki/" UTS_RELEASE "/vtl1.elf"
#define HV_VSM_IMAGE_SIG	HV_VSM_IMAGE ".p7s"

MODULE_FIRMWARE(HV_VSM_IMAGE);
MODULE_FIRMWARE(HV_VSM_IMAGE_SIG);

/* Free memory VTL1 needs beyond its image to boot and run. */
#define HV_VSM_MIN_FREE		SZ_8M

#ifdef CONFIG_HYPERV_VSM_VERIFY_VTL1
static int __init hv_vsm_vtl0_verify_image(const struct firmware *image,
					   const char **why)
{
	const struct firmware *sig;
	int ret;

	ret = request_firmware(&sig, HV_VSM_IMAGE_SIG, NULL);
	if (ret) {
		pr_err("no signature %s: %d\n", HV_VSM_IMAGE_SIG, ret);
		*why = "no signature";
		return ret;
	}
	/*
	 * The keys that may sign a kernel for kexec: the built-in and
	 * secondary trusted keys (which a machine keyring of MOKs may
	 * feed), then the firmware's (platform keyring) if configured.
	 */
	ret = verify_pkcs7_signature(image->data, image->size, sig->data,
				     sig->size, VERIFY_USE_SECONDARY_KEYRING,
				     VERIFYING_UNSPECIFIED_SIGNATURE, NULL,
				     NULL);
	if (ret == -ENOKEY && IS_ENABLED(CONFIG_INTEGRITY_PLATFORM_KEYRING))
		ret = verify_pkcs7_signature(image->data, image->size,
					     sig->data, sig->size,
					     VERIFY_USE_PLATFORM_KEYRING,
					     VERIFYING_UNSPECIFIED_SIGNATURE,
					     NULL, NULL);
	release_firmware(sig);
	if (ret) {
		pr_err("bad signature on %s: %d\n", HV_VSM_IMAGE, ret);
		*why = "bad signature";
	}
	return ret;
}
#else
static int __init hv_vsm_vtl0_verify_image(const struct firmware *image,
					   const char **why)
{
	pr_warn("VTL1 image signature not checked (CONFIG_HYPERV_VSM_VERIFY_VTL1=n)\n");
	return 0;
}
#endif

/* Whether a segment's file bytes lie within the image. */
static bool __init hv_vsm_vtl0_phdr_ok(const struct firmware *fw,
				       const struct elf64_phdr *ph)
{
	return ph->p_filesz <= ph->p_memsz &&
	       ph->p_offset <= fw->size &&
	       ph->p_filesz <= fw->size - ph->p_offset &&
	       ph->p_paddr + ph->p_memsz >= ph->p_paddr;
}

/* The program headers of an x86-64 ELF image, or NULL. */
static const struct elf64_phdr *__init
hv_vsm_vtl0_image_phdrs(const struct firmware *fw)
{
	const struct elf64_hdr *eh = (const void *)fw->data;

	if (fw->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) ||
	    eh->e_machine != EM_X86_64 ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) || !eh->e_phnum ||
	    eh->e_phoff > fw->size ||
	    (u64)eh->e_phnum * sizeof(struct elf64_phdr) > fw->size - eh->e_phoff)
		return NULL;
	return (const void *)fw->data + eh->e_phoff;
}

/*
 * What the image says about itself, by HV_VSM_NOTE_* type; 0 where it is
 * silent (an image older than the notes: no ABI, security version 0).
 */
struct hv_vsm_vtl0_image_notes {
	u32 value[HV_VSM_NOTE_MAX_CPUS + 1];
	unsigned long seen;
};

/*
 * Collect the image's HV_VSM_NOTE_NAME notes from its PT_NOTE segments.
 * Returns -ENOEXEC for a PT_NOTE segment outside the file, and for a note
 * of ours that runs past its segment, has an unknown type or the wrong
 * size, or comes twice. A new type needs a new ABI version: an older VTL0
 * refuses it.
 */
static int __init hv_vsm_vtl0_read_notes(const struct firmware *fw,
					 const struct elf64_phdr *ph,
					 unsigned int phnum,
					 struct hv_vsm_vtl0_image_notes *notes)
{
	static const char name[] = HV_VSM_NOTE_NAME;
	unsigned int i;

	BUILD_BUG_ON(HV_VSM_NOTE_MAX_CPUS >= BITS_PER_LONG);
	memset(notes, 0, sizeof(*notes));
	for (i = 0; i < phnum; i++) {
		const u8 *p;
		u64 left;

		if (ph[i].p_type != PT_NOTE)
			continue;
		if (!hv_vsm_vtl0_phdr_ok(fw, &ph[i]))
			return -ENOEXEC;
		p = fw->data + ph[i].p_offset;
		left = ph[i].p_filesz;
		while (left >= sizeof(struct elf64_note)) {
			const struct elf64_note *n = (const void *)p;
			u64 name_len = ALIGN((u64)n->n_namesz, 4);
			u64 desc_len = ALIGN((u64)n->n_descsz, 4);
			u64 len = sizeof(*n) + name_len + desc_len;
			const u8 *desc = p + sizeof(*n) + name_len;

			if (len > left)
				return -ENOEXEC;
			if (n->n_namesz == sizeof(name) &&
			    !memcmp(p + sizeof(*n), name, sizeof(name))) {
				if (!n->n_type || n->n_type > HV_VSM_NOTE_MAX_CPUS)
					return -ENOEXEC;
				if (n->n_descsz != sizeof(u32) ||
				    __test_and_set_bit(n->n_type, &notes->seen))
					return -ENOEXEC;
				notes->value[n->n_type] = get_unaligned_le32(desc);
			}
			p += len;
			left -= len;
		}
	}
	return 0;
}

/*
 * Refuse an image built for another VTL call ABI, below the security
 * version floor, or for fewer processors than this partition may have.
 */
static int __init hv_vsm_vtl0_check_notes(const struct firmware *fw,
					  const struct elf64_phdr *ph,
					  unsigned int phnum, const char **why)
{
	struct hv_vsm_vtl0_image_notes notes;
	u32 abi, version, cpus;

	if (hv_vsm_vtl0_read_notes(fw, ph, phnum, &notes)) {
		pr_err("%s has malformed notes\n", HV_VSM_IMAGE);
		*why = "malformed image";
		return -ENOEXEC;
	}
	abi = notes.value[HV_VSM_NOTE_ABI];
	version = notes.value[HV_VSM_NOTE_SECURITY_VERSION];
	cpus = notes.value[HV_VSM_NOTE_MAX_CPUS];

	if (abi != HV_VSM_ABI_VERSION) {
		pr_err("%s serves VTL call ABI %u, this kernel needs %u\n",
		       HV_VSM_IMAGE, abi, HV_VSM_ABI_VERSION);
		*why = "ABI mismatch";
		return -EPROTO;
	}
	if (!cpus) {
		pr_err("%s does not say how many CPUs it supports\n",
		       HV_VSM_IMAGE);
		*why = "malformed image";
		return -ENOEXEC;
	}
	if (version < CONFIG_HYPERV_VSM_VTL1_MIN_SECURITY_VERSION) {
		pr_err("%s has security version %u, below the floor %u\n",
		       HV_VSM_IMAGE, version,
		       CONFIG_HYPERV_VSM_VTL1_MIN_SECURITY_VERSION);
		*why = "rollback";
		return -EPERM;
	}
	/* CPU numbers, not counts: VTL1 indexes its tables by them. */
	if (nr_cpu_ids > cpus) {
		pr_err("%s runs on up to %u CPUs, this partition has %u\n",
		       HV_VSM_IMAGE, cpus, nr_cpu_ids);
		*why = "too many CPUs";
		return -E2BIG;
	}
	pr_info("%s: ABI %u, security version %u, up to %u CPUs\n",
		HV_VSM_IMAGE, abi, version, cpus);
	return 0;
}

/*
 * Copy the image's loadable segments behind the boot area, keeping their
 * physical layout. Returns the physical entry point in @entry.
 */
static int __init hv_vsm_vtl0_copy_image(const struct firmware *fw,
					 const struct elf64_phdr *ph,
					 phys_addr_t base, phys_addr_t size,
					 phys_addr_t *entry, const char **why)
{
	const struct elf64_hdr *eh = (const void *)fw->data;
	phys_addr_t load = base + HV_VSM_BOOT_AREA_SIZE;
	u64 lo = U64_MAX, hi = 0;
	int i;

	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (!hv_vsm_vtl0_phdr_ok(fw, &ph[i]) ||
		    (ph[i].p_align && !IS_ALIGNED(ph[i].p_paddr - ph[i].p_vaddr,
						  PAGE_SIZE))) {
			pr_err("bad segment %d in %s\n", i, HV_VSM_IMAGE);
			*why = "malformed image";
			return -ENOEXEC;
		}
		lo = min(lo, ph[i].p_paddr);
		hi = max(hi, ph[i].p_paddr + ph[i].p_memsz);
	}
	/* The kernel runs at any 2 MiB aligned address, relative to its first segment. */
	if (lo >= hi || !IS_ALIGNED(lo, HV_VSM_ALIGN) ||
	    eh->e_entry < lo || eh->e_entry >= hi) {
		pr_err("%s has no usable load layout\n", HV_VSM_IMAGE);
		*why = "malformed image";
		return -ENOEXEC;
	}
	if (size < HV_VSM_BOOT_AREA_SIZE + HV_VSM_MIN_FREE ||
	    hi - lo > size - HV_VSM_BOOT_AREA_SIZE - HV_VSM_MIN_FREE) {
		pr_err("%s needs %llu bytes, too big for the reservation\n",
		       HV_VSM_IMAGE, hi - lo);
		*why = "image too big";
		return -E2BIG;
	}

	for (i = 0; i < eh->e_phnum; i++) {
		void *dst;

		if (ph[i].p_type != PT_LOAD)
			continue;
		dst = phys_to_virt(load + (ph[i].p_paddr - lo));
		memcpy(dst, fw->data + ph[i].p_offset, ph[i].p_filesz);
		memset(dst + ph[i].p_filesz, 0, ph[i].p_memsz - ph[i].p_filesz);
	}

	*entry = load + (eh->e_entry - lo);
	return 0;
}

/**
 * hv_vsm_vtl0_load_image() - Load and check the VTL1 image
 * @base: Start of the memory reserved for VTL1.
 * @size: Its size.
 * @entry: Set to the physical entry point of VTL1.
 * @why: On failure, set to a short reason for the failure policy and
 *       securityfs ("no image", "bad signature", "ABI mismatch", ...).
 *
 * Return: 0, or the error of the first check that failed.
 */
int __init hv_vsm_vtl0_load_image(phys_addr_t base, phys_addr_t size,
				  phys_addr_t *entry, const char **why)
{
	const struct elf64_hdr *eh;
	const struct elf64_phdr *ph;
	const struct firmware *fw;
	int ret;

	ret = request_firmware(&fw, HV_VSM_IMAGE, NULL);
	if (ret) {
		pr_err("cannot load %s: %d\n", HV_VSM_IMAGE, ret);
		*why = "no image";
		return ret;
	}
	ret = hv_vsm_vtl0_verify_image(fw, why);
	if (ret)
		goto out;
	ph = hv_vsm_vtl0_image_phdrs(fw);
	if (!ph) {
		pr_err("%s is not an x86-64 ELF image\n", HV_VSM_IMAGE);
		*why = "malformed image";
		ret = -ENOEXEC;
		goto out;
	}
	eh = (const void *)fw->data;
	ret = hv_vsm_vtl0_check_notes(fw, ph, eh->e_phnum, why);
	if (!ret)
		ret = hv_vsm_vtl0_copy_image(fw, ph, base, size, entry, why);
out:
	release_firmware(fw);
	return ret;
}
