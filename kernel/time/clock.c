/* kernel/time/clock.c - the kernel's clock: the TSC, calibrated once against the PIT at
 * boot, read as monotonic nanoseconds since kernel entry (ktime_get_ns), and the busy
 * delays for hardware bring-up. One CPU, so the TSC needs no synchronisation. */
#include "kernel/time.h"
#include "kernel/time/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/printk.h"

/* Without a frequency from CPUID: the median of three sharp 2 ms PIT windows. A window
 * is trusted only when its edges are known within 0.1% (window_sharp); the first one
 * after boot is usually blurred (under TCG the polling loop is still being translated)
 * and is refused, not averaged in. Measured under QEMU TCG the sharp 2 ms windows agree
 * with 10 ms ones within 0.01%, and they cost 6-10 ms of boot instead of 50-100 ms. */
#define CAL_WINDOWS   3       /* sharp windows wanted */
#define CAL_MAX_TRIES 15
#define CAL_WINDOW_MS 2

static uint64_t tsc_freq_khz;     /* 0 until time_init() */
static uint64_t tsc_mult;         /* ns per cycle, 32.32 fixed point; 0 until time_init() */

uint64_t tsc_khz(void) { return tsc_freq_khz; }
uint64_t tsc_to_ns(uint64_t tsc_delta) { return tsc_cycles_to_ns(tsc_delta, tsc_mult); }

/* 0 before calibration (mult is 0); never divides. */
uint64_t ktime_get_ns(void)
{
    return tsc_cycles_to_ns(rdtsc() - boot_tsc, tsc_mult);
}

void udelay(uint64_t us)
{
    if (!tsc_freq_khz) {
        /* Before calibration: a write to the POST port takes about 1 us on PC chipsets. */
        for (uint64_t i = 0; i < us; i++)
            io_wait();
        return;
    }
    uint64_t cycles = tsc_ns_to_cycles(us * NSEC_PER_USEC, tsc_freq_khz);
    uint64_t start = rdtsc();
    while (rdtsc() - start < cycles)
        cpu_relax();
}

void mdelay(uint64_t ms)
{
    while (ms--)
        udelay(1000);
}

/* CPUID leaf 0x16 (processor base frequency, MHz) as a last resort when the PIT does not
 * work; 0 when the CPU does not report it. */
static uint64_t cpuid_tsc_khz(void)
{
    uint32_t a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    if (a < 0x16)
        return 0;
    cpuid(0x16, 0, &a, &b, &c, &d);
    return (uint64_t)(a & 0xffff) * 1000;
}

/* Frequencies the CPU (or the hypervisor) states, in kHz; 0 when it states none.
 *   tsc:   hypervisor leaf 0x40000010 EAX (VMware's, also offered by QEMU/KVM), else
 *          leaf 0x15: crystal Hz (ECX) * EBX / EAX (Intel SDM vol. 2A, CPUID 15H)
 *   lapic: leaf 0x40000010 EBX (the APIC bus), else the crystal (leaf 0x15 ECX), which
 *          is what the LAPIC timer counts on the CPUs that report leaf 0x15 */
struct cpuid_clocks { uint64_t tsc_khz, lapic_khz; };

static struct cpuid_clocks cpuid_clocks(void)
{
    struct cpuid_clocks k = { 0, 0 };
    uint32_t a, b, c, d, max;
    cpuid(1, 0, &a, &b, &c, &d);
    if (c & (1u << 31)) {                       /* running under a hypervisor */
        cpuid(0x40000000, 0, &max, &b, &c, &d);
        if (max >= 0x40000010 && max < 0x40010000) {
            cpuid(0x40000010, 0, &a, &b, &c, &d);
            k.tsc_khz = a;
            k.lapic_khz = b;
        }
    }
    cpuid(0, 0, &max, &b, &c, &d);
    if (max >= 0x15) {
        cpuid(0x15, 0, &a, &b, &c, &d);
        if (!k.tsc_khz && a && b && c)
            k.tsc_khz = (uint64_t)c * b / a / 1000;
        if (!k.lapic_khz && c)
            k.lapic_khz = c / 1000;
    }
    return k;
}

uint64_t cpuid_lapic_timer_khz(void) { return cpuid_clocks().lapic_khz; }

/* A window counts when both of its edges were seen within 0.1% of its length: on an
 * idle machine they are a few microseconds wide, but a stall (SMI, or the host not
 * scheduling an emulated CPU) can widen one by milliseconds. */
static bool window_sharp(const struct pit_window *w)
{
    return w->tsc_error * 1000 <= w->tsc_delta;
}

void time_init(void)
{
    uint64_t good[CAL_WINDOWS], any[CAL_MAX_TRIES];
    int ngood = 0, nany = 0;
    uint64_t stated = cpuid_clocks().tsc_khz;
    for (int i = 0; i < CAL_MAX_TRIES && ngood < CAL_WINDOWS && !stated; i++) {
        struct pit_window w;
        if (pit_tsc_window(CAL_WINDOW_MS, &w) < 0)
            break;                          /* no PIT: more tries will not help */
        uint64_t khz = freq_khz(w.tsc_delta, w.window_ns);
        pr_debug("time: PIT window %d: %llu kHz +- %llu cycles, %lu polls\n", i,
                 (unsigned long long)khz, (unsigned long long)w.tsc_error, w.polls);
        any[nany++] = khz;
        if (window_sharp(&w))
            good[ngood++] = khz;
    }

    const char *source = "PIT";
    uint64_t f = 0;
    if (stated) {
        f = stated;
        source = "CPUID (stated by the CPU or hypervisor)";
    } else if (ngood > 0) {
        f = median_u64(good, ngood);
    } else if (nany > 0) {
        f = median_u64(any, nany);
        source = "PIT (every window disturbed: less accurate)";
    }
    if (!f) {
        f = cpuid_tsc_khz();
        source = "CPUID leaf 0x16 (PIT unusable)";
    }
    if (!f) {
        f = 1000000;
        source = "nothing: PIT unusable, assuming 1 GHz";
    }
    tsc_freq_khz = f;
    tsc_mult = tsc_calc_mult(f);
    printk("time: TSC %llu.%03llu MHz calibrated against %s\n",
           (unsigned long long)(f / 1000), (unsigned long long)(f % 1000), source);
    pr_debug("time: %d of %d PIT windows of %d ms sharp enough\n", ngood, nany, CAL_WINDOW_MS);
}
