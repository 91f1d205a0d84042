/* kernel/acpi_tables.c - reading the ACPI tables the kernel needs: RSDP -> RSDT/XSDT ->
 * MADT and MCFG, and ISA IRQ -> GSI through the MADT's overrides. No hardware access
 * and no allocation: tables are reached through a caller-supplied mapper, so the same
 * code runs in the kernel (memremap) and in hosted tests (byte buffers).
 * Layouts: ACPI 6.5 spec, 5.2.5 (RSDP), 5.2.6 (header), 5.2.7/5.2.8 (RSDT/XSDT),
 * 5.2.12 (MADT); PCI Firmware spec 3.3, 4.1.2 (MCFG). Every field is read bytewise:
 * firmware tables promise no alignment. */
#include "kernel/acpi.h"
#include "kernel/lib/unaligned.h"
#include "kernel/lib/string.h"

struct acpi_info acpi;

#define HDR_LEN        36     /* standard description header */
#define MAX_ROOT_LEN   (64u * 1024)
#define MAX_TABLE_LEN  (1024u * 1024)

#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_OVERRIDE       2
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC         9
#define MADT_PCAT_COMPAT    BIT(0)
#define LAPIC_ENABLED       BIT(0)

static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

bool acpi_checksum_ok(const void *table, size_t len)
{
    const uint8_t *p = table;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    return sum == 0;
}

void acpi_parse_madt(const uint8_t *t, size_t len, struct acpi_info *out)
{
    if (len < 44) {
        out->bad_table++;
        return;
    }
    out->have_madt = true;
    out->lapic_addr = get_unaligned_le32(t + 36);
    out->has_8259 = get_unaligned_le32(t + 40) & MADT_PCAT_COMPAT;

    for (size_t off = 44; off < len;) {
        if (len - off < 2 || t[off + 1] < 2 || t[off + 1] > len - off) {
            out->bad_entry++;
            return;
        }
        const uint8_t *e = t + off;
        uint8_t type = e[0], elen = e[1];
        off += elen;
        switch (type) {
        case MADT_LAPIC:
            if (elen < 8)
                goto bad;
            if (get_unaligned_le32(e + 4) & LAPIC_ENABLED)
                out->ncpus++;
            break;
        case MADT_X2APIC:
            if (elen < 16)
                goto bad;
            if (get_unaligned_le32(e + 8) & LAPIC_ENABLED)
                out->ncpus++;
            break;
        case MADT_IOAPIC:
            if (elen < 12)
                goto bad;
            if (out->nioapic == ACPI_MAX_IOAPICS) {
                out->dropped++;
                break;
            }
            out->ioapic[out->nioapic++] = (struct acpi_ioapic){
                .id = e[2], .addr = get_unaligned_le32(e + 4), .gsi_base = get_unaligned_le32(e + 8) };
            break;
        case MADT_OVERRIDE:
            if (elen < 10)
                goto bad;
            if (e[2] != 0)          /* bus 0 is ISA, the only bus defined */
                break;
            if (out->novr == ACPI_MAX_OVERRIDES) {
                out->dropped++;
                break;
            }
            out->ovr[out->novr++] = (struct acpi_override){
                .isa_irq = e[3], .gsi = get_unaligned_le32(e + 4), .flags = get_unaligned_le16(e + 8) };
            break;
        case MADT_LAPIC_OVERRIDE: {
            if (elen < 12)
                goto bad;
            uint64_t a = rd64(e + 4);
            if (a && a <= UINT32_MAX)   /* above 4 GiB: keep the 32-bit address */
                out->lapic_addr = (uint32_t)a;
            break;
        }
        default:
            break;                  /* NMI sources, GIC, ...: not used here */
        }
        continue;
bad:
        out->bad_entry++;
    }
}

