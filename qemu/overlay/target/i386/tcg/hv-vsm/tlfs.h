/*
 * Hyper-V Top Level Functional Specification (TLFS) definitions used by
 * the VSM emulator: hypercall and status codes, register names, synthetic
 * MSRs and the layouts of hypercall inputs, outputs and SynIC messages.
 *
 * Freestanding (only <stdint.h>): the emulator's bare-metal tests include
 * it too.  All layouts are little-endian, as in guest memory.  The few
 * names QEMU's hyperv-proto.h headers also define are spelled exactly as
 * there, so both may be included.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HV_VSM_TLFS_H
#define HV_VSM_TLFS_H

#include <stdint.h>

#define HV_PAGE_SIZE                    4096
#define HV_PARTITION_ID_SELF            (~0ULL)
#define HV_VP_INDEX_SELF                0xfffffffeu
#define HV_MAX_VTL                      1
#define HV_NUM_VTLS                     (HV_MAX_VTL + 1)

/* Hypercall status codes (0-5 spelled as in hw/hyperv/hyperv-proto.h) */
#define HV_STATUS_SUCCESS                     0
#define HV_STATUS_INVALID_HYPERCALL_CODE      2
#define HV_STATUS_INVALID_HYPERCALL_INPUT     3
#define HV_STATUS_INVALID_ALIGNMENT           4
#define HV_STATUS_INVALID_PARAMETER           5
#define HV_STATUS_ACCESS_DENIED         0x0006
#define HV_STATUS_INVALID_PARTITION_STATE 0x0007
#define HV_STATUS_OPERATION_DENIED      0x0008
#define HV_STATUS_INVALID_PARTITION_ID  0x000d
#define HV_STATUS_INVALID_VP_INDEX      0x000e
#define HV_STATUS_INVALID_VP_STATE      0x0015
#define HV_STATUS_INVALID_REGISTER_VALUE 0x0050
#define HV_STATUS_INVALID_VTL_STATE     0x0051
#define HV_STATUS_VTL_ALREADY_ENABLED   0x0086
#define HV_STATUS_UNKNOWN_REGISTER_NAME 0x0087

/* Hypercall codes */
#define HVCALL_MODIFY_VTL_PROTECTION_MASK 0x000c
#define HVCALL_ENABLE_PARTITION_VTL     0x000d
#define HVCALL_ENABLE_VP_VTL            0x000f
#define HVCALL_VTL_CALL                 0x0011
#define HVCALL_VTL_RETURN               0x0012
#define HVCALL_GET_VP_REGISTERS         0x0050
#define HVCALL_SET_VP_REGISTERS         0x0051
#define HVCALL_TRANSLATE_VIRTUAL_ADDRESS 0x0052
#define HVCALL_START_VP                 0x0099
#define HVCALL_GET_VP_INDEX_FROM_APIC_ID 0x009a

/* Hypercall input value (RCX) */
#define HV_HC_CODE_MASK                 0xffffULL
#define HV_HC_FAST                      (1ULL << 16)
#define HV_HC_VARHDR_SHIFT              17
#define HV_HC_VARHDR_MASK               0x3ffULL
#define HV_HC_REP_COUNT_SHIFT           32
#define HV_HC_REP_START_SHIFT           48
#define HV_HC_REP_MASK                  0xfffULL
/* bits 30:27, 31 (nested: not offered), 47:44, 63:60 */
#define HV_HC_RSVD_MASK                 0xf000f000f8000000ULL

/* Synthetic MSRs */
#define HV_MSR_GUEST_OS_ID              0x40000000
#define HV_MSR_HYPERCALL                0x40000001
#define HV_MSR_VP_INDEX                 0x40000002
#define HV_MSR_TIME_REF_COUNT           0x40000020
#define HV_MSR_TSC_FREQUENCY            0x40000022
#define HV_MSR_APIC_FREQUENCY           0x40000023
#define HV_MSR_VP_ASSIST_PAGE           0x40000073
#define HV_MSR_SCONTROL                 0x40000080
#define HV_MSR_SVERSION                 0x40000081
#define HV_MSR_SIEFP                    0x40000082
#define HV_MSR_SIMP                     0x40000083
#define HV_MSR_EOM                      0x40000084
#define HV_MSR_SINT0                    0x40000090
#define HV_MSR_SINT15                   0x4000009f
#define HV_MSR_FIRST                    0x40000000
#define HV_MSR_LAST                     0x400000ff

