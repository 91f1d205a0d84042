/* kernel/arch/irq_ktest.c - in-kernel tests of the interrupt layer (test=irq): caught
 * exceptions, handler dispatch and counting through the LAPIC, vector allocation,
 * IOAPIC routing of a real ISA line (the PIT on IRQ0), shared lines, MSI messages. */
#include "kernel/ktest.h"
#include "kernel/irq.h"
#include "kernel/acpi.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/irq_internal.h"
#include "kernel/arch/x86.h"
#include "kernel/mm/mm.h"
#include "kernel/lib/string.h"

/* --- exceptions caught through exception_test_hook --- */

static uint64_t fixup_rip;      /* where the hook resumes: the label after the fault */
static struct {
    int hits;
    uint64_t vector, error, cr2, rip;
} seen;

static void skip_hook(struct pt_regs *r)
{
    seen.hits++;
    seen.vector = r->vector;
    seen.error = r->error_code;
    seen.cr2 = read_cr2();
    seen.rip = r->rip;
    r->rip = fixup_rip;
}

static bool contains(const char *s, const char *sub)
{
    size_t n = strlen(sub);
    for (; *s; s++)
        if (strncmp(s, sub, n) == 0)
            return true;
    return false;
}

static void arm(void)
{
    memset(&seen, 0, sizeof(seen));
    exception_test_hook = skip_hook;
}

KTEST(irq, invalid_opcode_caught)
{
    uint64_t before = irq_count(6);
    arm();
    __asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
                     "movq %%rax, %0\n\t"
                     "ud2\n"
                     "1:" : "=m"(fixup_rip) :: "rax", "memory");
    KT_EXPECT_EQ(seen.hits, 1);
    KT_EXPECT_EQ(seen.vector, 6);
    KT_EXPECT_EQ(seen.rip, fixup_rip - 2);          /* ud2 is 2 bytes: the fault is at it */
    KT_ASSERT(exception_test_hook == NULL);         /* one shot */
    KT_EXPECT_EQ(irq_count(6), before + 1);
    KT_ASSERT(contains(irq_name(6), "#UD"));
}

/* Load from addr with a fixup after the load; returns nothing useful, the hook records. */
static void faulting_load(uint64_t addr)
{
    uint64_t val;
    __asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
                     "movq %%rax, %1\n\t"
                     "movq (%2), %0\n"
                     "1:" : "=&r"(val), "=m"(fixup_rip) : "r"(addr) : "rax", "memory");
    (void)val;
}

KTEST(irq, null_page_fault_caught)
{
    const uint64_t addr = 0x10;         /* a NULL-pointer member access */
    phys_addr_t pa;
    uint64_t flags;
    KT_ASSERT_MSG(mm_lookup(addr, &pa, &flags) == 0, "address %#llx is mapped",
                  (unsigned long long)addr);
    uint64_t before = irq_count(14);
    arm();
    faulting_load(addr);
    KT_EXPECT_EQ(seen.hits, 1);
    KT_EXPECT_EQ(seen.vector, 14);
    KT_EXPECT_EQ(seen.cr2, addr);
    KT_EXPECT_EQ(seen.error & 0x7, 0);  /* not-present, read, supervisor */
    KT_EXPECT_EQ(irq_count(14), before + 1);
}

KTEST(irq, general_protection_caught)
{
    arm();
    faulting_load(0x8000000000000000ull);   /* non-canonical: #GP, not #PF */
    KT_EXPECT_EQ(seen.hits, 1);
    KT_EXPECT_EQ(seen.vector, 13);
    KT_EXPECT_EQ(seen.error, 0);
}

KTEST(irq, breakpoint_is_a_trap)
{
    arm();
    __asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
                     "movq %%rax, %0\n\t"
                     "int3\n"
                     "1:" : "=m"(fixup_rip) :: "rax", "memory");
    KT_EXPECT_EQ(seen.hits, 1);
    KT_EXPECT_EQ(seen.vector, 3);
    KT_EXPECT_EQ(seen.rip, fixup_rip);      /* traps report the next instruction */
}

/* --- device vectors --- */

struct probe {
    int calls;
    unsigned depth_inside;
    bool irqs_off_inside;
    int order;
};
static int call_seq;

static void probe_handler(void *data, struct pt_regs *regs)
{
    struct probe *p = data;
    p->calls++;
    p->depth_inside = hardirq_depth;
    p->irqs_off_inside = irqs_disabled();
    p->order = ++call_seq;
}

/* Wait with the CPU halted (interrupts on) until *count reaches want or ms pass. */
static bool wait_for(const volatile int *count, int want, uint64_t ms)
{
    uint64_t end = ktime_get_ns() + ms * NSEC_PER_MSEC;
    while (*count < want && ktime_get_ns() < end)
        safe_halt();
    return *count >= want;
}

KTEST(irq, self_ipi_runs_handler_and_counts)
{
    struct probe p = { 0 };
    int v = irq_alloc_vector();
    KT_ASSERT(v >= IRQ_VECTOR_FIRST_DEVICE && v <= IRQ_VECTOR_LAST_DEVICE);
    KT_EXPECT_EQ(request_vector(v, probe_handler, &p, "ktest-ipi"), 0);
    KT_ASSERT(strcmp(irq_name(v), "ktest-ipi") == 0);
    uint64_t before = irq_count(v);
    local_irq_enable();
    lapic_send_self_ipi(v);
    bool ok = wait_for(&p.calls, 1, 100);
    free_vector(v);
    irq_free_vector(v);
    KT_ASSERT_MSG(ok, "no interrupt on vector %d", v);
    KT_EXPECT_EQ(p.calls, 1);
    KT_EXPECT_EQ(irq_count(v), before + 1);
    KT_EXPECT_EQ(p.depth_inside, 1);
    KT_ASSERT(p.irqs_off_inside);
    KT_EXPECT_EQ(hardirq_depth, 0);
    KT_ASSERT(!lapic_in_service(v));            /* EOI sent */
}

KTEST(irq, legacy_and_spurious_vectors_counted_and_retired)
{
    /* Vectors nobody should send: counted, ignored, and not left in service. */
    local_irq_enable();
    int vecs[] = { 39, IRQ_VECTOR_SPURIOUS };
    for (unsigned i = 0; i < ARRAY_SIZE(vecs); i++) {
        uint64_t before = irq_count(vecs[i]);
        lapic_send_self_ipi(vecs[i]);
        uint64_t end = ktime_get_ns() + 50 * NSEC_PER_MSEC;
        while (irq_count(vecs[i]) == before && ktime_get_ns() < end)
            safe_halt();
        KT_EXPECT_EQ(irq_count(vecs[i]), before + 1);
        KT_ASSERT(!lapic_in_service(vecs[i]));
    }
}

KTEST(irq, vector_allocator_distinct_and_exhausts)
{
    static int got[IRQ_VECTOR_LAST_DEVICE - IRQ_VECTOR_FIRST_DEVICE + 2];
    static bool mark[256];
    memset(mark, 0, sizeof(mark));
    int n = 0, v;
    while ((v = irq_alloc_vector()) != 0 && n < (int)ARRAY_SIZE(got)) {
        got[n++] = v;
        if (v < IRQ_VECTOR_FIRST_DEVICE || v > IRQ_VECTOR_LAST_DEVICE || mark[v])
            break;
        mark[v] = true;
    }
    bool bad_last = v != 0;
    int zero_again = irq_alloc_vector();
    for (int i = 0; i < n; i++)
        irq_free_vector(got[i]);
    KT_ASSERT_MSG(!bad_last, "vector %d handed out twice or out of range", v);
    KT_EXPECT_EQ(zero_again, 0);
    KT_ASSERT(n > 0 && n <= IRQ_VECTOR_LAST_DEVICE - IRQ_VECTOR_FIRST_DEVICE + 1);
    /* All of them are back. */
    int again = irq_alloc_vector();
    KT_ASSERT(again != 0);
    irq_free_vector(again);
}

KTEST(irq, request_vector_rejects_bad_and_busy)
{
    struct probe p = { 0 };
    KT_EXPECT_EQ(request_vector(14, probe_handler, &p, "x"), -EINVAL);      /* exception */
    KT_EXPECT_EQ(request_vector(40, probe_handler, &p, "x"), -EINVAL);      /* legacy PIC */
    KT_EXPECT_EQ(request_vector(IRQ_VECTOR_SPURIOUS, probe_handler, &p, "x"), -EINVAL);
    KT_EXPECT_EQ(request_vector(IRQ_VECTOR_TIMER, probe_handler, &p, "x"), -EBUSY);
    int v = irq_alloc_vector();
    KT_ASSERT(v > 0);
    KT_EXPECT_EQ(request_vector(v, NULL, &p, "x"), -EINVAL);
    KT_EXPECT_EQ(request_vector(v, probe_handler, &p, "x"), 0);
    int busy = request_vector(v, probe_handler, &p, "y");
    free_vector(v);
    irq_free_vector(v);
    KT_EXPECT_EQ(busy, -EBUSY);
    /* A device vector that was never allocated cannot be claimed behind the allocator. */
    KT_EXPECT_EQ(request_vector(v, probe_handler, &p, "x"), -EINVAL);
}

/* PIT channel 0, mode 0: OUT rises once at terminal count -> ISA IRQ0 (8254 datasheet). */
static void pit_oneshot_ch0(uint16_t count)
{
    outb(0x43, 0x30);           /* channel 0, lo/hi byte, mode 0, binary */
    outb(0x40, count & 0xff);
    outb(0x40, count >> 8);
}

