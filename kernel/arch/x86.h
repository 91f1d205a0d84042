/* kernel/arch/x86.h - the x86_64 instructions C code needs: port and MSR access, TSC,
 * interrupt flag, control registers, memory barriers for device memory.
 * Hosted unit tests (WP_HOSTED) get harmless stand-ins for the interrupt flag and barriers
 * so that pure logic using them compiles for Linux. */
#ifndef WP_ARCH_X86_H
#define WP_ARCH_X86_H

#include "kernel/compiler.h"

#ifndef WP_HOSTED
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void io_wait(void) { outb(0x80, 0); }

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void invlpg(uintptr_t va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }

static inline uint64_t read_rflags(void) { uint64_t f; __asm__ volatile("pushfq; popq %0" : "=r"(f)); return f; }
static inline void local_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline bool irqs_disabled(void) { return !(read_rflags() & (1u << 9)); }
static inline unsigned long local_irq_save(void)
{
    unsigned long f = read_rflags();
    local_irq_disable();
    return f;
}
static inline void local_irq_restore(unsigned long f) { if (f & (1u << 9)) local_irq_enable(); }

/* Sleep until the next interrupt. sti;hlt is atomic: an interrupt that arrives
 * between the two still wakes the hlt, so no wakeup is lost. */
static inline void safe_halt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void halt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

/* Ordering for descriptor rings: device-visible writes before the doorbell (wmb),
 * DD/status reads before reading the rest of the descriptor (rmb). */
static inline void mb(void)  { __asm__ volatile("mfence" ::: "memory"); }
static inline void wmb(void) { __asm__ volatile("sfence" ::: "memory"); }
static inline void rmb(void) { __asm__ volatile("lfence" ::: "memory"); }

/* 32-bit MMIO accessors: device registers must be read and written as aligned dwords. */
static inline uint32_t readl(const volatile void *addr) { return *(const volatile uint32_t *)addr; }
static inline void writel(uint32_t v, volatile void *addr) { *(volatile uint32_t *)addr = v; }
static inline uint64_t readq(const volatile void *addr) { return *(const volatile uint64_t *)addr; }
static inline void writeq(uint64_t v, volatile void *addr) { *(volatile uint64_t *)addr = v; }

#else /* WP_HOSTED: single-threaded test process, nothing to mask */
static inline unsigned long local_irq_save(void) { return 0; }
static inline void local_irq_restore(unsigned long f) { (void)f; }
static inline void local_irq_disable(void) {}
static inline void local_irq_enable(void) {}
static inline bool irqs_disabled(void) { return false; }
static inline void mb(void)  { __sync_synchronize(); }
static inline void wmb(void) { __sync_synchronize(); }
static inline void rmb(void) { __sync_synchronize(); }
static inline void cpu_relax(void) {}
static inline uint32_t readl(const volatile void *addr) { return *(const volatile uint32_t *)addr; }
static inline void writel(uint32_t v, volatile void *addr) { *(volatile uint32_t *)addr = v; }
#endif

#endif
