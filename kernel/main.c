/* kernel/main.c - kernel entry: bring the platform up in dependency order, then idle. */
#include "kernel/printk.h"
#include "kernel/console.h"
#include "kernel/multiboot.h"
#include "kernel/cmdline.h"
#include "kernel/fw_cfg.h"
#include "kernel/arch/gdt.h"
#include "kernel/arch/x86.h"
#include "kernel/irq.h"
#include "kernel/acpi.h"
#include "kernel/time.h"
#include "kernel/softirq.h"
#include "kernel/sched.h"
#include "kernel/init.h"
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/lib/string.h"
#include "drivers/pci/pci.h"

#define WIREPATH_VERSION "0.1"

CMDLINE_KEY(loglevel, "loglevel", "console log level 0-7 (default 6)");
CMDLINE_KEY(test, "test", "run in-kernel test suites (comma list or 'all') and exit QEMU; test image only");

uint64_t boot_tsc;

extern initcall_t __initcall_start[], __initcall_end[];

void do_initcalls(void)
{
    for (initcall_t *fn = __initcall_start; fn < __initcall_end; fn++) {
        int r = (*fn)();
        if (r < 0)
            pr_warn("init: initcall %p failed: %d\n", (void *)*fn, r);
    }
}

static void load_cmdline(void)
{
    static char line[1024];
    static char extra[512];
    strlcpy(line, boot_info.cmdline, sizeof(line));
    if (fw_cfg_read_file("opt/wirepath/cmdline", extra, sizeof(extra)) > 0) {
        size_t n = strlen(line);
        if (n + 1 < sizeof(line)) {
            line[n] = ' ';
            strlcpy(line + n + 1, extra, sizeof(line) - n - 1);
        }
    }
    cmdline_parse(line);
    console_loglevel = (int)cmdline_get_u64("loglevel", LOGLEVEL_DEFAULT);
}

#ifdef CONFIG_KTEST
static int ktest_task(void *arg)
{
    int failed = ktest_run((const char *)arg);
    qemu_exit(failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
}
#endif

void kmain(uint32_t info_phys)
{
    boot_tsc = rdtsc();
    serial_init();
    if (multiboot_parse(info_phys) < 0)
        panic("malformed multiboot2 information at %#x", info_phys);
    console_screen_init();
    load_cmdline();
#ifdef CONFIG_KTEST
    ktest_mode = cmdline_has("test");
#endif

    printk("wirepath %s: the network send path on bare metal\n", WIREPATH_VERSION);
    printk("boot: loader '%s', command line '%s'\n", boot_info.loader, cmdline_raw());
    printk("boot: %s firmware%s\n", boot_info.efi ? "UEFI" : "BIOS",
           boot_info.efi_bs_active ? ", EFI boot services still running" : "");

    gdt_init();
    idt_init();
    mm_init();
    console_screen_map();
    if (acpi_init() < 0)
        pr_warn("acpi: no usable tables; assuming a PC with standard APIC addresses\n");
    interrupts_init();
    time_init();
    softirq_init();
    sched_init();
    tick_init();
    local_irq_enable();
    serial_enable_rx_irq();
    pci_init();
    do_initcalls();
    cmdline_report_unknown(NULL, 0);

    uint64_t boot_ns = tsc_to_ns(rdtsc() - boot_tsc);
    printk("wirepath: platform ready in %llu.%03llu ms (kernel entry to ready, TSC)\n",
           (unsigned long long)(boot_ns / NSEC_PER_MSEC),
           (unsigned long long)(boot_ns % NSEC_PER_MSEC / 1000));

    const char *spec = cmdline_get("test");
#ifdef CONFIG_KTEST
    if (spec && !task_create("ktest", ktest_task, (void *)spec))
        panic("cannot create the test task");
#else
    if (spec)
        pr_warn("test=%s ignored: this image has no in-kernel tests (the test image is "
                "built with make KTEST=1)\n", spec);
#endif
    cpu_idle();
}
