/* kernel/arch/irq.c - where every interrupt lands: per-vector handler table with names
 * and counters (the /proc/interrupts view), the device vector allocator, and the
 * irq-entry/irq-exit bookkeeping (hardirq depth, EOI, softirqs on the way out). */
#include "kernel/irq.h"
#include "kernel/arch/irq_internal.h"
#include "kernel/arch/vector_map.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/x86.h"
#include "kernel/softirq.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

/* entry.S builds the frame by hand: the struct must match it word for word. */
STATIC_ASSERT(offsetof(struct pt_regs, rax) == 14 * 8, "pt_regs GPR block");
STATIC_ASSERT(offsetof(struct pt_regs, vector) == 120, "pt_regs vector offset");
STATIC_ASSERT(offsetof(struct pt_regs, error_code) == 128, "pt_regs error code offset");
STATIC_ASSERT(offsetof(struct pt_regs, cs) == 144, "pt_regs cs offset");
STATIC_ASSERT(sizeof(struct pt_regs) == 22 * 8, "pt_regs size");

#define LEGACY_PIC_FIRST 32
#define LEGACY_PIC_LAST  47

struct irq_action {
    irq_handler_t fn;
    void *data;
    const char *name;
};

struct irq_desc {
    struct irq_action action[IRQ_MAX_SHARED];
    int nr_action;
    bool shared;
    char name[40];           /* the handlers' names joined with ',' */
};

unsigned int hardirq_depth;
static struct irq_desc irq_desc[256];
static uint64_t irq_counts[256];
static uint64_t irq_unhandled;       /* device vector fired with no handler attached */
static struct vector_map device_vectors;
static bool vectors_ready;

static void vectors_init_once(void)
{
    if (!vectors_ready) {
        vector_map_init(&device_vectors, IRQ_VECTOR_FIRST_DEVICE, IRQ_VECTOR_LAST_DEVICE);
        vectors_ready = true;
    }
}

int irq_alloc_vector(void)
{
    unsigned long f = local_irq_save();
    vectors_init_once();
    int v = vector_map_alloc(&device_vectors);
    local_irq_restore(f);
    return v;
}

void irq_free_vector(int vector)
{
    unsigned long f = local_irq_save();
    vectors_init_once();
    if (irq_desc[vector & 0xff].nr_action)
        pr_warn("irq: vector %d freed with handlers still attached\n", vector);
    if (vector_map_free(&device_vectors, vector) < 0)
        pr_warn("irq: freeing vector %d that was not allocated\n", vector);
    local_irq_restore(f);
}

bool irq_vector_allocated(int vector)
{
    vectors_init_once();
    return vector_map_test(&device_vectors, vector);
}

/* Vectors a handler may be attached to: allocated device vectors, and the fixed system
 * vectors above the device range (timer, APIC error). Exceptions, the legacy PIC range
 * and the spurious vector have fixed meanings here. */
static bool vector_attachable(int vector)
{
    if (vector >= IRQ_VECTOR_FIRST_DEVICE && vector <= IRQ_VECTOR_LAST_DEVICE)
        return irq_vector_allocated(vector);
    return vector > IRQ_VECTOR_LAST_DEVICE && vector < IRQ_VECTOR_SPURIOUS;
}

static void rebuild_name(struct irq_desc *d)
{
    d->name[0] = '\0';
    size_t n = 0;
    for (int i = 0; i < d->nr_action; i++) {
        const char *s = d->action[i].name ? d->action[i].name : "?";
        if (i && n + 1 < sizeof(d->name))
            d->name[n++] = ',';
        n += strlcpy(d->name + n, s, sizeof(d->name) - n);
        if (n >= sizeof(d->name))
            break;
    }
}

