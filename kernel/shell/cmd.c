/* kernel/shell/cmd.c - the shell's command table, word splitting and dispatch (no I/O
 * besides the one-line errors, so hosted tests run it directly). */
#include "kernel/shell/shell.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

static const struct shell_cmd *cmds[SHELL_MAX_CMDS];
static unsigned ncmds;

int shell_register(const struct shell_cmd *cmd)
{
    if (!cmd || !cmd->name || !cmd->fn)
        return -EINVAL;
    if (shell_find(cmd->name))
        return -EEXIST;
    if (ncmds == SHELL_MAX_CMDS)
        return -ENOSPC;
    /* kept sorted by name, so help lists them alphabetically */
    unsigned i = ncmds;
    while (i > 0 && strcmp(cmds[i - 1]->name, cmd->name) > 0) {
        cmds[i] = cmds[i - 1];
        i--;
    }
    cmds[i] = cmd;
    ncmds++;
    return 0;
}

const struct shell_cmd *shell_find(const char *name)
{
    for (unsigned i = 0; i < ncmds; i++)
        if (!strcmp(cmds[i]->name, name))
            return cmds[i];
    return NULL;
}

const struct shell_cmd *shell_cmd_at(unsigned i)
{
    return i < ncmds ? cmds[i] : NULL;
}

int shell_split(char *line, char **argv, int max)
{
    int argc = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (argc == max)
            return -1;
        char *out = p;
        argv[argc++] = out;
        bool quoted = false;
        while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
            if (*p == '"')
                quoted = !quoted;
            else
                *out++ = *p;
            p++;
        }
        if (quoted)
            return -1;
        bool end = !*p;
        *out = '\0';
        if (end)
            break;
        p++;
    }
    return argc;
}

bool shell_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (v < min || v > max)
        return false;
    *out = v;
    return true;
}

int shell_execute(char *line)
{
    char *argv[SHELL_MAX_ARGS + 1];
    int argc = shell_split(line, argv, SHELL_MAX_ARGS);
    if (argc < 0) {
        printk("wirepath: too many words (at most %d) or an unclosed quote\n", SHELL_MAX_ARGS);
        return SHELL_USAGE;
    }
    if (argc == 0)
        return 0;
    argv[argc] = NULL;
    const struct shell_cmd *c = shell_find(argv[0]);
    if (!c) {
        printk("wirepath: %s: command not found (try help)\n", argv[0]);
        return SHELL_NOTFOUND;
    }
    int r = c->fn(argc, argv);
    if (r == SHELL_USAGE)
        printk("usage: %s\n", c->usage ? c->usage : c->name);
    return r;
}
