/* kernel/arch/entry.S - the 256 interrupt/exception entry stubs and their common path.
 *
 * Every stub makes the stack look the same (Intel SDM vol. 3, 6.14 "Exception and
 * interrupt handling in 64-bit mode"): the CPU has pushed SS, RSP, RFLAGS, CS, RIP and,
 * for some exceptions, an error code. The stub pushes a 0 where the CPU did not, then the
 * vector number; the common path pushes the general registers so that the whole frame
 * is a struct pt_regs (kernel/irq.h), and hands a pointer to it to interrupt_dispatch().
 *
 * Frame size is 22 quadwords: the CPU aligns RSP to 16 before pushing its 5 (SDM 6.14.2),
 * so after error code + vector + 15 registers RSP is 16-byte aligned again for the call.
 */

#include "kernel/arch/pt_regs.h"

/* Exceptions for which the CPU pushes an error code (SDM vol. 3, table 6-1):
 * #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17, #CP 21, #VC 29, #SX 30. */
.macro ISR_STUB vec
    .p2align 4
isr_stub_\vec:
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq   $0
    .endif
    pushq   $\vec
    jmp     common_interrupt
.endm

    .text
    .globl  isr_stubs_start
isr_stubs_start:
.altmacro
.set vec, 0
.rept 256
    ISR_STUB %vec
    .set vec, vec + 1
.endr

/* struct pt_regs: 15 registers (0..112), vector 120, error_code 128, rip 136, cs 144.
 * Keep in step with the struct; kernel/arch/irq.c checks these offsets at build time.
 * Before the registers are pushed (and after they are popped) RSP points at the vector,
 * so the saved CS is 144 - 120 = 24 bytes up. */
#define CS_ABOVE_VECTOR 24

common_interrupt:
    cld
    /* Arriving from ring 3: the kernel's GS base sits in KERNEL_GS_BASE (SDM vol. 3,
     * 5.8.8 SWAPGS). Swapping is harmless when nobody uses GS, and right when somebody does. */
    testb   $3, CS_ABOVE_VECTOR(%rsp)
    jz      1f
    swapgs
1:
    SAVE_GPRS

    movq    %rsp, %rdi
    call    interrupt_dispatch

    .globl  ret_from_interrupt
ret_from_interrupt:
    RESTORE_GPRS
    testb   $3, CS_ABOVE_VECTOR(%rsp)
    jz      2f
    swapgs
2:
    addq    $16, %rsp              /* vector, error code */
    iretq

/* Entry addresses for idt_init(), in vector order. */
    .section .rodata
    .p2align 3
    .globl  isr_stub_table
isr_stub_table:
.macro ISR_ENTRY vec
    .quad   isr_stub_\vec
.endm
.set vec, 0
.rept 256
    ISR_ENTRY %vec
    .set vec, vec + 1
.endr
