/* kernel/arch/gdt.c - the long-mode GDT and TSS (Intel SDM vol. 3, 3.4.5 and 7.7). */
#include "kernel/arch/gdt.h"
#include "kernel/lib/string.h"

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __packed;

static struct tss tss;
static uint64_t gdt[7];
static uint8_t df_stack[8192] __aligned(16);

struct gdt_ptr { uint16_t limit; uint64_t base; } __packed;

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[1] = 0x00209a0000000000ull;   /* kernel code: P, DPL0, code, L */
    gdt[2] = 0x0000920000000000ull;   /* kernel data: P, DPL0, writable */
    gdt[3] = 0x0000f20000000000ull;   /* user data: P, DPL3, writable */
    gdt[4] = 0x0020fa0000000000ull;   /* user code: P, DPL3, code, L */
    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
    gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[6] = base >> 32;

    memset(&tss, 0, sizeof(tss));
    tss.iomap_base = sizeof(tss);     /* no I/O bitmap: ring 3 gets no port access */
    tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(df_stack + sizeof(df_stack));

    struct gdt_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "mov %1, %%ds\n\t"
        "mov %1, %%es\n\t"
        "mov %1, %%ss\n\t"
        "pushq %2\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "ltr %w3"
        :: "m"(p), "r"((uint64_t)KERNEL_DS), "i"(KERNEL_CS), "r"(TSS_SEL)
        : "rax", "memory");
}

void tss_set_kernel_stack(uint64_t rsp0) { tss.rsp[0] = rsp0; }
