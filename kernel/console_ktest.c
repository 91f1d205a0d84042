/* kernel/console_ktest.c - in-kernel tests of the screen console (test=console): what
 * printk writes is in the character grid and drawn on the screen (read back pixel by pixel
 * against the font, or the VGA text cell), long lines wrap, and the screen scrolls. A
 * boot without a screen fails the suite: it is meant for machines that have one. */
#include "kernel/ktest.h"
#include "kernel/console.h"
#include "kernel/console_screen.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

static bool row_has(int row, const char *text)
{
    char buf[SCREEN_MAX_COLS + 1];
    screen_row_text(row, buf, sizeof(buf));
    return strstr(buf, text) != NULL;
}

/* The row printk's last line landed on: the one above the cursor. */
static int last_line_row(void)
{
    int col, row;
    screen_cursor(&col, &row);
    return row - 1;
}

KTEST(console, printk_line_on_screen_and_drawn)
{
    KT_ASSERT_MSG(screen_active(), "no screen console on this boot");
    /* Short enough to fit one 80-column row after the timestamp. */
    const char *marker = "console-ktest: quick brown fox 0123456789";
    printk("%s\n", marker);
    int row = last_line_row();
    KT_ASSERT(row >= 0);
    KT_ASSERT_MSG(row_has(row, marker), "marker not in grid row %d", row);
    const struct screen_geom *g = screen_geometry();
    int bad = 0, cols = MIN(g->cols, 100);
    for (int c = 0; c < cols; c++)
        bad += !screen_cell_verify(c, row);
    KT_EXPECT_EQ(bad, 0);
}

KTEST(console, long_line_wraps)
{
    KT_ASSERT(screen_active());
    const struct screen_geom *g = screen_geometry();
    char line[SCREEN_MAX_COLS * 2 + 2];
    int n = g->cols + 10;
    for (int i = 0; i < n; i++)
        line[i] = (char)('a' + i % 26);
    line[n] = 0;
    /* Raw console write: no timestamp, so the wrap point is known. */
    console_write("\n", 1);
    console_write(line, (size_t)n);
    console_write("\n", 1);
    int row = last_line_row();
    KT_ASSERT(row >= 1);
    char tail[16];
    memcpy(tail, line + g->cols, 10);
    tail[10] = 0;
    KT_ASSERT_MSG(row_has(row, tail), "the last 10 characters did not wrap to the next row");
    KT_ASSERT(screen_cell_verify(0, row) && screen_cell_verify(g->cols - 1, row - 1));
}

KTEST(console, scrolls_keeping_the_latest_lines)
{
    KT_ASSERT(screen_active());
    const struct screen_geom *g = screen_geometry();
    for (int i = 0; i < g->rows + 3; i++)
        printk("console-ktest scroll line %d\n", i);
    int row = last_line_row();
    char want[48];
    snprintf(want, sizeof(want), "scroll line %d", g->rows + 2);
    KT_ASSERT(row_has(row, want));
    snprintf(want, sizeof(want), "scroll line %d", g->rows + 1);
    KT_ASSERT(row_has(row - 1, want));
    /* Everything on screen is drawn as the grid says after the scroll. */
    int bad = 0;
    for (int r = 0; r < g->rows; r++)
        for (int c = 0; c < MIN(g->cols, 40); c++)
            bad += !screen_cell_verify(c, r);
    KT_EXPECT_EQ(bad, 0);
}
