// SOURCES: kernel/acpi_tables.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
/* ACPI table walk from byte buffers: RSDP -> XSDT/RSDT -> MADT + MCFG, checksums,
 * malformed tables and entries, ISA override decoding. "Physical memory" is a 64 KiB
 * array; physical addresses are offsets into it plus PHYS_BASE. */
#include "tests/unit/unit.h"
#include "kernel/acpi.h"
#include <stdint.h>

#define PHYS_BASE 0xe0000ull
static uint8_t mem[65536];
static int maps_live;                /* map/unmap must pair up */

static void *fake_map(uint64_t phys, size_t len)
{
    if (phys < PHYS_BASE || phys - PHYS_BASE + len > sizeof(mem))
        return NULL;
    maps_live++;
    return mem + (phys - PHYS_BASE);
}
static void fake_unmap(void *v, size_t len) { (void)v; (void)len; maps_live--; }
static const struct acpi_mapper mapper = { fake_map, fake_unmap };

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
    p[at] = 0;
    uint8_t s = 0;
    for (size_t i = 0; i < len; i++)
        s += p[i];
    p[at] = (uint8_t)-s;
}

/* A standard header at offset off of mem; returns a pointer to the table. */
static uint8_t *table(size_t off, const char *sig, uint32_t len)
{
    uint8_t *t = mem + off;
    memset(t, 0, len);
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = 1;
    memcpy(t + 10, "WPTEST", 6);
    return t;
}

enum { OFF_XSDT = 0x100, OFF_RSDT = 0x200, OFF_MADT = 0x1000, OFF_MCFG = 0x2000,
       OFF_FACP = 0x3000 };

static size_t madt_len;

/* The MADT QEMU q35 gives with one CPU, plus an x2APIC entry and a LAPIC override. */
static void build_madt(void)
{
    uint8_t e[256];
    size_t n = 0;
    /* LAPIC: uid 0, id 0, enabled; and one present-but-disabled CPU */
    uint8_t l0[8] = { 0, 8, 0, 0 }; put32(l0 + 4, 1); memcpy(e + n, l0, 8); n += 8;
    uint8_t l1[8] = { 0, 8, 1, 1 }; put32(l1 + 4, 0); memcpy(e + n, l1, 8); n += 8;
    /* IOAPIC id 0 at 0xfec00000, GSI base 0 */
    uint8_t io[12] = { 1, 12, 0, 0 }; put32(io + 4, 0xfec00000); put32(io + 8, 0);
    memcpy(e + n, io, 12); n += 12;
    /* Overrides: 0->2 (conforming), 5/9/10/11 -> level, active high (QEMU's) */
    uint8_t irqs[] = { 0, 5, 9, 10, 11 };
    for (unsigned i = 0; i < sizeof(irqs); i++) {
        uint8_t o[10] = { 2, 10, 0, irqs[i] };
        put32(o + 4, irqs[i] == 0 ? 2 : irqs[i]);
        put16(o + 8, irqs[i] == 0 ? 0 : 0x000d);   /* level (11b<<2), high (01b) */
        memcpy(e + n, o, 10); n += 10;
    }
    /* an override with active low, edge on IRQ 7 -> GSI 7 */
    uint8_t o7[10] = { 2, 10, 0, 7 }; put32(o7 + 4, 7); put16(o7 + 8, 0x0007);
    memcpy(e + n, o7, 10); n += 10;
    /* LAPIC NMI (type 4), ignored */
    uint8_t nmi[6] = { 4, 6, 0xff, 5, 0, 1 }; memcpy(e + n, nmi, 6); n += 6;
    /* x2APIC, enabled */
    uint8_t x2[16] = { 9, 16 }; put32(x2 + 4, 300); put32(x2 + 8, 1); memcpy(e + n, x2, 16); n += 16;

    madt_len = 44 + n;
    uint8_t *t = table(OFF_MADT, "APIC", (uint32_t)madt_len);
    put32(t + 36, 0xfee00000);
    put32(t + 40, 1);                               /* PCAT_COMPAT */
    memcpy(t + 44, e, n);
    fix_checksum(t, madt_len, 9);
}

static void build_mcfg(void)
{
    uint8_t *t = table(OFF_MCFG, "MCFG", 60);
    put64(t + 44, 0xb0000000);
    put16(t + 52, 0);
    t[54] = 0;
    t[55] = 255;
    fix_checksum(t, 60, 9);
}

