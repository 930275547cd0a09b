/* mar-label.c — symbols with libzint, labels and sheets with cairo
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-label"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <zint.h>

#include "mar-label.h"

G_DEFINE_QUARK (mar-label-error-quark, mar_label_error)

/* Points per millimetre. */
#define MM (72.0 / 25.4)

#define LABEL_PADDING        (3.0 * MM)
#define LABEL_FOOTER         (2.6 * MM)
#define CELL_GAP             (3.0 * MM)
#define HRT_SIZE             6.0
#define TITLE_SIZE           10.0
#define LINE_SIZE            7.5
#define MIN_TEXT_SIZE        5.0
/* X-dimensions. GS1 General Specifications 5.12.3, Table 7 (healthcare):
 * DataMatrix 0.255–0.615 mm, GS1-128 from 0.250 mm (0.495 mm outside
 * retail). Webcams read larger modules far better than laser scanners
 * need, so labels use the upper end. */
#define MATRIX_MODULE_MAX    (0.75 * MM)
#define MATRIX_MODULE_MIN    (0.30 * MM)
#define LINEAR_MODULE_MAX    (0.50 * MM)
#define LINEAR_MODULE_MIN    (0.25 * MM)
#define LINEAR_BAR_MAX       (15.0 * MM)
/* Space between a symbol and its text: text against the quiet zone
 * confuses DataMatrix edge tracing at an angle. */
#define HRT_GAP              (1.2 * MM)
#define PAGE_MARGIN          (10.0 * MM)
#define SHEET_GAP            (4.0 * MM)

#define FONT_SANS            "DejaVu Sans"
#define FONT_MONO            "DejaVu Sans Mono"

typedef struct
{
  double x, y, w, h;    /* in modules */
} Bar;

struct _MarSymbol
{
  MarSymbology  symbology;
  char         *data;
  char         *text;
  gboolean      gs1;
  gboolean      linear;
  double        quiet;      /* modules of quiet zone added on each side */
  double        width;      /* modules, without our quiet zone */
  double        height;     /* modules (0 for linear) */
  GArray       *bars;       /* Bar */
};

struct _MarLabel
{
  MarLabelKind  kind;
  char         *title;
  GPtrArray    *lines;      /* char * */
  GPtrArray    *symbols;    /* MarSymbol * */
};

/* Symbols */

typedef struct
{
  int      zint;
  int      input_mode;
  gboolean gs1;
  double   quiet;
} SymbologyInfo;

static SymbologyInfo
symbology_info (MarSymbology symbology)
{
  /* Quiet zones: Code 128 and GS1-128 10X (ISO/IEC 15417, GS1 GenSpecs
   * 5.4.4.5); DataMatrix 1X minimum (ISO/IEC 16022), 2X here; QR 4X
   * (ISO/IEC 18004); PDF417 2X (ISO/IEC 15438). zint already includes
   * EAN-13's 11X/7X in its drawing. */
  switch (symbology)
    {
    case MAR_SYMBOL_GS1_DATAMATRIX:
      return (SymbologyInfo) { BARCODE_DATAMATRIX, GS1_MODE, TRUE, 2 };
    case MAR_SYMBOL_DATAMATRIX:
      return (SymbologyInfo) { BARCODE_DATAMATRIX, UNICODE_MODE, FALSE, 2 };
    case MAR_SYMBOL_CODE128:
      return (SymbologyInfo) { BARCODE_CODE128, UNICODE_MODE, FALSE, 10 };
    case MAR_SYMBOL_GS1_128:
      return (SymbologyInfo) { BARCODE_GS1_128, GS1_MODE, TRUE, 10 };
    case MAR_SYMBOL_QR:
      return (SymbologyInfo) { BARCODE_QRCODE, UNICODE_MODE, FALSE, 4 };
    case MAR_SYMBOL_GS1_QR:
      return (SymbologyInfo) { BARCODE_QRCODE, GS1_MODE, TRUE, 4 };
    case MAR_SYMBOL_PDF417:
      return (SymbologyInfo) { BARCODE_PDF417, UNICODE_MODE, FALSE, 2 };
    case MAR_SYMBOL_GS1_DATABAR_EXPANDED:
      return (SymbologyInfo) { BARCODE_DBAR_EXP, GS1_MODE, TRUE, 2 };
    case MAR_SYMBOL_EAN13:
    default:
      return (SymbologyInfo) { BARCODE_EANX, DATA_MODE, FALSE, 0 };
    }
}

