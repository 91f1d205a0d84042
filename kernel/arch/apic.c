/* kernel/arch/apic.c - the boot CPU's local APIC, and interrupts_init(), which turns the
 * machine from the firmware's 8259 setup to LAPIC + IOAPIC delivery.
 * Intel SDM vol. 3A, chapter "Advanced Programmable Interrupt Controller (APIC)".
 *
 * Two register interfaces (SDM 11.12): xAPIC, memory-mapped at IA32_APIC_BASE, and
 * x2APIC, where register offset R is MSR 0x800 + R/16, the ID is 32 bits wide and the ICR
 * one 64-bit MSR. x2APIC is used when the CPU has it (CPUID.01H:ECX[21]) or the firmware
 * left it on (IA32_APIC_BASE.EXTD; UEFI firmware does this on many machines, and then the
 * memory-mapped page does not respond); the command line can force either (apic=). */
#include "kernel/irq.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/x86.h"
#include "kernel/acpi.h"
#include "kernel/cmdline.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"

CMDLINE_KEY(apic, "apic", "local APIC interface: auto (x2APIC when the CPU has it), xapic, x2apic");
CMDLINE_KEY(apic_fw_x2apic, "apic.fw_x2apic",
            "1: switch the LAPIC to x2APIC before taking it over, as UEFI firmware may (tests)");

#define MSR_IA32_APIC_BASE   0x1b
#define  APIC_BASE_ENABLE    BIT(11)     /* global enable */
#define  APIC_BASE_X2APIC    BIT(10)     /* EXTD: x2APIC mode (with ENABLE) */
#define  APIC_BASE_ADDR_MASK 0xffffff000ull
#define APIC_DEFAULT_PHYS    0xfee00000u
#define MSR_X2APIC_BASE      0x800       /* SDM 11.12.1.2: MSR = 0x800 + offset / 16 */
#define MSR_X2APIC_ICR       0x830       /* 64 bits: destination in 63:32 */
#define MSR_X2APIC_SELF_IPI  0x83f
#define CPUID_1_ECX_X2APIC   BIT(21)

static volatile uint8_t *lapic_base;
static bool x2apic;
static uint32_t boot_apic_id;
static uint64_t lapic_error_count;
static uint32_t last_esr;

uint32_t lapic_read(uint32_t reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
    return readl(lapic_base + reg);
}

void lapic_write(uint32_t reg, uint32_t v)
{
    if (x2apic)
        wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
    else
        writel(v, lapic_base + reg);
}

uint32_t lapic_id(void) { return boot_apic_id; }
bool lapic_x2apic_mode(void) { return x2apic; }
uint64_t lapic_errors(void) { return lapic_error_count; }

/* End of interrupt: any write to the EOI register (SDM 11.8.5). For a level-triggered
 * IOAPIC line it is also forwarded to the IOAPIC, which then re-arms the line. */
void lapic_eoi(void)
{
    if (lapic_base || x2apic)
        lapic_write(APIC_EOI, 0);     /* x2APIC: must be 0, anything else is #GP */
}

/* ISR bit for the vector: 8 32-bit registers, 16 bytes apart (SDM 11.8.4). */
bool lapic_in_service(int vector)
{
    if ((!lapic_base && !x2apic) || vector < 0 || vector > 255)
        return false;
    return lapic_read(APIC_ISR + 0x10 * (vector / 32)) & BIT(vector % 32);
}

/* A fixed interrupt to this CPU through the ICR's "self" shorthand (SDM 11.6.1); in
 * x2APIC mode through the SELF IPI register, which exists for this (SDM 11.12.11). */
void lapic_send_self_ipi(int vector)
{
    if (x2apic) {
        wrmsr(MSR_X2APIC_SELF_IPI, (uint32_t)(vector & 0xff));
        return;
    }
    unsigned long f = local_irq_save();
    lapic_write(APIC_ICR_HIGH, 0);
    lapic_write(APIC_ICR_LOW, APIC_ICR_SELF | (uint32_t)(vector & 0xff));
    for (int i = 0; i < 100000 && (lapic_read(APIC_ICR_LOW) & APIC_ICR_PENDING); i++)
        cpu_relax();
    local_irq_restore(f);
}

