/* kernel/user/apps.h - the app images built into the kernel (see kernel/user/apps.c). */
#ifndef WP_USER_APPS_H
#define WP_USER_APPS_H

#include "kernel/compiler.h"

struct process;

struct app_image {
    const char *name;
    const unsigned char *start, *end;    /* the ELF file */
};

const struct app_image *app_find(const char *name);
void app_list(void);
/* Start an app with argv = { name, args... }; the process comes with a reference for the
 * caller (process_put). NULL when there is no such app or no memory. */
struct process *app_start(const char *name, int argc, const char *const *args);

#endif