/* "[01]0030…[17]2712" -> "(01)0030…(17)2712". GS1 values cannot contain
 * brackets (character set 82, GS1 GenSpecs 7.11), so every bracket is an
 * AI delimiter. */
static char *
gs1_human_readable (const char *bracketed)
{
  GString *s = g_string_new (NULL);

  for (const char *p = bracketed; *p; p++)
    g_string_append_c (s, *p == '[' ? '(' : *p == ']' ? ')' : *p);
  return g_string_free (s, FALSE);
}

MarSymbol *
mar_symbol_new (MarSymbology   symbology,
                const char    *data,
                GError       **error)
{
  SymbologyInfo info;
  struct zint_symbol *zs;
  MarSymbol *symbol;
  double upm;
  int rc;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (symbology <= MAR_SYMBOL_EAN13, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*data == '\0' || !g_utf8_validate (data, -1, NULL))
    {
      g_set_error_literal (error, MAR_LABEL_ERROR, MAR_LABEL_ERROR_INVALID_DATA,
                           _("There is no data to encode"));
      return NULL;
    }

  info = symbology_info (symbology);
  zs = ZBarcode_Create ();
  if (zs == NULL)
    g_error ("Out of memory");
  zs->symbology = info.zint;
  zs->input_mode = info.input_mode;
  zs->show_hrt = 0;
  /* A label that breaks a GS1 rule (a check digit, a month 13) must fail
   * here, not print: zint reports those as warnings unless told not to. */
  zs->warn_level = WARN_FAIL_ALL;
  if (info.zint == BARCODE_DATAMATRIX)
    zs->option_3 = DM_SQUARE;
  if (info.zint == BARCODE_QRCODE)
    zs->option_1 = 2;   /* error correction level M (15 %) */

  rc = ZBarcode_Encode (zs, (const unsigned char *) data, (int) strlen (data));
  if (rc < ZINT_ERROR)
    rc = ZBarcode_Buffer_Vector (zs, 0);
  if (rc >= ZINT_ERROR || zs->vector == NULL)
    {
      g_set_error (error, MAR_LABEL_ERROR,
                   rc == ZINT_ERROR_TOO_LONG ? MAR_LABEL_ERROR_TOO_LONG : MAR_LABEL_ERROR_INVALID_DATA,
                   _("The barcode cannot be made: %s"), zs->errtxt);
      ZBarcode_Delete (zs);
      return NULL;
    }

  symbol = g_new0 (MarSymbol, 1);
  symbol->symbology = symbology;
  symbol->data = g_strdup (data);
  symbol->gs1 = info.gs1;
  symbol->text = info.gs1 ? gs1_human_readable (data) : g_strdup (data);
  if (symbology == MAR_SYMBOL_EAN13)
    {
      g_free (symbol->text);
      symbol->text = g_strdup ((const char *) zs->text);   /* with the check digit */
    }
  symbol->linear = zs->rows == 1;
  symbol->quiet = info.quiet;
  symbol->bars = g_array_new (FALSE, FALSE, sizeof (Bar));

  /* zint's vector unit is half a module at scale 1. */
  upm = 2.0 * (zs->scale > 0 ? zs->scale : 1.0);
  symbol->width = zs->vector->width / upm;
  symbol->height = symbol->linear ? 0 : zs->vector->height / upm;
  for (struct zint_vector_rect *r = zs->vector->rectangles; r != NULL; r = r->next)
    {
      Bar bar = { r->x / upm, r->y / upm, r->width / upm, r->height / upm };

      /* Colour -1 is the foreground; zint paints nothing else here. */
      if (r->colour == -1 || r->colour == 7)
        g_array_append_val (symbol->bars, bar);
    }

  ZBarcode_Delete (zs);
  return symbol;
}

void
mar_symbol_free (MarSymbol *symbol)
{
  if (symbol == NULL)
    return;
  g_free (symbol->data);
  g_free (symbol->text);
  g_array_unref (symbol->bars);
  g_free (symbol);
}

MarSymbology
mar_symbol_get_symbology (const MarSymbol *symbol)
{
  g_return_val_if_fail (symbol != NULL, 0);
  return symbol->symbology;
}

const char *
mar_symbol_get_data (const MarSymbol *symbol)
{
  g_return_val_if_fail (symbol != NULL, NULL);
  return symbol->data;
}

const char *
mar_symbol_get_text (const MarSymbol *symbol)
{
  g_return_val_if_fail (symbol != NULL, NULL);
  return symbol->text;
}

gboolean
mar_symbol_is_linear (const MarSymbol *symbol)
{
  g_return_val_if_fail (symbol != NULL, FALSE);
  return symbol->linear;
}

void
mar_symbol_get_modules (const MarSymbol *symbol,
                        double          *width,
                        double          *height)
{
  g_return_if_fail (symbol != NULL);

  if (width != NULL)
    *width = symbol->width + 2 * symbol->quiet;
  if (height != NULL)
    *height = symbol->linear ? 0 : symbol->height + 2 * symbol->quiet;
}

void
mar_symbol_draw (const MarSymbol *symbol,
                 cairo_t         *cr,
                 double           x,
                 double           y,
                 double           module,
                 double           bar_height)
{
  g_return_if_fail (symbol != NULL);
  g_return_if_fail (cr != NULL);

  cairo_save (cr);
  cairo_new_path (cr);
  x += symbol->quiet * module;
  if (!symbol->linear)
    y += symbol->quiet * module;
  /* One path, one fill: adjacent modules merge without hairline seams. */
  for (guint i = 0; i < symbol->bars->len; i++)
    {
      const Bar *b = &g_array_index (symbol->bars, Bar, i);

      if (symbol->linear)
        cairo_rectangle (cr, x + b->x * module, y, b->w * module, bar_height);
      else
        cairo_rectangle (cr, x + b->x * module, y + b->y * module, b->w * module, b->h * module);
    }
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
  cairo_fill (cr);
  cairo_restore (cr);
}

cairo_surface_t *
mar_symbol_render_image (const MarSymbol *symbol,
                         int              module_px,
                         int              bar_px)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  double wm, hm;
  int w, h, margin;

  g_return_val_if_fail (symbol != NULL, NULL);
  g_return_val_if_fail (module_px > 0, NULL);

  mar_symbol_get_modules (symbol, &wm, &hm);
  /* Linear symbols get a margin above and below as well, as on paper. */
  margin = symbol->linear ? 4 * module_px : 0;
  w = (int) ceil (wm * module_px);
  h = symbol->linear ? MAX (bar_px, 1) + 2 * margin : (int) ceil (hm * module_px);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  /* Whole pixels per module: no grey edges to blur the test images. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  mar_symbol_draw (symbol, cr, 0, margin, module_px, MAX (bar_px, 1));
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Labels */

MarLabel *
mar_label_new (MarLabelKind  kind,
               const char   *title)
{
  MarLabel *label;

  g_return_val_if_fail (kind <= MAR_LABEL_STAFF_BADGE, NULL);

  label = g_new0 (MarLabel, 1);
  label->kind = kind;
  label->title = g_strdup (title ? title : "");
  label->lines = g_ptr_array_new_with_free_func (g_free);
  label->symbols = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_symbol_free);
  return label;
}

void
mar_label_free (MarLabel *label)
{
  if (label == NULL)
    return;
  g_free (label->title);
  g_ptr_array_unref (label->lines);
  g_ptr_array_unref (label->symbols);
  g_free (label);
}

MarLabelKind
mar_label_get_kind (const MarLabel *label)
{
  g_return_val_if_fail (label != NULL, 0);
  return label->kind;
}

void
mar_label_add_line (MarLabel   *label,
                    const char *text)
{
  g_return_if_fail (label != NULL);
  g_return_if_fail (text != NULL);
  g_ptr_array_add (label->lines, g_utf8_make_valid (text, -1));
}

gboolean
mar_label_add_symbol (MarLabel      *label,
                      MarSymbology   symbology,
                      const char    *data,
                      GError       **error)
{
  MarSymbol *symbol;

  g_return_val_if_fail (label != NULL, FALSE);
  g_return_val_if_fail (label->symbols->len < 2, FALSE);

  symbol = mar_symbol_new (symbology, data, error);
  if (symbol == NULL)
    return FALSE;
  g_ptr_array_add (label->symbols, symbol);
  return TRUE;
}

guint
mar_label_get_n_symbols (const MarLabel *label)
{
  g_return_val_if_fail (label != NULL, 0);
  return label->symbols->len;
}

const MarSymbol *
mar_label_get_symbol (const MarLabel *label,
                      guint           index)
{
  g_return_val_if_fail (label != NULL, NULL);
  g_return_val_if_fail (index < label->symbols->len, NULL);
  return g_ptr_array_index (label->symbols, index);
}

void
mar_label_get_size (const MarLabel *label,
                    double         *width,
                    double         *height)
{
  double w = 90, h = 60;

  g_return_if_fail (label != NULL);

  switch (label->kind)
    {
    case MAR_LABEL_WRISTBAND:
      w = 190, h = 25;          /* a printable band insert */
      break;
    case MAR_LABEL_IV_BAG:
    case MAR_LABEL_PHARMACY_BAG:
      w = 90, h = 60;           /* two across an A4 or Letter sheet */
      break;
    case MAR_LABEL_STAFF_BADGE:
      w = 85.6, h = 54;         /* ISO/IEC 7810 ID-1 card */
      break;
    default:
      break;
    }
  if (width != NULL)
    *width = w * MM;
  if (height != NULL)
    *height = h * MM;
}

/* Text */

static void
set_font (cairo_t  *cr,
          gboolean  mono,
          gboolean  bold,
          double    size)
{
  cairo_select_font_face (cr, mono ? FONT_MONO : FONT_SANS, CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

static double
text_width (cairo_t    *cr,
            const char *text)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, text, &ext);
  return ext.x_advance;
}

/* Shrinks the font until @text fits @max_width (down to MIN_TEXT_SIZE),
 * then shortens it with an ellipsis: a name is never drawn over a code. */
static char *
fit_text (cairo_t    *cr,
          const char *text,
          gboolean    mono,
          gboolean    bold,
          double      size,
          double      max_width)
{
  g_autoptr(GString) s = NULL;

  for (; size > MIN_TEXT_SIZE; size -= 0.5)
    {
      set_font (cr, mono, bold, size);
      if (text_width (cr, text) <= max_width)
        return g_strdup (text);
    }
  set_font (cr, mono, bold, MIN_TEXT_SIZE);
  s = g_string_new (text);
  while (s->len > 0)
    {
      g_autofree char *candidate = g_strconcat (s->str, "…", NULL);
      const char *prev;

      if (text_width (cr, candidate) <= max_width)
        return g_steal_pointer (&candidate);
      prev = g_utf8_find_prev_char (s->str, s->str + s->len);
      g_string_truncate (s, prev ? (gsize) (prev - s->str) : 0);
    }
  return g_strdup ("");
}

