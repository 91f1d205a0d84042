// SOURCES: kernel/user/uvm.c kernel/user/elf.c kernel/uaccess.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/fake_clock.c
/* tests/unit/test_uvm_elf.c - user address spaces, the user-copy checks and the ELF
 * loader without a machine: mappings carry the U bit (and W/NX as asked) at every level,
 * translation refuses kernel, non-canonical, unmapped and (for writes) read-only
 * addresses, copies cross page boundaries, tear-down frees every page, and the loader
 * accepts a well-formed static executable (and the real apps when they are built) while
 * refusing each kind of malformed image. */
#include "tests/unit/unit.h"
#include "tests/unit/fake_mm.h"
#include "tests/unit/fake_kernel.h"
#include "kernel/user/uvm.h"
#include "kernel/user/elf.h"
#include "kernel/user/process.h"
#include "kernel/uaccess.h"
#include "kernel/errno.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }

static struct process proc;

static void use(struct uvm *vm)
{
    proc.vm = vm;
    current->user = vm ? &proc : NULL;
}

static uint64_t pte_of(struct uvm *vm, uint64_t va, int *levels_with_u)
{
    uint64_t *t = vm->pml4;
    *levels_with_u = 0;
    for (int shift = 39; shift >= 12; shift -= 9) {
        uint64_t e = t[(va >> shift) & 511];
        if (!(e & PTE_PRESENT))
            return 0;
        if (e & PTE_USER)
            (*levels_with_u)++;
        if (shift == 12)
            return e;
        t = (uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK);
    }
    return 0;
}

TEST(uvm_map_sets_user_bits_and_permissions)
{
    long live0 = fake_mm_live;
    struct uvm *vm = uvm_create();
    CHECK(vm != NULL);
    CHECK_EQ(uvm_map(vm, USER_BASE, 3 * PAGE_SIZE, UVM_READ | UVM_EXEC), 0);
    CHECK_EQ(uvm_map(vm, USER_BASE + 0x10000, 100, UVM_READ | UVM_WRITE), 0);
    CHECK_EQ(vm->nr_pages, 4);
    int u;
    uint64_t e = pte_of(vm, USER_BASE + PAGE_SIZE, &u);
    CHECK(e & PTE_PRESENT);
    CHECK_EQ(u, 4);                           /* U at every level */
    CHECK(!(e & PTE_WRITE));
    CHECK(!(e & PTE_NX));                     /* executable */
    e = pte_of(vm, USER_BASE + 0x10000, &u);
    CHECK(e & PTE_WRITE);
    CHECK(e & PTE_NX);
    /* a second mapping over the same page widens it (segments sharing a page) */
    CHECK_EQ(uvm_map(vm, USER_BASE + 2 * PAGE_SIZE, 10, UVM_READ | UVM_WRITE), 0);
    e = pte_of(vm, USER_BASE + 2 * PAGE_SIZE, &u);
    CHECK(e & PTE_WRITE);
    CHECK(!(e & PTE_NX));
    CHECK_EQ(vm->nr_pages, 4);
    /* outside user space */
    CHECK_EQ(uvm_map(vm, 0x1000, 10, UVM_READ), -EINVAL);
    CHECK_EQ(uvm_map(vm, USER_TOP - PAGE_SIZE, 2 * PAGE_SIZE, UVM_READ), -EINVAL);
    CHECK_EQ(uvm_map(vm, 0xffff800000000000ull, 10, UVM_READ), -EINVAL);
    CHECK_EQ(uvm_map(vm, USER_BASE, 0, UVM_READ), -EINVAL);
    uvm_destroy(vm);
    CHECK_EQ(fake_mm_live, live0);
}

TEST(uvm_map_out_of_memory_is_clean)
{
    long live0 = fake_mm_live;
    struct uvm *vm = uvm_create();
    fake_mm_fail_after = 3;
    CHECK_EQ(uvm_map(vm, USER_BASE, 64 * PAGE_SIZE, UVM_READ), -ENOMEM);
    fake_mm_fail_after = -1;
    uvm_destroy(vm);
    CHECK_EQ(fake_mm_live, live0);
    fake_mm_fail_after = 0;
    CHECK(uvm_create() == NULL);
    fake_mm_fail_after = -1;
    CHECK_EQ(fake_mm_live, live0);
}

