// SPDX-License-Identifier: GPL-2.0
/*
 * Modules under Hypervisor-Enforced Kernel Integrity (HEKI)
 *
 * After HEKI's end of boot, only the hypervisor side can make module text
 * executable: it gets the signed module file and the memory the loader laid
 * out, and checks one against the other (see Documentation/security/heki.rst).
 * The loader keeps a copy of the file as it was signed, since it rewrites
 * the section headers of its own copy, and tells HEKI when the init memory
 * and the module go away. A module whose loading started before the end of
 * boot became part of the sealed kernel: its memory is never freed.
 */

#include <linux/heki.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "internal.h"

static_assert(HEKI_MODULE_TEXT == (int)MOD_TEXT);
static_assert(HEKI_MODULE_DATA == (int)MOD_DATA);
static_assert(HEKI_MODULE_RODATA == (int)MOD_RODATA);
static_assert(HEKI_MODULE_RO_AFTER_INIT == (int)MOD_RO_AFTER_INIT);
static_assert(HEKI_MODULE_INIT_TEXT == (int)MOD_INIT_TEXT);
static_assert(HEKI_MODULE_INIT_DATA == (int)MOD_INIT_DATA);
static_assert(HEKI_MODULE_INIT_RODATA == (int)MOD_INIT_RODATA);
static_assert(HEKI_MODULE_ELF == (int)MOD_MEM_NUM_TYPES);

/**
 * module_heki_keep_image() - Keep the module file as it was signed
 * @info: Load information, before the signature check.
 *
 * Only after the end of boot, when HEKI needs it.
 *
 * Return: 0 or -ENOMEM.
 */
int module_heki_keep_image(struct load_info *info)
{
	if (!heki_validates_modules())
		return 0;
	info->heki_image = vzalloc(PAGE_ALIGN(info->len));
	if (!info->heki_image)
		return -ENOMEM;
	memcpy(info->heki_image, info->hdr, info->len);
	info->heki_image_len = info->len;
	return 0;
}

/**
 * module_heki_free_image() - Free what module_heki_keep_image() kept
 * @info: Load information.
 */
void module_heki_free_image(struct load_info *info)
{
	vfree(info->heki_image);
	info->heki_image = NULL;
}

/**
 * module_heki_init() - Clear the HEKI state of a module being loaded
 * @mod: The module, just allocated; its fields come from the module file.
 */
void module_heki_init(struct module *mod)
{
	mod->heki_token = 0;
	mod->heki_boot = false;
}

static int module_heki_check(struct module *mod, struct load_info *info,
			     struct heki_module_region *regions)
{
	size_t layout_size = array_size(info->hdr->e_shnum, sizeof(u64));
	u64 *layout;
	unsigned int i;
	int ret;

	if (!info->heki_image) {
		mod->heki_boot = !heki_validates_modules();
		if (mod->heki_boot)
			return 0;
		pr_warn("heki: module %s refused: its loading started before the end of boot\n",
			mod->name);
		return -EPERM;
	}

	layout = vzalloc(PAGE_ALIGN(layout_size));
	if (!layout)
		return -ENOMEM;
	for (i = 0; i < info->hdr->e_shnum; i++)
		if (info->sechdrs[i].sh_flags & SHF_ALLOC)
			layout[i] = info->sechdrs[i].sh_addr;
#ifdef CONFIG_SMP
	/* Per-CPU data has an address in per-CPU space. */
	if (info->index.pcpu)
		layout[info->index.pcpu] = (unsigned long)mod->percpu;
#endif
	regions[MOD_MEM_NUM_TYPES].base = layout;
	regions[MOD_MEM_NUM_TYPES].size = PAGE_ALIGN(layout_size);
	regions[MOD_MEM_NUM_TYPES].type = HEKI_MODULE_LAYOUT;

	ret = heki_validate_module(mod->name, info->heki_image,
				   info->heki_image_len, regions,
				   MOD_MEM_NUM_TYPES + 1, &mod->heki_token);
	vfree(layout);
	return ret;
}

/**
 * module_heki_validate() - Have HEKI authenticate a module before it runs
 * @mod: The module, laid out, relocated and patched, nothing of it yet
 *       read-only or executable.
 * @info: Load information.
 *
 * Return: 0 if the module may be completed; otherwise the errno HEKI gives
 * (-EKEYREJECTED, -EPERM, -E2BIG, -ENOMEM, -EOPNOTSUPP), or -EPERM if its
 * loading started before the end of boot and ends after it.
 */
int module_heki_validate(struct module *mod, struct load_info *info)
{
	struct heki_module_region regions[MOD_MEM_NUM_TYPES + 1];
	int ret;

	for_each_mod_mem_type(type) {
		regions[type].base = mod->mem[type].base;
		regions[type].size = mod->mem[type].size;
		regions[type].type = type;
	}
	/* A test kernel may play the hostile loader here (CONFIG_HEKI_TEST). */
	heki_test_tamper_module(regions, MOD_MEM_NUM_TYPES, &info->heki_image,
				&info->heki_image_len);
	ret = module_heki_check(mod, info, regions);
	heki_test_tamper_module_done(ret);
	return ret;
}

/**
 * module_heki_free_init() - Tell HEKI the init memory of a module goes
 * @mod: The module, whose init is done.
 *
 * Return: true if the init memory may be freed. A module validated by HEKI
 * keeps its init memory if the hypervisor side does not release it; a
 * module loaded before the end of boot always keeps it, as it is part of
 * the sealed kernel.
 */
bool module_heki_free_init(struct module *mod)
{
	bool release;

	if (mod->heki_token)
		release = !heki_free_module_init(mod->name, mod->heki_token);
	else
		release = !mod->heki_boot || !heki_validates_modules();
	/* A test kernel may play the hostile kernel here (CONFIG_HEKI_TEST). */
	if (release)
		heki_test_module_released(mod, true, mod->heki_token);
	return release;
}

/**
 * module_heki_release() - Tell HEKI a module goes
 * @mod: The module, about to be freed.
 *
 * Return: true if its memory may be freed: always for a module HEKI did
 * not validate (it never ran, or HEKI has no backend), otherwise as
 * module_heki_free_init().
 */
bool module_heki_release(struct module *mod)
{
	u64 token = mod->heki_token;
	bool release;

	if (token) {
		mod->heki_token = 0;
		release = !heki_unload_module(mod->name, token);
	} else if (!mod->heki_boot || !heki_validates_modules()) {
		release = true;
	} else {
		pr_info("heki: module %s was loaded before the end of boot: its memory is kept\n",
			mod->name);
		return false;
	}
	if (release)
		heki_test_module_released(mod, false, token);
	return release;
}
