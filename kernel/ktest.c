/* kernel/ktest.c - the in-kernel test runner (test= on the command line). */
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/arch/x86.h"

extern struct ktest *__ktest_start[], *__ktest_end[];
bool ktest_mode;

#define QEMU_DEBUG_EXIT_PORT 0xf4

void qemu_exit(int code)
{
    outl(QEMU_DEBUG_EXIT_PORT, (uint32_t)code);
    /* Not under QEMU (or no isa-debug-exit): stop here. */
    for (;;) {
        local_irq_disable();
        halt();
    }
}

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
    char msg[120];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    const char *base = file;
    for (const char *p = file; *p; p++)
        if (*p == '/')
            base = p + 1;
    t->failed = true;
    snprintf(t->msg, sizeof(t->msg), "%s:%d: %s", base, line, msg);
}

static bool suite_selected(const char *spec, const char *suite)
{
    if (strcmp(spec, "all") == 0)
        return true;
    size_t n = strlen(suite);
    for (const char *p = spec; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, suite, n) == 0)
            return true;
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

int ktest_run(const char *spec)
{
    int passed = 0, failed = 0, skipped = 0;
    printk("ktest: running '%s'\n", spec);
    for (struct ktest **tp = __ktest_start; tp < __ktest_end; tp++) {
        struct ktest *t = *tp;
        if (!suite_selected(spec, t->suite))
            continue;
        t->failed = false;
        t->skipped = false;
        t->msg[0] = '\0';
        t->fn(t);
        if (t->skipped && !t->failed) {
            skipped++;
            printk("ktest: %s.%s ... skipped (%s)\n", t->suite, t->name, t->msg);
        } else if (t->failed) {
            failed++;
            printk("ktest: %s.%s ... FAIL (%s)\n", t->suite, t->name, t->msg);
        } else {
            passed++;
            printk("ktest: %s.%s ... ok\n", t->suite, t->name);
        }
    }
    if (passed + failed + skipped == 0) {
        printk("ktest: no test matches '%s'\n", spec);
        failed = 1;
    }
    printk("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed;
}
