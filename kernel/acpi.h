/* kernel/acpi.h - the few ACPI tables the kernel reads: MADT (APICs, ISA overrides)
 * and MCFG (PCI ECAM). Found from the RSDP that GRUB hands over. */
#ifndef WP_ACPI_H
#define WP_ACPI_H

#include "kernel/compiler.h"

#define ACPI_MAX_IOAPICS 4
#define ACPI_MAX_OVERRIDES 16

struct acpi_ioapic { uint8_t id; uint32_t addr; uint32_t gsi_base; };
struct acpi_override { uint8_t isa_irq; uint32_t gsi; uint16_t flags; };  /* MPS INTI flags */

struct acpi_info {
    bool have_madt;
    uint32_t lapic_addr;
    bool has_8259;               /* MADT PCAT_COMPAT */
    struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
    int nioapic;
    struct acpi_override ovr[ACPI_MAX_OVERRIDES];
    int novr;
    int ncpus;
    /* MCFG: first segment's ECAM window (0 when absent) */
    uint64_t ecam_base;
    uint8_t ecam_bus_start, ecam_bus_end;
    /* Malformed firmware input; each one skipped a table or an entry, never more. */
    uint32_t bad_checksum;       /* RSDP or table checksum wrong: table ignored */
    uint32_t bad_table;          /* signature/length implausible: table ignored */
    uint32_t bad_entry;          /* MADT entry with an impossible length: rest of MADT ignored */
    uint32_t dropped;            /* more IOAPICs/overrides than the arrays hold */
    /* FADT and the DSDT's \_S5 object: how to power off and reset (0 = unknown) */
    uint16_t pm1a_cnt, pm1b_cnt;     /* PM1 control register ports */
    bool have_s5;
    uint8_t slp_typa, slp_typb;      /* SLP_TYP values for S5 (soft off) */
    uint16_t reset_port;             /* RESET_REG when in system I/O space */
    uint8_t reset_value;
};

extern struct acpi_info acpi;

/* Parse RSDP -> RSDT/XSDT -> MADT, MCFG. Returns 0, or -1 when no usable ACPI. */
int acpi_init(void);
/* The table walk behind acpi_init(), split out so hosted tests can feed it byte buffers.
 * map() returns a readable view of len bytes at a physical address (NULL on failure);
 * unmap() releases it. Fills *out (zeroed first); returns 0 when a MADT was found. */
struct acpi_mapper {
    void *(*map)(uint64_t phys, size_t len);
    void (*unmap)(void *virt, size_t len);
};
int acpi_scan(const uint8_t *rsdp, int rsdp_len, const struct acpi_mapper *m,
              struct acpi_info *out);
bool acpi_checksum_ok(const void *table, size_t len);
void acpi_parse_madt(const uint8_t *madt, size_t len, struct acpi_info *out);
void acpi_parse_mcfg(const uint8_t *mcfg, size_t len, struct acpi_info *out);

void acpi_parse_fadt(const uint8_t *fadt, size_t len, struct acpi_info *out, uint64_t *dsdt);
/* Find the \_S5 package in a DSDT's AML and read its first two integers. */
bool acpi_find_s5(const uint8_t *dsdt, size_t len, uint8_t *typa, uint8_t *typb);
/* Enter S5 through PM1x_CNT (returns only when that did not happen), and reset through
 * the FADT's reset register, then the keyboard controller. */
void acpi_poweroff(void);
void acpi_reboot(void);

/* ISA IRQ -> GSI with polarity/trigger from the overrides (identity when none). */
uint32_t acpi_isa_to_gsi(uint8_t isa, bool *level, bool *active_low);

#endif
