/* kernel/arch/idt.c - the interrupt descriptor table: one interrupt gate per vector,
 * each pointing at its stub in kernel/arch/entry.S (Intel SDM vol. 3A, 6.14.1
 * "64-Bit Mode IDT"). Interrupt gates clear IF, so every handler starts with interrupts
 * off; the double fault and NMI run on their own stack (IST1) so that a kernel stack
 * overflow is still reported instead of escalating to a triple fault. */
#include "kernel/irq.h"
#include "kernel/arch/gdt.h"
#include "kernel/arch/x86.h"

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;             /* bits 0..2: interrupt stack table index, 0 = none */
    uint8_t type_attr;       /* P | DPL | type */
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __packed;
STATIC_ASSERT(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes");

#define GATE_PRESENT   0x80
#define GATE_INTERRUPT 0x0e  /* 64-bit interrupt gate: IF cleared on entry */

static struct idt_gate idt[256] __aligned(16);
extern const uint64_t isr_stub_table[256];

static void set_gate(int vector, uint64_t handler, uint8_t ist)
{
    struct idt_gate *g = &idt[vector];
    g->offset_low = (uint16_t)handler;
    g->selector = KERNEL_CS;
    g->ist = ist;
    g->type_attr = GATE_PRESENT | GATE_INTERRUPT;   /* DPL 0: no int $n from ring 3 */
    g->offset_mid = (uint16_t)(handler >> 16);
    g->offset_high = (uint32_t)(handler >> 32);
    g->reserved = 0;
}

void idt_init(void)
{
    for (int v = 0; v < 256; v++)
        set_gate(v, isr_stub_table[v], 0);
    set_gate(2, isr_stub_table[2], IST_DOUBLE_FAULT);     /* NMI */
    set_gate(8, isr_stub_table[8], IST_DOUBLE_FAULT);     /* #DF */

    struct { uint16_t limit; uint64_t base; } __packed idtr = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" :: "m"(idtr) : "memory");
}
