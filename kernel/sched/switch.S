/* kernel/sched/switch.S - the context switch between kernel tasks.
 *
 * struct task *__switch_to(struct task *prev, struct task *next)
 *
 * Only the callee-saved registers of the System V AMD64 ABI (rbx, rbp, r12-r15) need
 * saving: the switch is an ordinary call, so the compiler already assumes every other
 * register is clobbered across it. They go on prev's stack, rsp into prev->rsp (offset 0
 * of struct task), and the same frame is popped from next's stack. Returns prev, as seen
 * from the task that resumes, so it can finish the switch (e.g. hand a dead prev to the
 * reaper). Interrupts are off throughout (the caller masks them). The kernel is built
 * without SSE/x87 use, so there is no floating-point state to carry. */

    .text
    .globl __switch_to
    .type __switch_to, @function
__switch_to:
    pushq   %rbp
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rsp, 0(%rdi)
    movq    0(%rsi), %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    movq    %rdi, %rax
    ret
    .size __switch_to, . - __switch_to

/* First return of a new task: task_create() built a frame of six zeroed registers and
 * this address, with rsp 16-byte aligned after the ret. rax holds prev (see above). */
    .globl task_trampoline
    .type task_trampoline, @function
task_trampoline:
    xorl    %ebp, %ebp              /* ends backtraces here */
    movq    %rax, %rdi
    call    task_entry
    ud2
    .size task_trampoline, . - task_trampoline

    .section .note.GNU-stack, "", @progbits
