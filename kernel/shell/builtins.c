/* kernel/shell/builtins.c - the kernel's own shell commands: help, softirqs, interrupts,
 * meminfo, uptime, apps, kill, trace, reboot, poweroff. Each reads its data through the
 * owning subsystem's dump or stats function. */
#include "kernel/shell/shell.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/reboot.h"
#include "kernel/sched.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/trace.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm.h"
#include "kernel/user/apps.h"
#include "kernel/user/process.h"

static int cmd_help(int argc, char **argv)
{
    if (argc > 2)
        return SHELL_USAGE;
    const struct shell_cmd *c;
    if (argc == 2) {
        if (!(c = shell_find(argv[1]))) {
            printk("help: no command '%s'\n", argv[1]);
            return SHELL_FAILED;
        }
        printk("%s\n    %s\n", c->usage, c->help);
        return 0;
    }
    for (unsigned i = 0; (c = shell_cmd_at(i)); i++)
        printk("  %-34s %s\n", c->usage, c->help);
    printk("Line editing: backspace, Ctrl-U clears the line, Ctrl-C interrupts ping and trace.\n");
    return 0;
}

static int cmd_softirqs(int argc, char **argv)
{
    if (argc != 1)
        return SHELL_USAGE;
    softirq_print_stats();
    return 0;
}

static int cmd_interrupts(int argc, char **argv)
{
    if (argc != 1)
        return SHELL_USAGE;
    irq_print_stats();
    return 0;
}

/* /proc/meminfo's first lines, in kB, plus the allocators' own counters. */
static int cmd_meminfo(int argc, char **argv)
{
    if (argc != 1)
        return SHELL_USAGE;
    struct kmalloc_stats k;
    struct page_alloc_stats pa;
    kmalloc_get_stats(&k);
    page_alloc_get_stats(&pa);
    uint64_t kb = PAGE_SIZE / 1024;
    printk("MemTotal:       %8llu kB\n", (unsigned long long)(pages_total() * kb));
    printk("MemFree:        %8llu kB\n", (unsigned long long)(pages_free() * kb));
    printk("MemUsed:        %8llu kB\n",
           (unsigned long long)((pages_total() - pages_free()) * kb));
    printk("Kmalloc:        %8llu kB\n", (unsigned long long)(k.bytes_in_use / 1024));
    printk("KmallocAllocs:  %8llu\nKmallocFrees:   %8llu\nKmallocFailures:%8llu\n",
           (unsigned long long)k.allocs, (unsigned long long)k.frees,
           (unsigned long long)k.failures);
    printk("PageAllocs:     %8llu\nPageFrees:      %8llu\nPageFailures:   %8llu\n",
           (unsigned long long)pa.allocs, (unsigned long long)pa.frees,
           (unsigned long long)pa.failures);
    return 0;
}

static int cmd_uptime(int argc, char **argv)
{
    if (argc != 1)
        return SHELL_USAGE;
    uint64_t ns = ktime_get_ns(), s = ns / NSEC_PER_SEC;
    struct sched_stats st;
    sched_get_stats(&st);
    /* the share of time the idle loop spent halted: what is left for work */
    uint64_t idle_pm = ns ? st.idle_halt_ns / (ns / 1000 + 1) : 0;
    printk(" up %llu:%02llu:%02llu, %d tasks, %d runnable, idle %llu.%llu%%\n",
           (unsigned long long)(s / 3600), (unsigned long long)(s / 60 % 60),
           (unsigned long long)(s % 60), st.nr_tasks, st.nr_runnable,
           (unsigned long long)(idle_pm / 10), (unsigned long long)(idle_pm % 10));
    return 0;
}

static void print_app(struct process *p, void *arg)
{
    uint64_t ms = p->start_ns ? (ktime_get_ns() - p->start_ns) / NSEC_PER_MSEC : 0;
    bool asleep = p->task->state == TASK_BLOCKED;
    printk("%5d  %-14s %-9s %10llu %8llu.%03llu  %p\n", p->pid, p->name,
           p->kill_pending ? "killing" : asleep ? "sleeping" : "running",
           (unsigned long long)p->syscalls, (unsigned long long)(ms / 1000),
           (unsigned long long)(ms % 1000), asleep ? p->task->wchan : NULL);
}

