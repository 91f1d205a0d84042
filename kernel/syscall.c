/* kernel/syscall.c - the syscall gate: MSR setup and the dispatch table.
 *
 * syscall_entry (kernel/arch/syscall_entry.S) saves the app's registers as a struct
 * pt_regs on its kernel stack and calls syscall_dispatch, which looks the number up in a
 * table indexed by Linux's x86_64 numbers. Unknown numbers give -ENOSYS. On the way out
 * the app gives up the CPU if it has held it for a while (tasks are cooperative: an app
 * that only sends would otherwise starve every other task), and pending softirqs run. */
#include "kernel/syscall.h"
#include "kernel/user/process.h"
#include "kernel/irq.h"
#include "kernel/init.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/arch/gdt.h"
#include "kernel/arch/x86.h"
#include "kernel/proc_stats.h"

/* Intel SDM vol. 3A, 2.2.1 and 5.8.8; vol. 4 (MSR list). */
#define MSR_EFER   0xc0000080
#define EFER_SCE   BIT64(0)          /* SYSCALL/SYSRET enable */
#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_FMASK  0xc0000084
/* RFLAGS bits cleared on entry: TF, IF, DF, IOPL, NT, AC (as Linux). */
#define SYSCALL_FMASK 0x47700

/* An app holding the CPU longer than this gives it up at its next system call. */
#define SYSCALL_SLICE_NS (4 * NSEC_PER_MSEC)

void syscall_entry(void);
void syscall_dispatch(struct pt_regs *regs);
extern uint64_t syscall_kernel_rsp;   /* in syscall_entry.S; set by user_return_prepare */

static struct syscall_stats stats;

typedef long (*syscall_fn)(const uint64_t *a);

/* One adapter per call turns the six raw registers into typed arguments; int arguments
 * take the low 32 bits, as Linux does. */
#define SC0(name) static long sc_##name(const uint64_t *a) { (void)a; return sys_##name(); }
#define SC1(name, t1) static long sc_##name(const uint64_t *a) { return sys_##name((t1)a[0]); }
#define SC2(name, t1, t2) \
    static long sc_##name(const uint64_t *a) { return sys_##name((t1)a[0], (t2)a[1]); }
#define SC3(name, t1, t2, t3) \
    static long sc_##name(const uint64_t *a) { return sys_##name((t1)a[0], (t2)a[1], (t3)a[2]); }
