// SOURCES: kernel/console_screen.c kernel/console_font.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_clock.c
/* The screen console on a framebuffer in memory: characters drawn in the font at the
 * scale the screen gets, the grid, wrapping, control characters, escape sequences
 * skipped, scrolling (the pixels follow the grid), 16/24-bit layouts, VGA text cells. */
#include "tests/unit/unit.h"
#include "kernel/console_screen.h"
#include "kernel/console_font.h"
#include <stdlib.h>

static struct mb_framebuffer rgb(uint32_t w, uint32_t h, int bpp)
{
    struct mb_framebuffer fb = { .present = true, .type = MB_FB_RGB, .bpp = (uint8_t)bpp,
                                 .addr = 0x80000000, .width = w, .height = h,
                                 .pitch = w * (uint32_t)bpp / 8 + 64 };
    if (bpp == 16) {
        fb.red_pos = 11; fb.red_size = 5; fb.green_pos = 5; fb.green_size = 6;
        fb.blue_pos = 0; fb.blue_size = 5;
    } else {
        fb.red_pos = 16; fb.red_size = 8; fb.green_pos = 8; fb.green_size = 8;
        fb.blue_pos = 0; fb.blue_size = 8;
    }
    return fb;
}

static void puts_screen(const char *s) { screen_write(s, strlen(s)); }

static const char *row(int r)
{
    static char buf[SCREEN_MAX_COLS + 1];
    screen_row_text(r, buf, sizeof(buf));
    return buf;
}

static bool all_cells_verify(void)
{
    const struct screen_geom *g = screen_geometry();
    for (int r = 0; r < g->rows; r++)
        for (int c = 0; c < g->cols; c++)
            if (!screen_cell_verify(c, r))
                return false;
    return true;
}

TEST(geometry_from_framebuffer_size)
{
    struct mb_framebuffer fb = rgb(1024, 768, 32);
    CHECK_EQ(screen_init(&fb), 0);
    const struct screen_geom *g = screen_geometry();
    CHECK_EQ(g->scale, 2);
    CHECK_EQ(g->cols, 85);
    CHECK_EQ(g->rows, 38);
    fb = rgb(640, 480, 32);
    CHECK_EQ(screen_init(&fb), 0);
    CHECK_EQ(screen_geometry()->scale, 1);
    CHECK_EQ(screen_geometry()->cols, 106);
    fb = rgb(3840, 2160, 32);
    CHECK_EQ(screen_init(&fb), 0);
    CHECK_EQ(screen_geometry()->scale, 3);
    fb.bpp = 8;                            /* unsupported depth */
    CHECK_EQ(screen_init(&fb), -1);
    fb = rgb(1024, 768, 32);
    fb.type = MB_FB_INDEXED;
    CHECK_EQ(screen_init(&fb), -1);
    fb.present = false;
    CHECK_EQ(screen_init(&fb), -1);
    screen_reset();
}

TEST(text_before_mapping_is_drawn_on_attach)
{
    struct mb_framebuffer fb = rgb(800, 600, 32);
    uint8_t *mem = malloc((size_t)fb.pitch * fb.height);
    memset(mem, 0xee, (size_t)fb.pitch * fb.height);    /* what firmware left */
    CHECK_EQ(screen_init(&fb), 0);
    puts_screen("early line\nsecond");
    CHECK(!screen_active());
    CHECK_STR(row(0), "early line");
    screen_attach(mem);
    CHECK(screen_active());
    CHECK(all_cells_verify());
    /* a lit pixel of 'e' (row 2 of the glyph has bits 0x0e: columns 1..3) */
    const struct screen_geom *g = screen_geometry();
    uint32_t px;
    memcpy(&px, mem + (size_t)(1 + 2) * g->scale * fb.pitch + (size_t)(1 * g->scale) * 4, 4);
    CHECK_EQ(px & 0xffffff, 0xc0c0c0);
    screen_reset();
    free(mem);
}

TEST(control_characters_wrap_and_escapes)
{
    struct mb_framebuffer fb = rgb(480, 200, 32);        /* 80 x 20 at scale 1 */
    uint8_t *mem = calloc(1, (size_t)fb.pitch * fb.height);
    CHECK_EQ(screen_init(&fb), 0);
    screen_attach(mem);
    CHECK_EQ(screen_geometry()->cols, 80);
    puts_screen("abc\rX\n");
    CHECK_STR(row(0), "Xbc");
    puts_screen("a\tb\n");
    CHECK_STR(row(1), "a       b");
    puts_screen("xy\bz\n");
    CHECK_STR(row(2), "xz");
    puts_screen("\x1b[1;31mred\x1b[0m\x07\n");
    CHECK_STR(row(3), "red");
    char line[100];
    memset(line, 'w', 85);
    line[85] = 0;
    puts_screen(line);
    CHECK_EQ(strlen(row(4)), 80);
    CHECK_STR(row(5), "wwwww");
    puts_screen("\xc3\xa9\n");                             /* non-ASCII: the box glyph */
    CHECK(all_cells_verify());
    int col, r;
    screen_cursor(&col, &r);
    CHECK_EQ(col, 0);
    CHECK_EQ(r, 6);
    screen_reset();
    free(mem);
}

TEST(scrolling_keeps_latest_lines_and_pixels_follow)
{
    for (int bpp = 16; bpp <= 32; bpp += 8) {
        struct mb_framebuffer fb = rgb(480, 200, bpp);
        uint8_t *mem = calloc(1, (size_t)fb.pitch * fb.height);
        CHECK_EQ(screen_init(&fb), 0);
        screen_attach(mem);
        int rows = screen_geometry()->rows;
        char buf[32];
        for (int i = 0; i < rows * 3 + 1; i++) {
            snprintf(buf, sizeof(buf), "line %d\n", i);
            puts_screen(buf);
        }
        int col, r;
        screen_cursor(&col, &r);
        CHECK(r < rows);
        snprintf(buf, sizeof(buf), "line %d", rows * 3);
        CHECK_STR(row(r - 1), buf);
        snprintf(buf, sizeof(buf), "line %d", rows * 3 - 1);
        CHECK_STR(row(r - 2), buf);
        CHECK_STR(row(r), "");
        CHECK(all_cells_verify());
        screen_reset();
        free(mem);
    }
}

TEST(vga_text_cells)
{
    struct mb_framebuffer fb = { .present = true, .type = MB_FB_EGA_TEXT, .bpp = 16,
                                 .addr = 0xb9000, .pitch = 160, .width = 80, .height = 25 };
    uint16_t *cells = calloc(80 * 25, 2);
    CHECK_EQ(screen_init(&fb), 0);
    puts_screen("hello\n");
    screen_attach(cells);
    CHECK_EQ(cells[0], 'h' | 0x0700);
    CHECK_EQ(cells[4], 'o' | 0x0700);
    CHECK_EQ(cells[5], ' ' | 0x0700);
    for (int i = 0; i < 30; i++)
        puts_screen("x\n");
    CHECK_STR(row(23), "x");
    CHECK_STR(row(24), "");
    CHECK_EQ(cells[23 * 80], 'x' | 0x0700);
    CHECK(all_cells_verify());
    screen_reset();
    free(cells);
}