/* HV_SYNIC_SINT (bits spelled as in target/i386/kvm/hyperv-proto.h) */
#define HV_SINT_MASKED                        (1u << 16)
#define HV_SINT_AUTO_EOI                      (1u << 17)
#define HV_SINT_VECTOR_MASK                   0xff
#define HV_SINT_POLLING                 (1ULL << 18)

/* Partition privileges (CPUID 0x40000003 EAX:EBX) */
#define HV_PRIV_TIME_REF_COUNT          (1ULL << 1)
#define HV_PRIV_SYNIC_REGS              (1ULL << 2)
#define HV_PRIV_HYPERCALL_MSRS          (1ULL << 5)
#define HV_PRIV_VP_INDEX                (1ULL << 6)
#define HV_PRIV_FREQUENCY_REGS          (1ULL << 11)
#define HV_PRIV_CREATE_PARTITIONS       (1ULL << 32)
#define HV_PRIV_CPU_MANAGEMENT          (1ULL << 44)
#define HV_PRIV_ACCESS_VSM              (1ULL << 48)
#define HV_PRIV_ACCESS_VP_REGS          (1ULL << 49)
#define HV_PRIV_START_VP                (1ULL << 53)
#define HV_FEATURE_FREQUENCY_MSRS       (1u << 8)   /* CPUID 0x40000003 EDX */

/* VTL entry reasons (HV_VP_ASSIST_PAGE.VtlEntryReason) */
#define HV_VTL_ENTRY_RESERVED           0
#define HV_VTL_ENTRY_VTL_CALL           1
#define HV_VTL_ENTRY_INTERRUPT          2

/* Register names (HV_REGISTER_NAME) */
#define HV_REG_HYPERVISOR_VERSION       0x00000100
#define HV_REG_PRIVILEGES_AND_FEATURES  0x00000200
#define HV_REG_PENDING_EVENT0           0x00010004
#define HV_X64_REG_RAX                  0x00020000
#define HV_X64_REG_RCX                  0x00020001
#define HV_X64_REG_RBX                  0x00020003
#define HV_X64_REG_RSP                  0x00020004
#define HV_X64_REG_RBP                  0x00020005
#define HV_X64_REG_R15                  0x0002000f
#define HV_X64_REG_RIP                  0x00020010
#define HV_X64_REG_RFLAGS               0x00020011
#define HV_X64_REG_CR0                  0x00040000
#define HV_X64_REG_CR2                  0x00040001
#define HV_X64_REG_CR3                  0x00040002
#define HV_X64_REG_CR4                  0x00040003
#define HV_X64_REG_CR8                  0x00040004
#define HV_X64_REG_XFEM                 0x00040005
#define HV_X64_REG_DR0                  0x00050000
#define HV_X64_REG_DR3                  0x00050003
#define HV_X64_REG_DR6                  0x00050004
#define HV_X64_REG_DR7                  0x00050005
#define HV_X64_REG_ES                   0x00060000
#define HV_X64_REG_LDTR                 0x00060006
#define HV_X64_REG_TR                   0x00060007
#define HV_X64_REG_IDTR                 0x00070000
#define HV_X64_REG_GDTR                 0x00070001
#define HV_X64_REG_EFER                 0x00080001
#define HV_X64_REG_KERNEL_GS_BASE       0x00080002
#define HV_X64_REG_APIC_BASE            0x00080003
#define HV_X64_REG_PAT                  0x00080004
#define HV_X64_REG_SYSENTER_CS          0x00080005
#define HV_X64_REG_SYSENTER_EIP         0x00080006
#define HV_X64_REG_SYSENTER_ESP         0x00080007
#define HV_X64_REG_STAR                 0x00080008
#define HV_X64_REG_LSTAR                0x00080009
#define HV_X64_REG_CSTAR                0x0008000a
#define HV_X64_REG_SFMASK               0x0008000b
#define HV_X64_REG_INITIAL_APIC_ID      0x0008000c
#define HV_X64_REG_TSC_AUX              0x0008007b
#define HV_REG_HYPERCALL                0x00090001
#define HV_REG_GUEST_OS_ID              0x00090002
#define HV_REG_VP_INDEX                 0x00090003
#define HV_REG_TIME_REF_COUNT           0x00090004
#define HV_REG_VP_ASSIST_PAGE           0x00090013
#define HV_REG_SINT0                    0x000a0000
#define HV_REG_SINT15                   0x000a000f
#define HV_REG_SCONTROL                 0x000a0010
#define HV_REG_SVERSION                 0x000a0011
#define HV_REG_SIEFP                    0x000a0012
#define HV_REG_SIMP                     0x000a0013
#define HV_REG_VSM_CODE_PAGE_OFFSETS    0x000d0002
#define HV_REG_VSM_VP_STATUS            0x000d0003
#define HV_REG_VSM_PARTITION_STATUS     0x000d0004
#define HV_REG_VSM_CAPABILITIES         0x000d0006
#define HV_REG_VSM_PARTITION_CONFIG     0x000d0007
#define HV_REG_VSM_VP_SECURE_CONFIG_VTL0 0x000d0010
#define HV_REG_CR_INTERCEPT_CONTROL     0x000e0000
#define HV_REG_CR_INTERCEPT_CR0_MASK    0x000e0001
#define HV_REG_CR_INTERCEPT_CR4_MASK    0x000e0002
#define HV_REG_CR_INTERCEPT_MISC_MASK   0x000e0003

