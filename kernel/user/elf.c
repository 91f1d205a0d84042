/* kernel/user/elf.c - validate an ELF64 executable and load its PT_LOAD segments.
 * Every field that is used is checked against the image size and the user address range
 * first (with overflow-safe arithmetic): a corrupt image is refused, never followed. */
#include "kernel/user/elf.h"
#include "kernel/user/uvm.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

static const Elf64_Phdr *phdrs(const void *image)
{
    const Elf64_Ehdr *eh = image;
    return (const Elf64_Phdr *)((const char *)image + eh->e_phoff);
}

int elf_check(const void *image, size_t size)
{
    const Elf64_Ehdr *eh = image;
    if (!image || size < sizeof(*eh) || ((uintptr_t)image & 7))
        return -ENOEXEC;
    if (memcmp(eh->e_ident, "\177ELF", 4) || eh->e_ident[4] != 2 /* ELFCLASS64 */ ||
        eh->e_ident[5] != 1 /* little endian */ || eh->e_ident[6] != 1 /* EV_CURRENT */)
        return -ENOEXEC;
    if (eh->e_type != ET_EXEC || eh->e_machine != EM_X86_64)
        return -ENOEXEC;
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
        eh->e_phnum > ELF_MAX_PHDRS || (eh->e_phoff & 7) || eh->e_phoff > size ||
        (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff)
        return -ENOEXEC;

    const Elf64_Phdr *ph = phdrs(image);
    uint64_t total = 0;
    bool entry_ok = false;
    int loads = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD)
            continue;
        loads++;
        if (p->p_filesz > p->p_memsz || p->p_memsz == 0 || p->p_offset > size ||
            p->p_filesz > size - p->p_offset)
            return -ENOEXEC;
        if (p->p_vaddr < USER_BASE || !user_range_ok(p->p_vaddr, p->p_memsz) ||
            p->p_vaddr + p->p_memsz > USER_STACK_TOP - USER_STACK_SIZE)
            return -ENOEXEC;
        total += p->p_memsz;
        if (total > ELF_MAX_IMAGE)
            return -ENOEXEC;
        /* segments may share a page, never bytes */
        for (int j = 0; j < i; j++) {
            const Elf64_Phdr *q = &ph[j];
            if (q->p_type == PT_LOAD && p->p_vaddr < q->p_vaddr + q->p_memsz &&
                q->p_vaddr < p->p_vaddr + p->p_memsz)
                return -ENOEXEC;
        }
        if ((p->p_flags & PF_X) && eh->e_entry >= p->p_vaddr &&
            eh->e_entry < p->p_vaddr + p->p_memsz)
            entry_ok = true;
    }
    return loads && entry_ok ? 0 : -ENOEXEC;
}

int elf_load(struct uvm *vm, const void *image, size_t size, uint64_t *entry)
{
    int r = elf_check(image, size);
    if (r)
        return r;
    const Elf64_Ehdr *eh = image;
    const Elf64_Phdr *ph = phdrs(image);
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD)
            continue;
        unsigned prot = UVM_READ;
        if (p->p_flags & PF_W)
            prot |= UVM_WRITE;
        if (p->p_flags & PF_X)
            prot |= UVM_EXEC;
        r = uvm_map(vm, p->p_vaddr, p->p_memsz, prot);
        if (r)
            return r;
        /* fresh pages are zero, so the bss needs nothing more */
        if (p->p_filesz && uvm_write(vm, p->p_vaddr, (const char *)image + p->p_offset,
                                     p->p_filesz))
            return -ENOEXEC;
    }
    *entry = eh->e_entry;
    return 0;
}
