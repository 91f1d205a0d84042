/* kernel/arch/syscall_entry.S - the way into the kernel from ring 3 (the syscall
 * instruction) and the ways back out (iretq).
 *
 * SYSCALL (Intel SDM vol. 2B, "SYSCALL"; vol. 3A 5.8.8): RIP comes from IA32_LSTAR, CS/SS
 * from IA32_STAR[47:32], RFLAGS is masked with IA32_FMASK (IF among the cleared bits, so
 * no interrupt arrives before the stack is switched), the return RIP is left in RCX and
 * the old RFLAGS in R11. RSP is NOT switched: it is still the app's. One CPU, interrupts
 * off: the app's RSP can be parked in a plain variable while the kernel stack is loaded.
 *
 * The frame built on the kernel stack is a struct pt_regs (kernel/irq.h) like the one an
 * interrupt from ring 3 leaves, so a fault report or a debugger sees the same thing.
 * Vector slot: SYSCALL_FRAME_VECTOR, to tell such frames apart.
 *
 * The return is always iretq, never sysretq: sysret with a non-canonical RCX faults in
 * ring 0 on the app's stack on Intel CPUs (SDM vol. 2B, "SYSRET"), and iretq costs little
 * next to what a socket call does. GS is not used by the kernel, so no swapgs here. */

#include "kernel/arch/pt_regs.h"

#define KERNEL_DS 0x10
#define USER_DS   (0x18 | 3)
#define USER_CS   (0x20 | 3)
#define SYSCALL_FRAME_VECTOR 0x100
#define RFLAGS_IF 0x200
#define RFLAGS_RESERVED1 0x2

    .text
    .globl  syscall_entry
    .type   syscall_entry, @function
syscall_entry:
    movq    %rsp, syscall_user_rsp(%rip)
    movq    syscall_kernel_rsp(%rip), %rsp
    pushq   $USER_DS                    /* ss */
    pushq   syscall_user_rsp(%rip)      /* rsp */
    pushq   %r11                        /* rflags */
    pushq   $USER_CS                    /* cs */
    pushq   %rcx                        /* rip */
    pushq   $0                          /* error code */
    pushq   $SYSCALL_FRAME_VECTOR
    SAVE_GPRS
    xorl    %ebp, %ebp                  /* backtraces end here */
    movq    %rsp, %rdi
    call    syscall_dispatch            /* returns with interrupts off */

/* rsp points at a struct pt_regs for ring 3; interrupts are off. */
return_to_user:
    RESTORE_GPRS
    addq    $16, %rsp                   /* vector, error code */
    iretq
    .size   syscall_entry, . - syscall_entry

/* void enter_user_mode(uint64_t rip, uint64_t rsp): first entry into ring 3. Builds an
 * iretq frame (SDM vol. 3A, 6.14.3) with interrupts enabled in the app and every
 * general register zeroed, so nothing of the kernel leaks to it. */
    .globl  enter_user_mode
    .type   enter_user_mode, @function
enter_user_mode:
    cli
    pushq   $USER_DS
    pushq   %rsi
    pushq   $(RFLAGS_IF | RFLAGS_RESERVED1)
    pushq   $USER_CS
    pushq   %rdi
    xorl    %eax, %eax
    xorl    %ebx, %ebx
    xorl    %ecx, %ecx
    xorl    %edx, %edx
    xorl    %esi, %esi
    xorl    %edi, %edi
    xorl    %ebp, %ebp
    xorl    %r8d, %r8d
    xorl    %r9d, %r9d
    xorl    %r10d, %r10d
    xorl    %r11d, %r11d
    xorl    %r12d, %r12d
    xorl    %r13d, %r13d
    xorl    %r14d, %r14d
    xorl    %r15d, %r15d
    iretq
    .size   enter_user_mode, . - enter_user_mode

    .bss
    .p2align 3
    .globl  syscall_kernel_rsp
syscall_kernel_rsp:
    .quad   0
syscall_user_rsp:
    .quad   0

    .section .note.GNU-stack, "", @progbits