KTEST(irq, isa_irq0_through_ioapic_override)
{
    bool level, low;
    uint32_t gsi = acpi_isa_to_gsi(0, &level, &low);
    if (acpi.novr)
        KT_ASSERT_MSG(gsi != 0, "QEMU's MADT moves ISA IRQ0 (to GSI 2)");
    struct probe p = { 0 };
    pit_oneshot_ch0(0xffff);    /* quiet: the firmware may have left it periodic */
    int v = request_irq(0, 0, probe_handler, &p, "ktest-pit");
    KT_ASSERT_MSG(v > 0, "request_irq(0) = %d", v);
    uint64_t rte = ioapic_read_rte(gsi);
    KT_EXPECT_EQ(rte & 0xff, v);
    KT_ASSERT(!(rte & IOAPIC_RTE_MASKED));
    KT_ASSERT(!(rte & IOAPIC_RTE_LEVEL));       /* ISA: edge, active high */
    KT_ASSERT(!(rte & IOAPIC_RTE_LOW_ACTIVE));
    KT_EXPECT_EQ(rte >> 56, lapic_id());

    local_irq_enable();
    uint64_t settle = ktime_get_ns() + 5 * NSEC_PER_MSEC;   /* a stale edge may land */
    while (ktime_get_ns() < settle)
        safe_halt();
    int before = p.calls;
    pit_oneshot_ch0(1193);      /* ~1 ms */
    bool ok = wait_for(&p.calls, before + 1, 200);
    free_irq(v, &p);
    KT_ASSERT_MSG(ok, "the PIT's IRQ0 never arrived on vector %d (GSI %u)", v, gsi);
    KT_ASSERT(ioapic_read_rte(gsi) & IOAPIC_RTE_MASKED);
    KT_ASSERT(!irq_vector_allocated(v));
}

KTEST(irq, shared_gsi_chain)
{
    /* An IOAPIC input nothing drives: the highest GSI of the first IOAPIC whose entry
     * is still masked. Its handlers are then run through a self-IPI on its vector. */
    unsigned gsi = 0;
    for (unsigned g = 23; g >= 16; g--) {
        uint64_t rte = ioapic_read_rte(g);
        if (rte && (rte & IOAPIC_RTE_MASKED) && (rte & 0xff) == 0) {
            gsi = g;
            break;
        }
    }
    KT_ASSERT_MSG(gsi, "no free GSI among 16..23");
    struct probe a = { 0 }, b = { 0 }, c = { 0 };
    int va = request_irq(gsi, IRQF_SHARED | IRQF_LEVEL_LOW, probe_handler, &a, "ktest-a");
    int vb = request_irq(gsi, IRQF_SHARED | IRQF_LEVEL_LOW, probe_handler, &b, "ktest-b");
    int vc = request_irq(gsi, IRQF_LEVEL_LOW, probe_handler, &c, "ktest-c");
    int vd = request_irq(gsi, IRQF_SHARED, probe_handler, &c, "ktest-d");  /* edge: mismatch */
    uint64_t rte = ioapic_read_rte(gsi);
    char name[40];
    strlcpy(name, va > 0 ? irq_name(va) : "", sizeof(name));
    call_seq = 0;
    if (va > 0) {
        local_irq_enable();
        lapic_send_self_ipi(va);
        wait_for(&b.calls, 1, 100);
    }
    if (va > 0)
        free_irq(va, &a);
    if (vb > 0)
        free_irq(vb, &b);
    KT_ASSERT(va > 0);
    KT_EXPECT_EQ(vb, va);
    KT_EXPECT_EQ(vc, -EBUSY);
    KT_EXPECT_EQ(vd, -EBUSY);
    KT_ASSERT(rte & IOAPIC_RTE_LEVEL);
    KT_ASSERT(rte & IOAPIC_RTE_LOW_ACTIVE);
    KT_ASSERT_MSG(strcmp(name, "ktest-a,ktest-b") == 0, "name '%s'", name);
    KT_EXPECT_EQ(a.calls, 1);
    KT_EXPECT_EQ(b.calls, 1);
    KT_ASSERT(a.order < b.order);
    KT_ASSERT(ioapic_read_rte(gsi) & IOAPIC_RTE_MASKED);
}

KTEST(irq, msi_message_targets_boot_cpu)
{
    uint64_t addr;
    uint32_t data;
    msi_compose_msg(0x5a, &addr, &data);
    KT_EXPECT_EQ(addr, 0xfee00000ull | ((uint64_t)lapic_id() << 12));
    KT_EXPECT_EQ(data, 0x5a);
}

KTEST(irq, tick_counted_and_stats_print)
{
    uint64_t before = irq_count(IRQ_VECTOR_TIMER);
    uint64_t j = jiffies, t0 = ktime_get_ns();
    local_irq_enable();
    /* three interrupts (jiffies may move more than one per interrupt: it is elapsed
     * time, and a stalled host coalesces ticks) */
    while (irq_count(IRQ_VECTOR_TIMER) < before + 3 && ktime_get_ns() - t0 < NSEC_PER_SEC)
        safe_halt();
    KT_ASSERT(irq_count(IRQ_VECTOR_TIMER) >= before + 3);
    KT_ASSERT(jiffies >= j + 2);
    KT_ASSERT(strcmp(irq_name(IRQ_VECTOR_TIMER), "LAPIC-timer") == 0);
    KT_EXPECT_EQ(lapic_errors(), 0);
    irq_print_stats();
}
