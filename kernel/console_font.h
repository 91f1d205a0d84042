/* kernel/console_font.h - the screen console's built-in bitmap font: printable ASCII
 * (0x20..0x7e), each glyph 5 pixels wide and 8 rows tall (7 above the baseline, 1 for
 * descenders). Row bytes use bits 4..0, bit 4 being the leftmost pixel. Characters
 * outside the range draw as FONT_GLYPH_UNKNOWN (an empty box). */
#ifndef WP_CONSOLE_FONT_H
#define WP_CONSOLE_FONT_H

#include "kernel/compiler.h"

#define FONT_FIRST 0x20
#define FONT_LAST  0x7e
#define FONT_W     5
#define FONT_H     8
#define FONT_GLYPH_UNKNOWN (FONT_LAST - FONT_FIRST + 1)   /* index of the box glyph */

extern const uint8_t console_font[FONT_LAST - FONT_FIRST + 2][FONT_H];

/* The glyph rows for a character (the box for anything not printable ASCII). */
const uint8_t *font_glyph(char c);

#endif
