/* tests/unit/unit_main.c - runs every TEST() linked into the binary, in file order, each
 * followed by the file's TEARDOWN() checks when it has them. */
#include "tests/unit/unit.h"

struct unit_test *unit_tests;
int unit_failed_checks;
void (*unit_teardown)(void);

int main(int argc, char **argv)
{
    const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    const char *only = argc > 1 ? argv[1] : NULL;
    /* constructors ran in reverse order of definition: reverse the list back */
    struct unit_test *rev = NULL;
    while (unit_tests) {
        struct unit_test *n = unit_tests->next;
        unit_tests->next = rev;
        rev = unit_tests;
        unit_tests = n;
    }
    int passed = 0, failed = 0;
    for (struct unit_test *t = rev; t; t = t->next) {
        if (only && strcmp(only, t->name))
            continue;
        int before = unit_failed_checks;
        t->fn();
        if (unit_teardown)
            unit_teardown();
        if (unit_failed_checks == before) {
            passed++;
            printf("unit: %s.%s ... ok\n", prog, t->name);
        } else {
            failed++;
            printf("unit: %s.%s ... FAIL\n", prog, t->name);
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