/* HvRegisterVsmPartitionConfig */
#define HV_VSM_CFG_ENABLE_PROTECTION    (1ULL << 0)
#define HV_VSM_CFG_DEFAULT_MASK_SHIFT   1
#define HV_VSM_CFG_DEFAULT_MASK         (0xfULL << 1)
#define HV_VSM_CFG_DENY_LOWER_STARTUP   (1ULL << 6)
#define HV_VSM_CFG_SUPPORTED            0x5fULL

/* HvRegisterVsmVpSecureConfigVtlN */
#define HV_VSM_VP_CFG_MBEC              (1ULL << 0)

/* HvRegisterCrInterceptControl bits */
#define HV_CRI_CR0_WRITE                (1ULL << 0)
#define HV_CRI_CR4_WRITE                (1ULL << 1)
#define HV_CRI_XCR0_WRITE               (1ULL << 2)
#define HV_CRI_MISC_ENABLE_READ         (1ULL << 3)
#define HV_CRI_MISC_ENABLE_WRITE        (1ULL << 4)
#define HV_CRI_LSTAR_READ               (1ULL << 5)
#define HV_CRI_LSTAR_WRITE              (1ULL << 6)
#define HV_CRI_STAR_READ                (1ULL << 7)
#define HV_CRI_STAR_WRITE               (1ULL << 8)
#define HV_CRI_CSTAR_READ               (1ULL << 9)
#define HV_CRI_CSTAR_WRITE              (1ULL << 10)
#define HV_CRI_APIC_BASE_READ           (1ULL << 11)
#define HV_CRI_APIC_BASE_WRITE          (1ULL << 12)
#define HV_CRI_EFER_READ                (1ULL << 13)
#define HV_CRI_EFER_WRITE               (1ULL << 14)
#define HV_CRI_GDTR_WRITE               (1ULL << 15)
#define HV_CRI_IDTR_WRITE               (1ULL << 16)
#define HV_CRI_LDTR_WRITE               (1ULL << 17)
#define HV_CRI_TR_WRITE                 (1ULL << 18)
#define HV_CRI_SYSENTER_CS_WRITE        (1ULL << 19)
#define HV_CRI_SYSENTER_EIP_WRITE       (1ULL << 20)
#define HV_CRI_SYSENTER_ESP_WRITE       (1ULL << 21)
#define HV_CRI_SFMASK_WRITE             (1ULL << 22)
#define HV_CRI_TSC_AUX_WRITE            (1ULL << 23)
#define HV_CRI_XSS_WRITE                (1ULL << 25)
/* 24 SGX launch control, 26-28 CET MSRs: not offered */
#define HV_CRI_SUPPORTED                0x02ffffffULL

/* HV_MAP_GPA_* */
#define HV_MAP_GPA_READABLE             0x1
#define HV_MAP_GPA_WRITABLE             0x2
#define HV_MAP_GPA_KERNEL_EXECUTABLE    0x4
#define HV_MAP_GPA_USER_EXECUTABLE      0x8
#define HV_MAP_GPA_PERMISSIONS_MASK     0xf
#define HV_MAP_GPA_NO_ACCESS            0x10000

/* SynIC messages */
#define HV_MESSAGE_SIZE                 256
#define HV_MSG_NONE                     0x00000000u
#define HV_MSG_FLAG_PENDING             0x1
#define HV_MSG_GPA_INTERCEPT            0x80000001u
#define HV_MSG_X64_MSR_INTERCEPT        0x80010001u
#define HV_MSG_X64_REGISTER_INTERCEPT   0x80010006u
#define HV_SYNIC_INTERCEPTION_SINT      0
#define HV_SYNIC_SINT_COUNT             16

/* Intercept access types */
#define HV_INTERCEPT_READ               0
#define HV_INTERCEPT_WRITE              1
#define HV_INTERCEPT_EXECUTE            2

/* HV_CACHE_TYPE */
#define HV_CACHE_TYPE_WRITE_BACK        6

/* TranslateVirtualAddress */
#define HV_TRANSLATE_VALIDATE_READ      0x0001
#define HV_TRANSLATE_VALIDATE_WRITE     0x0002
#define HV_TRANSLATE_VALIDATE_EXECUTE   0x0004
#define HV_TRANSLATE_PRIVILEGE_EXEMPT   0x0008
#define HV_TRANSLATE_SET_PAGE_TABLE_BITS 0x0010
#define HV_TRANSLATE_TLB_FLUSH_INHIBIT  0x0020
#define HV_TRANSLATE_SUPERVISOR_ACCESS  0x0040
#define HV_TRANSLATE_USER_ACCESS        0x0080
#define HV_TRANSLATE_FLAGS_SUPPORTED    0x00ffULL
#define HV_TRANSLATE_INPUT_VTL_SHIFT    56
#define HV_TRANSLATE_SUCCESS            0
#define HV_TRANSLATE_PAGE_NOT_PRESENT   1
#define HV_TRANSLATE_PRIVILEGE_VIOLATION 2
#define HV_TRANSLATE_GPA_UNMAPPED       4
#define HV_TRANSLATE_GPA_NO_READ        5
#define HV_TRANSLATE_GPA_NO_WRITE       6

/* HV_INPUT_VTL */
#define HV_INPUT_VTL_TARGET_MASK        0x0f
#define HV_INPUT_VTL_USE_TARGET         0x10
#define HV_INPUT_VTL_RSVD               0xe0

/*
 * Layouts.  Each is packed and little-endian, as the guest lays it out in
 * memory; the sizes are checked below.
 */
#define HV_PACKED __attribute__((packed))

/* HV_X64_SEGMENT_REGISTER */
typedef struct HvX64SegmentRegister {
    uint64_t base;
    uint32_t limit;
    uint16_t selector;
    uint16_t attributes;
} HV_PACKED HvX64SegmentRegister;

/* HV_X64_TABLE_REGISTER */
typedef struct HvX64TableRegister {
    uint16_t pad[3];
    uint16_t limit;
    uint64_t base;
} HV_PACKED HvX64TableRegister;

/* HV_INITIAL_VP_CONTEXT */
typedef struct HvInitialVpContext {
    uint64_t rip;
    uint64_t rsp;
    uint64_t rflags;
    HvX64SegmentRegister cs, ds, es, fs, gs, ss, tr, ldtr;
    HvX64TableRegister idtr, gdtr;
    uint64_t efer;
    uint64_t cr0;
    uint64_t cr3;
    uint64_t cr4;
    uint64_t msr_cr_pat;
} HV_PACKED HvInitialVpContext;

/* The first 16 bytes of the calls that name a VP of this partition */
typedef struct HvInputVp {
    uint64_t partition_id;
    uint32_t vp_index;
    uint8_t vtl;                        /* InputVtl or TargetVtl */
    uint8_t rsvd[3];
} HV_PACKED HvInputVp;

/* HvCallEnablePartitionVtl */
#define HV_ENABLE_PARTITION_VTL_MBEC    0x1
typedef struct HvInputEnablePartitionVtl {
    uint64_t partition_id;
    uint8_t target_vtl;
    uint8_t flags;
    uint8_t rsvd[6];
} HV_PACKED HvInputEnablePartitionVtl;

/* HvCallEnableVpVtl and HvCallStartVirtualProcessor */
typedef struct HvInputEnableVpVtl {
    HvInputVp vp;                       /* vp.vtl is the target VTL */
    HvInitialVpContext context;
} HV_PACKED HvInputEnableVpVtl;
typedef HvInputEnableVpVtl HvInputStartVirtualProcessor;

/* HvCallGetVpRegisters and HvCallSetVpRegisters */
typedef struct HvInputGetVpRegisters {
    HvInputVp vp;
    uint32_t names[];
} HV_PACKED HvInputGetVpRegisters;

/* HV_REGISTER_VALUE, as its low and high 64 bits */
typedef struct HvRegisterValue {
    uint64_t low;
    uint64_t high;
} HV_PACKED HvRegisterValue;

typedef struct HvRegisterAssoc {
    uint32_t name;
    uint32_t rsvd1;
    uint64_t rsvd2;
    HvRegisterValue value;
} HV_PACKED HvRegisterAssoc;

typedef struct HvInputSetVpRegisters {
    HvInputVp vp;
    HvRegisterAssoc elements[];
} HV_PACKED HvInputSetVpRegisters;

/* HvCallModifyVtlProtectionMask */
typedef struct HvInputModifyVtlProtectionMask {
    uint64_t partition_id;
    uint32_t map_flags;
    uint8_t target_vtl;
    uint8_t rsvd[3];
    uint64_t gpa_page_list[];
} HV_PACKED HvInputModifyVtlProtectionMask;

/* HvCallTranslateVirtualAddress */
typedef struct HvInputTranslateVirtualAddress {
    uint64_t partition_id;
    uint32_t vp_index;
    uint32_t rsvd;
    uint64_t control_flags;             /* 63:56 HV_INPUT_VTL */
    uint64_t gva_page;
} HV_PACKED HvInputTranslateVirtualAddress;

typedef struct HvOutputTranslateVirtualAddress {
    uint32_t result_code;
    uint32_t cache_type;
    uint64_t gpa_page;
} HV_PACKED HvOutputTranslateVirtualAddress;

/* HvCallGetVpIndexFromApicId */
typedef struct HvInputGetVpIndexFromApicId {
    uint64_t partition_id;
    uint8_t target_vtl;
    uint8_t rsvd[7];
    uint32_t apic_ids[];
} HV_PACKED HvInputGetVpIndexFromApicId;

/* HV_VP_VTL_CONTROL, at HV_VP_ASSIST_VTL_CONTROL in the VP assist page */
#define HV_VP_ASSIST_VTL_CONTROL        8
typedef struct HvVpVtlControl {
    uint32_t vtl_entry_reason;
    uint32_t rsvd;
    uint64_t vtl_return_x64_rax;
    uint64_t vtl_return_x64_rcx;
} HV_PACKED HvVpVtlControl;

/* HV_MESSAGE */
typedef struct HvMessageHeader {
    uint32_t message_type;              /* written last: marks the slot */
    uint8_t payload_size;
    uint8_t message_flags;
    uint16_t rsvd;
    uint64_t sender;
} HV_PACKED HvMessageHeader;

typedef struct HvMessage {
    HvMessageHeader header;
    uint8_t payload[HV_MESSAGE_SIZE - sizeof(HvMessageHeader)];
} HV_PACKED HvMessage;

