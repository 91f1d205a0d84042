/* kernel/user/process.c - starting, running and ending apps.
 *
 * CR3 is switched lazily: an app's page tables are loaded on every return to ring 3
 * (user_return_prepare, called with interrupts off right before the iretq) and left in
 * CR3 when the app blocks. That is enough because (1) tasks only switch inside
 * schedule(), never in an interrupt, so an interrupt taken in ring 3 returns to the same
 * app with CR3 untouched, (2) every other way into ring 3 goes through
 * user_return_prepare, and (3) the kernel never reads user memory through the user
 * mapping (kernel/uaccess.c translates in software), so kernel code runs correctly under
 * any app's tables, whose upper half is the kernel's. A dying app switches back to the
 * kernel's tables before its own are freed. The scheduler needs no hook for apps.
 *
 * The same goes for the kernel stack the syscall instruction lands on: the CPU takes it
 * from the TSS for interrupts (the scheduler sets rsp0 on every switch), and
 * user_return_prepare tells the syscall entry the same value. */
#include "kernel/user/process.h"
#include "kernel/user/uvm.h"
#include "kernel/user/elf.h"
#include "kernel/irq.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/arch/x86.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm.h"

/* Read by the syscall entry (kernel/arch/syscall_entry.S): the top of the kernel stack of
 * the app that is about to run in ring 3. */
extern uint64_t syscall_kernel_rsp;

static struct process_stats stats;
static LIST_HEAD(live);              /* every app between spawn and exit */

void process_for_each(void (*fn)(struct process *p, void *arg), void *arg)
{
    struct process *p;
    list_for_each_entry(p, &live, node)
        fn(p, arg);
}

int process_kill(int pid)
{
    struct process *p;
    unsigned long f = local_irq_save();
    list_for_each_entry(p, &live, node)
        if (p->pid == pid && !p->exited) {
            p->kill_pending = true;
            local_irq_restore(f);
            wake_up_process(p->task);
            return 0;
        }
    local_irq_restore(f);
    return -ESRCH;
}

void process_get_stats(struct process_stats *s)
{
    unsigned long f = local_irq_save();
    *s = stats;
    local_irq_restore(f);
}

void process_put(struct process *p)
{
    if (!p)
        return;
    unsigned long f = local_irq_save();
    bool last = --p->refcnt == 0;
    local_irq_restore(f);
    if (last)
        kfree(p);
}

void user_return_prepare(void)
{
    struct process *p = current_process();
    uvm_activate(p->vm);
    syscall_kernel_rsp = (uint64_t)current->stack + current->stack_size;
}

/* argc, argv[], NULL, envp NULL, auxv AT_NULL - the System V x86_64 ABI's initial stack
 * (section 3.4.1), with the strings above it. Returns the initial rsp, 0 on failure. */
static uint64_t build_stack(struct process *p)
{
    uint64_t sp = USER_STACK_TOP;
    uint64_t argv_ua[PROCESS_MAX_ARGS];
    const char *s = p->args;
    for (int i = 0; i < p->argc; i++) {
        size_t len = strlen(s) + 1;
        sp -= len;
        if (uvm_write(p->vm, sp, s, len))
            return 0;
        argv_ua[i] = sp;
        s += len;
    }
    uint64_t words[PROCESS_MAX_ARGS + 5];
    int n = 0;
    words[n++] = (uint64_t)p->argc;
    for (int i = 0; i < p->argc; i++)
        words[n++] = argv_ua[i];
    words[n++] = 0;                 /* end of argv */
    words[n++] = 0;                 /* empty environment */
    words[n++] = 0;                 /* AT_NULL */
    words[n++] = 0;
    sp = ALIGN_DOWN(sp - n * sizeof(uint64_t), 16);    /* rsp % 16 == 0 at entry */
    if (uvm_write(p->vm, sp, words, n * sizeof(uint64_t)))
        return 0;
    return sp;
}

static int setup_files(struct process *p)
{
    struct file *con = file_alloc(&console_file_ops, NULL, O_RDWR);
    if (!con)
        return -ENOMEM;
    /* one open console shared by stdin, stdout and stderr, as a shell would leave it */
    con->f_count = 3;
    for (int fd = 0; fd < 3; fd++)
        p->files.fd[fd] = con;
    return 0;
}

static int process_main(void *arg)
{
    struct process *p = arg;
    int r = -ENOMEM;
    p->vm = uvm_create();
    if (p->vm)
        r = elf_load(p->vm, p->image, p->image_size, &p->entry);
    if (!r)
        r = uvm_map(p->vm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
                    UVM_READ | UVM_WRITE);
    if (!r)
        r = setup_files(p);
    if (!r && !(p->stack_top = build_stack(p)))
        r = -ENOMEM;
    if (r) {
        pr_err("app %s (pid %d): cannot start: %s (%d)\n", p->name, p->pid,
               r == -ENOEXEC ? "not a suitable ELF executable" : "out of memory", r);
        process_exit(127);
    }
    pr_info("app %s (pid %d): started, entry %#llx, %llu pages\n", p->name, p->pid,
            (unsigned long long)p->entry, (unsigned long long)p->vm->nr_pages);
    p->start_ns = p->slice_start_ns = ktime_get_ns();
    p->net_tx0 = softirq_count(NET_TX_SOFTIRQ);
    p->net_rx0 = softirq_count(NET_RX_SOFTIRQ);
    local_irq_disable();
    user_return_prepare();
    enter_user_mode(p->entry, p->stack_top);
}

