/* kernel/mm/mm_ktest.c - in-kernel tests of memory management (test=mm): the allocators
 * under stress on real memory, DMA memory as a device would see it, the page-table
 * layout paging_init built, ioremap of a real device register, and (when the exception
 * layer is in) that NULL, NX and read-only mappings really fault. */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/irq.h"
#include "kernel/arch/x86.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

extern char __text_start[], __cmdkeys_start[], __bss_start[];

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Each word holds its own address mixed with a per-object salt: an overlap or a stray
 * write shows up as a word that does not match. */
static void fill(void *p, size_t n, uint64_t salt)
{
    uint64_t *w = p;
    for (size_t i = 0; i < n / 8; i++)
        w[i] = ((uintptr_t)&w[i]) ^ salt;
}

static bool check(const void *p, size_t n, uint64_t salt)
{
    const uint64_t *w = p;
    for (size_t i = 0; i < n / 8; i++)
        if (w[i] != (((uintptr_t)&w[i]) ^ salt))
            return false;
    return true;
}

#define PA_LIVE 256

/* Interrupts stay masked while counters are compared, so that a driver allocating from
 * its interrupt handler cannot make the baseline move under the test. */
KTEST(mm, page_alloc_stress_pattern_no_leak)
{
    static struct { phys_addr_t p; unsigned order; uint64_t salt; } live[PA_LIVE];
    unsigned long f = local_irq_save();
    uint64_t free0 = pages_free();
    struct page_alloc_stats s0, s1;
    page_alloc_get_stats(&s0);
    int n = 0, bad = 0, misaligned = 0;
    for (int step = 0; step < 3000; step++) {
        if (n == 0 || (n < PA_LIVE && rnd() % 100 < 55)) {
            unsigned order = rnd() % 100 < 70 ? 0 : rnd() % 6;
            phys_addr_t p = alloc_pages(order);
            if (!p)
                continue;
            if (p & ((PAGE_SIZE << order) - 1))
                misaligned++;
            uint64_t salt = rnd();
            fill(phys_to_virt(p), PAGE_SIZE << order, salt);
            live[n].p = p;
            live[n].order = order;
            live[n].salt = salt;
            n++;
        } else {
            int i = (int)(rnd() % n);
            if (!check(phys_to_virt(live[i].p), PAGE_SIZE << live[i].order, live[i].salt))
                bad++;
            free_pages(live[i].p, live[i].order);
            live[i] = live[--n];
        }
    }
    while (n > 0) {
        n--;
        if (!check(phys_to_virt(live[n].p), PAGE_SIZE << live[n].order, live[n].salt))
            bad++;
        free_pages(live[n].p, live[n].order);
    }
    page_alloc_get_stats(&s1);
    uint64_t free1 = pages_free();
    local_irq_restore(f);
    KT_EXPECT_EQ(bad, 0);
    KT_EXPECT_EQ(misaligned, 0);
    KT_EXPECT_EQ(free1, free0);
    KT_EXPECT_EQ(s1.bad_frees, s0.bad_frees);
    KT_EXPECT_EQ(s1.allocs - s0.allocs, s1.frees - s0.frees);
}

#define KM_LIVE 512

