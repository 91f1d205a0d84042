/* kernel/arch/apic_ktest.c - in-kernel tests of the local APIC interface choice
 * (test=apic): the mode matches the CPU, the firmware's state and apic=; registers answer
 * through the interface in use; interrupts arrive through it. */
#include "kernel/ktest.h"
#include "kernel/irq.h"
#include "kernel/cmdline.h"
#include "kernel/time.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/x86.h"
#include "kernel/lib/string.h"

#define MSR_IA32_APIC_BASE 0x1b
#define APIC_BASE_ENABLE   BIT(11)
#define APIC_BASE_X2APIC   BIT(10)

static bool cpu_has_x2apic(void)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    return c & BIT(21);
}

KTEST(apic, mode_matches_cpu_and_command_line)
{
    const char *want = cmdline_get("apic");
    uint64_t msr = rdmsr(MSR_IA32_APIC_BASE);
    KT_ASSERT(msr & APIC_BASE_ENABLE);
    KT_EXPECT_EQ(!!(msr & APIC_BASE_X2APIC), lapic_x2apic_mode());
    if (want && !strcmp(want, "xapic"))
        KT_ASSERT_MSG(!lapic_x2apic_mode(), "apic=xapic but the LAPIC is in x2APIC mode");
    else
        KT_EXPECT_EQ(lapic_x2apic_mode(), cpu_has_x2apic());
    /* Tests that require x2APIC say so: apic=x2apic with a CPU that has it. */
    if (want && !strcmp(want, "x2apic"))
        KT_ASSERT_MSG(lapic_x2apic_mode(), "apic=x2apic: CPU %s x2APIC, mode xAPIC",
                      cpu_has_x2apic() ? "has" : "lacks");
}

KTEST(apic, registers_answer_through_the_interface)
{
    uint32_t id = lapic_read(APIC_ID);
    KT_EXPECT_EQ(lapic_x2apic_mode() ? id : id >> 24, lapic_id());
    uint32_t version = lapic_read(APIC_VERSION) & 0xff;
    KT_ASSERT_MSG(version >= 0x10 && version <= 0x15, "LAPIC version %#x", version);
    /* TPR is read/write in both modes: a value written reads back. */
    unsigned long f = local_irq_save();
    uint32_t tpr = lapic_read(APIC_TPR);
    lapic_write(APIC_TPR, 0x20);
    uint32_t back = lapic_read(APIC_TPR) & 0xff;
    lapic_write(APIC_TPR, tpr);
    local_irq_restore(f);
    KT_EXPECT_EQ(back, 0x20);
    KT_ASSERT(lapic_read(APIC_SVR) & APIC_SVR_ENABLE);
}

static volatile int ipi_hits;
static void ipi_handler(void *data __unused, struct pt_regs *regs __unused) { ipi_hits++; }

/* Self IPIs (ICR or the x2APIC SELF IPI register) and the LAPIC timer both arrive; the
 * wait is bounded by the TSC clock, 1 s each. */
KTEST(apic, self_ipi_and_timer_delivered)
{
    int v = irq_alloc_vector();
    KT_ASSERT(v > 0);
    if (request_vector(v, ipi_handler, NULL, "apic-ktest") < 0) {
        irq_free_vector(v);
        KT_ASSERT_MSG(false, "request_vector(%d) failed", v);
    }
    ipi_hits = 0;
    local_irq_enable();
    for (int i = 0; i < 3; i++)
        lapic_send_self_ipi(v);
    uint64_t end = ktime_get_ns() + NSEC_PER_SEC;
    while (ipi_hits < 3 && ktime_get_ns() < end)
        safe_halt();
    free_vector(v);
    irq_free_vector(v);
    KT_EXPECT_EQ(ipi_hits, 3);
    KT_ASSERT(!lapic_in_service(v));
    uint64_t j0 = READ_ONCE(jiffies);
    end = ktime_get_ns() + NSEC_PER_SEC;
    while (READ_ONCE(jiffies) == j0 && ktime_get_ns() < end)
        safe_halt();
    KT_ASSERT_MSG(READ_ONCE(jiffies) != j0, "no LAPIC timer tick in 1 s");
}
