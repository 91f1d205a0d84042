/* kernel/irq.h - interrupt entry, vectors and handler registration.
 *
 * Vector map (IDT):
 *   0..31    CPU exceptions
 *   32..47   legacy PIC (remapped, all masked; spurious ones are counted and ignored)
 *   48..238  device vectors handed out by irq_alloc_vector() (IOAPIC lines, MSI, MSI-X)
 *   239      LAPIC timer (the tick)
 *   254      LAPIC error
 *   255      LAPIC spurious
 */
#ifndef WP_IRQ_H
#define WP_IRQ_H

#include "kernel/compiler.h"

/* The frame every interrupt and exception stub builds on the stack (see kernel/arch/entry.S). */
struct pt_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

#define IRQ_VECTOR_FIRST_DEVICE 48
#define IRQ_VECTOR_LAST_DEVICE  238
#define IRQ_VECTOR_TIMER        239
#define IRQ_VECTOR_APIC_ERROR   254
#define IRQ_VECTOR_SPURIOUS     255

typedef void (*irq_handler_t)(void *data, struct pt_regs *regs);

/* Hand out a free device vector (0 when none is left). */
int irq_alloc_vector(void);
void irq_free_vector(int vector);

/* Attach a handler to a vector. name shows in the interrupt counters. Returns 0 or -EBUSY. */
int request_vector(int vector, irq_handler_t fn, void *data, const char *name);
void free_vector(int vector);

/* Legacy/ISA or PCI INTx line routed through the IOAPIC: allocates a vector, programs the
 * redirection entry (ISA overrides from the MADT applied; PCI lines level/active-low) and
 * attaches the handler. Returns the vector (> 0) or -errno. */
#define IRQF_SHARED     0x1
#define IRQF_LEVEL_LOW  0x2   /* PCI INTx: level-triggered, active low */
int request_irq(unsigned gsi_or_isa, unsigned flags, irq_handler_t fn, void *data, const char *name);
/* Detach the handler request_irq() attached with this data (vector as it returned).
 * The last one gone masks the line and frees the vector. */
void free_irq(int vector, void *data);
void ioapic_mask_gsi(unsigned gsi, bool mask);

/* MSI/MSI-X message for a vector on the boot CPU. */
void msi_compose_msg(int vector, uint64_t *addr, uint32_t *data);

/* Interrupts taken per vector (like /proc/interrupts). */
uint64_t irq_count(int vector);
const char *irq_name(int vector);
void irq_print_stats(void);

/* Depth of interrupt nesting: > 0 while in a hard interrupt handler. */
extern unsigned int hardirq_depth;
static inline bool in_irq(void) { return hardirq_depth > 0; }

void lapic_eoi(void);

void idt_init(void);          /* exceptions + stubs; called very early */
void interrupts_init(void);   /* ACPI MADT, PIC off, LAPIC + IOAPIC on */

/* Exception fixup for tests: when set, the next exception calls it instead of panicking. */
typedef void (*exception_hook_t)(struct pt_regs *regs);
extern exception_hook_t exception_test_hook;

#endif
