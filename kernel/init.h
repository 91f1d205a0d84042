/* kernel/init.h - initcalls: subsystems and drivers register themselves here so that
 * kmain needs no list of them. Levels run in order after the platform is up. */
#ifndef WP_INIT_H
#define WP_INIT_H

#include "kernel/compiler.h"

typedef int (*initcall_t)(void);
#define __define_initcall(fn, lvl) \
    static initcall_t __initcall_##fn __used __section(".initcall." #lvl) = fn
#define core_initcall(fn)    __define_initcall(fn, 1)   /* net core, softirq users */
#define subsys_initcall(fn)  __define_initcall(fn, 2)   /* protocol families */
#define device_initcall(fn)  __define_initcall(fn, 4)   /* drivers */
#define late_initcall(fn)    __define_initcall(fn, 6)   /* services, apps */

void do_initcalls(void);

#endif