static void build_roots(void)
{
    uint64_t tables[] = { PHYS_BASE + OFF_FACP, PHYS_BASE + OFF_MADT, PHYS_BASE + OFF_MCFG };
    table(OFF_FACP, "FACP", 36);
    fix_checksum(mem + OFF_FACP, 36, 9);
    uint8_t *x = table(OFF_XSDT, "XSDT", 36 + 8 * 3);
    for (int i = 0; i < 3; i++)
        put64(x + 36 + 8 * i, tables[i]);
    fix_checksum(x, 36 + 8 * 3, 9);
    uint8_t *r = table(OFF_RSDT, "RSDT", 36 + 4 * 3);
    for (int i = 0; i < 3; i++)
        put32(r + 36 + 4 * i, (uint32_t)tables[i]);
    fix_checksum(r, 36 + 4 * 3, 9);
}

static void build_rsdp(uint8_t *rsdp, int rev)
{
    memset(rsdp, 0, 36);
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "WPTEST", 6);
    rsdp[15] = (uint8_t)rev;
    put32(rsdp + 16, (uint32_t)(PHYS_BASE + OFF_RSDT));
    put32(rsdp + 20, 36);
    put64(rsdp + 24, PHYS_BASE + OFF_XSDT);
    fix_checksum(rsdp, 20, 8);
    fix_checksum(rsdp, 36, 32);
}

static void build_all(uint8_t *rsdp, int rev)
{
    memset(mem, 0, sizeof(mem));
    build_madt();
    build_mcfg();
    build_roots();
    build_rsdp(rsdp, rev);
}

static void check_qemu_like(const struct acpi_info *a)
{
    CHECK(a->have_madt);
    CHECK_EQ(a->lapic_addr, 0xfee00000);
    CHECK(a->has_8259);
    CHECK_EQ(a->nioapic, 1);
    CHECK_EQ(a->ioapic[0].addr, 0xfec00000);
    CHECK_EQ(a->ioapic[0].gsi_base, 0);
    CHECK_EQ(a->novr, 6);
    CHECK_EQ(a->ncpus, 2);          /* one enabled LAPIC + one enabled x2APIC */
    CHECK_EQ(a->ecam_base, 0xb0000000);
    CHECK_EQ(a->ecam_bus_start, 0);
    CHECK_EQ(a->ecam_bus_end, 255);
    CHECK_EQ(a->bad_checksum + a->bad_table + a->bad_entry + a->dropped, 0);
}

TEST(xsdt_path_parses_madt_and_mcfg)
{
    uint8_t rsdp[36];
    build_all(rsdp, 2);
    struct acpi_info a;
    CHECK_EQ(acpi_scan(rsdp, 36, &mapper, &a), 0);
    check_qemu_like(&a);
    CHECK_EQ(maps_live, 0);
}

TEST(rsdt_path_for_acpi_1)
{
    uint8_t rsdp[36];
    build_all(rsdp, 0);
    mem[OFF_XSDT] = 'Z';            /* would fail if it were used */
    struct acpi_info a;
    CHECK_EQ(acpi_scan(rsdp, 20, &mapper, &a), 0);
    check_qemu_like(&a);
    CHECK_EQ(maps_live, 0);
}

TEST(bad_extended_checksum_falls_back_to_rsdt)
{
    uint8_t rsdp[36];
    build_all(rsdp, 2);
    rsdp[32] ^= 1;
    struct acpi_info a;
    CHECK_EQ(acpi_scan(rsdp, 36, &mapper, &a), 0);
    CHECK(a.have_madt);
    CHECK_EQ(a.bad_checksum, 1);
}

TEST(bad_rsdp_is_refused)
{
    uint8_t rsdp[36];
    build_all(rsdp, 2);
    struct acpi_info a;
    rsdp[8] ^= 0x55;                /* 20-byte checksum */
    CHECK_EQ(acpi_scan(rsdp, 36, &mapper, &a), -1);
    CHECK_EQ(a.bad_checksum, 1);
    build_rsdp(rsdp, 2);
    rsdp[0] = 'X';
    CHECK_EQ(acpi_scan(rsdp, 36, &mapper, &a), -1);
    CHECK_EQ(a.bad_table, 1);
    CHECK_EQ(acpi_scan(rsdp, 12, &mapper, &a), -1);
    CHECK_EQ(maps_live, 0);
}

TEST(corrupt_madt_checksum_skips_madt_only)
{
    uint8_t rsdp[36];
    build_all(rsdp, 2);
    mem[OFF_MADT + 50] ^= 0xff;
    struct acpi_info a;
    CHECK_EQ(acpi_scan(rsdp, 36, &mapper, &a), -1);
    CHECK(!a.have_madt);
    CHECK_EQ(a.bad_checksum, 1);
    CHECK_EQ(a.ecam_base, 0xb0000000);       /* MCFG still read */
    CHECK_EQ(maps_live, 0);
}

