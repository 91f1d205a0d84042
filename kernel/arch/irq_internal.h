/* kernel/arch/irq_internal.h - glue between the interrupt entry path (irq.c), the
 * exception handlers (traps.c) and the IOAPIC line management (ioapic.c). Not for drivers. */
#ifndef WP_ARCH_IRQ_INTERNAL_H
#define WP_ARCH_IRQ_INTERNAL_H

#include "kernel/irq.h"

/* Handlers that may share one vector (PCI INTx lines with IRQF_SHARED). */
#define IRQ_MAX_SHARED 4

/* Add a handler to a vector. shared: the caller allows others on the same vector
 * (and every handler already there allowed it too). Returns 0, -EBUSY or -EINVAL. */
int irq_add_action(int vector, irq_handler_t fn, void *data, const char *name, bool shared);
/* Remove the handler registered with data; returns the handlers left, or -ENOENT. */
int irq_remove_action(int vector, void *data);
bool irq_vector_allocated(int vector);

/* Exceptions 0..31 (traps.c). */
void do_exception(struct pt_regs *regs);
const char *exception_name(int vector);

/* Entry from kernel/arch/entry.S. */
void interrupt_dispatch(struct pt_regs *regs);

#endif
