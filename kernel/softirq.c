/* STUB: replaced by the softirq work. */
#include "kernel/softirq.h"
void softirq_init(void) {}
