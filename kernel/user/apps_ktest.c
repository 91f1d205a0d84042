/* kernel/user/apps_ktest.c - in-kernel tests of ring-3 apps: the syscall abuse app passes
 * and leaves the kernel as it found it, a fault in ring 3 ends only that app, a corrupt
 * image is refused, and many short-lived apps leak neither memory nor descriptors. */
#include "kernel/ktest.h"
#include "kernel/user/apps.h"
#include "kernel/user/process.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/mm/mm.h"
#include "kernel/lib/string.h"
#include "net/socket.h"
#include "net/core/sock.h"

#define APP_TIMEOUT (60 * NSEC_PER_SEC)

static int run_app(const char *name, int argc, const char *const *argv)
{
    struct process *p = app_start(name, argc, argv);
    if (!p)
        return -ENOMEM;
    int code = process_wait(p, APP_TIMEOUT);
    process_put(p);
    return code;
}

/* Pages come back once the dead task is reaped (on the next task_create or idle pass):
 * true once no more tasks are alive than the given count. */
static int tasks_alive(void)
{
    struct sched_stats s;
    sched_get_stats(&s);
    return s.nr_tasks;
}
static bool reaped_down_to(int tasks) { return KT_WAIT_FOR(tasks_alive() <= tasks, 2000); }

KTEST(apps, syscall_test_passes_and_kernel_is_unchanged)
{
    struct socket_stats s0, s1;
    struct sock_stats k0, k1;
    struct process_stats p0, p1;
    socket_get_stats(&s0);
    sock_get_stats(&k0);
    process_get_stats(&p0);
    int code = run_app("syscall_test", 0, NULL);
    KT_EXPECT_EQ(code, 0);
    socket_get_stats(&s1);
    sock_get_stats(&k1);
    process_get_stats(&p1);
    KT_EXPECT_EQ(s1.sockets_alive, s0.sockets_alive);
    KT_EXPECT_EQ(k1.socks_alive, k0.socks_alive);
    KT_EXPECT_EQ(p1.alive, p0.alive);
    KT_EXPECT_EQ(p1.killed, p0.killed);
    struct syscall_stats st;
    syscall_get_stats(&st);
    KT_ASSERT(st.efault > 20);
    KT_ASSERT(st.enosys >= 1);
}

KTEST(apps, ring3_fault_ends_only_that_app)
{
    struct process_stats p0, p1;
    process_get_stats(&p0);
    const char *arg[] = { "fault" };
    int code = run_app("syscall_test", 1, arg);
    KT_EXPECT_EQ(code, 128 + 11);            /* as if killed by SIGSEGV */
    process_get_stats(&p1);
    KT_EXPECT_EQ(p1.killed, p0.killed + 1);
    KT_EXPECT_EQ(p1.alive, p0.alive);
    /* and the kernel still runs apps */
    KT_EXPECT_EQ(run_app("syscall_test", 0, NULL), 0);
}

KTEST(apps, corrupt_image_is_refused)
{
    static uint64_t junk[512];
    memset(junk, 0, sizeof(junk));
    memcpy(junk, "\177ELF\2\1\1", 7);         /* a header, and nothing that makes sense */
    const char *argv[] = { "junk" };
    struct process *p = process_spawn("junk", junk, sizeof(junk), 1, argv);
    KT_ASSERT(p != NULL);
    KT_EXPECT_EQ(process_wait(p, APP_TIMEOUT), 127);
    process_put(p);
    KT_ASSERT(app_start("no_such_app", 0, NULL) == NULL);
}

KTEST(apps, repeated_apps_leak_nothing)
{
    /* warm up caches (kmalloc slabs, skb heads) before measuring */
    int tasks0 = tasks_alive();
    KT_EXPECT_EQ(run_app("syscall_test", 0, NULL), 0);
    KT_ASSERT_MSG(reaped_down_to(tasks0), "%d tasks alive, %d before", tasks_alive(), tasks0);
    uint64_t free0 = pages_free();
    for (int i = 0; i < 3; i++)
        KT_EXPECT_EQ(run_app("syscall_test", 0, NULL), 0);
    KT_ASSERT_MSG(reaped_down_to(tasks0), "%d tasks alive, %d before", tasks_alive(), tasks0);
    uint64_t free1 = pages_free();
    /* a few pages of slack for slabs that stay partly used */
    KT_ASSERT_MSG(free1 + 8 >= free0, "pages free %llu before, %llu after",
                  (unsigned long long)free0, (unsigned long long)free1);
}