/* MSI address/data for fixed delivery to the boot CPU (SDM 11.11.1, 11.11.2): address
 * 0xFEExxxxx with the destination APIC id in bits 19:12, physical mode, no redirection
 * hint; data = vector, fixed delivery mode, edge. The field holds 8 bits, in x2APIC mode
 * too: interrupts_init() refuses a boot CPU whose ID does not fit. */
void msi_compose_msg(int vector, uint64_t *addr, uint32_t *data)
{
    *addr = 0xfee00000ull | ((uint64_t)(boot_apic_id & 0xff) << 12);
    *data = (uint32_t)(vector & 0xff);
}

/* The ESR must be written before it is read: the write latches the errors seen since
 * the last one (SDM 11.5.3). */
static uint32_t lapic_read_esr(void)
{
    lapic_write(APIC_ESR, 0);
    return lapic_read(APIC_ESR);
}

static void lapic_error_irq(void *data __unused, struct pt_regs *regs __unused)
{
    last_esr = lapic_read_esr();
    if (lapic_error_count++ < 10)
        pr_err("apic: LAPIC error, ESR %#x\n", last_esr);
}

static void lapic_init(phys_addr_t phys)
{
    if (!x2apic) {
        lapic_base = ioremap(phys, PAGE_SIZE);
        if (!lapic_base)
            panic("apic: cannot map the local APIC at %#llx", (unsigned long long)phys);
    }
    /* xAPIC: ID in bits 31:24; x2APIC: the whole register (SDM 11.12.5.1). */
    boot_apic_id = x2apic ? lapic_read(APIC_ID) : lapic_read(APIC_ID) >> 24;
    unsigned max_lvt = (lapic_read(APIC_VERSION) >> 16) & 0xff;

    /* Accept every priority class (SDM 11.8.3.1). */
    lapic_write(APIC_TPR, 0);
    /* Nothing behind LINT0 (the 8259 is off); LINT1 is the NMI line on PCs. The timer
     * stays masked until tick_init(). */
    lapic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    lapic_write(APIC_LVT_LINT1, APIC_LVT_NMI);
    lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | IRQ_VECTOR_TIMER);
    if (max_lvt >= 4)
        lapic_write(APIC_LVT_PERF, APIC_LVT_MASKED);
    if (max_lvt >= 5)
        lapic_write(APIC_LVT_THERMAL, APIC_LVT_MASKED);
    lapic_write(APIC_LVT_ERROR, IRQ_VECTOR_APIC_ERROR);
    lapic_read_esr();
    lapic_read_esr();
    /* Software enable with the spurious vector (SDM 11.9, 11.4.3). */
    lapic_write(APIC_SVR, APIC_SVR_ENABLE | IRQ_VECTOR_SPURIOUS);
    /* Anything the firmware left in service must not block our vectors. */
    lapic_eoi();
}

/* Pick the interface and put IA32_APIC_BASE in that mode. Mode changes follow SDM
 * 11.12.5 (figure 11-27): xAPIC -> x2APIC directly; x2APIC -> xAPIC only through
 * disabled (EN = 0, EXTD = 0), and never the reverse of that from disabled to x2APIC in one
 * write. Returns the MSR as left. */
