/* apps/lib/crt0.S - where an app starts. The kernel enters at _start with rsp pointing
 * at argc, then argv[], NULL, envp[], NULL, auxv (System V x86_64 ABI, 3.4.1), rsp
 * 16-byte aligned, and every other register zero. */
    .text
    .globl  _start
    .type   _start, @function
_start:
    xorl    %ebp, %ebp              /* outermost frame */
    movq    %rsp, %rdi
    andq    $-16, %rsp
    call    __wp_start
    ud2
    .size   _start, . - _start
    .section .note.GNU-stack, "", @progbits