KTEST(mm, kmalloc_stress_pattern_no_leak)
{
    static struct { void *p; size_t size; uint64_t salt; } live[KM_LIVE];
    unsigned long f = local_irq_save();
    uint64_t free0 = pages_free();
    struct kmalloc_stats s0, s1;
    kmalloc_get_stats(&s0);
    int n = 0, bad = 0, misaligned = 0, short_ = 0;
    for (int step = 0; step < 6000; step++) {
        if (n == 0 || (n < KM_LIVE && rnd() % 100 < 55)) {
            unsigned r = rnd() % 100;
            size_t size = r < 60 ? 1 + rnd() % 256 : r < 95 ? 1 + rnd() % 4096 : 1 + rnd() % 70000;
            void *p = kmalloc(size);
            if (!p)
                continue;
            size_t cap = ksize(p);
            if (cap < size)
                short_++;
            if ((uintptr_t)p & (MIN(cap, (size_t)PAGE_SIZE) - 1))
                misaligned++;
            uint64_t salt = rnd();
            fill(p, cap, salt);
            live[n].p = p;
            live[n].size = cap;
            live[n].salt = salt;
            n++;
        } else {
            int i = (int)(rnd() % n);
            if (!check(live[i].p, live[i].size, live[i].salt))
                bad++;
            kfree(live[i].p);
            live[i] = live[--n];
        }
    }
    while (n > 0) {
        n--;
        if (!check(live[n].p, live[n].size, live[n].salt))
            bad++;
        kfree(live[n].p);
    }
    kmalloc_get_stats(&s1);
    uint64_t free1 = pages_free();
    local_irq_restore(f);
    KT_EXPECT_EQ(bad, 0);
    KT_EXPECT_EQ(short_, 0);
    KT_EXPECT_EQ(misaligned, 0);
    KT_EXPECT_EQ(s1.bytes_in_use, s0.bytes_in_use);
    KT_EXPECT_EQ(s1.allocs - s0.allocs, s1.frees - s0.frees);
    KT_EXPECT_EQ(s1.bad_frees, s0.bad_frees);
    KT_EXPECT_EQ(free1, free0);
}

KTEST(mm, kfree_double_free_is_refused)
{
    struct kmalloc_stats s0, s1;
    kmalloc_get_stats(&s0);
    char *a = kmalloc(64);
    KT_ASSERT(a != NULL);
    kfree(a);
    printk("ktest: (a 'bad kfree' error follows on purpose)\n");
    kfree(a);
    kmalloc_get_stats(&s1);
    KT_EXPECT_EQ(s1.bad_frees, s0.bad_frees + 1);
    KT_EXPECT_EQ(s1.frees, s0.frees + 1);
}

/* DMA memory as the NIC sees it: the physical address the page tables really map, every
 * page of the block contiguous, aligned as asked, zeroed. */
KTEST(mm, dma_alloc_coherent_aligned_contiguous)
{
    static const size_t cases[][2] = {
        { 16 * 16, 128 },          /* a small descriptor ring */
        { 256 * 16, 128 },         /* 256 descriptors */
        { 1024 * 16, 128 },        /* 1024 descriptors: 16 KiB, four pages */
        { 2048, 2048 },            /* a receive buffer */
        { 100, 0 },
        { 65536, 65536 },
    };
    struct kmalloc_stats s0, s1;
    kmalloc_get_stats(&s0);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        size_t size = cases[i][0], align = cases[i][1];
        dma_addr_t dma = 0;
        uint8_t *v = dma_alloc_coherent(size, align, &dma);
        KT_ASSERT_MSG(v != NULL, "dma_alloc_coherent(%zu, %zu) failed", size, align);
        KT_ASSERT_MSG(!align || (dma & (align - 1)) == 0, "dma %#llx not %zu-aligned",
                      (unsigned long long)dma, align);
        KT_EXPECT_EQ(dma, virt_to_phys(v));
        KT_ASSERT((uintptr_t)v >= PHYS_OFFSET && (uintptr_t)v < IOREMAP_BASE);
        for (size_t off = 0; off < size; off += PAGE_SIZE) {
            phys_addr_t pa = 0;
            uint64_t flags = 0;
            KT_ASSERT_MSG(mm_lookup((uintptr_t)v + off, &pa, &flags) != 0, "not mapped");
            KT_ASSERT_MSG(pa == dma + off, "page at +%zu maps %#llx, expected %#llx", off,
                          (unsigned long long)pa, (unsigned long long)(dma + off));
            KT_ASSERT(flags & PTE_WRITE);
            KT_ASSERT(!(flags & (PTE_PCD | PTE_PWT)));       /* write-back */
        }
        for (size_t k = 0; k < size; k++)
            KT_ASSERT_MSG(v[k] == 0, "byte %zu not zeroed", k);
        memset(v, 0xee, size);
        dma_free_coherent(v, size);
    }
    kmalloc_get_stats(&s1);
    KT_EXPECT_EQ(s1.bytes_in_use, s0.bytes_in_use);
}

