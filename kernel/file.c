/* kernel/file.c - struct file reference counting and the running app's descriptor table.
 * Descriptors are handed out lowest-free-first, as POSIX requires (apps rely on it:
 * close(0); socket() gives 0). */
#include "kernel/file.h"
#include "kernel/user/process.h"
#include "kernel/arch/x86.h"
#include "kernel/errno.h"
#include "kernel/mm/mm.h"

struct file *file_alloc(const struct file_ops *ops, void *private_data, unsigned flags)
{
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->ops = ops;
    f->private_data = private_data;
    f->f_flags = flags;
    f->f_count = 1;
    return f;
}

void fget_ref(struct file *f)
{
    f->f_count++;
}

void fput(struct file *f)
{
    if (!f || --f->f_count > 0)
        return;
    if (f->ops && f->ops->release)
        f->ops->release(f);
    kfree(f);
}

static struct files *cur_files(void)
{
    struct process *p = current_process();
    return p ? &p->files : NULL;
}

void files_init(struct files *t)
{
    for (int i = 0; i < NR_OPEN; i++) {
        t->fd[i] = NULL;
        t->cloexec[i] = false;
    }
}

int fd_install(struct file *f)
{
    struct files *t = cur_files();
    if (!t)
        return -EBADF;
    for (int i = 0; i < NR_OPEN; i++) {
        if (!t->fd[i]) {
            t->fd[i] = f;
            t->cloexec[i] = false;
            return i;
        }
    }
    return -EMFILE;
}

struct file *fget(int fd)
{
    struct files *t = cur_files();
    if (!t || fd < 0 || fd >= NR_OPEN || !t->fd[fd])
        return NULL;
    fget_ref(t->fd[fd]);
    return t->fd[fd];
}

int fd_close(int fd)
{
    struct files *t = cur_files();
    if (!t || fd < 0 || fd >= NR_OPEN || !t->fd[fd])
        return -EBADF;
    struct file *f = t->fd[fd];
    t->fd[fd] = NULL;
    fput(f);
    return 0;
}

void files_close_all(struct files *t)
{
    for (int i = 0; i < NR_OPEN; i++) {
        struct file *f = t->fd[i];
        t->fd[i] = NULL;
        fput(f);
    }
}

int files_count(const struct files *t)
{
    int n = 0;
    for (int i = 0; i < NR_OPEN; i++)
        n += t->fd[i] != NULL;
    return n;
}
