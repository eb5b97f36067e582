// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V VSM secure kernel (VTL1): the keys VTL0 modules are checked with.
 *
 * At LOAD_KDATA, before the end of boot, VTL0 hands over the X.509
 * certificates it trusts for module signatures, the certificates of the
 * keys it revoked and the hashes it blacklisted. VTL1 loads the
 * certificates into a keyring of its own, which nothing can add to
 * afterwards, and the rest into its system blacklist keyring, and checks
 * every module signature against that keyring alone: not against VTL1's
 * own built-in keys, and never against anything VTL0 says after the end
 * of boot. The kernel's key code refuses a blacklisted certificate and
 * verify_pkcs7_signature() a revoked key.
 */

#define pr_fmt(fmt) "hv_vsm: " fmt

#include <linux/ctype.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/hex.h>
#include <linux/key.h>
#include <linux/module_signature.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/verification.h>
#include <keys/asymmetric-type.h>
#include <keys/system_keyring.h>

#include "vtl1.h"

static struct key *hv_vsm_vtl1_vtl0_keys;

/* Longest blacklisted hash, in hexadecimal digits (SHA-512). */
#define HV_VSM_HASH_HEX_MAX	128

/*
 * Check one blacklisted hash, a NUL-terminated "tbs:<hex>" or "bin:<hex>"
 * with an even number of lower-case digits, at the start of @p; its type,
 * binary value and length, including the NUL, go to the other arguments.
 */
static int hv_vsm_vtl1_parse_hash(const char *p, size_t size,
				  enum blacklist_hash_type *type, u8 *hash,
				  size_t *hash_len, size_t *len)
{
	const char *end = memchr(p, '\0', size);
	size_t digits, i;

	if (!end || end - p < 4)
		return -EBADMSG;
	if (!strncmp(p, "tbs:", 4))
		*type = BLACKLIST_HASH_X509_TBS;
	else if (!strncmp(p, "bin:", 4))
		*type = BLACKLIST_HASH_BINARY;
	else
		return -EBADMSG;
	digits = end - p - 4;
	if (!digits || digits % 2 || digits > HV_VSM_HASH_HEX_MAX)
		return -EBADMSG;
	for (i = 4; i < 4 + digits; i++)
		if (!isdigit(p[i]) && !(p[i] >= 'a' && p[i] <= 'f'))
			return -EBADMSG;
	*hash_len = digits / 2;
	*len = end - p + 1;
	return hex2bin(hash, p + 4, *hash_len) ? -EBADMSG : 0;
}

/*
 * Walk the blacklisted hashes in @hashes, zero padded; blacklist each if
 * @mark, only check them otherwise. Returns their number or an errno.
 */
static int hv_vsm_vtl1_blacklist(const char *hashes, size_t size, bool mark)
{
	u8 hash[HV_VSM_HASH_HEX_MAX / 2];
	enum blacklist_hash_type type;
	size_t pos = 0, hash_len, len;
	int n = 0, ret;

	while (pos < size && hashes[pos]) {
		ret = hv_vsm_vtl1_parse_hash(hashes + pos, size - pos, &type,
					     hash, &hash_len, &len);
		if (ret)
			return ret;
		if (mark) {
			/* The same hash twice in VTL0's list is no error. */
			ret = mark_hash_blacklisted(hash, hash_len, type);
			if (ret && ret != -EEXIST)
				return ret;
		}
		pos += len;
		n++;
	}
	return memchr_inv(hashes + pos, 0, size - pos) ? -EBADMSG : n;
}

/*
 * Length of the DER SEQUENCE at the start of @p, whatever the form of its
 * length (short, or long with up to three bytes); 0 if there is none or
 * it runs past @size.
 */
static size_t hv_vsm_vtl1_der_len(const u8 *p, size_t size)
{
	size_t hdr = 2, len, i;

	if (size < 2 || p[0] != 0x30)
		return 0;
	len = p[1];
	if (len & 0x80) {
		hdr += len & 0x7f;
		if (hdr == 2 || hdr > 5 || size < hdr)
			return 0;
		for (len = 0, i = 2; i < hdr; i++)
			len = len << 8 | p[i];
	}
	return len <= size - hdr ? hdr + len : 0;
}

/*
 * Length of the DER certificates at the start of @certs; what follows must
 * be zero padding. The built-in lists, which x509_load_certificate_list()
 * reads, use a SEQUENCE with a two-byte length (@two_byte); revocation
 * certificates added during boot are kept as they came, of any size.
 */
static int hv_vsm_vtl1_certs_len(const u8 *certs, size_t size, size_t *len,
				 bool two_byte)
{
	size_t pos = 0, plen;

	while (pos < size && certs[pos]) {
		plen = hv_vsm_vtl1_der_len(certs + pos, size - pos);
		if (!plen || (two_byte && certs[pos + 1] != 0x82))
			return -EBADMSG;
		pos += plen;
	}
	*len = pos;
	return memchr_inv(certs + pos, 0, size - pos) ? -EBADMSG : 0;
}

/*
 * Put each revocation certificate into the system blacklist keyring. As
 * VTL0's kernel does, skip one the key code cannot parse or refuses (it
 * revokes nothing in either kernel), but not a lack of memory.
 */
static int hv_vsm_vtl1_revoke(const u8 *certs, size_t len)
{
	size_t pos, plen;
	int n = 0, ret;

	/* hv_vsm_vtl1_certs_len() checked the sequences and lengths. */
	for (pos = 0; pos < len; pos += plen) {
		plen = hv_vsm_vtl1_der_len(certs + pos, len - pos);
		ret = add_key_to_revocation_list((const char *)certs + pos, plen);
		if (ret == -ENOMEM)
			return ret;
		if (!ret)
			n++;
	}
	return n;
}

/**
 * hv_vsm_vtl1_keys_load() - Take VTL0's trust for module signatures
 * @certs: the MODULE_CERTS kernel data, zero padded, or NULL
 * @size: its size
 * @revoked: the REVOCATION_CERTS kernel data, zero padded, or NULL
 * @revoked_size: its size
 * @hashes: the BLACKLIST_HASHES kernel data, zero padded, or NULL
 * @hashes_size: its size
 *
 * Checks all three, then revokes the keys and blacklists the hashes in
 * VTL1's system blacklist keyring, which the key and PKCS#7 code consult,
 * and last builds the keyring of VTL0's certificates, so that a
 * blacklisted certificate never enters it. Without @certs no module can
 * be validated.
 *
 * Context: LOAD_KDATA, once.
 * Return: 0; -EBADMSG if any of the three is malformed; -ENOKEY if
 * @certs holds no certificate or none could be loaded; -ENOMEM or the
 * error of keyring_alloc() or mark_hash_blacklisted(). On error after the
 * checks, hashes and revocations already added stay: they can only make
 * VTL1 refuse more.
 */
int hv_vsm_vtl1_keys_load(const void *certs, size_t size,
			  const void *revoked, size_t revoked_size,
			  const void *hashes, size_t hashes_size)
{
	struct key_restriction *restriction;
	size_t len = 0, revoked_len = 0;
	struct key *keyring;
	int nhashes = 0, nrevoked = 0;
	int ret;

	if (certs) {
		ret = hv_vsm_vtl1_certs_len(certs, size, &len, true);
		if (ret)
			return ret;
		if (!len)
			return -ENOKEY;
	}
	if (revoked) {
		ret = hv_vsm_vtl1_certs_len(revoked, revoked_size, &revoked_len,
					    false);
		if (ret)
			return ret;
	}
	if (hashes) {
		ret = hv_vsm_vtl1_blacklist(hashes, hashes_size, false);
		if (ret < 0)
			return ret;
	}
	/*
	 * Revocations first: a revocation certificate whose own hash is
	 * blacklisted would not enter the blacklist keyring afterwards.
	 */
	if (revoked_len) {
		nrevoked = hv_vsm_vtl1_revoke(revoked, revoked_len);
		if (nrevoked < 0)
			return nrevoked;
	}
	if (hashes) {
		nhashes = hv_vsm_vtl1_blacklist(hashes, hashes_size, true);
		if (nhashes < 0)
			return nhashes;
	}
	if (!certs)
		return 0;

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
	pr_info("module keys: %lu certificates of VTL0, %d revoked, %d blacklisted hashes\n",
		keyring->keys.nr_leaves_on_tree, nrevoked, nhashes);
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
 * for a malformed signature; -EKEYREJECTED for a bad one or a revoked
 * key (a blacklisted certificate is not in the keyring: -ENOKEY); another
 * error of verify_pkcs7_signature() otherwise.
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
