/* kernel/acpi.c - acpi_init(): walk the firmware's ACPI tables from the RSDP GRUB copied
 * into boot_info, through memremap() views (the tables live in reserved or ACPI memory
 * that the direct map need not cover). The parsing itself is in kernel/acpi_tables.c. */
#include "kernel/acpi.h"
#include "kernel/multiboot.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/arch/x86.h"

static void *acpi_map(uint64_t phys, size_t len) { return memremap(phys, len); }
static void acpi_unmap(void *virt, size_t len) { iounmap(virt, len); }

static const struct acpi_mapper kernel_mapper = { acpi_map, acpi_unmap };

int acpi_init(void)
{
    if (boot_info.rsdp_len == 0) {
        pr_warn("acpi: the boot loader passed no RSDP\n");
        return -1;
    }
    int r = acpi_scan(boot_info.rsdp, boot_info.rsdp_len, &kernel_mapper, &acpi);
    if (acpi.bad_checksum || acpi.bad_table || acpi.bad_entry || acpi.dropped)
        pr_warn("acpi: malformed input skipped: %u bad checksum(s), %u bad table(s), "
                "%u bad MADT entr%s, %u dropped\n", acpi.bad_checksum, acpi.bad_table,
                acpi.bad_entry, acpi.bad_entry == 1 ? "y" : "ies", acpi.dropped);
    if (r < 0)
        return -1;

    char mcfg[64] = "none";
    if (acpi.ecam_base)
        snprintf(mcfg, sizeof(mcfg), "ecam %#llx buses %u-%u",
                 (unsigned long long)acpi.ecam_base, acpi.ecam_bus_start, acpi.ecam_bus_end);
    printk("acpi: MADT: lapic %#x, %d ioapic(s), %d overrides, %d cpu%s; MCFG: %s\n",
           acpi.lapic_addr, acpi.nioapic, acpi.novr, acpi.ncpus, acpi.ncpus == 1 ? "" : "s",
           mcfg);
    return 0;
}

/* PM1_CNT (ACPI 6.5 4.8.3.2.1): SLP_TYP in bits 12:10, SLP_EN bit 13. */
void acpi_poweroff(void)
{
    if (!acpi.pm1a_cnt || !acpi.have_s5)
        return;
    local_irq_disable();
    outw(acpi.pm1a_cnt, (uint16_t)((acpi.slp_typa & 7) << 10 | 1u << 13));
    if (acpi.pm1b_cnt)
        outw(acpi.pm1b_cnt, (uint16_t)((acpi.slp_typb & 7) << 10 | 1u << 13));
    for (int i = 0; i < 1000000; i++)
        cpu_relax();
}

void acpi_reboot(void)
{
    local_irq_disable();
    if (acpi.reset_port)
        outb(acpi.reset_port, acpi.reset_value);
    for (int i = 0; i < 1000000; i++)
        cpu_relax();
    /* the 8042 keyboard controller's pulse-reset line */
    for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
        cpu_relax();
    outb(0x64, 0xfe);
    for (int i = 0; i < 1000000; i++)
        cpu_relax();
}
