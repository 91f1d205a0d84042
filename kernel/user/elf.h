/* kernel/user/elf.h - loading an app's ELF64 executable into its address space.
 * Only what a static, non-PIE x86_64 executable needs (System V gABI, "Program
 * Loading"): PT_LOAD segments at fixed addresses in user space, the rest ignored. */
#ifndef WP_USER_ELF_H
#define WP_USER_ELF_H

#include "kernel/compiler.h"

struct uvm;

typedef struct {
    unsigned char e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf64_Ehdr;

typedef struct {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} Elf64_Phdr;

#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ELF_MAX_PHDRS 16
#define ELF_MAX_IMAGE (64ull << 20)    /* total memory of all segments */

/* Check the image without touching any address space: 0 or -ENOEXEC. */
int elf_check(const void *image, size_t size);
/* Check, map and copy every PT_LOAD segment; *entry gets the entry point.
 * 0, -ENOEXEC (malformed or unsuitable image) or -ENOMEM. */
int elf_load(struct uvm *vm, const void *image, size_t size, uint64_t *entry);

#endif