#define SC4(name, t1, t2, t3, t4) \
    static long sc_##name(const uint64_t *a) \
    { return sys_##name((t1)a[0], (t2)a[1], (t3)a[2], (t4)a[3]); }
#define SC5(name, t1, t2, t3, t4, t5) \
    static long sc_##name(const uint64_t *a) \
    { return sys_##name((t1)a[0], (t2)a[1], (t3)a[2], (t4)a[3], (t5)a[4]); }
#define SC6(name, t1, t2, t3, t4, t5, t6) \
    static long sc_##name(const uint64_t *a) \
    { return sys_##name((t1)a[0], (t2)a[1], (t3)a[2], (t4)a[3], (t5)a[4], (t6)a[5]); }

SC3(read, int, void *, size_t)
SC3(write, int, const void *, size_t)
SC1(close, int)
SC3(poll, struct pollfd *, unsigned long, int)
SC0(sched_yield)
SC2(nanosleep, const struct timespec_k *, struct timespec_k *)
SC0(getpid)
SC3(socket, int, int, int)
SC3(connect, int, const struct sockaddr *, int)
SC3(accept, int, struct sockaddr *, int *)
SC4(accept4, int, struct sockaddr *, int *, int)
SC6(sendto, int, const void *, size_t, unsigned, const struct sockaddr *, int)
SC6(recvfrom, int, void *, size_t, unsigned, struct sockaddr *, int *)
SC3(sendmsg, int, const struct msghdr *, unsigned)
SC3(recvmsg, int, struct msghdr *, unsigned)
SC2(shutdown, int, int)
SC3(bind, int, const struct sockaddr *, int)
SC2(listen, int, int)
SC3(getsockname, int, struct sockaddr *, int *)
SC3(getpeername, int, struct sockaddr *, int *)
SC5(setsockopt, int, int, int, const void *, int)
SC5(getsockopt, int, int, int, void *, int *)
SC1(exit, int)
SC3(fcntl, int, int, unsigned long)
SC2(clock_gettime, int, struct timespec_k *)
SC3(open, const char *, int, int)
SC4(openat, int, const char *, int, int)

static long sc_exit_group(const uint64_t *a) { return sys_exit((int)a[0]); }
static long sc_gettid(const uint64_t *a) { (void)a; return sys_getpid(); }

static const syscall_fn syscall_table[NR_SYSCALLS] = {
    [__NR_read] = sc_read,
    [__NR_write] = sc_write,
    [__NR_open] = sc_open,
    [__NR_close] = sc_close,
    [__NR_poll] = sc_poll,
    [__NR_sched_yield] = sc_sched_yield,
    [__NR_nanosleep] = sc_nanosleep,
    [__NR_getpid] = sc_getpid,
    [__NR_socket] = sc_socket,
    [__NR_connect] = sc_connect,
    [__NR_accept] = sc_accept,
    [__NR_sendto] = sc_sendto,
    [__NR_recvfrom] = sc_recvfrom,
    [__NR_sendmsg] = sc_sendmsg,
    [__NR_recvmsg] = sc_recvmsg,
    [__NR_shutdown] = sc_shutdown,
    [__NR_bind] = sc_bind,
    [__NR_listen] = sc_listen,
    [__NR_getsockname] = sc_getsockname,
    [__NR_getpeername] = sc_getpeername,
    [__NR_setsockopt] = sc_setsockopt,
    [__NR_getsockopt] = sc_getsockopt,
    [__NR_exit] = sc_exit,
    [__NR_fcntl] = sc_fcntl,
    [__NR_gettid] = sc_gettid,
    [__NR_clock_gettime] = sc_clock_gettime,
    [__NR_exit_group] = sc_exit_group,
    [__NR_openat] = sc_openat,
    [__NR_accept4] = sc_accept4,
};

void syscall_dispatch(struct pt_regs *regs)
{
    struct process *p = current_process();
    local_irq_enable();
    uint64_t nr = regs->rax;
    const uint64_t args[6] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9 };
    long ret;
    stats.calls++;
    p->syscalls++;
    if (nr < NR_SYSCALLS && syscall_table[nr]) {
        stats.per_nr[nr]++;
        ret = syscall_table[nr](args);
    } else {
        stats.enosys++;
        ret = -ENOSYS;
    }
    if (ret == -EFAULT)
        stats.efault++;
    regs->rax = (uint64_t)ret;

    /* The slice starts again whenever the app got the CPU back from somebody else
     * (it slept in this call, or yielded): only running on and on counts. */
    uint64_t now = ktime_get_ns();
    if (current->switches != p->slice_switches) {
        p->slice_switches = current->switches;
        p->slice_start_ns = now;
    } else if (now - p->slice_start_ns > SYSCALL_SLICE_NS) {
        yield();
        p->slice_switches = current->switches;
        p->slice_start_ns = ktime_get_ns();
    }
    if (softirq_pending())
        do_softirq();
    if (unlikely(p->kill_pending))
        process_kill_now();
    local_irq_disable();
    user_return_prepare();
}

void syscall_get_stats(struct syscall_stats *s)
{
    *s = stats;
}

/* Program the syscall MSRs (SDM vol. 3A, 5.8.8 "Fast System Calls in 64-Bit Mode"):
 * STAR[47:32] is the kernel CS (SS = CS + 8); STAR[63:48] + 16 / + 8 would be the user
 * CS / SS for sysret (the GDT is laid out for it, though the return uses iretq). */
void syscall_init(void)
{
    wrmsr(MSR_STAR, ((uint64_t)(USER_DS & ~3) - 8) << 48 | (uint64_t)KERNEL_CS << 32);
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, SYSCALL_FMASK);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    pr_info("syscall: gate at %p, %d entries (Linux x86_64 numbers)\n",
            (void *)syscall_entry, NR_SYSCALLS);
}

static int syscall_initcall(void)
{
    syscall_init();
    return 0;
}
core_initcall(syscall_initcall);