/* HV_X64_INTERCEPT_MESSAGE_HEADER */
#define HV_X64_EXEC_STATE_CPL_MASK      0x0003
#define HV_X64_EXEC_STATE_CR0_PE        (1u << 2)
#define HV_X64_EXEC_STATE_CR0_AM        (1u << 3)
#define HV_X64_EXEC_STATE_EFER_LMA      (1u << 4)
#define HV_X64_EXEC_STATE_DEBUG_ACTIVE  (1u << 5)
#define HV_X64_EXEC_STATE_INTR_SHADOW   (1u << 12)
typedef struct HvX64InterceptMessageHeader {
    uint32_t vp_index;
    uint8_t instruction_length_cr8;     /* 3:0 length, 7:4 CR8 */
    uint8_t intercept_access_type;
    uint16_t execution_state;
    HvX64SegmentRegister cs;
    uint64_t rip;
    uint64_t rflags;
} HV_PACKED HvX64InterceptMessageHeader;

/* HV_X64_REGISTER_INTERCEPT_MESSAGE */
typedef struct HvX64RegisterInterceptMessage {
    HvX64InterceptMessageHeader header;
    uint8_t is_memory_op;
    uint8_t rsvd8;
    uint16_t rsvd16;
    uint32_t register_name;
    HvRegisterValue access_info;
} HV_PACKED HvX64RegisterInterceptMessage;

/* HV_X64_MSR_INTERCEPT_MESSAGE */
typedef struct HvX64MsrInterceptMessage {
    HvX64InterceptMessageHeader header;
    uint32_t msr_number;
    uint32_t rsvd;
    uint64_t rdx;
    uint64_t rax;
} HV_PACKED HvX64MsrInterceptMessage;

/* HV_X64_MEMORY_INTERCEPT_MESSAGE */
#define HV_X64_MEMORY_ACCESS_GVA_VALID  0x1
typedef struct HvX64MemoryInterceptMessage {
    HvX64InterceptMessageHeader header;
    uint32_t cache_type;
    uint8_t instruction_byte_count;
    uint8_t memory_access_info;
    uint8_t tpr_priority;
    uint8_t rsvd;
    uint64_t guest_virtual_address;
    uint64_t guest_physical_address;
    uint8_t instruction_bytes[16];
} HV_PACKED HvX64MemoryInterceptMessage;

_Static_assert(sizeof(HvX64SegmentRegister) == 16, "HvX64SegmentRegister");
_Static_assert(sizeof(HvX64TableRegister) == 16, "HvX64TableRegister");
_Static_assert(sizeof(HvInitialVpContext) == 224, "HvInitialVpContext");
_Static_assert(__builtin_offsetof(HvInitialVpContext, efer) == 0xb8,
               "HvInitialVpContext.efer");
_Static_assert(sizeof(HvInputVp) == 16, "HvInputVp");
_Static_assert(sizeof(HvInputEnablePartitionVtl) == 16,
               "HvInputEnablePartitionVtl");
_Static_assert(sizeof(HvInputEnableVpVtl) == 240, "HvInputEnableVpVtl");
_Static_assert(sizeof(HvInputGetVpRegisters) == 16, "HvInputGetVpRegisters");
_Static_assert(sizeof(HvRegisterAssoc) == 32, "HvRegisterAssoc");
_Static_assert(sizeof(HvInputSetVpRegisters) == 16, "HvInputSetVpRegisters");
_Static_assert(sizeof(HvInputModifyVtlProtectionMask) == 16,
               "HvInputModifyVtlProtectionMask");
_Static_assert(sizeof(HvInputTranslateVirtualAddress) == 32,
               "HvInputTranslateVirtualAddress");
_Static_assert(sizeof(HvOutputTranslateVirtualAddress) == 16,
               "HvOutputTranslateVirtualAddress");
_Static_assert(sizeof(HvInputGetVpIndexFromApicId) == 16,
               "HvInputGetVpIndexFromApicId");
_Static_assert(sizeof(HvVpVtlControl) == 24, "HvVpVtlControl");
_Static_assert(sizeof(HvMessage) == HV_MESSAGE_SIZE, "HvMessage");
_Static_assert(sizeof(HvX64InterceptMessageHeader) == 40,
               "HvX64InterceptMessageHeader");
_Static_assert(sizeof(HvX64RegisterInterceptMessage) == 64,
               "HvX64RegisterInterceptMessage");
_Static_assert(sizeof(HvX64MsrInterceptMessage) == 64,
               "HvX64MsrInterceptMessage");
_Static_assert(sizeof(HvX64MemoryInterceptMessage) == 80,
               "HvX64MemoryInterceptMessage");

#endif