static uint64_t apic_set_mode(uint64_t msr)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    bool cpu_has = c & CPUID_1_ECX_X2APIC;
    bool fw_on = (msr & (APIC_BASE_ENABLE | APIC_BASE_X2APIC)) ==
                 (APIC_BASE_ENABLE | APIC_BASE_X2APIC);
    const char *want = cmdline_get("apic");
    bool use;
    if (want && !strcmp(want, "xapic"))
        use = false;
    else if (want && !strcmp(want, "x2apic"))
        use = cpu_has || fw_on;
    else
        use = cpu_has || fw_on;
    if (want && !strcmp(want, "x2apic") && !use)
        pr_warn("apic: apic=x2apic, but this CPU has no x2APIC; using xAPIC\n");
    if (want && strcmp(want, "xapic") && strcmp(want, "x2apic") && strcmp(want, "auto"))
        pr_warn("apic: apic=%s not understood (auto, xapic, x2apic); using auto\n", want);

    if (use) {
        if (!(msr & APIC_BASE_ENABLE)) {
            msr |= APIC_BASE_ENABLE;            /* disabled -> xAPIC first */
            wrmsr(MSR_IA32_APIC_BASE, msr);
        }
        if (!(msr & APIC_BASE_X2APIC)) {
            msr |= APIC_BASE_X2APIC;
            wrmsr(MSR_IA32_APIC_BASE, msr);
        }
    } else {
        if (msr & APIC_BASE_X2APIC) {
            msr &= ~(uint64_t)(APIC_BASE_ENABLE | APIC_BASE_X2APIC);
            wrmsr(MSR_IA32_APIC_BASE, msr);     /* x2APIC -> disabled */
        }
        if (!(msr & APIC_BASE_ENABLE)) {
            msr |= APIC_BASE_ENABLE;            /* disabled -> xAPIC */
            wrmsr(MSR_IA32_APIC_BASE, msr);
        }
    }
    x2apic = use;
    printk("apic: %s mode (CPU %s x2APIC, firmware left %s)\n", use ? "x2APIC" : "xAPIC",
           cpu_has ? "has" : "lacks", fw_on ? "x2APIC on" : "xAPIC/off");
    return msr;
}

void interrupts_init(void)
{
    pic_disable();

    uint64_t msr = rdmsr(MSR_IA32_APIC_BASE);
    if (cmdline_get_u64("apic.fw_x2apic", 0) && !(msr & APIC_BASE_X2APIC)) {
        uint32_t a, b, c, d;
        cpuid(1, 0, &a, &b, &c, &d);
        if (c & CPUID_1_ECX_X2APIC) {
            msr |= APIC_BASE_ENABLE;
            wrmsr(MSR_IA32_APIC_BASE, msr);
            msr |= APIC_BASE_X2APIC;
            wrmsr(MSR_IA32_APIC_BASE, msr);
            printk("apic: x2APIC switched on before takeover, as firmware may (apic.fw_x2apic)\n");
        } else {
            pr_warn("apic: apic.fw_x2apic: this CPU has no x2APIC\n");
        }
    }
    msr = apic_set_mode(msr);

    phys_addr_t phys = msr & APIC_BASE_ADDR_MASK;
    if (!x2apic) {
        if (acpi.have_madt && acpi.lapic_addr && acpi.lapic_addr != phys)
            pr_warn("apic: MADT says LAPIC at %#x, IA32_APIC_BASE %#llx; using the MADT\n",
                    acpi.lapic_addr, (unsigned long long)phys);
        if (acpi.have_madt && acpi.lapic_addr)
            phys = acpi.lapic_addr;
        if (!phys)
            phys = APIC_DEFAULT_PHYS;
    }

    lapic_init(phys);
    if (boot_apic_id > 0xff)
        pr_warn("apic: boot CPU APIC id %u does not fit MSI/IOAPIC destinations (8 bits); "
                "device interrupts will not arrive\n", boot_apic_id);
    if (request_vector(IRQ_VECTOR_APIC_ERROR, lapic_error_irq, NULL, "LAPIC-error") < 0)
        pr_warn("apic: cannot attach the error vector\n");
    ioapic_init();
    if (x2apic)
        printk("apic: 8259 masked, LAPIC id %u ver %#x (x2APIC, MSRs), %u IOAPIC(s)\n",
               boot_apic_id, lapic_read(APIC_VERSION) & 0xff, ioapic_count());
    else
        printk("apic: 8259 masked, LAPIC id %u ver %#x at %#llx, %u IOAPIC(s)\n",
               boot_apic_id, lapic_read(APIC_VERSION) & 0xff, (unsigned long long)phys,
               ioapic_count());
}
