/* kernel/console_screen.c - text on the screen: VGA text cells or a linear framebuffer
 * drawn with the built-in font (behaviour in console_screen.h). */
#include "kernel/console_screen.h"
#include "kernel/console_font.h"
#include "kernel/arch/x86.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mm.h"

#define VGA_ATTR      0x07       /* light grey on black */
#define VGA_CRTC_INDEX 0x3d4     /* colour CRTC (VGA reference, "CRT Controller Registers") */
#define VGA_CRTC_DATA  0x3d5
#define VGA_CURSOR_HI  0x0e
#define VGA_CURSOR_LO  0x0f
#define TAB_WIDTH      8

static struct mb_framebuffer fb;
static struct screen_geom geom;
static bool configured;
static volatile uint8_t *fbmem;          /* mapping; NULL until screen_attach */
static char grid[SCREEN_MAX_ROWS][SCREEN_MAX_COLS];    /* the text */
static char shown[SCREEN_MAX_ROWS][SCREEN_MAX_COLS];   /* what the pixels show (0: unknown) */
static int cur_col, cur_row;
static int esc_state;                    /* 0 none, 1 after ESC, 2 inside CSI */
static int bytes_pp;
static uint32_t fg_pixel, bg_pixel;

static uint32_t pack_rgb(uint8_t r, uint8_t g, uint8_t b)
{
    return (uint32_t)(r >> (8 - MIN(fb.red_size, 8))) << fb.red_pos |
           (uint32_t)(g >> (8 - MIN(fb.green_size, 8))) << fb.green_pos |
           (uint32_t)(b >> (8 - MIN(fb.blue_size, 8))) << fb.blue_pos;
}

int screen_init(const struct mb_framebuffer *info)
{
    screen_reset();
    if (!info->present)
        return -1;
    fb = *info;
    geom.type = fb.type;
    if (fb.type == MB_FB_EGA_TEXT) {
        if (fb.pitch < fb.width * 2)
            return -1;
        geom.cols = (int)MIN(fb.width, SCREEN_MAX_COLS);
        geom.rows = (int)MIN(fb.height, SCREEN_MAX_ROWS);
    } else if (fb.type == MB_FB_RGB) {
        if (fb.bpp != 16 && fb.bpp != 24 && fb.bpp != 32)
            return -1;
        if (!fb.red_size || !fb.green_size || !fb.blue_size)
            return -1;
        bytes_pp = fb.bpp / 8;
        if (fb.pitch < fb.width * (uint32_t)bytes_pp)
            return -1;
        /* Scale so that 80 columns fit; at least 1, at most 3. */
        int s = (int)(fb.width / (SCREEN_CELL_W * 80));
        geom.scale = s < 1 ? 1 : s > 3 ? 3 : s;
        geom.cell_w = SCREEN_CELL_W * geom.scale;
        geom.cell_h = SCREEN_CELL_H * geom.scale;
        geom.cols = (int)MIN(fb.width / (uint32_t)geom.cell_w, SCREEN_MAX_COLS);
        geom.rows = (int)MIN(fb.height / (uint32_t)geom.cell_h, SCREEN_MAX_ROWS);
        fg_pixel = pack_rgb(0xc0, 0xc0, 0xc0);
        bg_pixel = pack_rgb(0, 0, 0);
    } else {
        return -1;                       /* indexed colour: not supported */
    }
    if (geom.cols < 1 || geom.rows < 2)
        return -1;
    memset(grid, ' ', sizeof(grid));
    configured = true;
    return 0;
}

bool screen_active(void) { return fbmem != NULL; }
const struct screen_geom *screen_geometry(void) { return configured ? &geom : NULL; }

static inline void put_pixel(volatile uint8_t *p, uint32_t v)
{
    switch (bytes_pp) {
    case 4: *(volatile uint32_t *)p = v; break;
    case 3: p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); break;
    default: *(volatile uint16_t *)p = (uint16_t)v; break;
    }
}

static void draw_cell(int col, int row)
{
    char c = grid[row][col];
    if (!fbmem || shown[row][col] == c)
        return;
    shown[row][col] = c;
    if (geom.type == MB_FB_EGA_TEXT) {
        volatile uint16_t *cell = (volatile uint16_t *)(fbmem + (size_t)row * fb.pitch) + col;
        *cell = (uint16_t)((uint8_t)c | VGA_ATTR << 8);
        return;
    }
    const uint8_t *glyph = font_glyph(c);
    int s = geom.scale;
    size_t x0 = (size_t)col * (size_t)geom.cell_w;
    size_t y0 = (size_t)row * (size_t)geom.cell_h;
    for (int y = 0; y < geom.cell_h; y++) {
        int gy = y / s - 1;                          /* one blank font row above */
        uint8_t bits = gy >= 0 && gy < FONT_H ? glyph[gy] : 0;
        volatile uint8_t *line = fbmem + (y0 + (size_t)y) * fb.pitch + x0 * (size_t)bytes_pp;
        for (int x = 0; x < geom.cell_w; x++) {
            int gx = x / s;
            bool on = gx < FONT_W && (bits & (0x10 >> gx));
            put_pixel(line + (size_t)x * (size_t)bytes_pp, on ? fg_pixel : bg_pixel);
        }
    }
}

static void draw_all(void)
{
    for (int r = 0; r < geom.rows; r++)
        for (int c = 0; c < geom.cols; c++)
            draw_cell(c, r);
}

/* Paint every pixel in lines [y0, y1) with the background (write-only: framebuffer
 * reads are slow on real hardware). */
static void clear_pixels(size_t y0, size_t y1)
{
    for (size_t y = y0; y < y1; y++) {
        volatile uint8_t *line = fbmem + y * fb.pitch;
        if (bg_pixel == 0) {
            memset((void *)line, 0, fb.width * (size_t)bytes_pp);
            continue;
        }
        for (uint32_t x = 0; x < fb.width; x++)
            put_pixel(line + (size_t)x * (size_t)bytes_pp, bg_pixel);
    }
}

static void update_hw_cursor(void)
{
    if (!fbmem || geom.type != MB_FB_EGA_TEXT)
        return;
    /* Only the standard 0xb8000 text buffer has the CRTC at the standard ports. */
    if (fb.addr != 0xb8000)
        return;
#ifndef WP_HOSTED
    uint16_t pos = (uint16_t)(cur_row * geom.cols + cur_col);
    outb(VGA_CRTC_INDEX, VGA_CURSOR_LO);
    outb(VGA_CRTC_DATA, (uint8_t)pos);
    outb(VGA_CRTC_INDEX, VGA_CURSOR_HI);
    outb(VGA_CRTC_DATA, (uint8_t)(pos >> 8));
#endif
}

/* Move the grid up by n rows (the freed rows are blank), then redraw the cells whose
 * character changed. The framebuffer is never read back. */
static void scroll(int n)
{
    if (n > geom.rows)
        n = geom.rows;
    memmove(grid[0], grid[n], sizeof(grid[0]) * (size_t)(geom.rows - n));
    for (int r = geom.rows - n; r < geom.rows; r++)
        memset(grid[r], ' ', sizeof(grid[r]));
    cur_row -= n;
    draw_all();
}

static void newline(void)
{
    cur_col = 0;
    if (++cur_row < geom.rows)
        return;
    /* Text cells are cheap to move one row at a time; pixels jump a quarter screen. */
    int n = geom.type == MB_FB_EGA_TEXT ? 1 : MAX(1, geom.rows / 4);
    scroll(n);
}