TEST(implausible_lengths_and_addresses)
{
    uint8_t rsdp[36];
    build_all(rsdp, 2);
    put32(mem + OFF_MCFG + 4, 0x7fffffff);   /* huge MCFG */
    put64(mem + OFF_XSDT + 36, 0x10);        /* FACP pointer outside "memory" */
    fix_checksum(mem + OFF_XSDT, 36 + 24, 9);
    struct acpi_info a;
    CHECK_EQ(acpi_scan(rsdp, 36, &mapper, &a), 0);
    CHECK(a.have_madt);
    CHECK_EQ(a.ecam_base, 0);
    CHECK_EQ(a.bad_table, 2);
    CHECK_EQ(maps_live, 0);
}

TEST(madt_entry_with_zero_length_stops_cleanly)
{
    uint8_t rsdp[36];
    build_all(rsdp, 2);
    /* second entry (offset 44 + 8) gets length 0: would loop forever if trusted */
    mem[OFF_MADT + 44 + 8 + 1] = 0;
    fix_checksum(mem + OFF_MADT, madt_len, 9);
    struct acpi_info a;
    CHECK_EQ(acpi_scan(rsdp, 36, &mapper, &a), 0);
    CHECK_EQ(a.ncpus, 1);           /* the entry before it was read */
    CHECK_EQ(a.nioapic, 0);
    CHECK_EQ(a.bad_entry, 1);
}

TEST(madt_entry_running_past_the_end)
{
    uint8_t t[44 + 8 + 4] = { 0 };
    memcpy(t, "APIC", 4);
    t[44] = 0; t[45] = 8; put32(t + 48, 1);
    t[52] = 1; t[53] = 12;          /* IOAPIC entry claims 12 bytes, 4 remain */
    struct acpi_info a;
    memset(&a, 0, sizeof(a));
    acpi_parse_madt(t, sizeof(t), &a);
    CHECK_EQ(a.ncpus, 1);
    CHECK_EQ(a.nioapic, 0);
    CHECK_EQ(a.bad_entry, 1);
}

TEST(too_many_ioapics_are_dropped)
{
    uint8_t t[44 + 12 * (ACPI_MAX_IOAPICS + 2)] = { 0 };
    memcpy(t, "APIC", 4);
    for (int i = 0; i < ACPI_MAX_IOAPICS + 2; i++) {
        uint8_t *e = t + 44 + 12 * i;
        e[0] = 1; e[1] = 12; e[2] = (uint8_t)i;
        put32(e + 4, 0xfec00000 + 0x1000 * i);
        put32(e + 8, 24 * i);
    }
    struct acpi_info a;
    memset(&a, 0, sizeof(a));
    acpi_parse_madt(t, sizeof(t), &a);
    CHECK_EQ(a.nioapic, ACPI_MAX_IOAPICS);
    CHECK_EQ(a.dropped, 2);
    CHECK_EQ(a.ioapic[3].gsi_base, 72);
}

TEST(lapic_address_override)
{
    uint8_t t[44 + 12] = { 0 };
    memcpy(t, "APIC", 4);
    put32(t + 36, 0xfee00000);
    t[44] = 5; t[45] = 12;
    put64(t + 48, 0xfed00000);
    struct acpi_info a;
    memset(&a, 0, sizeof(a));
    acpi_parse_madt(t, sizeof(t), &a);
    CHECK_EQ(a.lapic_addr, 0xfed00000);
}

TEST(isa_to_gsi_applies_overrides)
{
    uint8_t rsdp[36];
    build_all(rsdp, 2);
    CHECK_EQ(acpi_scan(rsdp, 36, &mapper, &acpi), 0);
    bool level, low;
    CHECK_EQ(acpi_isa_to_gsi(0, &level, &low), 2);     /* PIT: conforming = edge high */
    CHECK(!level); CHECK(!low);
    CHECK_EQ(acpi_isa_to_gsi(4, &level, &low), 4);     /* no override: identity */
    CHECK(!level); CHECK(!low);
    CHECK_EQ(acpi_isa_to_gsi(9, &level, &low), 9);     /* SCI: level, high */
    CHECK(level); CHECK(!low);
    CHECK_EQ(acpi_isa_to_gsi(7, &level, &low), 7);     /* edge, active low */
    CHECK(!level); CHECK(low);
    memset(&acpi, 0, sizeof(acpi));
}

TEST(checksum)
{
    uint8_t b[4] = { 1, 2, 3, 250 };
    CHECK(acpi_checksum_ok(b, 4));
    b[0] = 2;
    CHECK(!acpi_checksum_ok(b, 4));
    CHECK(acpi_checksum_ok(b, 0));
}
