/* kernel/arch/apic.h - the interrupt controllers behind kernel/irq.h: local APIC,
 * IOAPIC(s) and the legacy 8259 pair (only ever masked). Used by the arch interrupt code,
 * the tick (LAPIC timer) and the tests; drivers use kernel/irq.h instead.
 *
 * Register offsets: Intel SDM vol. 3A, table 11-1 "Local APIC Register Address Map"
 * (chapter 10 in older editions). */
#ifndef WP_ARCH_APIC_H
#define WP_ARCH_APIC_H

#include "kernel/compiler.h"

#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_ISR        0x100              /* 8 registers, 0x10 apart: in-service bits */
#define APIC_SVR        0x0f0
#define  APIC_SVR_ENABLE  BIT(8)
#define APIC_ESR        0x280
#define APIC_ICR_LOW    0x300
#define  APIC_ICR_PENDING BIT(12)          /* delivery status: send pending */
#define  APIC_ICR_SELF    (1u << 18)       /* destination shorthand 01: self */
#define APIC_ICR_HIGH   0x310
#define APIC_LVT_TIMER  0x320
#define APIC_LVT_THERMAL 0x330
#define APIC_LVT_PERF   0x340
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERROR  0x370
#define  APIC_LVT_MASKED   BIT(16)
#define  APIC_LVT_NMI      (4u << 8)       /* delivery mode 100b */
#define  APIC_TIMER_PERIODIC (1u << 17)    /* timer mode 01b */
#define APIC_TIMER_ICR  0x380              /* initial count */
#define APIC_TIMER_CCR  0x390              /* current count */
#define APIC_TIMER_DCR  0x3e0              /* divide configuration */
#define  APIC_TIMER_DIV16  0x3             /* SDM 11.5.4: 0011b = divide by 16 */

/* Local APIC (kernel/arch/apic.c). */
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);
uint32_t lapic_id(void);                 /* the boot CPU's APIC id (32 bits in x2APIC mode) */
bool lapic_x2apic_mode(void);            /* registers reached through MSRs (x2APIC) */
void lapic_send_self_ipi(int vector);
bool lapic_in_service(int vector);       /* the vector's ISR bit */
uint64_t lapic_errors(void);             /* LAPIC error interrupts taken */

/* IOAPIC (kernel/arch/ioapic.c). */
void ioapic_init(void);
bool ioapic_has_gsi(unsigned gsi);
/* Program a redirection entry: fixed delivery to the boot CPU, physical mode. */
int ioapic_route_gsi(unsigned gsi, int vector, bool level, bool active_low, bool masked);
/* The raw 64-bit redirection entry (tests, diagnostics); 0 when the GSI does not exist. */
uint64_t ioapic_read_rte(unsigned gsi);
unsigned ioapic_count(void);

/* 82093AA redirection entry bits (datasheet 3.2.4). */
#define IOAPIC_RTE_LOW_ACTIVE BIT(13)
#define IOAPIC_RTE_LEVEL      BIT(15)
#define IOAPIC_RTE_MASKED     BIT(16)

/* 8259 pair (kernel/arch/pic.c): remap to 32..47 and mask every line. */
void pic_disable(void);

#endif