static void
show_text_at (cairo_t    *cr,
              const char *text,
              double      x,
              double      baseline)
{
  cairo_move_to (cr, x, baseline);
  cairo_show_text (cr, text);
}

/* The human-readable text, as lines of at most @max_width: GS1 strings
 * break before an AI "(", so each element string stays whole. */
static GPtrArray *
hrt_lines (cairo_t         *cr,
           const MarSymbol *symbol,
           double           max_width)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GString *current = g_string_new (NULL);
  const char *p = symbol->text;

  set_font (cr, TRUE, FALSE, HRT_SIZE);
  if (!symbol->gs1)
    {
      g_ptr_array_add (lines, fit_text (cr, symbol->text, TRUE, FALSE, HRT_SIZE, max_width));
      g_string_free (current, TRUE);
      set_font (cr, TRUE, FALSE, HRT_SIZE);
      return lines;
    }

  while (*p)
    {
      const char *next = strchr (p + 1, '(');
      gsize n = next ? (gsize) (next - p) : strlen (p);
      g_autofree char *element = g_strndup (p, n);
      g_autofree char *joined = g_strconcat (current->str, element, NULL);

      if (current->len > 0 && text_width (cr, joined) > max_width)
        {
          g_ptr_array_add (lines, g_string_free (current, FALSE));
          current = g_string_new (element);
        }
      else
        g_string_assign (current, joined);
      p += n;
    }
  if (current->len > 0)
    g_ptr_array_add (lines, g_string_free (current, FALSE));
  else
    g_string_free (current, TRUE);
  return lines;
}

/* One symbol with its text under it, sized to a cell. */
typedef struct
{
  const MarSymbol *symbol;
  GPtrArray       *hrt;
  double           module;
  double           bar_height;
  double           symbol_width;
  double           symbol_height;
  double           width;
  double           height;
} Cell;

static void
cell_measure (cairo_t *cr,
              Cell    *cell,
              double   height,
              double   scale)
{
  double wm, hm, hrt_height, hrt_width = 0;
  /* HRT may be as wide as the symbol, or a little wider for 2D symbols. */
  double hrt_budget;

  mar_symbol_get_modules (cell->symbol, &wm, &hm);

  g_clear_pointer (&cell->hrt, g_ptr_array_unref);
  if (cell->symbol->linear)
    {
      cell->module = MAX (LINEAR_MODULE_MAX * scale, LINEAR_MODULE_MIN);
      hrt_budget = wm * cell->module;
    }
  else
    hrt_budget = MAX (hm > 0 ? height * wm / hm : height, 28 * MM);

  cell->hrt = hrt_lines (cr, cell->symbol, hrt_budget);
  hrt_height = HRT_GAP + cell->hrt->len * HRT_SIZE * 1.15;
  for (guint i = 0; i < cell->hrt->len; i++)
    hrt_width = MAX (hrt_width, text_width (cr, g_ptr_array_index (cell->hrt, i)));

  if (cell->symbol->linear)
    {
      cell->bar_height = CLAMP (height - hrt_height, 4 * MM, LINEAR_BAR_MAX);
      cell->symbol_width = wm * cell->module;
      cell->symbol_height = cell->bar_height;
    }
  else
    {
      cell->module = MIN (MATRIX_MODULE_MAX * scale, (height - hrt_height) / hm);
      cell->module = MAX (cell->module, MATRIX_MODULE_MIN);
      cell->symbol_width = wm * cell->module;
      cell->symbol_height = hm * cell->module;
    }
  cell->width = MAX (cell->symbol_width, hrt_width);
  cell->height = cell->symbol_height + hrt_height;
}

