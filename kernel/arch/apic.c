/* kernel/arch/apic.c - the boot CPU's local APIC, and interrupts_init(), which turns the
 * machine from the firmware's 8259 setup to LAPIC + IOAPIC delivery.
 * Intel SDM vol. 3A, chapter "Advanced Programmable Interrupt Controller (APIC)". */
#include "kernel/irq.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/x86.h"
#include "kernel/acpi.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"

#define MSR_IA32_APIC_BASE   0x1b
#define  APIC_BASE_ENABLE    BIT(11)     /* xAPIC global enable */
#define  APIC_BASE_X2APIC    BIT(10)
#define  APIC_BASE_ADDR_MASK 0xffffff000ull
#define APIC_DEFAULT_PHYS    0xfee00000u

static volatile uint8_t *lapic_base;
static uint8_t boot_apic_id;
static uint64_t lapic_error_count;
static uint32_t last_esr;

uint32_t lapic_read(uint32_t reg) { return readl(lapic_base + reg); }
void lapic_write(uint32_t reg, uint32_t v) { writel(v, lapic_base + reg); }
uint8_t lapic_id(void) { return boot_apic_id; }
uint64_t lapic_errors(void) { return lapic_error_count; }

/* End of interrupt: any write to the EOI register (SDM 11.8.5). For a level-triggered
 * IOAPIC line it is also forwarded to the IOAPIC, which then re-arms the line. */
void lapic_eoi(void)
{
    if (lapic_base)
        lapic_write(APIC_EOI, 0);
}

/* ISR bit for the vector: 8 32-bit registers, 16 bytes apart (SDM 11.8.4). */
bool lapic_in_service(int vector)
{
    if (!lapic_base || vector < 0 || vector > 255)
        return false;
    return lapic_read(APIC_ISR + 0x10 * (vector / 32)) & BIT(vector % 32);
}

/* A fixed interrupt to this CPU through the ICR's "self" shorthand (SDM 11.6.1). */
void lapic_send_self_ipi(int vector)
{
    unsigned long f = local_irq_save();
    lapic_write(APIC_ICR_HIGH, 0);
    lapic_write(APIC_ICR_LOW, APIC_ICR_SELF | (uint32_t)(vector & 0xff));
    for (int i = 0; i < 100000 && (lapic_read(APIC_ICR_LOW) & APIC_ICR_PENDING); i++)
        cpu_relax();
    local_irq_restore(f);
}

/* MSI address/data for fixed delivery to the boot CPU (SDM 11.11.1, 11.11.2): address
 * 0xFEExxxxx with the destination APIC id in bits 19:12, physical mode, no redirection
 * hint; data = vector, fixed delivery mode, edge. */
void msi_compose_msg(int vector, uint64_t *addr, uint32_t *data)
{
    *addr = 0xfee00000ull | ((uint64_t)boot_apic_id << 12);
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
    lapic_base = ioremap(phys, PAGE_SIZE);
    if (!lapic_base)
        panic("apic: cannot map the local APIC at %#llx", (unsigned long long)phys);
    boot_apic_id = (uint8_t)(lapic_read(APIC_ID) >> 24);
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

void interrupts_init(void)
{
    pic_disable();

    uint64_t msr = rdmsr(MSR_IA32_APIC_BASE);
    if (msr & APIC_BASE_X2APIC)
        panic("apic: firmware left the LAPIC in x2APIC mode, which is not supported");
    if (!(msr & APIC_BASE_ENABLE))
        wrmsr(MSR_IA32_APIC_BASE, msr | APIC_BASE_ENABLE);
    phys_addr_t phys = msr & APIC_BASE_ADDR_MASK;
    if (acpi.have_madt && acpi.lapic_addr && acpi.lapic_addr != phys)
        pr_warn("apic: MADT says LAPIC at %#x, IA32_APIC_BASE %#llx; using the MADT\n",
                acpi.lapic_addr, (unsigned long long)phys);
    if (acpi.have_madt && acpi.lapic_addr)
        phys = acpi.lapic_addr;
    if (!phys)
        phys = APIC_DEFAULT_PHYS;

    lapic_init(phys);
    if (request_vector(IRQ_VECTOR_APIC_ERROR, lapic_error_irq, NULL, "LAPIC-error") < 0)
        pr_warn("apic: cannot attach the error vector\n");
    ioapic_init();
    printk("apic: 8259 masked, LAPIC id %u ver %#x at %#llx, %u IOAPIC(s)\n",
           boot_apic_id, lapic_read(APIC_VERSION) & 0xff, (unsigned long long)phys,
           ioapic_count());
}