TEST(uaccess_checks_every_kind_of_bad_address)
{
    struct uvm *vm = uvm_create();
    CHECK_EQ(uvm_map(vm, USER_BASE, 2 * PAGE_SIZE, UVM_READ | UVM_WRITE), 0);
    CHECK_EQ(uvm_map(vm, USER_BASE + 2 * PAGE_SIZE, PAGE_SIZE, UVM_READ), 0);
    use(vm);
    char buf[64] = "0123456789abcdef";
    void *u = (void *)USER_BASE;
    /* across a page boundary, both ways */
    void *edge = (void *)(USER_BASE + PAGE_SIZE - 5);
    CHECK_EQ(copy_to_user(edge, buf, 16), 0);
    char back[16];
    CHECK_EQ(copy_from_user(back, edge, 16), 0);
    CHECK(memcmp(back, buf, 16) == 0);
    /* reading the read-only page is fine, writing it is not */
    CHECK_EQ(copy_from_user(back, (void *)(USER_BASE + 2 * PAGE_SIZE), 16), 0);
    CHECK_EQ(copy_to_user((void *)(USER_BASE + 2 * PAGE_SIZE), buf, 1), -EFAULT);
    CHECK_EQ(copy_to_user((void *)(USER_BASE + 2 * PAGE_SIZE - 4), buf, 8), -EFAULT);
    CHECK(!user_access_ok((void *)(USER_BASE + PAGE_SIZE), 2 * PAGE_SIZE, true));
    CHECK(user_access_ok((void *)(USER_BASE + PAGE_SIZE), 2 * PAGE_SIZE, false));
    /* unmapped, below USER_BASE, NULL, kernel, non-canonical, wrapping, beyond the top */
    CHECK_EQ(copy_from_user(back, (void *)(USER_BASE + 3 * PAGE_SIZE), 1), -EFAULT);
    CHECK_EQ(copy_from_user(back, (void *)(USER_BASE + 3 * PAGE_SIZE - 1), 2), -EFAULT);
    CHECK_EQ(copy_from_user(back, NULL, 1), -EFAULT);
    CHECK_EQ(copy_from_user(back, (void *)0x1000, 1), -EFAULT);
    CHECK_EQ(copy_from_user(back, (void *)0xffff800000001000ull, 1), -EFAULT);
    CHECK_EQ(copy_from_user(back, (void *)0xffffffff80100000ull, 1), -EFAULT);
    CHECK_EQ(copy_from_user(back, (void *)0x0000800000000000ull, 1), -EFAULT);
    CHECK_EQ(copy_from_user(back, (void *)0x8000000000000000ull, 1), -EFAULT);
    CHECK_EQ(copy_from_user(back, u, (size_t)-1), -EFAULT);
    CHECK_EQ(copy_to_user((void *)(USER_TOP - 1), buf, 2), -EFAULT);
    /* zero bytes: nothing to check */
    CHECK_EQ(copy_from_user(back, (void *)0xffff800000001000ull, 0), 0);
    /* strings */
    CHECK_EQ(copy_to_user(u, "hello", 6), 0);
    char s[16];
    CHECK_EQ(strncpy_from_user(s, u, sizeof(s)), 5);
    CHECK_STR(s, "hello");
    CHECK_EQ(strncpy_from_user(s, u, 3), 3);
    char fill[8];
    memset(fill, 'x', sizeof(fill));
    CHECK_EQ(copy_to_user((void *)(USER_BASE + 3 * PAGE_SIZE - 8), fill, 8), -EFAULT);
    /* runs off the end of the mapping before its NUL (the loader's write ignores RO) */
    CHECK_EQ(uvm_write(vm, USER_BASE + 3 * PAGE_SIZE - 8, fill, 8), 0);
    CHECK_EQ(strncpy_from_user(s, (void *)(USER_BASE + 3 * PAGE_SIZE - 8), 16), -EFAULT);
    CHECK_EQ(strncpy_from_user(s, (void *)(USER_BASE + 3 * PAGE_SIZE - 8), 8), 8);
    CHECK_EQ(uvm_write(vm, USER_BASE + 3 * PAGE_SIZE, fill, 1), -EFAULT);
    CHECK_EQ(strncpy_from_user(s, (void *)0xffff800000001000ull, 16), -EFAULT);
    /* no app at all: nothing is user memory */
    use(NULL);
    CHECK_EQ(copy_from_user(back, u, 1), -EFAULT);
    uvm_destroy(vm);
}

