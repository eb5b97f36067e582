/*
 * Hyper-V/VSM emulation for TCG.
 *
 * SynIC message delivery.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/i386/apic.h"
#include "hv-vsm-internal.h"
#include "trace.h"

/* Try to deliver the queued message of @sint in @vtl. Needs the BQL. */
static void synic_try_deliver(HvVsmVp *vp, int vtl, int sint)
{
    HvVtlState *v = &vp->vtl[vtl];
    HvMessage *m = &v->msg[sint];
    const hwaddr type_len = sizeof(m->header.message_type);
    hwaddr slot, flags_at;
    uint32_t type;
    uint8_t flags;

    if (!v->msg_queued[sint] || !(v->scontrol & 1) || !(v->simp & 1)) {
        return;
    }
    slot = (v->simp & TARGET_PAGE_MASK) + sint * sizeof(HvMessage);
    /*
     * The SIMP page is the VTL's memory: a slot that VTL may not write
     * (protections of VTL 0 by VTL 1) takes no message; it stays queued
     * like one for a busy slot and is retried on the same events.
     */
    if (!vsm_vtl_gpa_access(vp, vtl, slot, sizeof(HvMessage), true,
                            "SIMP slot")) {
        return;
    }
    if (!vsm_gpa_read(vp, slot, &type, sizeof(type))) {
        return;
    }
    if (le32_to_cpu(type) != 0) {
        /* Slot busy: ask the guest for an EOM. */
        flags_at = slot + offsetof(HvMessage, header.message_flags);
        if (vsm_gpa_read(vp, flags_at, &flags, 1)) {
            flags |= HV_MSG_FLAG_PENDING;
            vsm_gpa_write(vp, flags_at, &flags, 1);
        }
        trace_hv_vsm_synic_post(vp->vp_index, vtl, sint,
                                le32_to_cpu(m->header.message_type), 0);
        return;
    }
    /* Write the body first and the type last, so the slot looks complete. */
    vsm_gpa_write(vp, slot + type_len, (uint8_t *)m + type_len,
                  sizeof(*m) - type_len);
    smp_wmb();      /* body visible before the type that marks it full */
    vsm_gpa_write(vp, slot, &m->header.message_type, type_len);
    v->msg_queued[sint] = false;
    trace_hv_vsm_synic_post(vp->vp_index, vtl, sint,
                            le32_to_cpu(m->header.message_type), 1);
    if (!(v->sint[sint] & HV_SINT_MASKED) && !(v->sint[sint] & HV_SINT_POLLING)
        && v->apic) {
        apic_hv_set_irq(v->apic, v->sint[sint] & HV_SINT_VECTOR_MASK);
    }
}

void vsm_synic_retry_all(HvVsmVp *vp, int vtl)
{
    int i;
    BQL_LOCK_GUARD();

    for (i = 0; i < HV_SYNIC_SINT_COUNT; i++) {
        synic_try_deliver(vp, vtl, i);
    }
}

/* Queue a message of @type on @sint of @vtl and try to deliver it. */
void vsm_synic_post(HvVsmVp *vp, int vtl, int sint, uint32_t type,
                    const void *payload, uint8_t payload_size)
{
    HvVtlState *v = &vp->vtl[vtl];
    HvMessage *m = &v->msg[sint];
    BQL_LOCK_GUARD();

    memset(m, 0, sizeof(*m));
    m->header.message_type = cpu_to_le32(type);
    m->header.payload_size = payload_size;
    memcpy(m->payload, payload, payload_size);
    v->msg_queued[sint] = true;
    synic_try_deliver(vp, vtl, sint);
}