static void put_char(char c)
{
    unsigned char u = (unsigned char)c;
    if (esc_state == 1) {
        esc_state = u == '[' ? 2 : 0;
        return;
    }
    if (esc_state == 2) {
        if (u >= 0x40 && u <= 0x7e)          /* CSI final byte */
            esc_state = 0;
        return;
    }
    switch (u) {
    case 0x1b:
        esc_state = 1;
        return;
    case '\n':
        newline();
        return;
    case '\r':
        cur_col = 0;
        return;
    case '\b':
        if (cur_col > 0)
            cur_col--;
        return;
    case '\t':
        do
            put_char(' ');
        while (cur_col % TAB_WIDTH && cur_col < geom.cols);
        return;
    default:
        break;
    }
    if (u < 0x20)
        return;                              /* other control characters: nothing */
    if (cur_col >= geom.cols)
        newline();
    grid[cur_row][cur_col] = c;
    draw_cell(cur_col, cur_row);
    cur_col++;
}

void screen_write(const char *s, size_t n)
{
    if (!configured)
        return;
    for (size_t i = 0; i < n; i++)
        put_char(s[i]);
    update_hw_cursor();
}

void screen_attach(void *virt)
{
    if (!configured || !virt)
        return;
    fbmem = virt;
    if (geom.type == MB_FB_RGB) {
        clear_pixels(0, fb.height);
        memset(shown, ' ', sizeof(shown));
    } else {
        memset(shown, 0, sizeof(shown));     /* whatever the loader left: redraw all */
    }
    draw_all();
    update_hw_cursor();
}

#ifndef WP_HOSTED
void screen_map(void)
{
    if (!configured)
        return;
    size_t size = (size_t)fb.pitch * fb.height;
    screen_attach(ioremap(fb.addr, size));
}
#endif

size_t screen_row_text(int row, char *buf, size_t len)
{
    if (!len)
        return 0;
    buf[0] = 0;
    if (!configured || row < 0 || row >= geom.rows)
        return 0;
    size_t n = (size_t)geom.cols;
    while (n && grid[row][n - 1] == ' ')
        n--;
    n = MIN(n, len - 1);
    memcpy(buf, grid[row], n);
    buf[n] = 0;
    return n;
}

/* Read the cell back from the framebuffer and compare it with what the grid says should
 * be there (pixel by pixel against the font, or the text cell's character). */
bool screen_cell_verify(int col, int row)
{
    if (!fbmem || col < 0 || col >= geom.cols || row < 0 || row >= geom.rows)
        return false;
    char c = grid[row][col];
    if (geom.type == MB_FB_EGA_TEXT) {
        volatile uint16_t *cell = (volatile uint16_t *)(fbmem + (size_t)row * fb.pitch) + col;
        return (uint8_t)*cell == (uint8_t)c;
    }
    const uint8_t *glyph = font_glyph(c);
    int s = geom.scale;
    uint32_t mask = bytes_pp == 4 ? 0xffffffffu : (1u << (bytes_pp * 8)) - 1;
    for (int y = 0; y < geom.cell_h; y++) {
        int gy = y / s - 1;
        uint8_t bits = gy >= 0 && gy < FONT_H ? glyph[gy] : 0;
        volatile uint8_t *line = fbmem + ((size_t)row * (size_t)geom.cell_h + (size_t)y) * fb.pitch +
                                 (size_t)col * (size_t)geom.cell_w * (size_t)bytes_pp;
        for (int x = 0; x < geom.cell_w; x++) {
            int gx = x / s;
            bool on = gx < FONT_W && (bits & (0x10 >> gx));
            volatile uint8_t *p = line + (size_t)x * (size_t)bytes_pp;
            uint32_t v = bytes_pp == 4 ? *(volatile uint32_t *)p :
                         bytes_pp == 3 ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 :
                         *(volatile uint16_t *)p;
            if ((v & mask) != ((on ? fg_pixel : bg_pixel) & mask))
                return false;
        }
    }
    return true;
}

void screen_cursor(int *col, int *row)
{
    *col = cur_col;
    *row = cur_row;
}

void screen_reset(void)
{
    configured = false;
    fbmem = NULL;
    cur_col = cur_row = 0;
    esc_state = 0;
    memset(&geom, 0, sizeof(geom));
}
