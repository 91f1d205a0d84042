/* kernel/user/apps.c - the apps built into the kernel image, and which of them start at
 * boot.
 *
 * The Makefile links every app as its own static ELF (apps/, linked at 0x400000) and
 * embeds the files in .rodata with a table {name, start, end} (build/apps/apps_blob.S);
 * see docs/apps.md. The command line picks what runs:
 *   apps=udp_echo:7,syscall_test     comma-separated; ':' separates the app's arguments
 *   apps=none                        nothing
 * Without apps=, the image runs the services (DEFAULT_APPS) - except in test mode (test=), where
 * the tests start what they need themselves. */
#include "kernel/user/apps.h"
#include "kernel/user/process.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/ktest.h"
#include "kernel/lib/string.h"

CMDLINE_KEY(apps, "apps", "apps to start at boot: name[:arg...][,name...] or none (default: the services, see docs/apps.md)");

#define DEFAULT_APPS "udp_echo:7,tcp_echo:7,discard:9,chargen:19,iperf3d:5201,httpd:80"

extern const struct app_image app_images[];
extern const uint64_t app_images_count;

const struct app_image *app_find(const char *name)
{
    for (uint64_t i = 0; i < app_images_count; i++)
        if (!strcmp(app_images[i].name, name))
            return &app_images[i];
    return NULL;
}

void app_list(void)
{
    for (uint64_t i = 0; i < app_images_count; i++)
        pr_info("apps: %-14s %6zu bytes\n", app_images[i].name,
                (size_t)(app_images[i].end - app_images[i].start));
}

struct process *app_start(const char *name, int argc, const char *const *args)
{
    const struct app_image *img = app_find(name);
    if (!img) {
        pr_err("apps: no app called '%s' in this image\n", name);
        return NULL;
    }
    const char *argv[PROCESS_MAX_ARGS];
    int n = 0;
    argv[n++] = img->name;
    for (int i = 0; i < argc && n < PROCESS_MAX_ARGS; i++)
        argv[n++] = args[i];
    struct process *p = process_spawn(img->name, img->start, (size_t)(img->end - img->start),
                                      n, argv);
    if (!p)
        pr_err("apps: cannot start %s: out of memory\n", name);
    return p;
}

/* One "name:arg:arg" item of apps=. */
static void start_item(char *item)
{
    const char *args[PROCESS_MAX_ARGS];
    int n = 0;
    char *name = item;
    char *c = strchr(item, ':');
    while (c && n < PROCESS_MAX_ARGS - 1) {
        *c = 0;
        args[n++] = c + 1;
        c = strchr(c + 1, ':');
    }
    if (!*name)
        return;
    struct process *p = app_start(name, n, args);
    process_put(p);                 /* it runs on its own; nobody waits for it */
}

static int apps_init(void)
{
    app_list();
    const char *spec = cmdline_get("apps");
    if (!spec)
        spec = ktest_mode ? "none" : DEFAULT_APPS;
    if (!strcmp(spec, "none") || !*spec)
        return 0;
    char buf[128];
    if (strlcpy(buf, spec, sizeof(buf)) >= sizeof(buf)) {
        pr_err("apps: apps= is longer than %zu characters; ignored\n", sizeof(buf) - 1);
        return -1;
    }
    char *item = buf;
    for (;;) {
        char *comma = strchr(item, ',');
        if (comma)
            *comma = 0;
        start_item(item);
        if (!comma)
            break;
        item = comma + 1;
    }
    return 0;
}
late_initcall(apps_init);