static int cmd_apps(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "start")) {
        struct process *p = app_start(argv[2], argc - 3, (const char *const *)argv + 3);
        if (!p) {
            printk("apps: cannot start '%s'\n", argv[2]);
            return SHELL_FAILED;
        }
        printk("[%d] %s\n", p->pid, p->name);
        process_put(p);
        return 0;
    }
    if (argc != 1)
        return SHELL_USAGE;
    printk("  PID  NAME           STATE       SYSCALLS   RUNTIME(s)  WCHAN\n");
    process_for_each(print_app, NULL);
    struct process_stats s;
    process_get_stats(&s);
    printk("%llu running, %llu started, %llu exited (%llu killed)\n",
           (unsigned long long)s.alive, (unsigned long long)s.spawned,
           (unsigned long long)s.exited, (unsigned long long)s.killed);
    app_list();
    return 0;
}

static int cmd_kill(int argc, char **argv)
{
    int i = 1;
    if (argc == 3 && (!strcmp(argv[1], "-9") || !strcmp(argv[1], "-KILL")))
        i = 2;
    uint64_t pid;
    if (argc != i + 1 || !shell_parse_uint(argv[i], 1, 1u << 30, &pid))
        return SHELL_USAGE;
    if (process_kill((int)pid) < 0) {
        printk("kill: (%llu) - No such process\n", (unsigned long long)pid);
        return SHELL_FAILED;
    }
    return 0;
}

/* `trace` alone: record until one journey is complete (10 s at most, or Ctrl-C). */
static int trace_one(void)
{
    trace_clear();
    trace_enable(true);
    printk("trace: waiting for one packet's journey (Ctrl-C stops)\n");
    bool got = false;
    for (int i = 0; i < 200 && !got; i++) {
        msleep(50);
        got = trace_complete_journeys() > 0;
        if (!got && shell_interrupted())
            break;
    }
    trace_enable(false);
    if (!got) {
        printk("trace: no complete journey recorded\n");
        return SHELL_FAILED;
    }
    trace_show(1);
    return 0;
}

static int cmd_trace(int argc, char **argv)
{
    if (argc == 1)
        return trace_one();
    if (argc > 3)
        return SHELL_USAGE;
    const char *a = argv[1];
    if (!strcmp(a, "on") && argc == 2) {
        trace_enable(true);
    } else if (!strcmp(a, "off") && argc == 2) {
        trace_enable(false);
    } else if (!strcmp(a, "clear") && argc == 2) {
        trace_clear();
    } else if (!strcmp(a, "stats") && argc == 2) {
        trace_stats();
    } else if (!strcmp(a, "show")) {
        uint64_t n = 3;
        if (argc == 3 && !shell_parse_uint(argv[2], 1, 1000, &n))
            return SHELL_USAGE;
        trace_show((unsigned)n);
    } else {
        return SHELL_USAGE;
    }
    return 0;
}

/* reboot and poweroff: say what is about to happen, do it, and say so when it did not */
static int power_cmd(int argc, const char *doing, void (*act)(void), const char *failed)
{
    if (argc != 1)
        return SHELL_USAGE;
    printk("%s\n", doing);
    act();
    printk("%s\n", failed);
    return SHELL_FAILED;
}

static int cmd_reboot(int argc, char **argv)
{
    return power_cmd(argc, "reboot: resetting the machine", kernel_restart,
                     "reboot: the machine did not reset");
}

static int cmd_poweroff(int argc, char **argv)
{
    return power_cmd(argc, "poweroff: entering ACPI S5", kernel_power_off,
                     "poweroff: ACPI S5 did not take effect (no FADT or \\_S5)");
}

static const struct shell_cmd builtins[] = {
    { "help", "help [COMMAND]", "list the commands, or describe one", cmd_help },
    { "softirqs", "softirqs", "softirq counts per type, like /proc/softirqs", cmd_softirqs },
    { "interrupts", "interrupts", "interrupt counts per vector, like /proc/interrupts",
      cmd_interrupts },
    { "meminfo", "meminfo", "memory in use and the allocators' counters", cmd_meminfo },
    { "uptime", "uptime", "time since boot, tasks, idle share", cmd_uptime },
    { "apps", "apps [start NAME [ARG...]]", "ring-3 apps running (and the images built in)",
      cmd_apps },
    { "kill", "kill [-9] PID", "end an app (SIGKILL, status 137)", cmd_kill },
    { "trace", "trace [on|off|clear|show [N]|stats]",
      "send-path tracer: alone, trace the next packet's journey", cmd_trace },
    { "reboot", "reboot", "reset the machine", cmd_reboot },
    { "poweroff", "poweroff", "power off (ACPI S5; QEMU exits)", cmd_poweroff },
};

static int builtins_init(void)
{
    for (unsigned i = 0; i < ARRAY_SIZE(builtins); i++)
        if (shell_register(&builtins[i]) < 0)
            pr_warn("shell: cannot register %s\n", builtins[i].name);
    return 0;
}
core_initcall(builtins_init);
