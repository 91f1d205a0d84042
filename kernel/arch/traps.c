/* kernel/arch/traps.c - the 32 CPU exceptions: name them, report the frame, and panic,
 * unless a test armed exception_test_hook to catch exactly one of them. */
#include "kernel/irq.h"
#include "kernel/arch/irq_internal.h"
#include "kernel/arch/x86.h"
#include "kernel/printk.h"
#include "kernel/user/process.h"

exception_hook_t exception_test_hook;

/* Intel SDM vol. 3A, table 6-1 "Protected-Mode Exceptions and Interrupts". */
static const char *const exception_names[32] = {
    [0] = "divide error (#DE)",
    [1] = "debug (#DB)",
    [2] = "non-maskable interrupt (NMI)",
    [3] = "breakpoint (#BP)",
    [4] = "overflow (#OF)",
    [5] = "BOUND range exceeded (#BR)",
    [6] = "invalid opcode (#UD)",
    [7] = "device not available (#NM)",
    [8] = "double fault (#DF)",
    [9] = "coprocessor segment overrun",
    [10] = "invalid TSS (#TS)",
    [11] = "segment not present (#NP)",
    [12] = "stack-segment fault (#SS)",
    [13] = "general protection (#GP)",
    [14] = "page fault (#PF)",
    [15] = "reserved vector 15",
    [16] = "x87 floating-point error (#MF)",
    [17] = "alignment check (#AC)",
    [18] = "machine check (#MC)",
    [19] = "SIMD floating-point (#XM)",
    [20] = "virtualization (#VE)",
    [21] = "control protection (#CP)",
    [22] = "reserved vector 22",
    [23] = "reserved vector 23",
    [24] = "reserved vector 24",
    [25] = "reserved vector 25",
    [26] = "reserved vector 26",
    [27] = "reserved vector 27",
    [28] = "hypervisor injection (#HV)",
    [29] = "VMM communication (#VC)",
    [30] = "security (#SX)",
    [31] = "reserved vector 31",
};

const char *exception_name(int vector)
{
    return vector >= 0 && vector < 32 ? exception_names[vector] : "";
}

/* #PF error code bits (SDM vol. 3A 4.7): P, W/R, U/S, RSVD, I/D. */
static void describe_pf(uint64_t err, char *buf, size_t n)
{
    snprintf(buf, n, " [%s, %s, %s%s%s]",
             err & 1 ? "protection" : "not-present",
             err & 2 ? "write" : "read",
             err & 4 ? "user" : "kernel",
             err & 8 ? ", reserved bit" : "",
             err & 16 ? ", instruction fetch" : "");
}

void do_exception(struct pt_regs *regs)
{
    int vector = (int)(regs->vector & 31);
    uint64_t cr2 = read_cr2();
    char detail[80] = "";
    if (vector == 14)
        describe_pf(regs->error_code, detail, sizeof(detail));

    /* An NMI is an event, not a fault in the interrupted code: report it and go on. */
    if (vector == 2) {
        pr_warn("NMI received at RIP %#llx; continuing\n", (unsigned long long)regs->rip);
        return;
    }

    /* A fault in ring 3 is the app's, not the kernel's: report it and end that app
     * (kernel/user/process.c); the kernel carries on. Aborts are never the app's. */
    if ((regs->cs & 3) == 3 && vector != 8 && vector != 18)
        user_fault(regs, vector, cr2, exception_names[vector]);

    /* A double fault or a machine check cannot be resumed (SDM 6.15, "abort" class),
     * whatever a test asked for. */
    exception_hook_t hook = exception_test_hook;
    if (hook && vector != 8 && vector != 18) {
        exception_test_hook = NULL;   /* one shot: a fault inside the hook panics */
        printk(KERN_ERR "exception: %s, vector %d, error %#llx%s at RIP %#llx, CR2 %#llx"
               " (test hook armed)\n", exception_names[vector], vector,
               (unsigned long long)regs->error_code, detail,
               (unsigned long long)regs->rip, (unsigned long long)cr2);
        dump_regs(regs);
        hook(regs);
        return;
    }

    panic_regs(regs, "%s, vector %d, error %#llx%s at RIP %#llx, CR2 %#llx",
               exception_names[vector], vector, (unsigned long long)regs->error_code,
               detail, (unsigned long long)regs->rip, (unsigned long long)cr2);
}
