/* kernel/arch/pt_regs.h - for assembler: push and pop the general-purpose registers in
 * exactly the order struct pt_regs (kernel/irq.h) lays them out. Every entry path
 * (interrupts, exceptions, syscall) builds its frame with these, so the layout lives in
 * one place besides the C struct. */
#ifndef WP_ARCH_PT_REGS_H
#define WP_ARCH_PT_REGS_H

.macro SAVE_GPRS
    pushq   %rax
    pushq   %rbx
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %rbp
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
.endm

.macro RESTORE_GPRS
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rbp
    popq    %rdi
    popq    %rsi
    popq    %rdx
    popq    %rcx
    popq    %rbx
    popq    %rax
.endm

#endif
