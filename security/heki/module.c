// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor-Enforced Kernel Integrity (HEKI) - modules after the seal
 *
 * After the end of boot, the hypervisor side is the only one that may make
 * page frames kernel-executable. A module loaded then runs only if the
 * backend authenticated it: the module loader hands over the signed file
 * and the memory it laid out, and gets a token back that it gives again
 * when the module's init memory goes and when the module goes. A module
 * the backend refuses fails to load with an errno and one line saying why.
 */

#define pr_fmt(fmt) "heki: " fmt

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <kunit/visibility.h>

#include "heki.h"

/**
 * heki_core_validates_modules() - Whether modules need the backend
 * @core: Instance.
 *
 * Return: true once a backend sealed the instance (completely or not).
 */
bool heki_core_validates_modules(struct heki_core *core)
{
	enum heki_state state = READ_ONCE(core->state);

	return state == HEKI_STATE_SEALED || state == HEKI_STATE_INCOMPLETE;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_validates_modules);

/**
 * heki_validates_modules() - Whether a module needs the backend to run
 *
 * Return: true after the end of boot with a backend: a module loaded from
 * then on only runs after heki_validate_module() succeeded.
 */
bool heki_validates_modules(void)
{
	return heki_core_validates_modules(&heki_core);
}

/* What a refusal errno of the backend means, for the log. */
static const char *refusal_reason(int err)
{
	switch (err) {
	case -EKEYREJECTED:
		return "signature rejected";
	case -ENOKEY:
		return "signed by an unknown key";
	case -EKEYREVOKED:
		return "key or hash revoked";
	case -ENODATA:
		return "not signed";
	case -EBADMSG:
		return "malformed module file";
	case -EPERM:
		return "memory does not match the signed file";
	case -E2BIG:
		return "too large";
	case -EOPNOTSUPP:
		return "uses run-time code patching the backend does not support";
	case -ENOMEM:
		return "out of memory";
	default:
		return "refused";
	}
}

/*
 * The errno init_module() returns: signature and key problems are
 * -EKEYREJECTED; a lack of memory, a module too large and one using what
 * the backend does not support stay what they are; anything else is
 * -EPERM.
 */
static int refusal_errno(int err)
{
	switch (err) {
	case -EKEYREJECTED:
	case -ENOKEY:
	case -EKEYREVOKED:
	case -ENODATA:
		return -EKEYREJECTED;
	case -E2BIG:
	case -ENOMEM:
	case -EOPNOTSUPP:
		return err;
	default:
		return -EPERM;
	}
}

/**
 * heki_core_validate_module() - Have the backend authenticate a module
 * @core: Instance.
 * @name: Module name, for the log.
 * @image: The module file as signed, signature appended, in vmalloc memory
 *         padded with zeroes to a page boundary.
 * @len: Length of the file in @image.
 * @regions: The module's memory, laid out, relocated and patched, and where
 *           its sections are (%HEKI_MODULE_LAYOUT).
 * @nregions: Entries of @regions.
 * @token: Where the backend's handle for the module goes.
 *
 * Return: 0 if the module may run; otherwise -EKEYREJECTED (not signed,
 * unknown, revoked or bad signature), -E2BIG, -ENOMEM, -EOPNOTSUPP (the
 * module uses run-time code patching the backend does not support) or
 * -EPERM (anything else, including a backend that cannot validate
 * modules), after one ``heki:`` line naming the module and the reason.
 */