static void
cell_draw (cairo_t    *cr,
           const Cell *cell,
           double      x,
           double      y)
{
  double sx = x + (cell->width - cell->symbol_width) / 2;
  double baseline = y + cell->symbol_height + HRT_GAP + HRT_SIZE * 0.85;

  cairo_set_source_rgb (cr, 0, 0, 0);
  mar_symbol_draw (cell->symbol, cr, sx, y, cell->module, cell->bar_height);
  set_font (cr, TRUE, FALSE, HRT_SIZE);
  for (guint i = 0; i < cell->hrt->len; i++)
    {
      const char *line = g_ptr_array_index (cell->hrt, i);

      show_text_at (cr, line, x + (cell->width - text_width (cr, line)) / 2, baseline);
      baseline += HRT_SIZE * 1.15;
    }
}

static void
cells_clear (Cell  *cells,
             guint  n)
{
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&cells[i].hrt, g_ptr_array_unref);
}

/* Sizes the cells to @height and shrinks them until they fit @width. */
static double
cells_fit (cairo_t *cr,
           Cell    *cells,
           guint    n,
           double   height,
           double   width)
{
  double scale = 1.0, total = 0;

  for (int attempt = 0; attempt < 6; attempt++)
    {
      total = 0;
      for (guint i = 0; i < n; i++)
        {
          cell_measure (cr, &cells[i], height, scale);
          total += cells[i].width + (i > 0 ? CELL_GAP : 0);
        }
      if (total <= width || total <= 0)
        break;
      scale *= width / total;
    }
  return total;
}

static const char *
kind_name (MarLabelKind kind)
{
  switch (kind)
    {
    case MAR_LABEL_WRISTBAND: return _("Patient wristband");
    case MAR_LABEL_IV_BAG: return _("IV bag");
    case MAR_LABEL_PHARMACY_BAG: return _("Pharmacy label");
    case MAR_LABEL_STAFF_BADGE: return _("Staff badge");
    default: return "";
    }
}

/* Title and lines from (x, y) down, within @width and @height. */
static void
draw_text_block (cairo_t        *cr,
                 const MarLabel *label,
                 double          x,
                 double          y,
                 double          width,
                 double          height)
{
  double title_size = TITLE_SIZE, line_size = LINE_SIZE;
  double needed, baseline;

  /* Shrink both sizes together until every line fits the height. */
  for (;;)
    {
      needed = title_size * 1.2 + label->lines->len * line_size * 1.2;
      if (needed <= height || line_size <= MIN_TEXT_SIZE)
        break;
      title_size = MAX (title_size - 0.5, MIN_TEXT_SIZE);
      line_size = MAX (line_size - 0.5, MIN_TEXT_SIZE);
    }

  cairo_set_source_rgb (cr, 0, 0, 0);
  baseline = y + title_size;
  {
    g_autofree char *title = fit_text (cr, label->title, FALSE, TRUE, title_size, width);

    show_text_at (cr, title, x, baseline);
  }
  baseline += title_size * 0.2 + line_size * 1.2;
  for (guint i = 0; i < label->lines->len; i++)
    {
      g_autofree char *line = NULL;

      if (baseline > y + height + 0.5)
        break;
      line = fit_text (cr, g_ptr_array_index (label->lines, i), FALSE, FALSE, line_size, width);
      show_text_at (cr, line, x, baseline);
      baseline += line_size * 1.2;
    }
}

