/* kernel/shell/shell.h - the serial shell: a kernel task that reads command lines from
 * COM1 (receive interrupt, kernel/console.c) after the boot messages and runs them.
 *
 * Commands are registered by the subsystem that owns their data, so the shell itself
 * knows nothing of networking: kernel/shell/builtins.c has the kernel's own (help,
 * softirqs, interrupts, meminfo, uptime, apps, kill, trace, reboot, poweroff), net/
 * registers ip, ss, netstat, ethtool, tc, nf and ping. A command prints with printk
 * (the shell turns timestamps off while it runs) and returns 0, SHELL_USAGE for bad
 * arguments (the shell prints the usage line), or SHELL_FAILED after printing its own
 * one-line error. */
#ifndef WP_SHELL_H
#define WP_SHELL_H

#include "kernel/compiler.h"

#define SHELL_PROMPT   "wirepath# "
#define SHELL_MAX_ARGS 16
#define SHELL_MAX_CMDS 48

#define SHELL_USAGE    (-2)        /* bad arguments: print the usage line */
#define SHELL_FAILED   (-1)        /* the command printed its error */
#define SHELL_NOTFOUND (-3)        /* no such command */

struct shell_cmd {
    const char *name;
    const char *usage;       /* "ping [-c N] [-s SIZE] ADDR" */
    const char *help;        /* one line for `help` */
    int (*fn)(int argc, char **argv);
};

/* Add a command (the table is not copied: keep it static). 0, -EEXIST or -ENOSPC. */
int shell_register(const struct shell_cmd *cmd);
const struct shell_cmd *shell_find(const char *name);
/* The i-th registered command (NULL past the end), for help. */
const struct shell_cmd *shell_cmd_at(unsigned i);
/* Split line in place into words (spaces and tabs; "double quotes" group). Returns the
 * word count, or -1 when there are more than max words or a quote is not closed. */
int shell_split(char *line, char **argv, int max);
/* Run one line: 0 for an empty line or a command that succeeded, else the command's
 * status or SHELL_NOTFOUND; the one-line errors are printed here. */
int shell_execute(char *line);

/* For long-running commands (ping, trace): true once Ctrl-C has been typed. Reads and
 * discards what was typed meanwhile. */
bool shell_interrupted(void);
/* Parse a decimal number in [min, max]; false when s is not one. */
bool shell_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif
