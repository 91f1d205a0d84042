/* kernel/uaccess.c - copy_from_user / copy_to_user for apps.
 *
 * Every page of the range is translated through the app's page tables (kernel/user/uvm.c)
 * and reached through the kernel's direct map: the check and the copy are the same walk,
 * and since tasks are cooperative nothing can unmap a page between the two. */
#include "kernel/uaccess.h"
#include "kernel/user/process.h"
#include "kernel/user/uvm.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

static struct uaccess_stats stats;

static struct uvm *user_vm(void)
{
    struct process *p = current_process();
    return p ? p->vm : NULL;
}

static int fault(void)
{
    stats.faults++;
    return -EFAULT;
}

/* Walk [ua, ua+n) a page at a time; to_user selects the direction. */
static int user_copy(uint64_t ua, void *kbuf, size_t n, bool to_user)
{
    if (n == 0)
        return 0;
    struct uvm *vm = user_vm();
    if (!vm || !user_range_ok(ua, n))
        return fault();
    char *k = kbuf;
    while (n) {
        phys_addr_t pa;
        if (uvm_translate(vm, ua, to_user, &pa))
            return fault();
        size_t chunk = MIN(n, PAGE_SIZE - (ua & (PAGE_SIZE - 1)));
        if (to_user)
            memcpy(phys_to_virt(pa), k, chunk);
        else
            memcpy(k, phys_to_virt(pa), chunk);
        k += chunk;
        ua += chunk;
        n -= chunk;
    }
    return 0;
}

int copy_from_user(void *dst, const void __user *src, size_t n)
{
    int r = user_copy((uint64_t)(uintptr_t)src, dst, n, false);
    if (!r)
        stats.bytes_in += n;
    return r;
}

int copy_to_user(void __user *dst, const void *src, size_t n)
{
    int r = user_copy((uint64_t)(uintptr_t)dst, (void *)src, n, true);
    if (!r)
        stats.bytes_out += n;
    return r;
}

long strncpy_from_user(char *dst, const char __user *src, long n)
{
    uint64_t ua = (uint64_t)(uintptr_t)src;
    struct uvm *vm = user_vm();
    if (n <= 0)
        return 0;
    if (!vm)
        return fault();
    for (long i = 0; i < n; i++, ua++) {
        phys_addr_t pa;
        if (!user_range_ok(ua, 1) || uvm_translate(vm, ua, false, &pa))
            return fault();
        dst[i] = *(const char *)phys_to_virt(pa);
        if (!dst[i])
            return i;
    }
    return n;
}

bool user_access_ok(const void __user *p, size_t n, bool write)
{
    uint64_t ua = (uint64_t)(uintptr_t)p;
    if (n == 0)
        return true;
    struct uvm *vm = user_vm();
    if (!vm || !user_range_ok(ua, n))
        return false;
    phys_addr_t pa;
    for (uint64_t a = ALIGN_DOWN(ua, PAGE_SIZE); a < ua + n; a += PAGE_SIZE)
        if (uvm_translate(vm, a < ua ? ua : a, write, &pa))
            return false;
    return true;
}

void uaccess_get_stats(struct uaccess_stats *s)
{
    *s = stats;
}