void
mar_label_draw (const MarLabel *label,
                cairo_t        *cr,
                double          x,
                double          y)
{
  Cell cells[2] = { { 0, } };
  guint n = label->symbols->len;
  double w, h, inner_x, inner_y, inner_w, inner_h, total;
  g_autofree char *footer = NULL;

  g_return_if_fail (label != NULL);
  g_return_if_fail (cr != NULL);

  mar_label_get_size (label, &w, &h);
  for (guint i = 0; i < n; i++)
    cells[i].symbol = g_ptr_array_index (label->symbols, i);

  cairo_save (cr);

  /* White ground and a light cut line. */
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.7, 0.7, 0.7);
  cairo_set_line_width (cr, 0.5);
  cairo_stroke (cr);

  inner_x = x + LABEL_PADDING;
  inner_y = y + LABEL_PADDING;
  inner_w = w - 2 * LABEL_PADDING;
  inner_h = h - 2 * LABEL_PADDING - LABEL_FOOTER;

  if (label->kind == MAR_LABEL_WRISTBAND)
    {
      /* A band is a strip: text on the left, codes in a row on the right. */
      double cx;

      total = cells_fit (cr, cells, n, inner_h, inner_w * 0.65);
      cx = inner_x + inner_w - total;
      for (guint i = 0; i < n; i++)
        {
          cell_draw (cr, &cells[i], cx, inner_y + (inner_h - cells[i].height) / 2);
          cx += cells[i].width + CELL_GAP;
        }
      draw_text_block (cr, label, inner_x, inner_y, MAX (inner_w - total - CELL_GAP, 20 * MM), inner_h);
    }
  else
    {
      /* Bags and badges: text on top, codes in a row beneath. */
      double text_h = MIN (inner_h * 0.42, TITLE_SIZE * 1.2 + label->lines->len * LINE_SIZE * 1.2);
      double row_y = inner_y + text_h + 1.5 * MM;
      double row_h = inner_y + inner_h - row_y;
      double cx = inner_x;

      draw_text_block (cr, label, inner_x, inner_y, inner_w, text_h);
      total = cells_fit (cr, cells, n, row_h, inner_w);
      if (n == 1)
        cx = inner_x + (inner_w - total) / 2;
      for (guint i = 0; i < n; i++)
        {
          cell_draw (cr, &cells[i], cx, row_y + (row_h - cells[i].height) / 2);
          cx += cells[i].width + (n > 1 ? MAX (CELL_GAP, (inner_w - total) / (n - 1) + CELL_GAP) : 0);
        }
    }

  /* These sheets are for trying the app: a printed demo label must never
   * pass for a real one on a ward. */
  footer = g_strdup_printf ("%s · %s", kind_name (label->kind), _("Demo label, not for patient use"));
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  set_font (cr, FALSE, FALSE, 5.0);
  show_text_at (cr, footer, inner_x, y + h - LABEL_PADDING * 0.6);

  cells_clear (cells, n);
  cairo_restore (cr);
}

cairo_surface_t *
mar_label_render_image (const MarLabel *label,
                        double          pixels_per_mm)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  double w, h;

  g_return_val_if_fail (label != NULL, NULL);
  g_return_val_if_fail (pixels_per_mm > 0, NULL);

  mar_label_get_size (label, &w, &h);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                        (int) ceil (w / MM * pixels_per_mm),
                                        (int) ceil (h / MM * pixels_per_mm));
  cr = cairo_create (surface);
  cairo_scale (cr, pixels_per_mm / MM, pixels_per_mm / MM);
  mar_label_draw (label, cr, 0, 0);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Sheets */

typedef struct
{
  guint  page;
  double x, y;
} Placement;

static void
paper_size (MarPaperSize  paper,
            double       *width,
            double       *height)
{
  if (paper == MAR_PAPER_LETTER)
    *width = 612, *height = 792;                    /* 8.5 × 11 in */
  else
    *width = 210 * MM, *height = 297 * MM;          /* ISO 216 A4 */
}

/* Left to right, top to bottom, in order: shelves as tall as their
 * tallest label. Returns the number of pages. */