void acpi_parse_mcfg(const uint8_t *t, size_t len, struct acpi_info *out)
{
    /* header, 8 reserved bytes, then 16-byte allocation structures */
    if (len < 44 + 16) {
        out->bad_table++;
        return;
    }
    const uint8_t *a = t + 44;
    out->ecam_base = rd64(a);
    out->ecam_bus_start = a[10];
    out->ecam_bus_end = a[11];
    if (out->ecam_bus_end < out->ecam_bus_start) {
        out->bad_table++;
        out->ecam_base = 0;
    }
}

/* FADT (ACPI 6.5 5.2.9): DSDT at 40 (X_DSDT at 140), PM1a/PM1b_CNT_BLK at 64/68,
 * RESET_REG (a Generic Address Structure) at 116 and RESET_VALUE at 128. */
void acpi_parse_fadt(const uint8_t *t, size_t len, struct acpi_info *out, uint64_t *dsdt)
{
    *dsdt = len >= 44 ? get_unaligned_le32(t + 40) : 0;
    if (len >= 148 && rd64(t + 140))
        *dsdt = rd64(t + 140);
    if (len >= 72) {
        out->pm1a_cnt = (uint16_t)get_unaligned_le32(t + 64);
        out->pm1b_cnt = (uint16_t)get_unaligned_le32(t + 68);
    }
    if (len >= 129 && t[116] == 1 /* system I/O */ && rd64(t + 120) && rd64(t + 120) < 0x10000) {
        out->reset_port = (uint16_t)rd64(t + 120);
        out->reset_value = t[128];
    }
}

/* AML (ACPI 6.5 20.2): NameOp "_S5_" PackageOp PkgLength NumElements, then integers as
 * ZeroOp (0), OneOp (1) or BytePrefix (0x0a) + byte. */
static bool aml_small_int(const uint8_t *p, const uint8_t *end, uint8_t *v, size_t *used)
{
    if (p >= end)
        return false;
    if (*p == 0x00 || *p == 0x01) {
        *v = *p;
        *used = 1;
        return true;
    }
    if (*p == 0x0a && p + 1 < end) {
        *v = p[1];
        *used = 2;
        return true;
    }
    return false;
}

bool acpi_find_s5(const uint8_t *dsdt, size_t len, uint8_t *typa, uint8_t *typb)
{
    const uint8_t *end = dsdt + len;
    for (const uint8_t *p = dsdt + HDR_LEN; p + 8 < end; p++) {
        if (memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12)
            continue;
        const uint8_t *q = p + 5;
        q += 1 + (*q >> 6);                  /* PkgLength: 1-4 bytes */
        q++;                                 /* NumElements */
        size_t n;
        if (!aml_small_int(q, end, typa, &n))
            continue;
        q += n;
        if (!aml_small_int(q, end, typb, &n))
            *typb = *typa;
        return true;
    }
    return false;
}

/* Map a table whose header says how long it is; check length bound and checksum. */
static const uint8_t *map_table(const struct acpi_mapper *m, uint64_t phys, size_t max_len,
                                size_t *len, struct acpi_info *out)
{
    if (!phys)
        return NULL;
    const uint8_t *h = m->map(phys, HDR_LEN);
    if (!h) {
        out->bad_table++;
        return NULL;
    }
    uint32_t n = get_unaligned_le32(h + 4);
    m->unmap((void *)h, HDR_LEN);
    if (n < HDR_LEN || n > max_len) {
        out->bad_table++;
        return NULL;
    }
    const uint8_t *t = m->map(phys, n);
    if (!t) {
        out->bad_table++;
        return NULL;
    }
    if (!acpi_checksum_ok(t, n)) {
        out->bad_checksum++;
        m->unmap((void *)t, n);
        return NULL;
    }
    *len = n;
    return t;
}

