/* kernel/ktest.h - in-kernel test cases, run with test=SUITE (or test=all) on the command
 * line. Each case prints one line "ktest: suite.name ... ok|FAIL (reason)"; the run ends
 * with "N passed, N failed" and leaves QEMU through isa-debug-exit (tests/kernel/run.sh boots
 * build/wirepath-ktest.iso and counts them).
 *
 *   KTEST(mm, kmalloc_no_overlap) { ... KT_ASSERT(p != NULL); ... }
 */
#ifndef WP_KTEST_H
#define WP_KTEST_H

#include "kernel/compiler.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"

struct ktest {
    const char *suite;
    const char *name;
    void (*fn)(struct ktest *t);
    /* result, filled while running */
    bool failed;
    char msg[160];
    bool skipped;          /* could not run here (KT_SKIP): reported, never counted as passed */
};

#define KTEST(suite_, name_)                                                 \
    static void ktest_fn_##suite_##_##name_(struct ktest *t);               \
    static struct ktest ktest_##suite_##_##name_ = {                         \
        #suite_, #name_, ktest_fn_##suite_##_##name_, false, {0}, false };   \
    static struct ktest *ktest_ptr_##suite_##_##name_ __used                 \
        __section(".ktest") = &ktest_##suite_##_##name_;                     \
    static void ktest_fn_##suite_##_##name_(struct ktest *t __unused)

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...) __printf(4, 5);

/* The case cannot run in this boot (e.g. it needs a command-line option): say why and
 * return; it is reported and counted as skipped. */
#define KT_SKIP(...) do { t->skipped = true; snprintf(t->msg, sizeof(t->msg), __VA_ARGS__); \
                          return; } while (0)

/* Record a failure and return from the case. */
#define KT_ASSERT(c) do { if (!(c)) { ktest_fail(t, __FILE__, __LINE__, "%s", #c); return; } } while (0)
#define KT_ASSERT_MSG(c, ...) do { if (!(c)) { ktest_fail(t, __FILE__, __LINE__, __VA_ARGS__); return; } } while (0)
#define KT_EXPECT_EQ(a, b) do { long long __a = (long long)(a), __b = (long long)(b);           \
        if (__a != __b) { ktest_fail(t, __FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
                                     #a, __a, #b, __b); return; } } while (0)

/* Wait until cond holds or ms milliseconds pass, sleeping a millisecond at a time so that
 * interrupts, softirqs and timers run; evaluates to whether cond held. A case waits on the
 * state it needs (a counter, a queue, a socket state) this way, never with a fixed
 * settling sleep, and checks the result. */
#define KT_WAIT_FOR(cond, ms) ({ uint64_t __end = ktime_get_ns() + (uint64_t)(ms) * NSEC_PER_MSEC; \
        bool __ok;                                                                          \
        while (!(__ok = (cond)) && ktime_get_ns() < __end)                                 \
            msleep(1);                                                                      \
        __ok; })

/* The runner and the cases are built only into the test image (make KTEST=1, which
 * defines CONFIG_KTEST): the image users boot has neither, and there ktest_mode is the
 * constant false, so the code it guards folds away. */
#ifdef CONFIG_KTEST
/* Run the suites named by test= (comma-separated, or "all"); returns the failure count. */
int ktest_run(const char *spec);
/* Leave QEMU via isa-debug-exit: QEMU's exit status becomes (code << 1) | 1. */
__noreturn void qemu_exit(int code);
#define QEMU_EXIT_PASS 0x10  /* status 33 */
#define QEMU_EXIT_FAIL 0x11  /* status 35 */
extern bool ktest_mode;
#else
#define ktest_mode false
#endif

#endif
