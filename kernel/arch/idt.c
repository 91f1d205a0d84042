/* STUB: replaced by the interrupts work. */
#include "kernel/irq.h"
#include "kernel/errno.h"
unsigned int hardirq_depth;
exception_hook_t exception_test_hook;
void idt_init(void) {}
int request_irq(unsigned gsi, unsigned flags, irq_handler_t fn, void *data, const char *name) { return -ENOSYS; }