static guint
layout_sheet (GPtrArray    *labels,
              MarPaperSize  paper,
              Placement    *placements)
{
  double pw, ph, x, y, shelf = 0;
  double footer = 8 * MM;
  guint page = 0;

  paper_size (paper, &pw, &ph);
  x = PAGE_MARGIN;
  y = PAGE_MARGIN;
  for (guint i = 0; i < labels->len; i++)
    {
      double w, h;

      mar_label_get_size (g_ptr_array_index (labels, i), &w, &h);
      if (x > PAGE_MARGIN && x + w > pw - PAGE_MARGIN)
        {
          x = PAGE_MARGIN;
          y += shelf + SHEET_GAP;
          shelf = 0;
        }
      if (y > PAGE_MARGIN && y + h > ph - PAGE_MARGIN - footer)
        {
          page++;
          x = PAGE_MARGIN;
          y = PAGE_MARGIN;
          shelf = 0;
        }
      placements[i] = (Placement) { page, x, y };
      x += w + SHEET_GAP;
      shelf = MAX (shelf, h);
    }
  return labels->len > 0 ? page + 1 : 1;
}

guint
mar_label_sheet_count_pages (GPtrArray    *labels,
                             MarPaperSize  paper)
{
  g_autofree Placement *placements = NULL;

  g_return_val_if_fail (labels != NULL, 0);

  placements = g_new0 (Placement, MAX (labels->len, 1));
  return layout_sheet (labels, paper, placements);
}

typedef struct
{
  GOutputStream *stream;
  GCancellable  *cancellable;
  GError        *error;
} PdfSink;

static cairo_status_t
pdf_write (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  PdfSink *sink = closure;

  if (sink->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (sink->stream, data, length, NULL, sink->cancellable, &sink->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

gboolean
mar_label_sheet_write_pdf_to_stream (GPtrArray     *labels,
                                     MarPaperSize   paper,
                                     GOutputStream *stream,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  g_autofree Placement *placements = NULL;
  PdfSink sink = { stream, cancellable, NULL };
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  double pw, ph;
  guint n_pages, page = 0;

  g_return_val_if_fail (labels != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  paper_size (paper, &pw, &ph);
  placements = g_new0 (Placement, MAX (labels->len, 1));
  n_pages = layout_sheet (labels, paper, placements);

  surface = cairo_pdf_surface_create_for_stream (pdf_write, &sink, pw, ph);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _("Bedside MAR demo labels"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, PACKAGE_NAME " " PACKAGE_VERSION);
  cr = cairo_create (surface);

  for (guint i = 0; i <= labels->len; i++)
    {
      gboolean new_page = i == labels->len || placements[i].page != page;

      if (new_page)
        {
          g_autofree char *footer = g_strdup_printf (_("Bedside MAR demo labels — page %u of %u"),
                                                     page + 1, n_pages);

          cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
          set_font (cr, FALSE, FALSE, 7.0);
          show_text_at (cr, footer, (pw - text_width (cr, footer)) / 2, ph - PAGE_MARGIN);
          if (i == labels->len)
            break;
          cairo_show_page (cr);
          page = placements[i].page;
        }
      mar_label_draw (g_ptr_array_index (labels, i), cr, placements[i].x, placements[i].y);
    }
  if (labels->len == 0)
    cairo_show_page (cr);

  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (sink.error != NULL)
    {
      g_propagate_error (error, sink.error);
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MAR_LABEL_ERROR, MAR_LABEL_ERROR_OUTPUT,
                   _("The label sheet could not be written: %s"), cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

gboolean
mar_label_sheet_write_pdf (GPtrArray     *labels,
                           MarPaperSize   paper,
                           const char    *path,
                           GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;

  g_return_val_if_fail (labels != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_path (path);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, error);
  if (stream == NULL)
    return FALSE;
  if (!mar_label_sheet_write_pdf_to_stream (labels, paper, G_OUTPUT_STREAM (stream), NULL, error))
    {
      g_autoptr(GCancellable) abandon = g_cancellable_new ();

      /* Closing a replace stream cancelled drops the temporary file and
       * leaves any earlier PDF as it was: no half-written sheet. */
      g_cancellable_cancel (abandon);
      g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
      return FALSE;
    }
  return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}