/* ------------------------------------------------------------ ELF images */
struct image {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[3];
    unsigned char text[64];
    unsigned char data[32];
} __attribute__((aligned(8)));

static void make_image(struct image *im)
{
    memset(im, 0, sizeof(*im));
    memcpy(im->eh.e_ident, "\177ELF", 4);
    im->eh.e_ident[4] = 2;
    im->eh.e_ident[5] = 1;
    im->eh.e_ident[6] = 1;
    im->eh.e_type = ET_EXEC;
    im->eh.e_machine = EM_X86_64;
    im->eh.e_version = 1;
    im->eh.e_entry = USER_BASE + 8;
    im->eh.e_phoff = offsetof(struct image, ph);
    im->eh.e_ehsize = sizeof(Elf64_Ehdr);
    im->eh.e_phentsize = sizeof(Elf64_Phdr);
    im->eh.e_phnum = 3;
    for (int i = 0; i < 64; i++)
        im->text[i] = (unsigned char)(0x90 + i);
    memcpy(im->data, "initialised data", 17);
    im->ph[0] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, offsetof(struct image, text), USER_BASE,
                              USER_BASE, 64, 64, 4096 };
    im->ph[1] = (Elf64_Phdr){ 4 /* PT_NOTE: ignored */, PF_R, 0, 0, 0, 0, 0, 4 };
    im->ph[2] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_W, offsetof(struct image, data),
                              USER_BASE + 0x2000, USER_BASE + 0x2000, 17, 0x3000, 4096 };
}

TEST(elf_loads_segments_and_zeroes_bss)
{
    long live0 = fake_mm_live;
    struct image im;
    make_image(&im);
    struct uvm *vm = uvm_create();
    uint64_t entry = 0;
    CHECK_EQ(elf_load(vm, &im, sizeof(im), &entry), 0);
    CHECK_EQ(entry, USER_BASE + 8);
    CHECK_EQ(vm->nr_pages, 1 + 3);
    use(vm);
    unsigned char t[64];
    CHECK_EQ(copy_from_user(t, (void *)USER_BASE, 64), 0);
    CHECK(memcmp(t, im.text, 64) == 0);
    char d[32];
    CHECK_EQ(copy_from_user(d, (void *)(USER_BASE + 0x2000), 17), 0);
    CHECK_STR(d, "initialised data");
    char z[16], zero[16] = { 0 };
    CHECK_EQ(copy_from_user(z, (void *)(USER_BASE + 0x2000 + 0x2ff0), 16), 0);
    CHECK(memcmp(z, zero, 16) == 0);
    /* text is not writable by the app, data is */
    CHECK_EQ(copy_to_user((void *)USER_BASE, "x", 1), -EFAULT);
    CHECK_EQ(copy_to_user((void *)(USER_BASE + 0x2000), "x", 1), 0);
    use(NULL);
    uvm_destroy(vm);
    CHECK_EQ(fake_mm_live, live0);
}

static int check_variant(void (*mutate)(struct image *), size_t size)
{
    struct image im;
    make_image(&im);
    mutate(&im);
    struct uvm *vm = uvm_create();
    uint64_t entry;
    int r = elf_load(vm, &im, size ? size : sizeof(im), &entry);
    CHECK_EQ(vm->nr_pages, 0);               /* checked before anything is mapped */
    uvm_destroy(vm);
    return r;
}