int irq_add_action(int vector, irq_handler_t fn, void *data, const char *name, bool shared)
{
    if (!fn || vector < 0 || vector > 255 || !vector_attachable(vector))
        return -EINVAL;
    int r = 0;
    unsigned long f = local_irq_save();
    struct irq_desc *d = &irq_desc[vector];
    if (d->nr_action && (!shared || !d->shared))
        r = -EBUSY;
    else if (d->nr_action == IRQ_MAX_SHARED)
        r = -EBUSY;
    if (r == 0) {
        d->action[d->nr_action++] = (struct irq_action){ fn, data, name };
        d->shared = shared;
        rebuild_name(d);
    }
    local_irq_restore(f);
    return r;
}

int irq_remove_action(int vector, void *data)
{
    if (vector < 0 || vector > 255)
        return -ENOENT;
    int r = -ENOENT;
    unsigned long f = local_irq_save();
    struct irq_desc *d = &irq_desc[vector];
    for (int i = 0; i < d->nr_action; i++) {
        if (d->action[i].data != data)
            continue;
        for (int j = i; j + 1 < d->nr_action; j++)
            d->action[j] = d->action[j + 1];
        d->nr_action--;
        if (!d->nr_action)
            d->shared = false;
        rebuild_name(d);
        r = d->nr_action;
        break;
    }
    local_irq_restore(f);
    return r;
}

int request_vector(int vector, irq_handler_t fn, void *data, const char *name)
{
    return irq_add_action(vector, fn, data, name, false);
}

void free_vector(int vector)
{
    if (vector < 0 || vector > 255)
        return;
    unsigned long f = local_irq_save();
    struct irq_desc *d = &irq_desc[vector];
    d->nr_action = 0;
    d->shared = false;
    d->name[0] = '\0';
    local_irq_restore(f);
}

uint64_t irq_count(int vector)
{
    return vector >= 0 && vector <= 255 ? READ_ONCE(irq_counts[vector]) : 0;
}

const char *irq_name(int vector)
{
    if (vector < 0 || vector > 255)
        return "";
    if (vector < 32)
        return exception_name(vector);
    if (vector <= LEGACY_PIC_LAST)
        return "PIC-spurious";
    if (vector == IRQ_VECTOR_SPURIOUS)
        return "LAPIC-spurious";
    return irq_desc[vector].name;
}

void irq_print_stats(void)
{
    /* /proc/interrupts' shape: the vector where Linux has the IRQ number */
    printk("            CPU0\n");
    for (int v = 0; v < 256; v++) {
        uint64_t n = irq_count(v);
        bool attached = v >= 32 && irq_desc[v].nr_action;
        if (!n && !attached)
            continue;
        printk("%4d: %10llu   %s\n", v, (unsigned long long)n, irq_name(v));
    }
    if (irq_unhandled)
        printk("  unhandled device interrupts: %llu\n", (unsigned long long)irq_unhandled);
}

/* Called from entry.S with interrupts off (every IDT entry is an interrupt gate). */
void interrupt_dispatch(struct pt_regs *regs)
{
    unsigned vector = regs->vector & 0xff;
    irq_counts[vector]++;

    if (vector < 32) {
        do_exception(regs);
        return;
    }
    /* Legacy PIC range and the LAPIC spurious vector: counted above, otherwise ignored.
     * A spurious interrupt (8259 IRQ7/15, or the LAPIC's own, SDM vol. 3A 11.9) sets no
     * in-service bit and must not be EOIed, or the EOI would retire some other vector.
     * Only if the LAPIC really has the vector in service (a misprogrammed MSI or IPI)
     * is the EOI sent, so that it cannot block its priority class for good. */
    if (vector <= LEGACY_PIC_LAST || vector == IRQ_VECTOR_SPURIOUS) {
        if (lapic_in_service((int)vector))
            lapic_eoi();
        return;
    }

    hardirq_depth++;
    struct irq_desc *d = &irq_desc[vector];
    if (d->nr_action == 0)
        irq_unhandled++;
    for (int i = 0; i < d->nr_action; i++)
        d->action[i].fn(d->action[i].data, regs);
    lapic_eoi();
    hardirq_depth--;

    /* Irq exit: deferred work runs here, after the EOI and outside the hard irq, with
     * this frame still on the stack. do_softirq() itself refuses to nest. */
    if (hardirq_depth == 0)
        do_softirq();
}
