/* kernel/arch/ioapic.c - IOAPIC redirection entries and request_irq() for the lines
 * behind them: ISA IRQs (with the MADT's source overrides) and PCI INTx GSIs.
 * Intel 82093AA I/O APIC datasheet: indirect access through IOREGSEL/IOWIN (3.1),
 * IOAPICVER (3.2.2), redirection table (3.2.4). */
#include "kernel/irq.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/irq_internal.h"
#include "kernel/arch/x86.h"
#include "kernel/acpi.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/errno.h"

#define IOREGSEL 0x00
#define IOWIN    0x10
#define IOAPICID  0x00
#define IOAPICVER 0x01
#define IOREDTBL(n) (0x10 + 2 * (n))

#define IOAPIC_DEFAULT_PHYS 0xfec00000u
#define MAX_GSI 256

struct ioapic {
    volatile uint8_t *base;
    uint32_t phys;
    unsigned gsi_base;
    unsigned nr_pins;
    uint8_t id;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned nr_ioapics;

/* What request_irq() set up on each GSI. */
struct gsi_route {
    int vector;              /* 0: line not in use */
    bool shared;
    bool level, active_low;
};
static struct gsi_route gsi_routes[MAX_GSI];

unsigned ioapic_count(void) { return nr_ioapics; }

static uint32_t io_read(struct ioapic *io, uint8_t reg)
{
    writel(reg, io->base + IOREGSEL);
    return readl(io->base + IOWIN);
}

static void io_write(struct ioapic *io, uint8_t reg, uint32_t v)
{
    writel(reg, io->base + IOREGSEL);
    writel(v, io->base + IOWIN);
}

static struct ioapic *ioapic_for(unsigned gsi, unsigned *pin)
{
    for (unsigned i = 0; i < nr_ioapics; i++) {
        struct ioapic *io = &ioapics[i];
        if (gsi >= io->gsi_base && gsi < io->gsi_base + io->nr_pins) {
            *pin = gsi - io->gsi_base;
            return io;
        }
    }
    return NULL;
}

bool ioapic_has_gsi(unsigned gsi)
{
    unsigned pin;
    return gsi < MAX_GSI && ioapic_for(gsi, &pin);
}

uint64_t ioapic_read_rte(unsigned gsi)
{
    unsigned pin;
    struct ioapic *io = ioapic_for(gsi, &pin);
    if (!io)
        return 0;
    unsigned long f = local_irq_save();
    uint64_t lo = io_read(io, IOREDTBL(pin));
    uint64_t hi = io_read(io, IOREDTBL(pin) + 1);
    local_irq_restore(f);
    return hi << 32 | lo;
}

/* The entry is written masked first, then the destination, then the low word with its
 * final mask bit, so the line never fires half-programmed. */
int ioapic_route_gsi(unsigned gsi, int vector, bool level, bool active_low, bool masked)
{
    unsigned pin;
    struct ioapic *io = ioapic_for(gsi, &pin);
    if (!io)
        return -EINVAL;
    uint32_t lo = (uint32_t)(vector & 0xff);    /* fixed delivery, physical destination */
    if (active_low)
        lo |= IOAPIC_RTE_LOW_ACTIVE;
    if (level)
        lo |= IOAPIC_RTE_LEVEL;
    unsigned long f = local_irq_save();
    io_write(io, IOREDTBL(pin), IOAPIC_RTE_MASKED);
    io_write(io, IOREDTBL(pin) + 1, (uint32_t)lapic_id() << 24);
    io_write(io, IOREDTBL(pin), lo | (masked ? IOAPIC_RTE_MASKED : 0));
    local_irq_restore(f);
    return 0;
}

void ioapic_mask_gsi(unsigned gsi, bool mask)
{
    unsigned pin;
    struct ioapic *io = ioapic_for(gsi, &pin);
    if (!io)
        return;
    unsigned long f = local_irq_save();
    uint32_t lo = io_read(io, IOREDTBL(pin));
    lo = mask ? lo | IOAPIC_RTE_MASKED : lo & ~IOAPIC_RTE_MASKED;
    io_write(io, IOREDTBL(pin), lo);
    local_irq_restore(f);
}

static void ioapic_add(uint8_t id, uint32_t phys, uint32_t gsi_base)
{
    if (nr_ioapics == ARRAY_SIZE(ioapics))
        return;
    struct ioapic *io = &ioapics[nr_ioapics];
    io->base = ioremap(phys, PAGE_SIZE);
    if (!io->base) {
        pr_err("ioapic: cannot map IOAPIC %u at %#x\n", id, phys);
        return;
    }
    io->phys = phys;
    io->id = id;
    io->gsi_base = gsi_base;
    io->nr_pins = ((io_read(io, IOAPICVER) >> 16) & 0xff) + 1;
    /* Start from silence: every line masked until someone asks for it. */
    for (unsigned pin = 0; pin < io->nr_pins; pin++) {
        io_write(io, IOREDTBL(pin), IOAPIC_RTE_MASKED);
        io_write(io, IOREDTBL(pin) + 1, 0);
    }
    nr_ioapics++;
    printk("ioapic: id %u at %#x, GSIs %u-%u, all masked\n",
           id, phys, gsi_base, gsi_base + io->nr_pins - 1);
}

void ioapic_init(void)
{
    if (acpi.have_madt && acpi.nioapic > 0) {
        for (int i = 0; i < acpi.nioapic; i++)
            ioapic_add(acpi.ioapic[i].id, acpi.ioapic[i].addr, acpi.ioapic[i].gsi_base);
    } else {
        pr_warn("ioapic: no MADT; assuming one IOAPIC at %#x\n", IOAPIC_DEFAULT_PHYS);
        ioapic_add(0, IOAPIC_DEFAULT_PHYS, 0);
    }
}

/* Numbers below 16 without IRQF_LEVEL_LOW are ISA IRQs (the MADT may move them and
 * change their polarity/trigger); everything else is a GSI as the PCI code computed it. */
static unsigned resolve_line(unsigned line, unsigned flags, bool *level, bool *active_low)
{
    if (line < 16 && !(flags & IRQF_LEVEL_LOW))
        return acpi_isa_to_gsi((uint8_t)line, level, active_low);
    *level = *active_low = (flags & IRQF_LEVEL_LOW) != 0;
    return line;
}

int request_irq(unsigned line, unsigned flags, irq_handler_t fn, void *data, const char *name)
{
    if (!fn)
        return -EINVAL;
    bool level, active_low;
    unsigned gsi = resolve_line(line, flags, &level, &active_low);
    if (!ioapic_has_gsi(gsi))
        return -EINVAL;
    bool shared = flags & IRQF_SHARED;
    struct gsi_route *rt = &gsi_routes[gsi];

    unsigned long f = local_irq_save();
    int r;
    if (rt->vector) {
        /* Another driver holds the line: join only if both sides agreed to share and
         * the line's electrical setup is the same. */
        if (!shared || !rt->shared || rt->level != level || rt->active_low != active_low)
            r = -EBUSY;
        else if ((r = irq_add_action(rt->vector, fn, data, name, true)) == 0)
            r = rt->vector;
        local_irq_restore(f);
        return r;
    }
    int vector = irq_alloc_vector();
    if (!vector) {
        local_irq_restore(f);
        return -ENOSPC;
    }
    r = irq_add_action(vector, fn, data, name, shared);
    if (r < 0) {
        irq_free_vector(vector);
        local_irq_restore(f);
        return r;
    }
    *rt = (struct gsi_route){ vector, shared, level, active_low };
    ioapic_route_gsi(gsi, vector, level, active_low, false);
    local_irq_restore(f);
    return vector;
}

void free_irq(int vector, void *data)
{
    unsigned long f = local_irq_save();
    int left = irq_remove_action(vector, data);
    /* Last handler gone: silence the line and give its vector back. */
    for (unsigned gsi = 0; left == 0 && gsi < MAX_GSI; gsi++) {
        if (gsi_routes[gsi].vector != vector)
            continue;
        ioapic_mask_gsi(gsi, true);
        gsi_routes[gsi] = (struct gsi_route){ 0 };
        irq_free_vector(vector);
        break;
    }
    local_irq_restore(f);
}