static void m_magic(struct image *im) { im->eh.e_ident[1] = 'X'; }
static void m_class32(struct image *im) { im->eh.e_ident[4] = 1; }
static void m_bigendian(struct image *im) { im->eh.e_ident[5] = 2; }
static void m_dyn(struct image *im) { im->eh.e_type = 3; }
static void m_arm(struct image *im) { im->eh.e_machine = 183; }
static void m_phentsize(struct image *im) { im->eh.e_phentsize = 40; }
static void m_phnum0(struct image *im) { im->eh.e_phnum = 0; }
static void m_phnum_huge(struct image *im) { im->eh.e_phnum = 60000; }
static void m_phoff_out(struct image *im) { im->eh.e_phoff = 1u << 30; }
static void m_phoff_wrap(struct image *im) { im->eh.e_phoff = (uint64_t)-8; }
static void m_phoff_odd(struct image *im) { im->eh.e_phoff = 65; }
static void m_filesz_gt_memsz(struct image *im) { im->ph[2].p_filesz = 0x4000; }
static void m_offset_out(struct image *im) { im->ph[0].p_offset = 1u << 20; }
static void m_offset_wrap(struct image *im) { im->ph[0].p_offset = (uint64_t)-16; }
static void m_vaddr_low(struct image *im) { im->ph[0].p_vaddr = 0x1000; im->eh.e_entry = 0x1008; }
static void m_vaddr_kernel(struct image *im) { im->ph[2].p_vaddr = 0xffffffff80000000ull; }
static void m_vaddr_wrap(struct image *im) { im->ph[2].p_memsz = (uint64_t)-0x1000; }
static void m_into_stack(struct image *im) { im->ph[2].p_vaddr = USER_STACK_TOP - 0x1000; }
static void m_too_big(struct image *im) { im->ph[2].p_memsz = ELF_MAX_IMAGE + 1; }
static void m_overlap(struct image *im) { im->ph[2].p_vaddr = USER_BASE + 32; }
static void m_entry_outside(struct image *im) { im->eh.e_entry = USER_BASE + 0x2000; }
static void m_no_load(struct image *im) { im->ph[0].p_type = 0; im->ph[2].p_type = 0; }
static void m_nothing(struct image *im) { (void)im; }

TEST(elf_refuses_malformed_images)
{
    long live0 = fake_mm_live;
    void (*bad[])(struct image *) = {
        m_magic, m_class32, m_bigendian, m_dyn, m_arm, m_phentsize, m_phnum0, m_phnum_huge,
        m_phoff_out, m_phoff_wrap, m_phoff_odd, m_filesz_gt_memsz, m_offset_out, m_offset_wrap,
        m_vaddr_low, m_vaddr_kernel, m_vaddr_wrap, m_into_stack, m_too_big, m_overlap,
        m_entry_outside, m_no_load,
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        int r = check_variant(bad[i], 0);
        if (r != -ENOEXEC)
            fprintf(stderr, "  variant %zu accepted (%d)\n", i, r);
        CHECK_EQ(r, -ENOEXEC);
    }
    /* truncated images */
    CHECK_EQ(check_variant(m_nothing, 10), -ENOEXEC);
    CHECK_EQ(check_variant(m_nothing, offsetof(struct image, ph) + 8), -ENOEXEC);
    CHECK_EQ(check_variant(m_nothing, offsetof(struct image, data) + 4), -ENOEXEC);
    CHECK_EQ(elf_check(NULL, 100), -ENOEXEC);
    CHECK_EQ(fake_mm_live, live0);
}

TEST(elf_random_corruption_never_crashes)
{
    struct image im;
    uint32_t seed = 12345;
    for (int round = 0; round < 3000; round++) {
        make_image(&im);
        unsigned char *b = (unsigned char *)&im;
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            b[(seed >> 8) % offsetof(struct image, text)] = (unsigned char)(seed >> 24);
        }
        struct uvm *vm = uvm_create();
        uint64_t entry;
        int r = elf_load(vm, &im, sizeof(im), &entry);
        CHECK(r == 0 || r == -ENOEXEC || r == -ENOMEM);
        uvm_destroy(vm);
    }
}

/* The apps the Makefile builds, when they are there. */
TEST(elf_accepts_the_built_apps)
{
    const char *apps[] = { "build/apps/udp_echo.elf", "build/apps/syscall_test.elf" };
    for (size_t i = 0; i < ARRAY_SIZE(apps); i++) {
        FILE *f = fopen(apps[i], "rb");
        if (!f)
            continue;
        static uint64_t buf[(1 << 20) / 8];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        struct uvm *vm = uvm_create();
        uint64_t entry = 0;
        CHECK_EQ(elf_load(vm, buf, n, &entry), 0);
        CHECK(entry >= USER_BASE);
        CHECK(vm->nr_pages >= 3);
        uvm_destroy(vm);
    }
}