/* The layout paging_init promised. */
KTEST(mm, page_table_layout)
{
    phys_addr_t pa;
    uint64_t flags;
    /* nothing low: the boot identity map is gone */
    KT_EXPECT_EQ(mm_lookup(0, &pa, &flags), 0);
    KT_EXPECT_EQ(mm_lookup(0x100000, &pa, &flags), 0);
    KT_EXPECT_EQ(mm_lookup(0x7ffffffff000ull, &pa, &flags), 0);
    bool nx = nx_enabled();

    /* kernel code: read-only, executable */
    KT_ASSERT(mm_lookup((uintptr_t)__text_start, &pa, &flags) == PAGE_SIZE);
    KT_EXPECT_EQ(pa, virt_to_phys(__text_start));
    KT_ASSERT(!(flags & PTE_WRITE) && !(flags & PTE_NX));
    /* .rodata: read-only, not executable */
    KT_ASSERT(mm_lookup((uintptr_t)__cmdkeys_start, &pa, &flags) == PAGE_SIZE);
    KT_ASSERT(!(flags & PTE_WRITE));
    KT_ASSERT(!nx || (flags & PTE_NX));
    /* .bss: writable, not executable */
    KT_ASSERT(mm_lookup((uintptr_t)__bss_start, &pa, &flags) == PAGE_SIZE);
    KT_ASSERT((flags & PTE_WRITE) && (!nx || (flags & PTE_NX)));

    /* the direct map: write-back, writable, not executable, same frame as the image */
    uint64_t size = mm_lookup((uintptr_t)phys_to_virt(virt_to_phys(__text_start)), &pa, &flags);
    KT_ASSERT(size != 0);
    KT_EXPECT_EQ(pa, virt_to_phys(__text_start));
    KT_ASSERT((flags & PTE_WRITE) && !(flags & (PTE_PCD | PTE_PWT)));
    KT_ASSERT(!nx || (flags & PTE_NX));
    /* memory well inside RAM is mapped with large pages */
    phys_addr_t p = alloc_pages(MAX_ORDER);
    KT_ASSERT(p != 0);
    size = mm_lookup((uintptr_t)phys_to_virt(p), &pa, &flags);
    free_pages(p, MAX_ORDER);
    KT_ASSERT_MSG(size >= (2ull << 20), "a 4 MiB block is mapped with %llu-byte pages",
                  (unsigned long long)size);
    KT_EXPECT_EQ(pa, p);
}

/* ioremap of the local APIC: uncached, and its version register reads like an APIC's
 * (Intel SDM vol. 3A, 10.4.8: version 1xh for an integrated APIC, max LVT entry >= 3). */
KTEST(mm, ioremap_lapic_version)
{
    const phys_addr_t lapic = 0xfee00000;
    volatile uint8_t *regs = ioremap(lapic, PAGE_SIZE);
    KT_ASSERT(regs != NULL);
    KT_ASSERT((uintptr_t)regs >= IOREMAP_BASE && (uintptr_t)regs < IOREMAP_BASE + IOREMAP_SIZE);
    phys_addr_t pa;
    uint64_t flags;
    KT_ASSERT(mm_lookup((uintptr_t)regs, &pa, &flags) == PAGE_SIZE);
    KT_EXPECT_EQ(pa, lapic);
    KT_ASSERT((flags & PTE_PCD) && (flags & PTE_PWT) && (flags & PTE_WRITE));
    KT_ASSERT(!nx_enabled() || (flags & PTE_NX));
    /* the guard page after the mapping is not mapped */
    KT_EXPECT_EQ(mm_lookup((uintptr_t)regs + PAGE_SIZE, &pa, &flags), 0);

    const uint64_t apic_base_msr = rdmsr(0x1b);                /* IA32_APIC_BASE */
    if (apic_base_msr & BIT(10)) {
        printk("ktest: (LAPIC in x2APIC mode: MMIO registers are off, version not read)\n");
    } else {
        uint32_t ver = readl(regs + 0x30);
        unsigned version = ver & 0xff, maxlvt = (ver >> 16) & 0xff;
        KT_ASSERT_MSG(version >= 0x10 && version <= 0x15 && maxlvt >= 3 && maxlvt <= 8,
                      "LAPIC version register %#x", ver);
    }
    iounmap((void *)regs, PAGE_SIZE);
    KT_EXPECT_EQ(mm_lookup((uintptr_t)regs, &pa, &flags), 0);

    /* an unaligned small request maps exactly the page(s) it touches */
    volatile uint8_t *r2 = ioremap(lapic + 0x30, 4);
    KT_ASSERT(r2 != NULL);
    KT_EXPECT_EQ((uintptr_t)r2 & (PAGE_SIZE - 1), 0x30);
    iounmap((void *)r2, 4);
}