static uint64_t root_table_phys(const uint8_t *rsdp, int rsdp_len, bool *xsdt,
                                struct acpi_info *out)
{
    if (rsdp_len < 20 || memcmp(rsdp, "RSD PTR ", 8) != 0) {
        out->bad_table++;
        return 0;
    }
    if (!acpi_checksum_ok(rsdp, 20)) {
        out->bad_checksum++;
        return 0;
    }
    /* ACPI 2.0+: the XSDT, when its extended checksum holds; else the RSDT. */
    if (rsdp[15] >= 2 && rsdp_len >= 36 && get_unaligned_le32(rsdp + 20) >= 36 && rd64(rsdp + 24)) {
        if (acpi_checksum_ok(rsdp, 36)) {
            *xsdt = true;
            return rd64(rsdp + 24);
        }
        out->bad_checksum++;
    }
    *xsdt = false;
    return get_unaligned_le32(rsdp + 16);
}

int acpi_scan(const uint8_t *rsdp, int rsdp_len, const struct acpi_mapper *m,
              struct acpi_info *out)
{
    memset(out, 0, sizeof(*out));
    bool xsdt = false;
    uint64_t root_phys = root_table_phys(rsdp, rsdp_len, &xsdt, out);
    size_t root_len;
    const uint8_t *root = map_table(m, root_phys, MAX_ROOT_LEN, &root_len, out);
    if (!root)
        return -1;
    if (memcmp(root, xsdt ? "XSDT" : "RSDT", 4) != 0) {
        out->bad_table++;
        m->unmap((void *)root, root_len);
        return -1;
    }
    size_t esz = xsdt ? 8 : 4;
    bool seen_mcfg = false;
    for (size_t off = HDR_LEN; off + esz <= root_len; off += esz) {
        uint64_t phys = xsdt ? rd64(root + off) : get_unaligned_le32(root + off);
        if (!phys)
            continue;
        const uint8_t *h = m->map(phys, HDR_LEN);
        if (!h) {
            out->bad_table++;
            continue;
        }
        bool is_madt = memcmp(h, "APIC", 4) == 0 && !out->have_madt;
        bool is_mcfg = memcmp(h, "MCFG", 4) == 0 && !seen_mcfg;
        bool is_fadt = memcmp(h, "FACP", 4) == 0 && !out->pm1a_cnt;
        m->unmap((void *)h, HDR_LEN);
        if (!is_madt && !is_mcfg && !is_fadt)
            continue;
        size_t len;
        const uint8_t *t = map_table(m, phys, MAX_TABLE_LEN, &len, out);
        if (!t)
            continue;
        if (is_fadt) {
            uint64_t dsdt_phys;
            acpi_parse_fadt(t, len, out, &dsdt_phys);
            m->unmap((void *)t, len);
            size_t dlen;
            const uint8_t *d = map_table(m, dsdt_phys, MAX_TABLE_LEN, &dlen, out);
            if (d) {
                out->have_s5 = acpi_find_s5(d, dlen, &out->slp_typa, &out->slp_typb);
                m->unmap((void *)d, dlen);
            }
            continue;
        }
        if (is_madt)
            acpi_parse_madt(t, len, out);
        else {
            seen_mcfg = true;
            acpi_parse_mcfg(t, len, out);
        }
        m->unmap((void *)t, len);
    }
    m->unmap((void *)root, root_len);
    return out->have_madt ? 0 : -1;
}

/* MPS INTI flags (ACPI 5.2.12.5): polarity bits 1:0, trigger mode bits 3:2; 00 means
 * "conforms to the bus", which for ISA is active high, edge triggered. */
uint32_t acpi_isa_to_gsi(uint8_t isa, bool *level, bool *active_low)
{
    *level = false;
    *active_low = false;
    for (int i = 0; i < acpi.novr; i++) {
        const struct acpi_override *o = &acpi.ovr[i];
        if (o->isa_irq != isa)
            continue;
        *active_low = (o->flags & 3) == 3;
        *level = ((o->flags >> 2) & 3) == 3;
        return o->gsi;
    }
    return isa;
}
