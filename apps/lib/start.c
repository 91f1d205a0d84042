/* apps/lib/start.c - from the initial stack to main, and exit. */
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "wp_syscall.h"

int main(int argc, char **argv);

__attribute__((noreturn)) void __wp_start(long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    exit(main(argc, argv));
}

void exit(int code)
{
    fflush(stdout);
    _exit(code);
}

void _exit(int code)
{
    for (;;)
        __wp_sc(SYS_exit_group, code, 0, 0, 0, 0, 0);
}

void abort(void)
{
    _exit(134);             /* 128 + SIGABRT, what a shell would report */
}