KTEST(mm, memremap_ram_is_the_direct_map)
{
    phys_addr_t p = alloc_page();
    KT_ASSERT(p != 0);
    void *v = memremap(p, 100);
    KT_EXPECT_EQ((uintptr_t)v, (uintptr_t)phys_to_virt(p));
    iounmap(v, 100);                     /* a no-op for RAM */
    KT_ASSERT(mm_lookup((uintptr_t)phys_to_virt(p), NULL, NULL) != 0);
    free_page(p);
    /* the BIOS area is not RAM: it gets a write-back window mapping */
    const uint8_t *bios = memremap(0xf0000, 0x10000);
    KT_ASSERT(bios != NULL);
    KT_ASSERT((uintptr_t)bios >= IOREMAP_BASE);
    uint64_t flags;
    KT_ASSERT(mm_lookup((uintptr_t)bios + 0xfff0, NULL, &flags) == PAGE_SIZE);
    KT_ASSERT(!(flags & (PTE_PCD | PTE_PWT)));
    /* The reset vector: a jump, far (EAh, SeaBIOS) or near (E9h, after two NOPs in OVMF,
     * whose image QEMU also shows below 1 MiB). */
    int at = 0xfff0;
    while (at < 0xfff4 && bios[at] == 0x90)
        at++;
    uint8_t reset_vector_byte = bios[at];
    iounmap((void *)bios, 0x10000);
    KT_ASSERT_MSG(reset_vector_byte == 0xea || reset_vector_byte == 0xe9,
                  "byte at f000:fff0 is %#x", reset_vector_byte);
}

/* --- faults, through the exception layer's test hook --- */

static uint64_t fixup_rip;
static bool unwind_call;         /* the fault happened right after a call pushed 8 bytes */
static struct { int hits; uint64_t vector, error, cr2; } seen;

static void fault_hook(struct pt_regs *r)
{
    seen.hits++;
    seen.vector = r->vector;
    seen.error = r->error_code;
    seen.cr2 = read_cr2();
    r->rip = fixup_rip;
    if (unwind_call)
        r->rsp += 8;
}

/* The hook only helps if a real IDT with a 64-bit page-fault gate is loaded. */
static bool exceptions_catchable(void)
{
    struct { uint16_t limit; uint64_t base; } __packed idtr;
    __asm__ volatile("sidt %0" : "=m"(idtr));
    if (idtr.limit < 15 * 16 - 1 || idtr.base < KERNEL_VMA ||
        !mm_lookup(idtr.base + 14 * 16, NULL, NULL))
        return false;
    const uint8_t *gate = (const uint8_t *)(uintptr_t)(idtr.base + 14 * 16);
    uint64_t handler = (uint64_t)(gate[0] | gate[1] << 8) | (uint64_t)(gate[6] | gate[7] << 8) << 16 |
                       (uint64_t)(gate[8] | gate[9] << 8 | gate[10] << 16 | (uint32_t)gate[11] << 24) << 32;
    return (gate[5] & 0x80) && handler >= KERNEL_VMA;
}

static void arm(void)
{
    memset(&seen, 0, sizeof(seen));
    unwind_call = false;
    exception_test_hook = fault_hook;
}

#define PF_PRESENT BIT(0)
#define PF_WRITE   BIT(1)
#define PF_INSTR   BIT(4)

