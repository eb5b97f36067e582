/*
 * Hyper-V/VSM emulation for TCG.
 *
 * Partition-wide state: set-up, reset, EnablePartitionVtl, and access to
 * guest-physical memory.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/timer.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/boards.h"
#include "system/reset.h"
#include "migration/blocker.h"
#include "hv-vsm-internal.h"

HvVsmPartition vsm_part;
static Error *migration_blocker;

bool vsm_gpa_read(HvVsmVp *vp, hwaddr gpa, void *buf, hwaddr len)
{
    return address_space_read(CPU(vp->cpu)->as, gpa, MEMTXATTRS_UNSPECIFIED,
                              buf, len) == MEMTX_OK;
}

bool vsm_gpa_write(HvVsmVp *vp, hwaddr gpa, const void *buf, hwaddr len)
{
    return address_space_write(CPU(vp->cpu)->as, gpa, MEMTXATTRS_UNSPECIFIED,
                               buf, len) == MEMTX_OK;
}

uint16_t vsm_hc_enable_partition_vtl(HvCallCtx *c)
{
    const HvInputEnablePartitionVtl *in = (const void *)c->in;
    uint16_t st = HV_STATUS_SUCCESS;

    if (le64_to_cpu(in->partition_id) != HV_PARTITION_ID_SELF) {
        return HV_STATUS_INVALID_PARTITION_ID;
    }
    if (!buffer_is_zero(in->rsvd, sizeof(in->rsvd))) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    /* EnableMbec; supervisor shadow stack and HVPT are not offered */
    if (in->target_vtl != 1 || (in->flags & ~HV_ENABLE_PARTITION_VTL_MBEC)) {
        return HV_STATUS_INVALID_PARAMETER;
    }
    qemu_mutex_lock(&vsm_part.lock);
    if (vsm_part.vtl1_enabled) {
        st = HV_STATUS_INVALID_VTL_STATE;
    } else {
        vsm_part.vtl1_enabled = true;
        vsm_part.mbec = in->flags & HV_ENABLE_PARTITION_VTL_MBEC;
    }
    qemu_mutex_unlock(&vsm_part.lock);
    return st;
}

static uint64_t calibrate_tsc(void)
{
    int64_t t0 = get_clock(), t1;
    uint64_t c0 = cpu_get_host_ticks(), c1;

    g_usleep(20000);
    t1 = get_clock();
    c1 = cpu_get_host_ticks();
    /* round to kHz */
    return muldiv64(c1 - c0, NANOSECONDS_PER_SECOND, t1 - t0) / 1000 * 1000;
}

static void partition_init(void)
{
    MachineState *ms = MACHINE(qdev_get_machine());

    qemu_mutex_init(&vsm_part.lock);
    /* RAM sits below 4 GiB and from 4 GiB up on PC machines. */
    vsm_part.prot_gfns = (4ULL * GiB + ms->ram_size) >> TARGET_PAGE_BITS;
    vsm_part.prot = g_malloc0(vsm_part.prot_gfns);
    vsm_part.prot_hi = g_hash_table_new(g_direct_hash, g_direct_equal);
    qemu_mutex_init(&vsm_part.prot_lock);
    vsm_part.tsc_hz = calibrate_tsc();
    vsm_part.initialized = true;
}

static void partition_reset(void *opaque)
{
    qemu_mutex_lock(&vsm_part.lock);
    vsm_part.vtl1_enabled = false;
    vsm_part.vtl1_enabled_on_any_vp = false;
    vsm_part.mbec = false;
    vsm_part.vsm_config = 0;
    memset(vsm_part.guest_os_id, 0, sizeof(vsm_part.guest_os_id));
    memset(vsm_part.hypercall, 0, sizeof(vsm_part.hypercall));
    vsm_part.protection_enabled = false;
    vsm_part.default_mask = HV_MAP_GPA_PERMISSIONS_MASK;
    memset(vsm_part.prot, 0, vsm_part.prot_gfns);
    qemu_mutex_lock(&vsm_part.prot_lock);
    g_hash_table_remove_all(vsm_part.prot_hi);
    qemu_mutex_unlock(&vsm_part.prot_lock);
    qemu_mutex_unlock(&vsm_part.lock);
}

/* The first VP to be realized sets the partition up. */
bool vsm_partition_realize(Error **errp)
{
    if (vsm_part.initialized) {
        return true;
    }
    error_setg(&migration_blocker, "hv-vsm=on: VSM state is not migratable");
    if (migrate_add_blocker(&migration_blocker, errp) < 0) {
        return false;
    }
    partition_init();
    qemu_register_reset(partition_reset, NULL);
    partition_reset(NULL);
    return true;
}
