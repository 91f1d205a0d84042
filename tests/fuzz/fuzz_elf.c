// SOURCES: kernel/user/elf.c kernel/user/uvm.c kernel/lib/string.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/fake_clock.c
// FUZZ_OPTS: -max_len=4096
/* tests/fuzz/fuzz_elf.c - the app loader on arbitrary images: elf_check never reads
 * outside the image, and an image it accepts loads into a fresh address space (with the
 * entry point in user space) and is torn down without leaking a page. Images that ask for
 * more than 1 MiB are only checked, to keep each run fast. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/user/elf.h"
#include "kernel/user/uvm.h"
#include "kernel/errno.h"
#include "tests/unit/fake_mm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint64_t img[4096 / 8 + 1];
    if (size > sizeof(img))
        return 0;
    memcpy(img, data, size);
    int r = elf_check(img, size);
    if (r != 0 && r != -ENOEXEC)
        abort();
    if (r)
        return 0;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)img + eh->e_phoff);
    uint64_t total = 0;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD)
            total += ph[i].p_memsz;
    if (total > (1u << 20))
        return 0;
    long live0 = fake_mm_live;
    struct uvm *vm = uvm_create();
    uint64_t entry = 0;
    r = elf_load(vm, img, size, &entry);
    if (r == 0 && (entry < USER_BASE || entry >= USER_TOP))
        abort();
    if (r != 0 && r != -ENOEXEC && r != -ENOMEM)
        abort();
    uvm_destroy(vm);
    if (fake_mm_live != live0)
        abort();
    return 0;
}