struct process *process_spawn(const char *name, const void *image, size_t size,
                              int argc, const char *const *argv)
{
    if (!name || !image || argc < 0 || argc > PROCESS_MAX_ARGS)
        return NULL;
    struct process *p = kzalloc(sizeof(*p));
    if (!p)
        return NULL;
    strlcpy(p->name, name, sizeof(p->name));
    p->image = image;
    p->image_size = size;
    p->refcnt = 2;
    init_waitqueue_head(&p->exit_wq);
    files_init(&p->files);
    size_t used = 0;
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]) + 1;
        if (used + len > sizeof(p->args)) {
            kfree(p);
            return NULL;
        }
        memcpy(p->args + used, argv[i], len);
        used += len;
    }
    p->argc = argc;
    unsigned long f = local_irq_save();
    struct task *t = task_create(name, process_main, p);
    if (t) {
        t->user = p;         /* before it first runs: it is an app from its first line */
        p->task = t;
        p->pid = t->pid;
        stats.spawned++;
        stats.alive++;
        list_add_tail(&p->node, &live);
    }
    local_irq_restore(f);
    if (!t) {
        kfree(p);
        return NULL;
    }
    return p;
}

int process_wait(struct process *p, uint64_t timeout_ns)
{
    if (timeout_ns == 0)
        wait_event(p->exit_wq, READ_ONCE(p->exited));
    else if (!wait_event_timeout(p->exit_wq, READ_ONCE(p->exited), timeout_ns))
        return -ETIMEDOUT;
    return p->exit_code;
}

void process_exit(int code)
{
    struct process *p = current_process();
    if (!p)
        panic("process_exit from kernel task %s", current->name);
    local_irq_enable();
    files_close_all(&p->files);
    uvm_deactivate();
    uint64_t pages = p->vm ? p->vm->nr_pages : 0;
    uvm_destroy(p->vm);
    p->vm = NULL;
    /* what the seeds reason with: softirq work while the app ran (all of the system's) */
    uint64_t ran_ms = p->start_ns ? (ktime_get_ns() - p->start_ns) / NSEC_PER_MSEC : 0;
    pr_info("app %s (pid %d): exited with status %d after %llu ms (%llu system calls, "
            "%llu pages freed; softirqs meanwhile: NET_TX %llu, NET_RX %llu)\n",
            p->name, p->pid, code, (unsigned long long)ran_ms, (unsigned long long)p->syscalls,
            (unsigned long long)pages,
            (unsigned long long)(p->start_ns ? softirq_count(NET_TX_SOFTIRQ) - p->net_tx0 : 0),
            (unsigned long long)(p->start_ns ? softirq_count(NET_RX_SOFTIRQ) - p->net_rx0 : 0));
    unsigned long f = local_irq_save();
    current->user = NULL;
    p->exit_code = code;
    p->exited = true;
    list_del_init(&p->node);
    stats.exited++;
    stats.alive--;
    local_irq_restore(f);
    wake_up(&p->exit_wq);
    process_put(p);
    task_exit(code);
}

void process_kill_now(void)
{
    struct process *p = current_process();
    pr_info("app %s (pid %d): killed (SIGKILL)\n", p->name, p->pid);
    unsigned long f = local_irq_save();
    stats.killed++;
    local_irq_restore(f);
    process_exit(128 + 9);
}

/* Linux's signal numbers, for an exit status a shell would show the same way. */
static int signal_for(int vector)
{
    switch (vector) {
    case 0: case 16: case 19: return 8;      /* SIGFPE */
    case 6: return 4;                        /* SIGILL */
    case 1: case 3: return 5;                /* SIGTRAP */
    case 17: return 7;                       /* SIGBUS */
    default: return 11;                      /* SIGSEGV */
    }
}

void user_fault(struct pt_regs *regs, int vector, uint64_t cr2, const char *what)
{
    struct process *p = current_process();
    if (!p)
        panic_regs(regs, "ring-3 exception in kernel task %s", current->name);
    char detail[64] = "";
    if (vector == 14)       /* #PF error code, SDM vol. 3A 4.7 */
        snprintf(detail, sizeof(detail), " on %s of %#llx (%s)",
                 regs->error_code & 16 ? "fetch" : regs->error_code & 2 ? "write" : "read",
                 (unsigned long long)cr2,
                 regs->error_code & 1 ? "protection" : "not mapped");
    pr_err("app %s (pid %d): %s%s at RIP %#llx, RSP %#llx: killed\n", p->name, p->pid,
           what, detail, (unsigned long long)regs->rip, (unsigned long long)regs->rsp);
    unsigned long f = local_irq_save();
    stats.killed++;
    local_irq_restore(f);
    /* The exception came from ring 3: nothing of the kernel's is half done on this
     * stack, so the app can be ended right here as if it had called exit. */
    process_exit(128 + signal_for(vector));
}