KTEST(mm, null_nx_and_readonly_fault)
{
    if (!exceptions_catchable()) {
        printk("ktest: (no exception handlers yet: fault checks skipped)\n");
        return;
    }
    /* a NULL-pointer read */
    uint64_t val;
    arm();
    __asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
                     "movq %%rax, %1\n\t"
                     "movq 8(%2), %0\n"
                     "1:" : "=&r"(val), "=m"(fixup_rip) : "r"(0ul) : "rax", "memory");
    KT_EXPECT_EQ(seen.hits, 1);
    KT_EXPECT_EQ(seen.vector, 14);
    KT_EXPECT_EQ(seen.cr2, 8);
    KT_EXPECT_EQ(seen.error & PF_PRESENT, 0);

    /* a write to kernel code (CR0.WP makes read-only binding for ring 0 too) */
    volatile uint8_t *text = (volatile uint8_t *)__text_start;
    arm();
    __asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
                     "movq %%rax, %0\n\t"
                     "movb (%1), %%cl\n\t"
                     "movb %%cl, (%1)\n"             /* same byte back: harmless if it lands */
                     "1:" : "=m"(fixup_rip) : "r"(text) : "rax", "rcx", "memory");
    KT_EXPECT_EQ(seen.hits, 1);
    KT_EXPECT_EQ(seen.vector, 14);
    KT_EXPECT_EQ(seen.cr2, (uintptr_t)text);
    KT_EXPECT_EQ(seen.error & (PF_PRESENT | PF_WRITE), PF_PRESENT | PF_WRITE);

    if (!nx_enabled()) {
        printk("ktest: (CPU without NX: execute check skipped)\n");
        return;
    }
    /* calling into heap memory (a lone 'ret': if NX failed, it simply returns) */
    uint8_t *code = kmalloc(64);
    KT_ASSERT(code != NULL);
    code[0] = 0xc3;
    arm();
    unwind_call = true;
    __asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
                     "movq %%rax, %0\n\t"
                     "call *%1\n"
                     "1:" : "=m"(fixup_rip) : "r"(code) : "rax", "memory");
    kfree(code);
    KT_EXPECT_EQ(seen.hits, 1);
    KT_EXPECT_EQ(seen.vector, 14);
    KT_EXPECT_EQ(seen.cr2, (uintptr_t)code);
    KT_EXPECT_EQ(seen.error & (PF_PRESENT | PF_INSTR), PF_PRESENT | PF_INSTR);
}

/* The string moves (kernel/lib/string.c) on this CPU's path (rep movsb where FSRM says
 * it is fast, eight bytes per iteration otherwise): every length 0-300 and a few large
 * ones, at every source/destination alignment 0-7, against a byte loop; no byte beside
 * the destination touched. */
KTEST(mm, memcpy_memset_every_length_and_alignment)
{
    static uint8_t src[4200], dst[4200 + 32];
    for (unsigned i = 0; i < sizeof(src); i++)
        src[i] = (uint8_t)(i * 31 + 7);
    static const unsigned big[] = { 511, 512, 1448, 1500, 4096 };
    for (unsigned k = 0; k < 301 + ARRAY_SIZE(big); k++) {
        unsigned n = k < 301 ? k : big[k - 301];
        for (unsigned sa = 0; sa < 8; sa++)
            for (unsigned da = 0; da < 8; da++) {
                for (unsigned i = 0; i < n + 32; i++)
                    dst[i] = 0xa5;
                KT_ASSERT(memcpy(dst + 8 + da, src + sa, n) == dst + 8 + da);
                for (unsigned i = 0; i < n + 32; i++) {
                    uint8_t want = (i >= 8 + da && i < 8 + da + n) ? src[sa + i - 8 - da] : 0xa5;
                    KT_ASSERT_MSG(dst[i] == want, "memcpy n %u sa %u da %u byte %u", n, sa, da, i);
                }
                KT_ASSERT(memset(dst + 8 + da, 0x3c, n) == dst + 8 + da);
                for (unsigned i = 0; i < n + 32; i++) {
                    uint8_t want = (i >= 8 + da && i < 8 + da + n) ? 0x3c : 0xa5;
                    KT_ASSERT_MSG(dst[i] == want, "memset n %u da %u byte %u", n, da, i);
                }
            }
    }
}
