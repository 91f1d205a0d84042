/*
 * boot/boot.S - multiboot2 header and the 32-bit entry GRUB jumps to.
 *
 * GRUB leaves us in 32-bit protected mode, paging off, EAX = multiboot2 magic,
 * EBX = physical address of the boot information. We check we were really loaded by
 * a multiboot2 loader on a 64-bit CPU (else say so on COM1 and halt), zero BSS, build
 * boot page tables (2 MiB pages), enter long mode and jump to the higher-half C entry.
 *
 * Boot page tables map physical 0..4 GiB three times:
 *   identity (PML4[0])                 - only so the instruction after "paging on" exists
 *   direct map at 0xffff800000000000   - PML4[256], replaced by paging_init()
 *   kernel window at 0xffffffff80000000 - PML4[511], first 2 GiB (-mcmodel=kernel)
 */
#define KV 0xffffffff80000000
#define MB2_MAGIC     0xe85250d6
#define MB2_BOOTED    0x36d76289
#define COM1          0x3f8

    .section .multiboot, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long 0                                  /* architecture: i386 protected mode */
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
    /* Console flags (spec 3.1.8): EGA text is fine too (bit 1); no console is required
     * (bit 0 clear), so a headless machine still boots. */
    .balign 8
    .short 4, 0
    .long 12
    .long 2
    /* Framebuffer (spec 3.1.10), optional: a linear 1024x768 32-bit mode is preferred
     * (GRUB falls back to any mode it can set). Under UEFI there is no text mode, so
     * without this tag the kernel gets no screen at all. kernel/console_screen.c draws
     * on whatever GRUB reports in the framebuffer information tag. */
    .balign 8
    .short 5, 1
    .long 20
    .long 1024, 768, 32
    .balign 8                                /* end tag */
    .short 0, 0
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    mov     $boot_stack32_top, %esp
    mov     %ebx, %esi                       /* keep the boot info pointer in ESI */

    cmp     $MB2_BOOTED, %eax
    jne     .Lno_multiboot

    /* CPUID present? (EFLAGS.ID toggles) */
    pushfl
    pop     %eax
    mov     %eax, %ecx
    xor     $0x200000, %eax
    push    %eax
    popfl
    pushfl
    pop     %eax
    push    %ecx
    popfl
    xor     %ecx, %eax
    jz      .Lno_long_mode
    mov     $0x80000000, %eax
    cpuid
    cmp     $0x80000001, %eax
    jb      .Lno_long_mode
    mov     $0x80000001, %eax
    cpuid
    test    $(1 << 29), %edx                 /* LM */
    jz      .Lno_long_mode

    /* Zero BSS before anything lives there (the page tables below do). */
    mov     $(__bss_start - KV), %edi
    mov     $(__bss_end - KV), %ecx
    sub     %edi, %ecx
    shr     $2, %ecx
    xor     %eax, %eax
    rep stosl

    /* 2048 PD entries: 2 MiB pages covering 0..4 GiB, present|writable|PS. */
    mov     $(boot_pd - KV), %edi
    xor     %ecx, %ecx
1:  mov     %ecx, %eax
    shl     $21, %eax
    or      $0x83, %eax
    mov     %eax, (%edi,%ecx,8)
    movl    $0, 4(%edi,%ecx,8)
    inc     %ecx
    cmp     $2048, %ecx
    jb      1b

    mov     $(boot_pdpt_low - KV), %edi
    mov     $(boot_pd - KV + 3), %eax
    mov     %eax, 0(%edi)
    add     $4096, %eax
    mov     %eax, 8(%edi)
    add     $4096, %eax
    mov     %eax, 16(%edi)
    add     $4096, %eax
    mov     %eax, 24(%edi)

    mov     $(boot_pdpt_high - KV), %edi
    mov     $(boot_pd - KV + 3), %eax
    mov     %eax, (510 * 8)(%edi)
    add     $4096, %eax
    mov     %eax, (511 * 8)(%edi)

    mov     $(boot_pml4 - KV), %edi
    mov     $(boot_pdpt_low - KV + 3), %eax
    mov     %eax, 0(%edi)
    mov     %eax, (256 * 8)(%edi)
    mov     $(boot_pdpt_high - KV + 3), %eax
    mov     %eax, (511 * 8)(%edi)

    mov     %cr4, %eax
    or      $(1 << 5), %eax                  /* PAE */
    mov     %eax, %cr4
    mov     $(boot_pml4 - KV), %eax
    mov     %eax, %cr3
    mov     $0xc0000080, %ecx                /* EFER.LME */
    rdmsr
    or      $(1 << 8), %eax
    wrmsr
    mov     %cr0, %eax
    or      $0x80010001, %eax                /* PG | WP | PE */
    mov     %eax, %cr0

    lgdt    boot_gdt_ptr
    ljmp    $0x08, $long_mode_low

.Lno_multiboot:
    mov     $msg_no_mb2, %ebx
    jmp     .Lfail
.Lno_long_mode:
    mov     $msg_no_lm, %ebx
.Lfail:
    /* COM1 115200 8N1, then print the message and stop for good. */
    mov     $(COM1 + 1), %dx
    xor     %al, %al
    out     %al, %dx
    mov     $(COM1 + 3), %dx
    mov     $0x80, %al
    out     %al, %dx
    mov     $(COM1 + 0), %dx
    mov     $1, %al
    out     %al, %dx
    mov     $(COM1 + 1), %dx
    xor     %al, %al
    out     %al, %dx
    mov     $(COM1 + 3), %dx
    mov     $3, %al
    out     %al, %dx
2:  movb    (%ebx), %cl
    test    %cl, %cl
    jz      4f
    mov     $(COM1 + 5), %dx
3:  in      %dx, %al
    test    $0x20, %al
    jz      3b
    mov     $COM1, %dx
    mov     %cl, %al
    out     %al, %dx
    inc     %ebx
    jmp     2b
4:  cli
    hlt
    jmp     4b

    .code64
long_mode_low:
    mov     $0x10, %ax
    mov     %ax, %ds
    mov     %ax, %es
    mov     %ax, %ss
    xor     %ax, %ax
    mov     %ax, %fs
    mov     %ax, %gs
    movabs  $higher_half, %rax
    jmp     *%rax

    .section .boot.data, "aw"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00209a0000000000                 /* 0x08: 64-bit code */
    .quad 0x0000920000000000                 /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt
msg_no_mb2:
    .asciz "wirepath: boot failed: not started by a multiboot2 loader (bad magic in EAX); halted\r\n"
msg_no_lm:
    .asciz "wirepath: boot failed: this CPU has no 64-bit long mode; halted\r\n"
    .balign 16
    .skip 1024
boot_stack32_top:

    .text
higher_half:
    movabs  $boot_stack_top, %rsp
    xor     %ebp, %ebp
    mov     %esi, %edi                       /* arg0: boot info, physical (zero-extended) */
    call    kmain
5:  cli
    hlt
    jmp     5b

    .bss
    .balign 4096
    .globl boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4 * 4096
    .balign 16
    .globl boot_stack, boot_stack_top
boot_stack:     .skip 32768
boot_stack_top:
