/* kernel/shell/shell.c - the shell task: read COM1 (the receive interrupt fills the
 * console's buffer and wakes us; no polling), edit the line, run it, prompt again.
 * Not started in test mode (test=), so in-kernel test boots see no prompt and no input
 * handling. */
#include "kernel/shell/shell.h"
#include "kernel/shell/line.h"
#include "kernel/console.h"
#include "kernel/init.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched.h"

static struct line_editor editor;

static void echo(const char *s, size_t n) { console_write(s, n); }

static void prompt(void) { console_write(SHELL_PROMPT, sizeof(SHELL_PROMPT) - 1); }

bool shell_interrupted(void)
{
    char buf[32];
    long n;
    while ((n = console_read(buf, sizeof(buf), true)) > 0)
        for (long i = 0; i < n; i++)
            if (buf[i] == 0x03)
                return true;
    return false;
}

static int shell_main(void *arg)
{
    line_init(&editor, echo);
    printk("shell: ready on the serial console (type help)\n");
    prompt();
    for (;;) {
        char buf[64];
        long n = console_read(buf, sizeof(buf), false);
        for (long i = 0; i < n; i++) {
            enum line_result r = line_feed(&editor, buf[i]);
            if (r == LINE_DONE) {
                printk_set_plain(true);
                shell_execute(editor.buf);
                printk_set_plain(false);
            }
            if (r != LINE_MORE)
                prompt();
        }
    }
    return 0;
}

/* Started last (late_initcall, after the apps and services), so its prompt follows the
 * boot messages; it first runs once kmain has finished bringing everything up. */
static int shell_start(void)
{
    if (ktest_mode)
        return 0;
    if (!task_create("shell", shell_main, NULL))
        pr_err("shell: cannot create the task\n");
    return 0;
}
late_initcall(shell_start);
