/* kernel/user/process.h - apps: ring-3 programs, each a cooperative task with its own
 * address space and descriptor table.
 *
 * An app is started from an ELF image (kernel/user/apps.c keeps the ones built into the
 * kernel). Its task builds the address space, loads the segments, lays out argc/argv on
 * the stack the way the System V ABI asks (so a Linux-style crt0 works), opens the console
 * as fds 0-2 and drops to ring 3. It comes back only through the syscall instruction,
 * interrupts, or a fault; a fault in ring 3 ends that app with a message and leaves the
 * kernel running. */
#ifndef WP_USER_PROCESS_H
#define WP_USER_PROCESS_H

#include "kernel/compiler.h"
#include "kernel/sched.h"
#include "kernel/file.h"

struct uvm;
struct pt_regs;

#define PROCESS_MAX_ARGS 8
#define PROCESS_ARGS_LEN 256

struct process {
    struct task *task;
    struct uvm *vm;
    struct files files;
    char name[16];
    int pid;
    int refcnt;                  /* the task's own, plus whoever waits for it */
    bool exited;
    int exit_code;               /* exit status, or 128 + signal number when killed */
    struct wait_queue_head exit_wq;
    const void *image;           /* the ELF it runs */
    size_t image_size;
    int argc;
    char args[PROCESS_ARGS_LEN]; /* argv strings, NUL-separated */
    uint64_t entry, stack_top;
    uint64_t syscalls;           /* system calls made */
    uint64_t start_ns;           /* when it entered ring 3 */
    uint64_t net_tx0, net_rx0;   /* NET_TX/NET_RX softirq counts then (reported at exit) */
    uint64_t slice_start_ns;     /* since when it has held the CPU without a break */
    uint64_t slice_switches;     /* its task's switch count then */
    struct list_head node;       /* on the list of live apps (process_for_each) */
    bool kill_pending;           /* process_kill: end at the next kernel boundary */
};

static inline struct process *current_process(void)
{
    return current ? (struct process *)current->user : NULL;
}

/* Start an app running the ELF image with the given argv (argv[0] is the name). Returns
 * the process with a reference for the caller (process_put it), or NULL. */
struct process *process_spawn(const char *name, const void *image, size_t size,
                              int argc, const char *const *argv);
/* Wait until it exits (timeout_ns 0 = forever): its exit status, or -ETIMEDOUT. */
int process_wait(struct process *p, uint64_t timeout_ns);
void process_put(struct process *p);
/* End the calling app: close its files, free its memory, report the status. */
__noreturn void process_exit(int code);
/* An exception in ring 3 (kernel/arch/traps.c): report it and end the app. */
__noreturn void user_fault(struct pt_regs *regs, int vector, uint64_t cr2, const char *what);
/* Prepare the CPU for a return to ring 3 of the current app (CR3, syscall stack). */
void user_return_prepare(void);

/* Every live app, in start order (the shell's `apps`); fn must not sleep. */
void process_for_each(void (*fn)(struct process *p, void *arg), void *arg);
/* SIGKILL, as far as a cooperative kernel has one: the app ends with status 128 + 9 at
 * its next system call, and a call it is sleeping in returns -EINTR first. 0, -ESRCH. */
int process_kill(int pid);
/* End the current app now because process_kill asked (its system call is done). */
__noreturn void process_kill_now(void);
/* The current app has been killed: sleeps in system calls end early (-EINTR). */
static inline bool fatal_signal_pending(void)
{
    struct process *p = current_process();
    return p && READ_ONCE(p->kill_pending);
}

struct process_stats { uint64_t spawned, exited, killed, alive; };
void process_get_stats(struct process_stats *s);

/* Enter ring 3 for the first time at rip with stack rsp (kernel/arch/syscall_entry.S). */
__noreturn void enter_user_mode(uint64_t rip, uint64_t rsp);

#endif
