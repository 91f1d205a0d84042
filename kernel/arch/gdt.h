/* kernel/arch/gdt.h - segments and the TSS. Selector order suits syscall/sysret:
 * STAR[47:32] = KERNEL_CS, STAR[63:48] = 0x10 -> sysret loads USER_DS then USER_CS. */
#ifndef WP_GDT_H
#define WP_GDT_H
#include "kernel/compiler.h"

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS   (0x18 | 3)
#define USER_CS   (0x20 | 3)
#define TSS_SEL   0x28

void gdt_init(void);
/* Stack the CPU switches to on an interrupt from ring 3 (the running task's kernel stack). */
void tss_set_kernel_stack(uint64_t rsp0);
/* Separate stack for double faults and NMIs (IST1), so a stack overflow is still reported. */
#define IST_DOUBLE_FAULT 1

#endif