int heki_core_validate_module(struct heki_core *core, const char *name,
			      const void *image, size_t len,
			      const struct heki_module_region *regions,
			      unsigned int nregions, u64 *token)
{
	struct heki_hypervisor *hv = READ_ONCE(core->hv);
	struct heki_request req;
	unsigned int i;
	int ret;

	if (!hv || !hv->validate_module) {
		pr_warn("module %s refused: backend %s cannot validate modules\n",
			name, hv ? hv->name : "(none)");
		return -EPERM;
	}

	heki_request_init(&req, HEKI_REQ_MODULE);
	ret = heki_request_add_vmalloc(&req, image, PAGE_ALIGN(len),
				       HEKI_MODULE_ELF);
	for (i = 0; !ret && i < nregions; i++) {
		if (!regions[i].size)
			continue;
		ret = regions[i].type == HEKI_MODULE_ELF ||
		      regions[i].type >= HEKI_MODULE_MEM_MAX ? -EINVAL :
		      heki_request_add_vmalloc(&req, regions[i].base,
					       regions[i].size,
					       regions[i].type);
	}
	if (ret) {
		pr_warn("module %s refused: cannot describe its memory: %d\n",
			name, ret);
		goto out;
	}

	ret = hv->validate_module(req.ranges, req.nranges, token);
	spin_lock_irq(&core->lock);
	if (ret)
		core->modules.refused++;
	else
		core->modules.validated++;
	spin_unlock_irq(&core->lock);
	if (ret) {
		pr_warn("module %s refused by %s: %s (%d)\n", name, hv->name,
			refusal_reason(ret), ret);
		ret = refusal_errno(ret);
	}
out:
	heki_request_free(&req);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_validate_module);

/**
 * heki_validate_module() - Have the backend authenticate a module
 * @name: Module name, for the log.
 * @image: The module file as signed, signature appended, in vmalloc memory
 *         padded with zeroes to a page boundary.
 * @len: Length of the file in @image.
 * @regions: The module's memory, laid out, relocated and patched, and where
 *           its sections are (%HEKI_MODULE_LAYOUT), in vmalloc or module
 *           space; empty regions are skipped.
 * @nregions: Entries of @regions.
 * @token: Where the backend's handle for the module goes.
 *
 * Called by the module loader after the end of boot, before it makes any
 * module memory read-only or executable.
 *
 * Return: 0 if the module may run; -EKEYREJECTED, -E2BIG, -ENOMEM,
 * -EOPNOTSUPP or -EPERM otherwise, after one ``heki:`` line naming the
 * module and the reason.
 */
int heki_validate_module(const char *name, const void *image, size_t len,
			 const struct heki_module_region *regions,
			 unsigned int nregions, u64 *token)
{
	return heki_core_validate_module(&heki_core, name, image, len, regions,
					 nregions, token);
}

/**
 * heki_core_module_op() - Tell the backend about a validated module
 * @core: Instance.
 * @name: Module name, for the log.
 * @token: Handle heki_core_validate_module() returned.
 * @unload: True when the module goes, false when its init memory goes.
 *
 * Return: 0 or the backend's error, after a ``heki:`` line. On error the
 * caller must not reuse the memory concerned: it may still be executable.
 */
int heki_core_module_op(struct heki_core *core, const char *name, u64 token,
			bool unload)
{
	struct heki_hypervisor *hv = READ_ONCE(core->hv);
	int (*op)(u64 token);
	int ret;

	if (!hv)
		return -ENODEV;
	op = unload ? hv->unload_module : hv->free_module_init;
	ret = op ? op(token) : -EOPNOTSUPP;
	spin_lock_irq(&core->lock);
	if (ret)
		core->modules.leaked++;
	else if (unload)
		core->modules.unloaded++;
	else
		core->modules.init_freed++;
	spin_unlock_irq(&core->lock);
	if (ret)
		pr_err("module %s: %s refused by %s (%d): its memory is kept\n",
		       name, unload ? "unload" : "freeing init memory",
		       hv->name, ret);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(heki_core_module_op);

/**
 * heki_free_module_init() - Tell the backend a module's init is done
 * @name: Module name, for the log.
 * @token: Handle heki_validate_module() returned.
 *
 * Return: 0, or an error after which the init memory must not be freed.
 */
int heki_free_module_init(const char *name, u64 token)
{
	return heki_core_module_op(&heki_core, name, token, false);
}

/**
 * heki_unload_module() - Tell the backend a module goes away
 * @name: Module name, for the log.
 * @token: Handle heki_validate_module() returned.
 *
 * Return: 0, or an error after which the module memory must not be freed.
 */
int heki_unload_module(const char *name, u64 token)
{
	return heki_core_module_op(&heki_core, name, token, true);
}
