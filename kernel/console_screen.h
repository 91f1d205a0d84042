/* kernel/console_screen.h - the screen half of the console: the boot log, the ready line
 * and the shell on the display a person looks at, next to COM1 (kernel/console.c mirrors
 * every byte to both).
 *
 * Two backends, chosen from the multiboot2 framebuffer tag:
 *  - EGA/VGA text (BIOS, GRUB's gfxpayload=text): 16-bit character cells, normally at
 *    0xb8000, 80x25; the hardware cursor follows the text.
 *  - linear RGB framebuffer (UEFI GOP, or VBE): 16/24/32 bits per pixel in the layout the
 *    tag gives; text in the built-in font (kernel/console_font.c) scaled to the screen.
 * Both keep a character grid (what is on screen, as text) and scroll when the cursor
 * passes the last row; the pixel backend scrolls several rows at once (moving the whole
 * framebuffer per line would dominate boot time on large screens).
 * Handles '\n', '\r', '\b', '\t'; ANSI escape sequences are skipped, not drawn.
 *
 * Output is polled and takes no locks beyond the caller's (console_write runs with
 * interrupts off), so it works in panic too. */
#ifndef WP_CONSOLE_SCREEN_H
#define WP_CONSOLE_SCREEN_H

#include "kernel/compiler.h"
#include "kernel/multiboot.h"

#define SCREEN_MAX_COLS 256
#define SCREEN_MAX_ROWS 128
#define SCREEN_CELL_W   6        /* font pixels per cell, before scaling: 5 + 1 gap */
#define SCREEN_CELL_H   10       /* 1 above, 8 glyph rows, 1 below */

struct screen_geom {
    int type;                    /* MB_FB_RGB or MB_FB_EGA_TEXT */
    int cols, rows;              /* character grid */
    int scale;                   /* font scale (pixel backend) */
    int cell_w, cell_h;          /* cell size in pixels (pixel backend) */
};

/* Early: take the geometry from the boot information; text is kept in the grid and drawn
 * once screen_map() has a mapping. Returns 0, or -1 when there is no usable screen. */
int screen_init(const struct mb_framebuffer *fb);
/* Map the framebuffer (ioremap) and draw what was written so far. */
void screen_map(void);
/* Use 'virt' as the framebuffer's mapping (screen_map's second half; tests pass memory). */
void screen_attach(void *virt);
void screen_write(const char *s, size_t n);
bool screen_active(void);
const struct screen_geom *screen_geometry(void);
/* Row 'row' of the character grid, trailing blanks removed, NUL-terminated in buf.
 * Returns its length. For tests: what the screen shows, as text. */
size_t screen_row_text(int row, char *buf, size_t len);
/* The cell as drawn (read back from the framebuffer) matches the grid's character. */
bool screen_cell_verify(int col, int row);
/* The cursor's cell. */
void screen_cursor(int *col, int *row);
/* Detach and forget everything (tests). */
void screen_reset(void);

#endif
