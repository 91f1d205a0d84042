/* kernel/panic.c - the end of the line: message, registers, backtrace, halt. */
#include "kernel/printk.h"
#include "kernel/irq.h"
#include "kernel/ktest.h"
#include "kernel/arch/x86.h"
#include "kernel/mm/mm.h"

void dump_regs(const struct pt_regs *r)
{
    printk(KERN_EMERG "RIP: %016llx CS: %04llx RFLAGS: %016llx\n",
           (unsigned long long)r->rip, (unsigned long long)r->cs, (unsigned long long)r->rflags);
    printk(KERN_EMERG "RSP: %016llx SS: %04llx CR2: %016llx CR3: %016llx\n",
           (unsigned long long)r->rsp, (unsigned long long)r->ss,
           (unsigned long long)read_cr2(), (unsigned long long)read_cr3());
    printk(KERN_EMERG "RAX: %016llx RBX: %016llx RCX: %016llx RDX: %016llx\n",
           (unsigned long long)r->rax, (unsigned long long)r->rbx,
           (unsigned long long)r->rcx, (unsigned long long)r->rdx);
    printk(KERN_EMERG "RSI: %016llx RDI: %016llx RBP: %016llx R8:  %016llx\n",
           (unsigned long long)r->rsi, (unsigned long long)r->rdi,
           (unsigned long long)r->rbp, (unsigned long long)r->r8);
    printk(KERN_EMERG "R9:  %016llx R10: %016llx R11: %016llx R12: %016llx\n",
           (unsigned long long)r->r9, (unsigned long long)r->r10,
           (unsigned long long)r->r11, (unsigned long long)r->r12);
    printk(KERN_EMERG "R13: %016llx R14: %016llx R15: %016llx\n",
           (unsigned long long)r->r13, (unsigned long long)r->r14, (unsigned long long)r->r15);
}

/* Walk saved frame pointers (the kernel is built with -fno-omit-frame-pointer). Every
 * step is checked so that a corrupt stack ends the walk instead of faulting again. */
void dump_backtrace(uint64_t rbp)
{
    printk(KERN_EMERG "Backtrace (addr2line -e build/kernel.elf ADDR):\n");
    for (int depth = 0; depth < 24; depth++) {
        if (rbp < PHYS_OFFSET || (rbp & 7) || rbp > UINT64_MAX - 16)   /* task stacks live in the direct map */
            break;
        uint64_t *frame = (uint64_t *)rbp;
        uint64_t ret = frame[1];
        if (ret < KERNEL_VMA)
            break;
        printk(KERN_EMERG "  #%d %016llx\n", depth, (unsigned long long)ret);
        if (frame[0] <= rbp)   /* stacks grow down: callers' frames sit higher */
            break;
        rbp = frame[0];
    }
}

static __noreturn void panic_end(void)
{
#ifdef CONFIG_KTEST
    if (ktest_mode) {
        printk(KERN_EMERG "ktest: kernel panic during tests\n");
        qemu_exit(QEMU_EXIT_FAIL);
    }
#endif
    for (;;) {
        local_irq_disable();
        halt();
    }
}

static void vpanic_msg(const char *fmt, va_list ap)
{
    char buf[256];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    console_loglevel = 7;
    printk(KERN_EMERG "\nKernel panic: %s\n", buf);
}

void panic(const char *fmt, ...)
{
    local_irq_disable();
    va_list ap;
    va_start(ap, fmt);
    vpanic_msg(fmt, ap);
    va_end(ap);
    dump_backtrace((uint64_t)__builtin_frame_address(0));
    panic_end();
}

void panic_regs(struct pt_regs *regs, const char *fmt, ...)
{
    local_irq_disable();
    va_list ap;
    va_start(ap, fmt);
    vpanic_msg(fmt, ap);
    va_end(ap);
    dump_regs(regs);
    dump_backtrace(regs->rbp);
    panic_end();
}
