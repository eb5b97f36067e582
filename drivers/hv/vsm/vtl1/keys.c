// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): the keys VTL0 modules are checked with.
 *
 * At LOAD_KDATA, before the end of boot, VTL0 hands over the X.509
 * certificates it trusts for module signatures. VTL1 loads them into a
 * keyring of its own, which nothing can add to afterwards, and checks every
 * module signature against that keyring alone: not against VTL1's own
 * built-in keys, and never against anything VTL0 says after the end of boot.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/module_signature.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/verification.h>
#include <keys/asymmetric-type.h>

#include "vtl1.h"

static struct key *hv_vsm_vtl1_vtl0_keys;

/*
 * Length of the DER certificates at the start of @certs, as
 * x509_load_certificate_list() reads them (SEQUENCE with a two-byte
 * length); what follows must be zero padding.
 */
static int hv_vsm_vtl1_certs_len(const u8 *certs, size_t size, size_t *len)
{
	size_t pos = 0, plen;

	while (size - pos >= 4 && certs[pos] == 0x30 && certs[pos + 1] == 0x82) {
		plen = ((certs[pos + 2] << 8) | certs[pos + 3]) + 4;
		if (plen > size - pos)
			return -EBADMSG;
		pos += plen;
	}
	*len = pos;
	return memchr_inv(certs + pos, 0, size - pos) ? -EBADMSG : 0;
}

/**
 * hv_vsm_vtl1_keys_load() - Build the keyring of VTL0's trusted certificates
 * @certs: the MODULE_CERTS kernel data, zero padded
 * @size: its size
 *
 * Context: LOAD_KDATA, once.
 * Return: 0; -EBADMSG if the certificates are malformed; -ENOKEY if none
 * could be loaded; -ENOMEM or the error of keyring_alloc().
 */
int hv_vsm_vtl1_keys_load(const void *certs, size_t size)
{
	struct key_restriction *restriction;
	struct key *keyring;
	size_t len;
	int ret;

	ret = hv_vsm_vtl1_certs_len(certs, size, &len);
	if (ret)
		return ret;
	if (!len)
		return -ENOKEY;

	/* Only the loading below, which bypasses it, adds keys. */
	restriction = kzalloc_obj(*restriction);
	if (!restriction)
		return -ENOMEM;
	restriction->check = restrict_link_reject;
	keyring = keyring_alloc(".hv_vsm_vtl0_keys", GLOBAL_ROOT_UID,
				GLOBAL_ROOT_GID, current_cred(),
				(KEY_POS_ALL & ~KEY_POS_SETATTR) |
				KEY_USR_VIEW | KEY_USR_READ | KEY_USR_SEARCH,
				KEY_ALLOC_NOT_IN_QUOTA | KEY_ALLOC_SET_KEEP,
				restriction, NULL);
	if (IS_ERR(keyring)) {
		kfree(restriction);
		return PTR_ERR(keyring);
	}
	ret = x509_load_certificate_list(certs, len, keyring);
	if (!ret && !keyring->keys.nr_leaves_on_tree)
		ret = -ENOKEY;
	if (ret) {
		key_put(keyring);
		return ret;
	}
	hv_vsm_vtl1_vtl0_keys = keyring;
	pr_info("module keys: %lu certificates of VTL0\n",
		keyring->keys.nr_leaves_on_tree);
	return 0;
}

/**
 * hv_vsm_vtl1_verify_module() - Check the signature of a module file
 * @file: the file, signature appended, in VTL1 memory
 * @size: its size
 * @len: where the length of the signed content (the ELF file) goes
 *
 * Return: 0 if a key of VTL0's certificates signed it; -ENODATA if it is
 * not signed; -ENOKEY before LOAD_KDATA or for an unknown key; -EBADMSG
 * for a malformed signature; -EKEYREJECTED for a bad one; another error of
 * verify_pkcs7_signature() otherwise.
 */
int hv_vsm_vtl1_verify_module(const void *file, size_t size, size_t *len)
{
	const size_t markerlen = sizeof(MODULE_SIGNATURE_MARKER) - 1;
	struct module_signature ms;
	size_t sig_len;
	int ret;

	if (!hv_vsm_vtl1_vtl0_keys)
		return -ENOKEY;
	if (size <= markerlen ||
	    memcmp(file + size - markerlen, MODULE_SIGNATURE_MARKER, markerlen))
		return -ENODATA;
	size -= markerlen;
	if (size <= sizeof(ms))
		return -EBADMSG;
	memcpy(&ms, file + size - sizeof(ms), sizeof(ms));
	ret = mod_check_sig(&ms, size, "module");
	if (ret)
		return ret;
	sig_len = be32_to_cpu(ms.sig_len);
	size -= sig_len + sizeof(ms);
	ret = verify_pkcs7_signature(file, size, file + size, sig_len,
				     hv_vsm_vtl1_vtl0_keys,
				     VERIFYING_MODULE_SIGNATURE, NULL, NULL);
	if (!ret)
		*len = size;
	return ret;
}
